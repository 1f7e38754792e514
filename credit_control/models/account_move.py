from odoo import api
from odoo import fields
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_collectible = fields.Boolean(
        string="Collectible",
        compute="_compute_credit_collectible",
        store=True,
        help="Whether the invoice may be chased, charged late interest and counted in the "
        "customer's lateness statistics. An e-invoice rejected by the exchange system, for "
        "example, was never issued and is not collectible until it is delivered.",
    )

    @api.depends("move_type")
    def _compute_credit_collectible(self):
        """Every feature that makes an invoice not collectible extends this compute
        (and its ``@api.depends``), so dunning, interest and scoring share one rule."""
        for move in self:
            move.credit_collectible = True

    def _credit_is_collectible(self):
        """The invoices of ``self`` that may be chased."""
        return self.filtered("credit_collectible")

    @api.model
    def _credit_collectible_line_domain(self):
        """Domain on ``account.move.line`` for receivable lines of collectible invoices."""
        return [("move_id.credit_collectible", "=", True)]
