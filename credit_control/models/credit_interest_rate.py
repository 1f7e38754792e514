import csv
from datetime import date

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError
from odoo.tools import file_open

from ..core import dates


class CreditInterestRate(models.Model):
    """Statutory late-payment interest rate of a half-year (Italy, D.Lgs. 231/2002 art. 5).

    The table is national, so it is shared by every company. Managers add each new
    half-year's rate when the Ministry publishes it (early January and July).
    """

    _name = "credit.interest.rate"
    _description = "Statutory Late Interest Rate"
    _order = "period_start desc"
    _rec_name = "period_start"

    period_start = fields.Date(
        string="Half-Year Start",
        required=True,
        help="1 January or 1 July: the rate applies to every day of that half-year.",
    )
    ecb_rate = fields.Float(
        string="ECB Rate (%)",
        digits=(5, 2),
        aggregator="avg",
        help="ECB main refinancing rate in force on the first day of the half-year.",
    )
    rate = fields.Float(
        string="Late Interest Rate (%)",
        digits=(5, 2),
        aggregator="avg",
        required=True,
        help="Yearly rate of statutory late interest: the ECB rate plus 8 points.",
    )
    source = fields.Char(
        string="Notice",
        help="Where the rate comes from: the Ministry of Economy's notice in the Gazzetta "
        "Ufficiale.",
    )

    _sql_constraints = [
        ("period_start_unique", "unique(period_start)", "Each half-year has one rate."),
    ]

    @api.constrains("period_start", "rate")
    def _check_half_year(self):
        for record in self:
            if record.period_start != dates.half_year_start(record.period_start):
                raise ValidationError(
                    self.env._(
                        "A late interest rate starts on 1 January or 1 July, not on %s.",
                        record.period_start,
                    )
                )
            if record.rate < 0:
                raise ValidationError(self.env._("A late interest rate cannot be negative."))

    @api.onchange("ecb_rate")
    def _onchange_ecb_rate(self):
        if self.ecb_rate and not self.rate:
            self.rate = self.ecb_rate + 8

    @api.model
    def _credit_rate_table(self):
        """``{half_year_start: percent}`` for the core's interest computation."""
        return {
            record.period_start: record.rate
            for record in self.sudo().search_fetch([], ["period_start", "rate"])
        }

    @api.model
    def _credit_missing_rate_warning(self, day=None):
        """A warning text when the half-year of ``day`` (default today) has no rate."""
        day = day or fields.Date.context_today(self)
        start = dates.half_year_start(day)
        if self.sudo().search_count([("period_start", "=", start)], limit=1):
            return False
        return self.env._(
            "No statutory late interest rate for the half-year starting %(start)s: "
            "add it under Invoicing > Credit Management > Configuration > Late Interest Rates "
            "(ECB rate + 8 points, published by the Ministry in the Gazzetta Ufficiale). "
            "Letters that need it are put in error until then.",
            start=start.strftime("%d/%m/%Y") if isinstance(start, date) else start,
        )

    @api.model
    def _credit_load_shipped_rates(self):
        """Create the half-years of ``data/late_interest_rates_it.csv`` that are missing.

        Called at install and at every upgrade; rates a manager already has (or edited)
        are never overwritten, rows without a rate are skipped. The file's ``notice``
        column (the Ministry's notice) is what users read; its ``source`` column is the
        research trail, which earlier versions showed: such untouched sources are
        replaced by the notice.
        """
        known = {record.period_start: record for record in self.sudo().search([])}
        values = []
        with file_open("credit_control/data/late_interest_rates_it.csv") as handle:
            for row in csv.DictReader(handle):
                start = fields.Date.to_date(row["period_start"])
                if not row["legal_rate"]:
                    continue
                if start in known:
                    if known[start].source == row["source"]:
                        known[start].source = row["notice"]
                    continue
                values.append(
                    {
                        "period_start": start,
                        "ecb_rate": float(row["ecb_rate"] or 0),
                        "rate": float(row["legal_rate"]),
                        "source": row["notice"],
                    }
                )
        return self.create(values)
