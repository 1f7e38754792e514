"""What the case screens show beside the engine's fields: the payments on the items
handed over (smart button) and the invoices' window."""

from odoo import api
from odoo import fields
from odoo import models


class CreditCollectionCase(models.Model):
    _inherit = "credit.collection.case"

    # the kanban shows every state, empty ones included
    state = fields.Selection(group_expand=True)
    payment_count = fields.Integer(compute="_compute_payment_count")

    @api.depends("line_ids.move_line_id.matched_credit_ids", "date_handed_off")
    def _compute_payment_count(self):
        for case in self:
            case.payment_count = len(case._credit_payment_moves())

    def _credit_payment_moves(self):
        """The entries (payments, credit notes, the agency's remittances, a write-off)
        matched to the items handed over since the hand-off."""
        self.ensure_one()
        if not self.date_handed_off:
            return self.env["account.move"]
        partials = self.line_ids.move_line_id.matched_credit_ids.filtered(
            lambda partial: partial.max_date >= self.date_handed_off
        )
        return partials.credit_move_id.move_id

    def action_credit_open_invoices(self):
        """The invoices handed over in the case."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            domain=[("id", "in", self.move_ids.ids)],
            context={"create": False, "default_move_type": "out_invoice"},
        )
        if len(self.move_ids) == 1:
            action.update(
                views=[(self.env.ref("account.view_move_form").id, "form")],
                res_id=self.move_ids.id,
            )
        return action

    def action_credit_open_payments(self):
        """What was paid on the case's items since the hand-off."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_journal_line")
        action.update(
            domain=[("id", "in", self._credit_payment_moves().ids)],
            context={"create": False},
        )
        return action
