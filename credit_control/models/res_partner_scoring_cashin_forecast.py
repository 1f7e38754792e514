"""The nightly scoring run rebuilds each company's cash-in forecast: its delays are the
ones the scoring has just stored, and the overview's cash-in card reads those rows."""

from odoo import api
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _cron_credit_update_scores(self):
        result = super()._cron_credit_update_scores()
        self.env["credit.cashin.forecast"]._credit_refresh_all_companies()
        return result
