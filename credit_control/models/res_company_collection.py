"""Where written-off bad debts are booked."""

from odoo import fields
from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_collection_loss_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Bad Debt Loss Account",
        check_company=True,
        help="Expense account debited when a collection case is written off (perdite su crediti).",
    )
    credit_collection_journal_id = fields.Many2one(
        comodel_name="account.journal",
        string="Write-off Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal of the write-off entries; empty: the first miscellaneous journal.",
    )
