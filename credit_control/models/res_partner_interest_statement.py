"""Interest statement from the customer form: interest on invoices paid late."""

from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError

from .credit_dunning_letter_security import dunning_action


class ResPartner(models.Model):
    _inherit = "res.partner"

    def action_credit_interest_statement(self):
        """Propose an interest statement ("nota interessi di mora") for the customer's
        invoices paid late in its policy's period and never claimed."""
        self.ensure_one()
        if not self.env.user.has_group("credit_control.group_credit_user"):
            raise AccessError(self.env._("Only a credit user can propose an interest statement."))
        partner = self.commercial_partner_id
        # the statement is proposed by the dunning code, as a run proposes its letters
        with dunning_action(self.env):
            letters = self.env["credit.dunning.letter"]._credit_propose_interest_statements(
                self.env.company, fields.Date.context_today(self), partners=partner
            )
        if not letters:
            raise UserError(
                self.env._(
                    "No invoice of %(customer)s was paid late in the period without its "
                    "interest being claimed already.",
                    customer=partner.name,
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.action_credit_dunning_letter"
        )
        action["domain"] = [("id", "in", letters.ids)]
        if len(letters) == 1:
            action.update(res_id=letters.id, view_mode="form", views=[(False, "form")])
        return action
