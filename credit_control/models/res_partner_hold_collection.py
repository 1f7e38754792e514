"""The debtor's open collection case, shown on the partner while it holds them."""

from odoo import fields
from odoo import models

from .credit_collection_case import OPEN_CASE_STATES


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_collection_case_id = fields.Many2one(
        comodel_name="credit.collection.case",
        string="Open Collection Case",
        compute="_compute_credit_collection_case_id",
        groups="credit_control.group_credit_user",
        help="The open case of this debtor in the current company: its items are with the "
        "agency or the lawyer, and the debtor is on hold while it is open.",
    )

    def _compute_credit_collection_case_id(self):
        cases = self.env["credit.collection.case"].search_fetch(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "in", OPEN_CASE_STATES),
            ],
            ["partner_id"],
            order="id desc",
        )
        by_partner = {}
        for case in cases:
            by_partner.setdefault(case.partner_id.id, case)
        for partner in self:
            partner.credit_collection_case_id = by_partner.get(partner.commercial_partner_id.id)
