"""Run the examples in every core module's docstrings as tests."""

import doctest
import importlib
import pkgutil

import pytest

import core

CORE_MODULES = sorted(info.name for info in pkgutil.iter_modules(core.__path__) if not info.ispkg)


@pytest.mark.parametrize("module_name", CORE_MODULES)
def test_docstring_examples(module_name):
    module = importlib.import_module(f"core.{module_name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed"


def test_core_never_imports_odoo():
    for module_name in CORE_MODULES:
        source = importlib.import_module(f"core.{module_name}").__file__
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
        assert "import odoo" not in text and "from odoo" not in text, module_name
