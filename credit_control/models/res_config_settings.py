from odoo import fields
from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_controller_id = fields.Many2one(
        related="company_id.credit_controller_id",
        readonly=False,
    )

    credit_dunning_policy_id = fields.Many2one(
        related="company_id.credit_dunning_policy_id",
        readonly=False,
    )
    credit_dunning_tolerance = fields.Monetary(
        related="company_id.credit_dunning_tolerance",
        readonly=False,
    )
    credit_interest_rate_warning = fields.Char(
        compute="_compute_credit_interest_rate_warning",
    )

    def _compute_credit_interest_rate_warning(self):
        warning = self.env["credit.interest.rate"]._credit_missing_rate_warning()
        for settings in self:
            settings.credit_interest_rate_warning = warning
