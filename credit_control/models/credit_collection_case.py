"""Collection cases: a debt handed over to a collection agency or a lawyer."""

from odoo import fields
from odoo import models

CASE_STATES = [
    ("draft", "Draft"),
    ("handed_off", "Handed Off"),
    ("in_progress", "In Progress"),
    ("partly_recovered", "Partly Recovered"),
    ("closed", "Closed"),
]
CLOSE_REASONS = [
    ("recovered", "Recovered"),
    ("written_off", "Written Off"),
    ("recalled", "Recalled"),
]
OPEN_CASE_STATES = ("handed_off", "in_progress", "partly_recovered")


class CreditCollectionCase(models.Model):
    _name = "credit.collection.case"
    _description = "Collection Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, copy=False, default="/")
    active = fields.Boolean(default=True)
    case_type = fields.Selection(
        selection=[("agency", "Collection Agency"), ("lawyer", "Lawyer")],
        required=True,
        default="agency",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Debtor", required=True, index=True, tracking=True
    )
    agency_id = fields.Many2one(
        comodel_name="res.partner", string="Agency", required=True, index=True, tracking=True
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    move_ids = fields.Many2many(
        comodel_name="account.move",
        relation="credit_collection_case_move_rel",
        column1="case_id",
        column2="move_id",
        string="Invoices",
        check_company=True,
    )
    line_ids = fields.One2many(comodel_name="credit.collection.case.line", inverse_name="case_id")
    date_handed_off = fields.Date(string="Handed Off On", copy=False)
    amount_handed_over = fields.Monetary()
    amount_recovered = fields.Monetary()
    commission_amount = fields.Monetary()
    state = fields.Selection(
        selection=CASE_STATES, required=True, default="draft", index=True, tracking=True
    )
    close_reason = fields.Selection(selection=CLOSE_REASONS, tracking=True)


class CreditCollectionCaseLine(models.Model):
    _name = "credit.collection.case.line"
    _description = "Collection Case Item"
    _order = "case_id, id"

    case_id = fields.Many2one(
        comodel_name="credit.collection.case", required=True, index=True, ondelete="cascade"
    )
    move_line_id = fields.Many2one(
        comodel_name="account.move.line", string="Receivable Item", required=True, index=True
    )
    move_id = fields.Many2one(related="move_line_id.move_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id", store=True)
    date_maturity = fields.Date(string="Due Date")
    amount_at_handoff = fields.Monetary(string="Open at Hand-off")
    amount_recovered = fields.Monetary()
