"""Invoices handed over to a collection agency or a lawyer."""

from odoo import fields
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_collection_case_id = fields.Many2one(
        comodel_name="credit.collection.case",
        string="Collection Case",
        copy=False,
        index="btree_not_null",
        readonly=True,
        help="The open collection case this invoice was handed over in: dunning leaves it "
        "alone while the agency or the lawyer works on it.",
    )
