"""Figures of "know the customer": payment behaviour, score, band and profile."""

from collections import Counter


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
]
