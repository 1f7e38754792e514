"""Settings of collection cases: the loss account and journal of write-offs."""

from odoo import fields
from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_collection_loss_account_id = fields.Many2one(
        related="company_id.credit_collection_loss_account_id", readonly=False
    )
    credit_collection_journal_id = fields.Many2one(
        related="company_id.credit_collection_journal_id", readonly=False
    )
