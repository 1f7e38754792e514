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
        # read before the matching goes: the lines stay in the cache, no query
        lines = self._credit_case_items(self.debit_move_id | self.credit_move_id)
        result = super().unlink()
        if lines:
            self.env["account.partial.reconcile"]._credit_collection_sync(lines.exists())
        return result

    @api.model
    def _credit_case_items(self, move_lines):
        """The receivable lines of invoices in an open case (the hand-off links them,
        the close unlinks them): empty, without a query, when no case is involved."""
        return move_lines.filtered(
            lambda line: (
                line.account_type == "asset_receivable" and line.move_id.credit_collection_case_id
            )
        )

    @api.model
    def _credit_collection_sync(self, move_lines):
        """The open cases holding any of ``move_lines`` recompute what was recovered:
        one search, whoever registered the payment; nothing when no case is involved."""
        receivable = self._credit_case_items(move_lines)
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
