"""What the case screens show beside the engine's fields: counts for the smart buttons."""

from odoo import fields
from odoo import models


class CreditCollectionCase(models.Model):
    _inherit = "credit.collection.case"

    # the kanban shows every state, empty ones included
    state = fields.Selection(group_expand=True)
    invoice_count = fields.Integer(compute="_compute_invoice_count")

    def _compute_invoice_count(self):
        for case in self:
            case.invoice_count = len(case.move_ids)

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
