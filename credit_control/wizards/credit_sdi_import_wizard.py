from odoo import fields
from odoo import models
from odoo.exceptions import UserError


class CreditSdiImportWizard(models.TransientModel):
    _name = "credit.sdi.import.wizard"
    _description = "Import SdI notifications"

    attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Files",
        help="Notification files (.xml, .xml.p7m) or zip archives holding them.",
    )
    strict = fields.Boolean(
        string="Strict schema check",
        help="Also validate public-administration notifications against the official "
        "SdI schema; a file that does not conform is kept as invalid.",
    )

    def action_import(self):
        self.ensure_one()
        if not self.attachment_ids:
            raise UserError(self.env._("Add at least one notification file or zip archive."))
        files = [(attachment.name, attachment.datas) for attachment in self.attachment_ids]
        notifications = self.env["credit.sdi.notification"]._credit_import_files(
            files, strict=self.strict
        )
        self.attachment_ids.unlink()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.action_credit_sdi_notification"
        )
        action["domain"] = [("id", "in", notifications.ids)]
        action["context"] = {"search_default_group_state": 1}
        return action
