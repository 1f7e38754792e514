"""Figures of "know the customer": payment behaviour, score, band and profile."""

from collections import Counter


def _score_everyone(env, _context):
    """``credit_update_scores()`` on an empty recordset: every customer of the company
    (the 5,000 benchmark customers, at double the data 10,000)."""
    updated = env["res.partner"].credit_update_scores()
    return f"{len(updated):,} customers scored"


def _bench_customers(env):
    return env["res.partner"].search([("ref", "=like", "BENCH-%")])


def _score_bench_customers(env, customers):
    updated = customers.credit_update_scores()
    bands = Counter(updated.mapped("credit_band"))
    return f"{len(updated):,} customers, bands " + " ".join(
        f"{band}:{bands[band]}" for band in "ABCDE"
    )


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
]
