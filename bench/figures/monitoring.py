"""Figures of monitoring: the daily digest and the Credit Control overview."""

from odoo import Command
from odoo import fields

DIGEST_USERS = 5


def _digest_users(env):
    """Five credit users of the company who asked for the digest; the data's news is what
    the ledger holds (items that fell due yesterday, the largest exposures...)."""
    company = env.company
    group = env.ref("credit_control.group_credit_user")
    users = env["res.users"].create(
        [
            {
                "name": f"Digest Reader {index}",
                "login": f"bench_digest_{index}",
                "email": f"digest{index}@example.com",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([env.ref("base.group_user").id, group.id])],
                "lang": "en_US",
                "credit_digest": True,
            }
            for index in range(1, DIGEST_USERS + 1)
        ]
    )
    return {"users": users.ids}


def _send_digests(env, context):
    """The scheduled action's work for 5 users: news gathered once for the company,
    5 e-mails rendered and queued."""
    Log = env["credit.digest.log"]
    today = fields.Date.context_today(Log)
    sent = Log._cron_credit_send_digests(batch_size=50)
    logs = Log.search([("date", "=", today), ("user_id", "in", context["users"])])
    mails = logs.filtered("mail_id")
    sections = {s["key"]: s["count"] for s in (logs[:1].payload or {}).get("sections", ())}
    detail = ", ".join(f"{key} {count:,}" for key, count in sections.items())
    return f"{sent} digests, {len(mails)} e-mails; {detail}"


def _nightly_forecast(env):
    """What the nightly run leaves: every company's forecast rows, which the cash-in card
    reads."""
    env["credit.cashin.forecast"]._credit_refresh_all_companies()


def _overview_data(env, _context):
    """Every card's figures for the company, what the overview reads when it opens."""
    data = env["credit.overview.card"]._credit_overview_data(env.company)
    overdue = data["overdue"]
    return (
        f"overdue {overdue['amount']:,.2f} in {overdue['count']:,} items "
        f"(30 days ago {overdue['amount_then']:,.2f}, {overdue['trend']}%), "
        f"{data['reports']['stale']:,} reports out of date, "
        f"cash-in in 4 weeks {data['forecast']['amount']:,.2f}, cards: {', '.join(sorted(data))}"
    )


FIGURES = [
    {
        "name": "daily digest, 5 users",
        "target_seconds": 5,
        "setup": _digest_users,
        "run": _send_digests,
    },
    {
        "name": "overview data (every card)",
        "target_seconds": 0.5,
        "setup": _nightly_forecast,
        "run": _overview_data,
    },
]
