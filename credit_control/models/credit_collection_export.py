"""The log of a case's dossier exports: who, when, which files and their SHA-256."""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError


class CreditCollectionExport(models.Model):
    _name = "credit.collection.export"
    _description = "Collection Dossier Export"
    _order = "id desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        comodel_name="credit.collection.case", required=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Exported By", required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    attachment_id = fields.Many2one(comodel_name="ir.attachment", string="Dossier", readonly=True)
    #: the zip itself: its attachment is readable by credit managers only (the dossier
    #: holds the debtor's personal data), whoever may read the log
    dossier_file = fields.Binary(
        attachment=True,
        readonly=True,
        groups="credit_control.group_credit_manager",
    )
    sha256 = fields.Char(string="SHA-256 of the Zip", readonly=True)
    file_count = fields.Integer(string="Files")
    manifest = fields.Text(
        readonly=True, help="Every file of the dossier with its SHA-256 (the zip's SHA256SUMS)."
    )
    sent_to = fields.Char(help="The address the dossier was e-mailed to; empty: downloaded.")
    mail_id = fields.Many2one(comodel_name="mail.mail", readonly=True, ondelete="set null")

    def write(self, vals):
        if not self.env.su and set(vals) - {"mail_id"}:
            raise UserError(self.env._("An export log entry can't be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("An export log entry is never deleted."))

    def action_download(self):
        self.ensure_one()
        self.case_id._credit_check_manager()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
