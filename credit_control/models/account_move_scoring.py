"""Know the customer on the invoice: the customer's band and hold, shown as soon as the
customer is picked (related fields, so the form fills them before saving)."""

from odoo import fields
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_partner_band = fields.Selection(
        string="Customer Credit Band",
        related="partner_id.commercial_partner_id.credit_band",
    )
    credit_partner_hold = fields.Boolean(
        string="Customer on Credit Hold",
        related="partner_id.commercial_partner_id.credit_hold",
        # not tracked like the partner's own field: the invoice's chatter would read the
        # customer's whole assessment at every write of the invoice, for no message
        tracking=False,
    )
