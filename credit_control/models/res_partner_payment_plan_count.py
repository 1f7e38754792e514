"""The customer's payment plans: smart button on the partner form."""

from odoo import fields
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_payment_plan_count = fields.Integer(
        string="Payment Plans",
        compute="_compute_credit_payment_plan_count",
        groups="credit_control.group_credit_user",
    )

    def _compute_credit_payment_plan_count(self):
        commercial = self.commercial_partner_id
        counts = dict(
            self.env["credit.payment.plan"]._read_group(
                [("partner_id", "in", commercial.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.credit_payment_plan_count = counts.get(partner.commercial_partner_id, 0)

    def action_credit_payment_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.action_credit_payment_plan"
        )
        action.update(
            domain=[("partner_id", "=", self.commercial_partner_id.id)],
            context={"default_partner_id": self.commercial_partner_id.id},
        )
        return action
