"""TEMPORARY stand-in for the collection engine (issue 12, engine half), so that the
screens of branch wt/casesui can be tested before the merge. THE LEAD DELETES THIS FILE
(and its line in models/__init__.py) AT MERGE: the engine's credit_collection_case.py
provides the real create() and actions."""

from odoo import Command
from odoo import api
from odoo import fields
from odoo import models


class CreditCollectionCase(models.Model):
    _inherit = "credit.collection.case"

    # the engine's names (branch wt/cases), so that the case form already shows them
    interest_claimed = fields.Monetary()
    fees_claimed = fields.Monetary()
    amount_open = fields.Monetary(string="Still Open")
    agency_costs = fields.Monetary()
    date_closed = fields.Date(string="Closed On")
    recall_reason = fields.Text()
    writeoff_move_id = fields.Many2one(comodel_name="account.move", string="Write-off Entry")
    commission_move_ids = fields.Many2many(
        comodel_name="account.move",
        relation="casesui_stub_commission_rel",
        column1="case_id",
        column2="move_id",
        string="Commission Bills",
    )
    export_count = fields.Integer(compute="_compute_counts")
    commission_count = fields.Integer(compute="_compute_counts")
    move_count = fields.Integer(compute="_compute_counts")

    def _compute_counts(self):
        for case in self:
            case.export_count = 0
            case.commission_count = len(case.commission_move_ids)
            case.move_count = len(case.move_ids)

    def action_view_exports(self):
        return True

    def action_view_commission_bills(self):
        return True

    def action_download_dossier(self):
        return True

    @api.model_create_multi
    def create(self, vals_list):
        cases = super().create(vals_list)
        for case in cases.filtered(lambda c: c.move_ids and not c.line_ids):
            items = case.move_ids.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable" and not line.reconciled
            )
            case.write(
                {
                    "company_id": case.move_ids[0].company_id.id,
                    "currency_id": case.move_ids[0].currency_id.id,
                    "line_ids": [
                        Command.create(
                            {
                                "move_line_id": line.id,
                                "date_maturity": line.date_maturity,
                                "amount_at_handoff": line.amount_residual_currency,
                            }
                        )
                        for line in items
                    ],
                    "amount_handed_over": sum(items.mapped("amount_residual_currency")),
                }
            )
        return cases

    def action_hand_off(self):
        for case in self:
            case.write(
                {
                    "state": "handed_off",
                    "date_handed_off": fields.Date.context_today(self),
                    "name": case.name if case.name != "/" else f"CASE/{case.id:04d}",
                }
            )
            case.move_ids.sudo().write({"credit_collection_case_id": case.id})
        return True

    def action_send_dossier(self):
        return True

    def _casesui_stub_close(self, reason):
        self.write({"state": "closed", "close_reason": reason})
        self.move_ids.sudo().write({"credit_collection_case_id": False})
        return True

    def action_recall(self, reason):
        self.recall_reason = reason
        return self._casesui_stub_close("recalled")

    def action_close_recovered(self):
        return self._casesui_stub_close("recovered")

    def action_write_off(self):
        return self._casesui_stub_close("written_off")
