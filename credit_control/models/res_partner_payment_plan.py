"""Payment plans and the credit hold: an invoice in an active plan is not overdue for
the hold; a missed installment is a reason of its own."""

from collections import defaultdict

from odoo import api
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _credit_hold_overdue_domain(self):
        return [
            *super()._credit_hold_overdue_domain(),
            ("move_id.credit_payment_plan_id", "=", False),
        ]

    def _credit_missed_plans(self, company):
        """``{commercial partner: [(plan name, missed installments)]}``: the active plans
        of these customers in ``company`` with a missed installment, in one read (posting
        many invoices reads it once per company, see ``account_move_hold.py``)."""
        plans = (
            self.env["credit.payment.plan"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "active"),
                    ("missed_count", ">", 0),
                ],
                ["name", "missed_count", "partner_id"],
                order="id",
            )
        )
        result = defaultdict(list)
        for plan in plans:
            result[plan.partner_id].append((plan.name, plan.missed_count))
        return result

    def _credit_hold_reasons(
        self, company, new_amount, open_amounts=None, check_limit=True, missed_plans=None
    ):
        """``missed_plans``: what ``_credit_missed_plans`` read for many customers at once
        (read for this customer alone when not given)."""
        reasons = super()._credit_hold_reasons(
            company, new_amount, open_amounts=open_amounts, check_limit=check_limit
        )
        if missed_plans is None:
            missed_plans = self._credit_missed_plans(company)
        reasons += [
            self.env._(
                "Payment plan %(plan)s: %(count)s installment(s) missed.",
                plan=name,
                count=count,
            )
            for name, count in missed_plans.get(self.commercial_partner_id.sudo(), [])
        ]
        return reasons
