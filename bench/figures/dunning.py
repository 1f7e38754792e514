"""Figures of dunning: proposing the day's letters for every customer of the company."""

from odoo import Command
from odoo import fields
from odoo.addons.credit_control.core import dates


def _setup_three_levels(env):
    """The same 3 levels as the OCA comparison (10, 30, 60 days after the due date); the
    third is a formal notice with statutory interest and the EUR 40, so our run also
    computes interest (OCA's does not)."""
    company = env.company
    policy = company.credit_dunning_policy_id
    policy.level_ids.unlink()
    policy.write(
        {
            "level_ids": [
                Command.create(
                    {"name": "Reminder", "days": 10, "stage": "reminder", "review": False}
                ),
                Command.create(
                    {"name": "Second reminder", "days": 30, "stage": "reminder", "review": False}
                ),
                Command.create(
                    {
                        "name": "Formal notice",
                        "days": 60,
                        "stage": "formal_notice",
                        "charge_interest": True,
                        "charge_compensation": True,
                    }
                ),
            ]
        }
    )
    # the current half-year's statutory rate may not be published yet: assume one
    Rate = env["credit.interest.rate"]
    start = dates.half_year_start(fields.Date.context_today(env.user))
    if not Rate.search_count([("period_start", "=", start)]):
        Rate.create({"period_start": start, "rate": 10.15, "source": "benchmark assumption"})
    return {"date": fields.Date.context_today(env.user)}


def _propose_letters(env, context):
    run = env["credit.dunning.run"].create({"date": context["date"], "company_id": env.company.id})
    run.action_compute()
    letters = run.letter_ids
    return (
        f"{len(letters):,} letters, {len(letters.line_ids):,} items, "
        f"{sum(letters.mapped('interest_amount')):,.2f} EUR interest"
    )


FIGURES = [
    {
        "name": "dunning proposals",
        "target_seconds": 15,
        "setup": _setup_three_levels,
        "run": _propose_letters,
    },
]
