"""The company's DSO, best possible DSO and average days delinquent (see core/dso.py)."""

from odoo import fields
from odoo import models

from ..core import dso


class ResCompany(models.Model):
    _inherit = "res.company"

    def _credit_dso_figures(self):
        """``{'dso', 'dso_best', 'days_late_avg'}`` of the company's whole receivable
        ledger today (days, one decimal; ``dso`` and ``days_late_avg`` are None when
        something is owed but nothing was sold on credit in 3 months). One grouped
        query; callers check the reader's access."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        periods = dso.periods(today)
        totals = self.env["res.partner"]._credit_fetch_dso_inputs(self.ids, periods)
        receivable, not_due, sales = totals.get(None, (0.0, 0.0, [0.0] * len(periods)))
        result = dso.figures(receivable, not_due, sales, [days for _s, _e, days in periods])
        return {"dso": result.dso, "dso_best": result.dso_best, "days_late_avg": result.days_late}
