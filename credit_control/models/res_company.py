from odoo import api
from odoo import fields
from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_controller_id = fields.Many2one(
        comodel_name="res.users",
        help="Default person for credit follow-up activities (calls, rejected "
        "e-invoices, broken payment plans) when a customer has none of its own.",
    )

    # Dunning
    credit_dunning_policy_id = fields.Many2one(
        comodel_name="credit.dunning.policy",
        string="Default Dunning Policy",
        domain="[('company_id', '=', id)]",
        help="Policy of customers that have none of their own.",
    )
    credit_dunning_tolerance = fields.Monetary(
        string="Dunning Tolerance",
        currency_field="currency_id",
        default=1.0,
        help="Open amounts under this are never chased.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["credit.dunning.policy"]._credit_create_default_policies(companies)
        return companies
