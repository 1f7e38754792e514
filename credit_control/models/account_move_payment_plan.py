"""Invoices in a payment plan."""

from odoo import fields
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_payment_plan_id = fields.Many2one(
        comodel_name="credit.payment.plan",
        string="Payment Plan",
        copy=False,
        index="btree_not_null",
        readonly=True,
        help="The active payment plan that covers this invoice: dunning leaves it alone "
        "and its installments are chased instead.",
    )
