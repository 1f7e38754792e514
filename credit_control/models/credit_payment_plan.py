"""Payment plans (rateizzazione): an overlay of installments on a debtor's invoices.

The ledger is never rewritten: the plan lists the invoices it covers and the dates and
amounts agreed; payments on those invoices fill the installments.
"""

from odoo import fields
from odoo import models

PLAN_STATES = [
    ("draft", "Draft"),
    ("proposed", "Proposed"),
    ("active", "Active"),
    ("completed", "Completed"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]
INSTALLMENT_STATES = [
    ("open", "Open"),
    ("paid", "Paid"),
    ("late", "Late"),
    ("missed", "Missed"),
]


class CreditPaymentPlan(models.Model):
    _name = "credit.payment.plan"
    _description = "Payment Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, copy=False, default="/")
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        domain="[('is_company', '=', True)]",
        tracking=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    invoice_ids = fields.Many2many(
        comodel_name="account.move",
        relation="credit_payment_plan_move_rel",
        column1="plan_id",
        column2="move_id",
        string="Invoices",
        check_company=True,
    )
    state = fields.Selection(
        selection=PLAN_STATES, required=True, default="draft", index=True, tracking=True
    )
    amount_total = fields.Monetary(string="Amount Owed")
    installment_ids = fields.One2many(
        comodel_name="credit.payment.plan.installment", inverse_name="plan_id"
    )


class CreditPaymentPlanInstallment(models.Model):
    _name = "credit.payment.plan.installment"
    _description = "Payment Plan Installment"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        comodel_name="credit.payment.plan", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=1)
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id", store=True)
    date_due = fields.Date(required=True, index=True)
    amount = fields.Monetary(required=True)
    amount_paid = fields.Monetary()
    state = fields.Selection(
        selection=INSTALLMENT_STATES, required=True, default="open", index=True
    )
