"""Figures of the aged receivables report."""


def _aged_by_partner_and_bucket(env, _context):
    """What the pivot asks for: open items grouped by customer and age bucket."""
    groups = env["credit.aged.receivable"].read_group(
        [("company_id", "=", env.company.id)],
        ["amount_residual:sum"],
        ["commercial_partner_id", "bucket"],
        lazy=False,
    )
    customers = {group["commercial_partner_id"] for group in groups}
    total = sum(group["amount_residual"] for group in groups)
    return f"{len(customers):,} customers, {len(groups):,} cells, {total:,.2f} EUR"


def _company_dso(env, _context):
    figures = env.company._credit_dso_figures()
    return ", ".join(f"{key} {value}" for key, value in figures.items())


FIGURES = [
    {
        "name": "aged receivables by customer and bucket (pivot read_group)",
        "target_seconds": 0.5,
        "setup": lambda env: None,
        "run": _aged_by_partner_and_bucket,
    },
    {
        "name": "company DSO (one grouped query)",
        "target_seconds": 0.5,
        "setup": lambda env: None,
        "run": _company_dso,
    },
]
