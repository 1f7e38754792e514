from odoo import fields
from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_controller_id = fields.Many2one(
        related="company_id.credit_controller_id",
        readonly=False,
    )

    credit_weight_days_late = fields.Integer(
        related="company_id.credit_weight_days_late", readonly=False
    )
    credit_weight_share_late = fields.Integer(
        related="company_id.credit_weight_share_late", readonly=False
    )
    credit_weight_overdue = fields.Integer(
        related="company_id.credit_weight_overdue", readonly=False
    )
    credit_weight_returned = fields.Integer(
        related="company_id.credit_weight_returned", readonly=False
    )
    credit_weight_report = fields.Integer(related="company_id.credit_weight_report", readonly=False)
    credit_window_months = fields.Integer(related="company_id.credit_window_months", readonly=False)
    credit_hold_mode = fields.Selection(related="company_id.credit_hold_mode", readonly=False)
    credit_hold_overdue_days = fields.Integer(
        related="company_id.credit_hold_overdue_days", readonly=False
    )
    credit_refresh_days_safe = fields.Integer(
        related="company_id.credit_refresh_days_safe", readonly=False
    )
    credit_refresh_days_medium = fields.Integer(
        related="company_id.credit_refresh_days_medium", readonly=False
    )
    credit_refresh_days_risky = fields.Integer(
        related="company_id.credit_refresh_days_risky", readonly=False
    )
    credit_refresh_large_exposure = fields.Monetary(
        related="company_id.credit_refresh_large_exposure", readonly=False
    )

    credit_sdi_sender_emails = fields.Char(
        related="company_id.credit_sdi_sender_emails", readonly=False
    )
    credit_sdi_import_max_mb = fields.Integer(
        string="Import Size Limit (MB)",
        config_parameter="credit_control.sdi_import_max_mb",
        default=100,
        help="The most one import of SdI notifications may hold, files and zip contents "
        "uncompressed; a larger import is refused before anything is stored.",
    )

    credit_dunning_policy_id = fields.Many2one(
        related="company_id.credit_dunning_policy_id",
        readonly=False,
    )
    credit_dunning_tolerance = fields.Monetary(
        related="company_id.credit_dunning_tolerance",
        readonly=False,
    )
    credit_dunning_auto_send = fields.Boolean(
        related="company_id.credit_dunning_auto_send",
        readonly=False,
    )
    credit_pec_mail_server_id = fields.Many2one(
        related="company_id.credit_pec_mail_server_id",
        readonly=False,
    )
    credit_interest_rate_warning = fields.Char(
        compute="_compute_credit_interest_rate_warning",
    )
    credit_legal_interest_rate_warning = fields.Char(
        compute="_compute_credit_interest_rate_warning",
    )
    credit_dunning_email_delivery_days = fields.Integer(
        related="company_id.credit_dunning_email_delivery_days", readonly=False
    )
    credit_dunning_post_delivery_days = fields.Integer(
        related="company_id.credit_dunning_post_delivery_days", readonly=False
    )

    def _compute_credit_interest_rate_warning(self):
        warning = self.env["credit.interest.rate"]._credit_missing_rate_warning()
        legal_warning = self.env["credit.legal.interest.rate"]._credit_missing_rate_warning()
        for settings in self:
            settings.credit_interest_rate_warning = warning
            settings.credit_legal_interest_rate_warning = legal_warning

    credit_sdi_alias_name = fields.Char(
        string="SdI Notification Alias",
        help="The part before the @ of the address that receives SdI notifications by e-mail "
        "(empty: no address, notifications are imported by hand).",
    )

    def _credit_sdi_alias(self):
        return self.env.ref(
            "credit_control.mail_alias_credit_sdi_notification", raise_if_not_found=False
        )

    def get_values(self):
        values = super().get_values()
        alias = self._credit_sdi_alias()
        values["credit_sdi_alias_name"] = alias.sudo().alias_name if alias else False
        return values

    def set_values(self):
        result = super().set_values()
        alias = self._credit_sdi_alias()
        name = (self.credit_sdi_alias_name or "").strip() or False
        if alias and alias.sudo().alias_name != name:
            alias.sudo().alias_name = name
        return result
