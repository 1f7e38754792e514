"""Collection agencies and lawyers are partners."""

from odoo import fields
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_is_collection_agency = fields.Boolean(
        string="Collection Agency",
        help="This partner recovers debts for the company (a collection agency or a lawyer).",
    )

    # the agency's terms and its data-processing agreement: the hand-off and the
    # commission read them (the partner form shows them)
    credit_collection_commission_percent = fields.Float(
        string="Commission (%)",
        company_dependent=True,
        digits=(5, 2),
        groups="credit_control.group_credit_user",
        help="Percentage of what the agency recovers that it invoices as commission.",
    )
    credit_collection_commission_fixed = fields.Float(
        string="Fixed Fee per Case",
        company_dependent=True,
        digits="Account",
        groups="credit_control.group_credit_user",
        help="Fixed fee the agency invoices once per case, with its first recovery.",
    )
    credit_collection_dpa_date = fields.Date(
        string="Data Processing Agreement",
        company_dependent=True,
        groups="credit_control.group_credit_user",
        help="Date of the agreement making the agency a data processor (GDPR art. 28): "
        "without it, no dossier is handed to the agency.",
    )
    credit_collection_email = fields.Char(
        string="Dossier E-mail",
        groups="credit_control.group_credit_user",
        help="Where dossiers are sent; empty: the partner's e-mail.",
    )
