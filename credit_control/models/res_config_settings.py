from odoo import fields
from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_controller_id = fields.Many2one(
        related="company_id.credit_controller_id",
        readonly=False,
    )
