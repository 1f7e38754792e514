"""The invoice's payment plan, opened from the invoice form's smart button."""

from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def action_credit_open_payment_plan(self):
        self.ensure_one()
        self.credit_payment_plan_id.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.payment.plan",
            "res_id": self.credit_payment_plan_id.id,
            "view_mode": "form",
        }
