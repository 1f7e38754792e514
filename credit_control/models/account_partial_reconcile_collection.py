"""Payments on items handed over update their collection case (and its commission)."""

from odoo import api
from odoo import models

from .credit_collection_case import OPEN_CASE_STATES


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._credit_collection_sync(partials.debit_move_id | partials.credit_move_id)
        return partials

    def unlink(self):
        lines = self.debit_move_id | self.credit_move_id
        result = super().unlink()
        self.env["account.partial.reconcile"]._credit_collection_sync(lines.exists())
        return result

    @api.model
    def _credit_collection_sync(self, move_lines):
        """The open cases holding any of ``move_lines`` recompute what was recovered:
        one search, whoever registered the payment."""
        receivable = move_lines.filtered(lambda line: line.account_type == "asset_receivable")
        if not receivable:
            return
        cases = (
            self.env["credit.collection.case.line"]
            .sudo()
            .search_fetch(
                [
                    ("move_line_id", "in", receivable.ids),
                    ("case_id.state", "in", OPEN_CASE_STATES),
                ],
                ["case_id"],
            )
            .case_id
        )
        if cases:
            cases._credit_update_recovery()
