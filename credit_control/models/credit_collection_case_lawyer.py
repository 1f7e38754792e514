"""A lawyer's case: the injunction (decreto ingiuntivo) as the lawyer reports it."""

from odoo import fields
from odoo import models


class CreditCollectionCase(models.Model):
    _inherit = "credit.collection.case"

    credit_court_reference = fields.Char(
        string="Court Reference",
        tracking=True,
        help="The court's reference of the proceedings (e.g. the docket number, R.G.), as "
        "the lawyer reports it.",
    )
    date_injunction = fields.Date(
        string="Injunction Date",
        tracking=True,
        help="The day the court issued the payment injunction (decreto ingiuntivo).",
    )
    date_injunction_notified = fields.Date(
        string="Injunction Notified On",
        tracking=True,
        help="The day the injunction was served on the debtor: the debtor's forty days to "
        "oppose it run from this day.",
    )
