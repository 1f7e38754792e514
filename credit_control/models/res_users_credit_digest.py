"""The daily credit digest: a user's preference to receive it."""

from odoo import fields
from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    credit_digest = fields.Boolean(
        string="Daily Credit Digest",
        # nullable column on Odoo's table: empty reads as "no digest"
        default=False,
        help="Receive every morning, per company, an e-mail with what changed in the credit "
        "file since the last one: new overdue items, rejected e-invoices, letters to "
        "review, plans and cases, bureau reports, band changes. Credit users only.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "credit_digest"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return [*super().SELF_WRITEABLE_FIELDS, "credit_digest"]
