"""What the plan screens show at a glance: paid so far, next due date, missed installments
(the "at risk" filter), the invoices' payments. Read with one grouped query per screen."""

from odoo import fields
from odoo import models


class CreditPaymentPlan(models.Model):
    _inherit = "credit.payment.plan"

    credit_amount_paid = fields.Monetary(
        string="Amount Paid", compute="_compute_credit_installment_figures"
    )
    credit_next_due_date = fields.Date(
        string="Next Due Date", compute="_compute_credit_installment_figures"
    )
    credit_missed_count = fields.Integer(
        string="Missed Installments", compute="_compute_credit_installment_figures"
    )
    credit_at_risk = fields.Boolean(
        string="At Risk",
        compute="_compute_credit_installment_figures",
        search="_search_credit_at_risk",
        help="An active plan with a missed installment.",
    )
    credit_invoice_count = fields.Integer(compute="_compute_credit_invoice_count")
    credit_payment_line_ids = fields.Many2many(
        comodel_name="account.move.line",
        string="Payments",
        compute="_compute_credit_payment_line_ids",
        help="The payments and credit notes matched with the plan's invoices.",
    )
    credit_payment_count = fields.Integer(compute="_compute_credit_payment_line_ids")

    def _compute_credit_installment_figures(self):
        Installment = self.env["credit.payment.plan.installment"]
        paid = dict(
            Installment._read_group([("plan_id", "in", self.ids)], ["plan_id"], ["amount_paid:sum"])
        )
        next_due = dict(
            Installment._read_group(
                [("plan_id", "in", self.ids), ("state", "!=", "paid")],
                ["plan_id"],
                ["date_due:min"],
            )
        )
        missed = dict(
            Installment._read_group(
                [("plan_id", "in", self.ids), ("state", "=", "missed")],
                ["plan_id"],
                ["__count"],
            )
        )
        for plan in self:
            key = plan._origin
            plan.credit_amount_paid = paid.get(key, 0.0)
            plan.credit_next_due_date = next_due.get(key, False)
            plan.credit_missed_count = missed.get(key, 0)
            plan.credit_at_risk = plan.state == "active" and bool(missed.get(key))

    def _search_credit_at_risk(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        domain = [("state", "=", "active"), ("installment_ids.state", "=", "missed")]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

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
