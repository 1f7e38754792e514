"""Figures of payment plans: the daily update of every active plan's installments.

Setup (untimed): 2 out of 5 benchmark customers with open invoices get an active plan of
12 monthly installments on those invoices (2,000 plans at 5,000 customers, twice as many
on the double template), a running portfolio updated yesterday (see ``_setup_plans``).
Run (timed): today's update, what the daily cron does: every plan and installment read,
today's payments allocated, installments due today open or paid, some plans completed,
some broken.
"""

from datetime import timedelta

from odoo import Command
from odoo import fields
from odoo.tools import SQL

#: the share of the benchmark customers with a plan (2,000 of 5,000)
PLAN_SHARE = 0.4
INSTALLMENTS = 12


def _setup_plans(env):
    today = fields.Date.context_today(env.user)
    customers = env.execute_query(
        SQL("SELECT COUNT(*) FROM res_partner WHERE ref LIKE %s", "BENCH-%")
    )
    wanted = round(customers[0][0] * PLAN_SHARE)
    rows = env.execute_query(
        SQL(
            """
            SELECT move.partner_id, ARRAY_AGG(move.id ORDER BY move.id)
              FROM account_move move
              JOIN res_partner partner ON partner.id = move.partner_id
             WHERE partner.ref LIKE %s AND move.move_type = 'out_invoice'
               AND move.state = 'posted' AND move.amount_residual > 0
               AND move.company_id = %s
          GROUP BY move.partner_id
          ORDER BY move.partner_id
             LIMIT %s
            """,
            "BENCH-%",
            env.company.id,
            wanted,
        )
    )
    Plan = env["credit.payment.plan"].with_context(tracking_disable=True, mail_create_nolog=True)
    plans = Plan.create(
        [
            {
                "partner_id": partner_id,
                "invoice_ids": [Command.set(move_ids)],
                "installment_count": INSTALLMENTS,
                "first_date": today,
                "grace_days": 5,
                "misses_allowed": 1,
            }
            for partner_id, move_ids in rows
        ]
    )
    env.flush_all()
    # A running portfolio: plan i started (i mod 12) months and (i mod 29) days ago, so
    # its installments fall on every day of the month. Yesterday's update ran on what was
    # paid until yesterday: every installment due before today, a third of the plans one
    # short (missed, or late within the grace days). Today the plans due today pay (those
    # on their last installment complete), and 1 % (no grace days, due yesterday, missed
    # once already) miss a second installment and break.
    shifts, paid_yesterday, paid_today, grace = [], [], [], []
    for index, plan in enumerate(plans):
        months_back, days_back = index % INSTALLMENTS, index % 29
        amounts = plan.installment_ids.sorted("sequence").mapped("amount")
        breaks = index % 100 == 50 and months_back > 0
        if breaks:
            days_back = 1
            grace.append(plan.id)
        due_before_today = months_back + (1 if days_back else 0)
        paid_count = due_before_today
        if breaks:
            paid_count = due_before_today - 2
        elif index % 3 == 0:
            paid_count = max(0, due_before_today - 1)
        pays_today = not days_back and index % 3 != 0
        shifts.append((plan.id, months_back, days_back))
        paid_yesterday.append((plan.id, sum(amounts[:paid_count])))
        paid_today.append((plan.id, amounts[paid_count] if pays_today else 0.0))
    cr = env.cr
    cr.execute(
        SQL(
            """
            UPDATE credit_payment_plan_installment installment
               SET date_due = (installment.date_due
                               - make_interval(months => v.months, days => v.days))::date
              FROM (SELECT UNNEST(%s::int[]) AS id, UNNEST(%s::int[]) AS months,
                           UNNEST(%s::int[]) AS days) v
             WHERE installment.plan_id = v.id AND (v.months > 0 OR v.days > 0)
            """,
            [row[0] for row in shifts],
            [row[1] for row in shifts],
            [row[2] for row in shifts],
        )
    )
    cr.execute(SQL("UPDATE credit_payment_plan SET grace_days = 0 WHERE id = ANY(%s)", grace))
    _add_paid(cr, paid_yesterday)
    cr.execute(
        SQL(
            """
            UPDATE credit_payment_plan
               SET state = 'active', acceptance_method = 'manual', accepted_by = 'Benchmark',
                   accepted_on = NOW() AT TIME ZONE 'UTC'
             WHERE id = ANY(%s)
            """,
            plans.ids,
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE account_move move SET credit_payment_plan_id = rel.plan_id
              FROM credit_payment_plan_move_rel rel
             WHERE rel.move_id = move.id AND rel.plan_id = ANY(%s)
            """,
            plans.ids,
        )
    )
    env.invalidate_all()
    # yesterday's update, then today's payments
    plans.with_context(tracking_disable=True)._credit_update_installments(
        today=today - timedelta(days=1)
    )
    env.flush_all()
    _add_paid(cr, paid_today)
    env.invalidate_all()
    states = dict(env["credit.payment.plan"]._read_group([], ["state"], ["__count"]))
    return {
        "plans": len(plans),
        "active": states.get("active", 0),
        "broken": states.get("broken", 0),
        "completed": states.get("completed", 0),
    }


def _add_paid(cr, paid):
    """Payments on the plans' invoices, as the plan sees them: the invoices' open amount
    at the start grows by what was paid since (the ledger itself is left alone)."""
    cr.execute(
        SQL(
            """
            UPDATE credit_payment_plan plan SET amount_start = plan.amount_start + v.paid
              FROM (SELECT UNNEST(%s::int[]) AS id, UNNEST(%s::numeric[]) AS paid) v
             WHERE plan.id = v.id AND v.paid > 0
            """,
            [plan_id for plan_id, _amount in paid],
            [amount for _plan_id, amount in paid],
        )
    )


def _daily_update(env, context):
    Plan = env["credit.payment.plan"]
    Plan._cron_update_plans()
    states = dict(Plan._read_group([], ["state"], ["__count"]))
    installments = dict(
        env["credit.payment.plan.installment"]._read_group([], ["state"], ["__count"])
    )
    return (
        f"{context['active']:,} active plans: "
        f"{states.get('broken', 0) - context['broken']:,} broken, "
        f"{states.get('completed', 0) - context['completed']:,} completed today; installments "
        f"{installments.get('paid', 0):,} paid, {installments.get('late', 0):,} late, "
        f"{installments.get('missed', 0):,} missed"
    )


FIGURES = [
    {
        "name": "payment plans: daily installment update (2,000 plans of 12)",
        "target_seconds": 3,
        "setup": _setup_plans,
        "run": _daily_update,
    },
]
