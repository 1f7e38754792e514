from odoo import fields
from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_controller_id = fields.Many2one(
        comodel_name="res.users",
        help="Default person for credit follow-up activities (calls, rejected "
        "e-invoices, broken payment plans) when a customer has none of its own.",
    )
