"""TEMPORARY stand-in for the payment plan ENGINE (engineer "plans").

The lead DELETES this file (and its import in models/__init__.py) at merge: the engine's
``credit_payment_plan.py`` and ``core/payment_plan.py`` provide the same fields and methods.
Only what the user-facing half (portal, report, reminders, wizard, views) needs to run.
"""

from datetime import date
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from ..core.dates import add_months


def build_schedule(
    amount,
    *,
    down_payment=0.0,
    count,
    first_date,
    frequency="monthly",
    yearly_rate=0.0,
    dates=None,
    rounding=0.01,
):
    """Stand-in of ``core.payment_plan.build_schedule`` (no interest)."""
    del yearly_rate
    if not count or count < 1:
        raise ValueError(f"The number of installments must be at least 1 (it is {count}).")
    digits = max(0, len(f"{rounding:.10f}".rstrip("0").split(".")[1]))
    items = []
    if down_payment:
        items.append({"date_due": first_date, "principal": down_payment})
    rest = round(amount - down_payment, digits)
    each = round(rest / count, digits)
    for index in range(count):
        if dates:
            due = dates[index]
        elif frequency == "weekly":
            due = first_date + timedelta(weeks=index + (1 if down_payment else 0))
        else:
            step = 3 if frequency == "quarterly" else 1
            due = add_months(first_date, step * (index + (1 if down_payment else 0)))
        principal = each if index < count - 1 else round(rest - each * (count - 1), digits)
        items.append({"date_due": due, "principal": principal})
    return [
        type(
            "Item",
            (),
            {"sequence": n, "interest": 0.0, "amount": item["principal"], **item},
        )
        for n, item in enumerate(items, start=0 if down_payment else 1)
    ]


class CreditPaymentPlan(models.Model):
    _inherit = "credit.payment.plan"

    down_payment_amount = fields.Monetary()
    installment_count = fields.Integer(default=6)
    frequency = fields.Selection(
        [
            ("weekly", "Weekly"),
            ("monthly", "Monthly"),
            ("quarterly", "Quarterly"),
            ("manual", "Dates by hand"),
        ],
        default="monthly",
    )
    first_date = fields.Date()
    interest_rate = fields.Float()
    grace_days = fields.Integer(default=5)
    misses_allowed = fields.Integer(default=1)
    accepted_by = fields.Char()
    accepted_on = fields.Datetime()
    acceptance_method = fields.Selection([("portal", "Portal"), ("manual", "By hand")])

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("invoice_ids") and not vals.get("amount_total"):
                moves = self.env["account.move"].browse(vals["invoice_ids"][0][2])
                vals["amount_total"] = sum(moves.mapped("amount_residual"))
        plans = super().create(vals_list)
        for plan in plans.filtered(lambda plan: not plan.installment_ids):
            plan.action_compute_schedule()
        return plans

    def action_compute_schedule(self):
        for plan in self:
            items = build_schedule(
                plan.amount_total,
                down_payment=plan.down_payment_amount,
                count=plan.installment_count or 1,
                first_date=plan.first_date or date.today(),
                frequency=plan.frequency or "monthly",
            )
            plan.installment_ids.unlink()
            plan.installment_ids = [
                fields.Command.create(
                    {
                        "sequence": item.sequence,
                        "date_due": item.date_due,
                        "principal_amount": item.principal,
                        "interest_amount": item.interest,
                        "amount": item.amount,
                    }
                )
                for item in items
            ]

    def action_propose(self):
        self.write({"state": "proposed"})
        self._credit_send_proposal()

    def _credit_send_proposal(self):
        return True

    def action_accept(self):
        self._credit_accept(self.env.user.name, method="manual")

    def action_cancel(self):
        self.write({"state": "cancelled"})
        self.invoice_ids.write({"credit_payment_plan_id": False})

    def _credit_accept(self, signed_by, signature=None, method="portal"):
        if any(plan.state not in ("draft", "proposed") for plan in self):
            raise UserError("Only a draft or proposed plan can be accepted.")
        self.write(
            {
                "state": "active",
                "accepted_by": signed_by,
                "accepted_on": fields.Datetime.now(),
                "acceptance_method": method,
            }
        )
        for plan in self:
            plan.invoice_ids.write({"credit_payment_plan_id": plan.id})

    def _credit_decline(self, reason):
        self.write({"state": "cancelled"})
        for plan in self:
            plan.message_post(body=reason)


class CreditPaymentPlanInstallment(models.Model):
    _inherit = "credit.payment.plan.installment"

    principal_amount = fields.Monetary()
    interest_amount = fields.Monetary()


class CreditPaymentPlanUpdate(models.Model):
    _inherit = "credit.payment.plan"

    def _credit_update_installments(self):
        """Stand-in of the engine's daily update: payments fill installments oldest first."""
        today = fields.Date.context_today(self)
        for plan in self:
            paid = sum(plan.invoice_ids.mapped("amount_total")) - sum(
                plan.invoice_ids.mapped("amount_residual")
            )
            missed = 0
            for item in plan.installment_ids.sorted("sequence"):
                share = min(paid, item.amount)
                paid -= share
                if plan.currency_id.compare_amounts(share, item.amount) >= 0:
                    state = "paid"
                elif item.date_due + timedelta(days=plan.grace_days) < today:
                    state = "missed"
                    missed += 1
                elif item.date_due < today:
                    state = "late"
                else:
                    state = "open"
                item.write({"amount_paid": share, "state": state})
            if plan.state == "active":
                if all(item.state == "paid" for item in plan.installment_ids):
                    plan.state = "completed"
                elif missed > plan.misses_allowed:
                    plan.state = "broken"
                if plan.state != "active":
                    plan.invoice_ids.write({"credit_payment_plan_id": False})
