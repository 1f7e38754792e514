from odoo import fields
from odoo import models


class CreditDunningLetterLine(models.Model):
    """An open item of a letter: the receivable line, the level it reached, its interest."""

    _name = "credit.dunning.letter.line"
    _description = "Dunning Letter Item"
    _order = "letter_id, due_date, id"
    # items are written once, with their letter (which keeps who and when): no log columns,
    # and two foreign keys fewer to check for each of the thousands of items of a run
    _log_access = False

    letter_id = fields.Many2one(
        comodel_name="credit.dunning.letter", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="letter_id.company_id")
    currency_id = fields.Many2one(related="letter_id.currency_id")
    move_line_id = fields.Many2one(
        comodel_name="account.move.line", string="Receivable Item", required=True, index=True
    )
    # not stored: a second foreign key would lock every invoice row again at insert time
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice")
    level_id = fields.Many2one(
        comodel_name="credit.dunning.level",
        help="The level the item reached; empty on an interest statement.",
    )
    invoice_date = fields.Date(related="move_id.invoice_date")
    due_date = fields.Date(required=True)
    days_late = fields.Integer(
        aggregator="avg",
        help="Days from the due date to the letter's date (to the payment date on an "
        "interest statement).",
    )
    paid_date = fields.Date(
        string="Paid On", help="On an interest statement: the day the invoice was paid in full."
    )
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
    for_information = fields.Boolean(
        help="Not yet due on the letter's date: listed for information, outside the amount "
        "demanded by an after-due letter.",
    )
    interest_detail = fields.Text(
        help="The computation: one line per period of constant rate and open amount."
    )
    compensation_carried = fields.Boolean(
        help="The EUR 40 was claimed by an earlier letter already sent: carried, not new."
    )
    charged_interest_amount = fields.Float(
        string="Interest Invoiced",
        digits=0,
        help="Interest of this item billed by the letter's charges invoice: only the days "
        "after the previous charges invoice of the same item.",
    )
    charged_until = fields.Date(
        string="Interest Invoiced Until",
        help="Last day of interest billed for this item by the letter's charges invoice.",
    )
