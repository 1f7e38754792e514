"""Figures of the foundation: what every credit feature starts from."""

from odoo import fields


def _open_receivables_by_partner(env, _context):
    """Open collectible receivable lines of the benchmark customers, one grouped query."""
    domain = [
        ("account_id.account_type", "=", "asset_receivable"),
        ("parent_state", "=", "posted"),
        ("reconciled", "=", False),
        ("partner_id.ref", "=like", "BENCH-%"),
        ("company_id", "=", env.company.id),
        *env["account.move"]._credit_collectible_line_domain(),
    ]
    today = fields.Date.context_today(env.user)
    groups = env["account.move.line"]._read_group(
        domain, ["partner_id"], ["amount_residual:sum", "id:count"]
    )
    overdue = env["account.move.line"].search_count([*domain, ("date_maturity", "<", today)])
    total = sum(amount for _partner, amount, _count in groups)
    lines = sum(count for _partner, _amount, count in groups)
    return (
        f"{len(groups):,} customers, {lines:,} open lines ({overdue:,} overdue), {total:,.2f} EUR"
    )


FIGURES = [
    {
        "name": "open receivables by customer (one grouped query)",
        "target_seconds": 2,
        "setup": lambda env: None,
        "run": _open_receivables_by_partner,
    },
]
