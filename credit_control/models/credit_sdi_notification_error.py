from odoo import fields
from odoo import models


class CreditSdiNotificationError(models.Model):
    _name = "credit.sdi.notification.error"
    _description = "Error of an SdI rejection"
    _order = "notification_id, sequence, id"

    notification_id = fields.Many2one(
        "credit.sdi.notification", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    code = fields.Char(required=True, index=True)
    description = fields.Text(help="As written by the SdI: field path and rejected value.")
    suggestion = fields.Text(help="The SdI's own suggestion, when it gives one.")
    error_code_id = fields.Many2one("credit.sdi.error.code", string="Catalogue entry")
    explanation = fields.Char(related="error_code_id.explanation")
    hint = fields.Text(related="error_code_id.hint", string="How to fix")
    verified = fields.Boolean(related="error_code_id.verified")
    company_id = fields.Many2one(related="notification_id.company_id", store=True, index=True)
    move_id = fields.Many2one(related="notification_id.move_id", store=True, index=True)
    partner_id = fields.Many2one(related="notification_id.partner_id", store=True)
    rejection_date = fields.Date(related="notification_id.notification_date", store=True)
    message_type = fields.Selection(related="notification_id.message_type", store=True)
