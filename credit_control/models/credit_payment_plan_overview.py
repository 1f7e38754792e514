"""What the plan form shows besides the engine's figures: its invoices and their payments
(smart buttons and the Payments tab)."""

from odoo import fields
from odoo import models


class CreditPaymentPlan(models.Model):
    _inherit = "credit.payment.plan"

    credit_invoice_count = fields.Integer(compute="_compute_credit_invoice_count")
    credit_payment_line_ids = fields.Many2many(
        comodel_name="account.move.line",
        string="Payments",
        compute="_compute_credit_payment_line_ids",
        help="The payments and credit notes matched with the plan's invoices.",
    )
    credit_payment_count = fields.Integer(compute="_compute_credit_payment_line_ids")

    def _compute_credit_invoice_count(self):
        for plan in self:
            plan.credit_invoice_count = len(plan.invoice_ids)

    def _compute_credit_payment_line_ids(self):
        for plan in self:
            receivables = plan.invoice_ids.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            counterparts = receivables.matched_credit_ids.credit_move_id
            plan.credit_payment_line_ids = counterparts.sorted(lambda line: (line.date, line.id))
            plan.credit_payment_count = len(counterparts)

    def action_credit_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(domain=[("id", "in", self.invoice_ids.ids)], context={"create": False})
        return action

    def action_credit_view_payments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Payments of %(plan)s", plan=self.name),
            "res_model": "account.move.line",
            "view_mode": "list,form",
            "domain": [("id", "in", self.credit_payment_line_ids.ids)],
            "context": {"create": False},
        }
