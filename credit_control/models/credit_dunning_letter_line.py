from odoo import fields
from odoo import models


class CreditDunningLetterLine(models.Model):
    """An open item of a letter: the receivable line, the level it reached, its interest."""

    _name = "credit.dunning.letter.line"
    _description = "Dunning Letter Item"
    _order = "letter_id, due_date, id"

    letter_id = fields.Many2one(
        comodel_name="credit.dunning.letter", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="letter_id.company_id", store=True)
    currency_id = fields.Many2one(related="letter_id.currency_id", store=True)
    move_line_id = fields.Many2one(
        comodel_name="account.move.line", string="Receivable Item", required=True, index=True
    )
    move_id = fields.Many2one(comodel_name="account.move", string="Invoice", index=True)
    level_id = fields.Many2one(comodel_name="credit.dunning.level", required=True)
    invoice_date = fields.Date(related="move_id.invoice_date")
    due_date = fields.Date(required=True)
    days_late = fields.Integer(help="Days from the due date to the letter's date.")
    amount = fields.Monetary(string="Original Amount", currency_field="currency_id")
    open_amount = fields.Monetary(currency_field="currency_id")
    interest_amount = fields.Monetary(string="Interest", currency_field="currency_id")
    compensation_amount = fields.Monetary(
        string="Compensation",
        currency_field="currency_id",
        help="EUR 40 flat compensation (D.Lgs. 231/2002 art. 6), once per invoice.",
    )
    interest_detail = fields.Text(
        help="The computation: one line per period of constant rate and open amount."
    )
