import base64

from odoo import fields
from odoo import models
from odoo.exceptions import UserError


class CreditReportImportWizard(models.TransientModel):
    """Import a bureau's CSV or JSON file: good rows become reports, bad rows are listed."""

    _name = "credit.report.import.wizard"
    _description = "Import Business Reports"

    provider_id = fields.Many2one(
        comodel_name="credit.report.provider",
        required=True,
        domain=[("kind", "=", "file")],
        default=lambda self: self.env["credit.report.provider"].search(
            [("kind", "=", "file"), ("company_id", "=", self.env.company.id)], limit=1
        ),
    )
    file = fields.Binary(required=True)
    filename = fields.Char()
    state = fields.Selection(selection=[("draft", "Draft"), ("done", "Done")], default="draft")
    imported_count = fields.Integer(readonly=True)
    error_count = fields.Integer(readonly=True)
    error_report = fields.Text(readonly=True)
    report_ids = fields.Many2many(comodel_name="credit.business.report", readonly=True)

    def action_import(self):
        self.ensure_one()
        if not self.file:
            raise UserError(self.env._("Choose a file to import."))
        content = base64.b64decode(self.file)
        reports, errors = self.provider_id._credit_import_file(content, self.filename or "")
        self.write(
            {
                "state": "done",
                "imported_count": len(reports),
                "error_count": len(errors),
                "error_report": "\n".join(
                    self.env._("Row %(row)s: %(message)s", row=row, message=message)
                    for row, message in errors
                ),
                "report_ids": [fields.Command.set(reports.ids)],
            }
        )
        return {
            "name": self.env._("Import Business Reports"),
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_view_reports(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.action_credit_business_report"
        )
        action["domain"] = [("id", "in", self.report_ids.ids)]
        return action
