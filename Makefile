# credit_control: the project's commands. See README.md.
# Odoo is found by tools/odoo-env (python3, or ODOO_HOME=/opt/odoo by default).
.PHONY: help run test test-core test-quick lint bench clean

help:
	@echo "make run         create/update the demo database and serve Odoo on http://localhost:8069"
	@echo "make test        core tests, then (with Odoo) install/upgrade checks and the Odoo suite"
	@echo "make test-core   the pure-Python core tests only"
	@echo "make test-quick  upgrade a dev database and run Odoo tests (DB=..., PYTEST_ARGS=...)"
	@echo "make lint        ruff and pylint-odoo"
	@echo "make bench       build (once) the benchmark template and print the timed figures"

run:
	tools/run

test:
	tools/test

test-core:
	python3 -m pytest -q credit_control/core/tests

test-quick:
	tools/test-quick

lint:
	tools/lint

bench:
	tools/bench

clean:
	rm -rf .build
