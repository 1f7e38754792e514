"""Late-payment charges of an invoice: the EUR 40 compensation may be waived."""

from odoo import fields
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_compensation_waived = fields.Boolean(
        string="EUR 40 Compensation Waived",
        copy=False,
        tracking=True,
        help="The flat EUR 40 recovery compensation (D.Lgs. 231/2002 art. 6) is no longer "
        "claimed for this invoice: later letters neither claim nor carry it.",
    )
