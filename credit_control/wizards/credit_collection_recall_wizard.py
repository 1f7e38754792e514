"""Recall a case from the agency or the lawyer, with the reason."""

from odoo import fields
from odoo import models
from odoo.exceptions import AccessError


class CreditCollectionRecallWizard(models.TransientModel):
    _name = "credit.collection.recall.wizard"
    _description = "Recall a Collection Case"

    case_id = fields.Many2one(comodel_name="credit.collection.case", required=True, readonly=True)
    reason = fields.Text(
        required=True,
        help="Why the case is taken back (e.g. the customer agreed a payment plan): "
        "kept in the case's history.",
    )

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("credit_control.group_credit_manager"):
            raise AccessError(self.env._("Only a credit manager may recall a collection case."))
        self.case_id.action_recall(self.reason)
        return {"type": "ir.actions.act_window_close"}
