"""Collectibility: the one rule on invoices that e-invoicing, dunning and scoring share."""

from odoo import api
from odoo import fields
from odoo import models

from ..core import sdi_effects

# The add-on's columns on invoices are fetched together, apart from Odoo's: posting and
# paying fetch an invoice's fields again and again, and would fetch ours every time.
# Fields that are tracked (read at every write) or read at every payment stay in Odoo's
# group: fetching them apart would cost a query each time.
CREDIT_MOVE_PREFETCH = "credit_control"


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_collectible = fields.Boolean(
        string="Collectible",
        compute="_compute_credit_collectible",
        store=True,
        help="Whether the invoice may be chased, charged late interest and counted in the "
        "customer's lateness statistics. An e-invoice rejected by the exchange system, for "
        "example, was never issued and is not collectible until it is delivered.",
        prefetch=CREDIT_MOVE_PREFETCH,
    )

    @api.depends(
        "credit_einvoice_state", "credit_einvoice_notice_date", "credit_einvoice_rejected_date"
    )
    def _compute_credit_collectible(self):
        """The one collectibility rule that dunning, interest and scoring share: an
        e-invoice rejected by the SdI was never issued (nor is it once sent again, until
        the SdI answers), one not delivered is not chased until the customer is told where
        it is, one refused by a public administration is credited, not chased (see
        readme/SDI.md)."""
        for move in self:
            move.credit_collectible = sdi_effects.is_collectible(
                move.credit_einvoice_state,
                bool(move.credit_einvoice_notice_date),
                resubmitted=bool(move.credit_einvoice_rejected_date),
            )

    def _credit_is_collectible(self):
        """The invoices of ``self`` that may be chased."""
        return self.filtered("credit_collectible")

    @api.model
    def _credit_collectible_line_domain(self):
        """Domain on ``account.move.line`` for receivable lines of collectible invoices."""
        return [("move_id.credit_collectible", "=", True)]
