"""Returned payments on the payment form: a credit user marks the money as come back."""

from odoo import fields
from odoo import models


class AccountPayment(models.Model):
    _inherit = "account.payment"

    credit_returned_date = fields.Date(
        related="move_id.credit_returned_date", string="Returned On", readonly=True
    )

    def action_credit_mark_returned(self):
        return self.move_id.action_credit_mark_returned()

    def action_credit_unmark_returned(self):
        return self.move_id.action_credit_unmark_returned()
