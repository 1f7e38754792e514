"""Payment plans and the credit hold: an invoice in an active plan is not overdue for
the hold; a missed installment is a reason of its own."""

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

    def _credit_hold_reasons(self, company, new_amount, open_amounts=None, check_limit=True):
        reasons = super()._credit_hold_reasons(
            company, new_amount, open_amounts=open_amounts, check_limit=check_limit
        )
        plans = (
            self.env["credit.payment.plan"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "=", self.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                    ("state", "=", "active"),
                    ("missed_count", ">", 0),
                ],
                ["name", "missed_count"],
            )
        )
        reasons += [
            self.env._(
                "Payment plan %(plan)s: %(count)s installment(s) missed.",
                plan=plan.name,
                count=plan.missed_count,
            )
            for plan in plans
        ]
        return reasons
