"""Dunning leaves alone the items handed over to a collection agency or a lawyer."""

from odoo import api
from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.model
    def _credit_dunning_excluded_domain(self):
        # "with collection agency": the invoice is in an open case
        return [
            *super()._credit_dunning_excluded_domain(),
            [("move_id.credit_collection_case_id", "!=", False)],
        ]
