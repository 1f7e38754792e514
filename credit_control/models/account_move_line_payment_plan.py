"""Dunning leaves alone the items of invoices in an active payment plan."""

from odoo import api
from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.model
    def _credit_dunning_excluded_domain(self):
        return [
            *super()._credit_dunning_excluded_domain(),
            [("move_id.credit_payment_plan_id", "!=", False)],
        ]
