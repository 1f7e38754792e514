from odoo import api
from odoo import fields
from odoo import models


class CreditSdiMatchWizard(models.TransientModel):
    _name = "credit.sdi.match.wizard"
    _description = "Match SdI notifications to an invoice"

    notification_ids = fields.Many2many("credit.sdi.notification", string="Notifications")
    company_id = fields.Many2one("res.company", compute="_compute_company_id")
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        domain="[('company_id', '=', company_id), ('state', '=', 'posted'),"
        " ('move_type', 'in', ('out_invoice', 'out_refund'))]",
    )

    @api.depends("notification_ids")
    def _compute_company_id(self):
        for wizard in self:
            wizard.company_id = wizard.notification_ids[:1].company_id or self.env.company

    def action_match(self):
        self.ensure_one()
        self.notification_ids.action_match_invoice(self.move_id)
        return {"type": "ir.actions.act_window_close"}
