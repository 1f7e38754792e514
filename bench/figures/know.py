"""Figures of "know the customer": payment behaviour, score, band and profile."""

import importlib.util
from collections import Counter
from datetime import date
from datetime import timedelta
from pathlib import Path

from odoo.tools import SQL


def _score_everyone(env, _context):
    """``_credit_update_scores()`` (what ``credit_update_scores()`` does after checking
    the caller) on an empty recordset: every customer of the company (the 5,000
    benchmark customers, at double the data 10,000)."""
    updated = env["res.partner"]._credit_update_scores()
    return f"{len(updated):,} customers scored"


def _bench_customers(env):
    return env["res.partner"].search([("ref", "=like", "BENCH-%")])


def _score_bench_customers(env, customers):
    updated = customers._credit_update_scores()
    bands = Counter(updated.mapped("credit_band"))
    return f"{len(updated):,} customers, bands " + " ".join(
        f"{band}:{bands[band]}" for band in "ABCDE"
    )


def _score_every_company(env, _context):
    """The nightly run: every company scores its customers on its own ledger."""
    env["res.partner"]._cron_credit_update_scores()
    companies = env["res.company"].search_count([])
    return f"{companies} companies scored one by one"


def _load_generator():
    path = Path(__file__).resolve().parent.parent / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _generate_ledger(env, partners, invoices, months, seed=4242):
    """``generate.generate`` without its checks, which count every customer and invoice
    of the database: the steps that write a ledger in ``env.company``."""
    generator = _load_generator()
    today = date.today()
    models = generator.create_models(env, today - timedelta(days=int(months * 365.25 / 12)))
    paid, payment_move, reversal = models.pop("records")
    models["invoice_numbering"] = generator._numbering(env.cr, paid)
    models["payment_numbering"] = generator._numbering(env.cr, payment_move)
    models["reversal_numbering"] = generator._numbering(env.cr, reversal)
    stories = generator.plan_scenarios(partners, invoices, months, seed, today)
    ids = generator._id_blocks(env.cr, generator.TABLES)
    generator.insert_plan(env.cr, generator.PlanBuilder(models, ids, today).build(stories))
    env.invalidate_all()


def _second_company_sharing_the_customers(env):
    """Untimed: a second company invoices the same benchmark customers. The generator
    writes its ledger again in a new company (same number of customers and invoices,
    another seed), then every reference to the customers it created is moved onto
    company A's customers with the same ``ref``, and its own customers are archived: each
    customer now has a ledger in both companies."""
    cr = env.cr
    customers = _bench_customers(env)
    cr.execute(
        """SELECT count(*), min(invoice_date) FROM account_move
            WHERE move_type = 'out_invoice' AND state = 'posted' AND partner_id = ANY(%s)""",
        [customers.ids],
    )
    invoice_count, first_day = cr.fetchone()
    months = max(1, round((date.today() - first_day).days * 12 / 365.25))
    company_b = env["res.company"].create(
        {"name": "Benchmark Company B", "currency_id": env.ref("base.EUR").id}
    )
    env["account.chart.template"].try_loading("generic_coa", company=company_b)
    cr.execute("SELECT max(id) FROM res_partner")
    last_partner = cr.fetchone()[0]
    env_b = env(context=dict(env.context, allowed_company_ids=company_b.ids))
    _generate_ledger(env_b, len(customers), round(invoice_count / len(customers)), months)
    cr.execute(
        """CREATE TEMP TABLE bench_partner_map AS
           SELECT new.id AS new_id, old.id AS old_id
             FROM res_partner new JOIN res_partner old ON old.ref = new.ref
            WHERE new.id > %s AND old.id <= %s AND new.ref LIKE 'BENCH-%%'""",
        [last_partner, last_partner],
    )
    cr.execute(
        """SELECT c.conrelid::regclass::text, a.attname
             FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND c.confrelid = 'res_partner'::regclass"""
    )
    for table, column in cr.fetchall():
        cr.execute(
            SQL(
                "UPDATE %s t SET %s = m.old_id FROM bench_partner_map m WHERE t.%s = m.new_id",
                SQL.identifier(table),
                SQL.identifier(column),
                SQL.identifier(column),
            )
        )
    # archived, not deleted: a DELETE checks every foreign key to res_partner row by row
    cr.execute(
        "UPDATE res_partner SET active = FALSE, customer_rank = 0, ref = NULL"
        " WHERE id IN (SELECT new_id FROM bench_partner_map)"
    )
    cr.execute("DROP TABLE bench_partner_map")
    env.invalidate_all()
    return company_b


def _score_two_companies(env, company_b):
    """Both companies score the shared customers, each on its own ledger."""
    partners = env["res.partner"].sudo()
    company_a = env.company
    counts = [len(partners.with_company(c)._credit_update_scores()) for c in (company_a, company_b)]
    return f"{counts[0]:,} customers in company A, {counts[1]:,} in company B"


FIGURES = [
    {
        "name": "score and behaviour, 5,000 customers",
        "target_seconds": 10,
        "setup": lambda env: None,
        "run": _score_everyone,
    },
    {
        "name": "score and behaviour, benchmark customers as a recordset",
        "target_seconds": 10,
        "setup": _bench_customers,
        "run": _score_bench_customers,
    },
    {
        "name": "score and behaviour, nightly run of every company",
        "target_seconds": 10,
        "setup": lambda env: None,
        "run": _score_every_company,
    },
    {
        "name": "score and behaviour, two companies sharing the customers",
        "target_seconds": 10,
        "setup": _second_company_sharing_the_customers,
        "run": _score_two_companies,
    },
]
