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
    # copies of the letter's, set at creation (a related field costs a lookup per amount
    # in a bulk create)
    company_id = fields.Many2one(comodel_name="res.company", required=True, index=True)
    currency_id = fields.Many2one(comodel_name="res.currency", required=True)
    move_line_id = fields.Many2one(
        comodel_name="account.move.line", string="Receivable Item", required=True, index=True
    )
    # not stored: a second foreign key would lock every invoice row again at insert time
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice")
    level_id = fields.Many2one(comodel_name="credit.dunning.level", required=True)
    invoice_date = fields.Date(related="move_id.invoice_date")
    due_date = fields.Date(required=True)
    days_late = fields.Integer(help="Days from the due date to the letter's date.")
    # Floats shown as money in the views: the amounts arrive rounded to the currency by
    # the core, and a Monetary field costs a record lookup per value in a bulk create
    amount = fields.Float(string="Original Amount", digits=0)
    open_amount = fields.Float(digits=0)
    interest_amount = fields.Float(string="Interest", digits=0)
    compensation_amount = fields.Float(
        string="Compensation",
        digits=0,
        help="EUR 40 flat compensation (D.Lgs. 231/2002 art. 6), once per invoice.",
    )
    interest_detail = fields.Text(
        help="The computation: one line per period of constant rate and open amount."
    )
