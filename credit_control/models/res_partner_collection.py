"""Collection agencies and lawyers are partners."""

from odoo import fields
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_is_collection_agency = fields.Boolean(
        string="Collection Agency",
        help="This partner recovers debts for the company (a collection agency or a lawyer).",
    )
