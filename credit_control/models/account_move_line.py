from odoo import api
from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.model
    def _credit_dunning_excluded_domain(self):
        """Domains of receivable lines that dunning must leave alone, as a list.

        Each element is a domain on ``account.move.line``; a line matching any of them
        is not chased. Features extend this and append their own, for example::

            @api.model
            def _credit_dunning_excluded_domain(self):
                return super()._credit_dunning_excluded_domain() + [
                    [("move_id.credit_payment_plan_id", "!=", False)],
                ]

        Payment plans (items in an active plan) and collection-agency cases (items
        handed over) add theirs here; non-collectible invoices are excluded through
        ``account.move._credit_collectible_line_domain()``.
        """
        return [[("move_id.credit_dunning_excluded", "=", True)]]
