"""TEMPORARY stand-in for the payment plan ENGINE (engineer "plans", branch wt/plans).

The lead DELETES this file (and its import at the end of models/__init__.py) at merge: the
engine's ``credit_payment_plan.py`` and ``core/payment_plan.py`` provide the same fields
and methods, under the same names (as of wt/plans 88c9671). Only what the user-facing half
(portal, report, reminders, wizard, views, demo) needs to run.
"""

from datetime import date
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

from ..core.dates import add_months


def build_schedule(amount, *, down_payment=0.0, count, first_date, frequency="monthly", **kw):
    """Stand-in of ``core.payment_plan.build_schedule`` (no interest, no dates by hand)."""
    if not count or count < 1:
        raise ValueError(f"The number of installments must be at least 1 (it is {count}).")
    if down_payment > amount:
        raise ValueError("The down payment is larger than the amount owed.")
    items = [(0, first_date, down_payment)] if down_payment else []
    rest = round(amount - down_payment, 2)
    each = round(rest / count, 2)
    shift = 1 if down_payment else 0
    for index in range(count):
        if frequency == "weekly":
            due = first_date + timedelta(weeks=index + shift)
        else:
            due = add_months(first_date, (3 if frequency == "quarterly" else 1) * (index + shift))
        principal = each if index < count - 1 else round(rest - each * (count - 1), 2)
        items.append((index + 1, due, principal))
    return [
        type(
            "Item",
            (),
            {"sequence": n, "date_due": d, "principal": p, "interest": 0.0, "amount": p},
        )
        for n, d, p in items
    ]


class CreditPaymentPlan(models.Model):
    _inherit = "credit.payment.plan"

    letter_id = fields.Many2one(comodel_name="credit.dunning.letter", string="From Letter")
    include_charges = fields.Boolean(string="Include Letter Charges")
    down_payment_amount = fields.Monetary(string="Down Payment")
    installment_count = fields.Integer(string="Installments", default=6)
    frequency = fields.Selection(
        [
            ("weekly", "Weekly"),
            ("monthly", "Monthly"),
            ("quarterly", "Quarterly"),
            ("manual", "Dates by Hand"),
        ],
        default="monthly",
    )
    first_date = fields.Date(string="First Payment", default=fields.Date.context_today)
    interest_rate = fields.Float(string="Interest Rate (% a Year)")
    grace_days = fields.Integer(default=5)
    misses_allowed = fields.Integer(default=1)
    amount_paid = fields.Monetary(string="Paid", readonly=True)
    missed_count = fields.Integer(string="Missed Installments", readonly=True)
    next_due_date = fields.Date(readonly=True)
    accepted_by = fields.Char(readonly=True)
    accepted_on = fields.Datetime(readonly=True)
    acceptance_method = fields.Selection(
        [("portal", "Portal"), ("manual", "By Hand")], readonly=True
    )
    signature = fields.Image(max_width=1024, max_height=1024, copy=False, attachment=True)
    declined_on = fields.Datetime(readonly=True)
    decline_reason = fields.Text(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        for plan in plans:
            plan.name = f"PP/{plan.id:05d}"
            plan.amount_total = sum(plan.invoice_ids.mapped("amount_residual"))
            if not plan.installment_ids:
                plan.action_compute_schedule()
        return plans

    @api.model
    def _credit_build_schedule(self, amount, **kwargs):
        try:
            return build_schedule(amount, **kwargs)
        except ValueError as error:
            raise UserError(str(error)) from None

    def _credit_letter_charges(self):
        return 0.0

    def action_compute_schedule(self):
        for plan in self:
            items = plan._credit_build_schedule(
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
                        "principal": item.principal,
                        "interest": item.interest,
                        "amount": item.amount,
                    }
                )
                for item in items
            ]

    def action_propose(self):
        self.write({"state": "proposed"})
        self._credit_send_proposal()

    def _credit_send_proposal(self):
        return None

    def action_accept(self):
        for plan in self:
            plan._credit_accept(self.env.user.name, method="manual")

    def action_cancel(self):
        self._credit_end("cancelled")

    def _credit_end(self, state):
        self.write({"state": state})
        self.invoice_ids.write({"credit_payment_plan_id": False})

    def _credit_accept(self, signed_by, signature=None, method="portal"):
        allowed = ("proposed",) if method == "portal" else ("draft", "proposed")
        if self.state not in allowed:
            raise UserError(self.env._("Plan %s cannot be accepted any more.", self.name))
        self.sudo().write(
            {
                "state": "active",
                "accepted_by": signed_by,
                "accepted_on": fields.Datetime.now(),
                "acceptance_method": method,
                "signature": signature or False,
            }
        )
        self.invoice_ids.write({"credit_payment_plan_id": self.id})
        self._credit_update_installments()

    def _credit_decline(self, reason):
        if self.state != "proposed":
            raise UserError(self.env._("Plan %s is not waiting for an answer.", self.name))
        self.write({"declined_on": fields.Datetime.now(), "decline_reason": reason})
        self._credit_end("cancelled")

    def _credit_update_installments(self, today=None):
        """Payments fill installments oldest first; states; completed or broken."""
        today = today or fields.Date.context_today(self)
        for plan in self.filtered(lambda plan: plan.state == "active"):
            paid = sum(plan.invoice_ids.mapped("amount_total")) - sum(
                plan.invoice_ids.mapped("amount_residual")
            )
            total_paid, missed, next_due = paid, 0, False
            for item in plan.installment_ids.sorted("sequence"):
                share = min(paid, item.amount)
                paid -= share
                if plan.currency_id.compare_amounts(share, item.amount) >= 0:
                    state = "paid"
                elif item.date_due + timedelta(days=plan.grace_days) < today:
                    state = "missed"
                elif item.date_due < today:
                    state = "late"
                else:
                    state = "open"
                missed += state == "missed"
                next_due = next_due or (state != "paid" and item.date_due)
                item.write({"amount_paid": share, "state": state})
            plan.write(
                {"amount_paid": total_paid, "missed_count": missed, "next_due_date": next_due}
            )
            if all(item.state == "paid" for item in plan.installment_ids):
                plan._credit_end("completed")
            elif missed > plan.misses_allowed:
                plan._credit_end("broken")


class CreditPaymentPlanInstallment(models.Model):
    _inherit = "credit.payment.plan.installment"

    principal = fields.Monetary()
    interest = fields.Monetary()
