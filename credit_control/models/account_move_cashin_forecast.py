"""An invoice deleted (after a reset to draft) leaves the cash-in forecast at once: the
forecast's rows have no foreign keys (see report/credit_cashin_forecast.py)."""

from odoo import models
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    def unlink(self):
        if self.ids:
            self.env.cr.execute(
                SQL("DELETE FROM credit_cashin_forecast WHERE move_id = ANY(%s)", self.ids)
            )
            self.env["credit.cashin.forecast"].invalidate_model()
        return super().unlink()
