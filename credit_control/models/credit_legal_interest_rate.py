import csv

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import ValidationError
from odoo.tools import file_open

from ..core import interest as interest_core


class CreditLegalInterestRate(models.Model):
    """Legal interest rate of a calendar year (Italy, art. 1284 c.c.).

    Set each December by a decree of the Ministry of Economy for the next year; a
    year stays at the rate of the last row before it. The rate a **consumer** who
    pays late may owe (D.Lgs. 231/2002 does not apply to consumers). National:
    shared by every company. Not the D.Lgs. 231/2002 rate, which letters never call
    "tasso legale".
    """

    _name = "credit.legal.interest.rate"
    _description = "Legal Interest Rate"
    _order = "year_start desc"
    _rec_name = "year_start"

    year_start = fields.Date(
        required=True,
        help="1 January: the rate applies to every day of that year (and of the following "
        "years until the next row).",
    )
    rate = fields.Float(
        string="Legal Interest Rate (%)",
        digits=(5, 2),
        required=True,
        help="Yearly legal interest rate (saggio degli interessi legali, art. 1284 c.c.).",
    )
    source = fields.Char(help="Where the rate comes from (decree, Gazzetta Ufficiale, etc.).")

    _sql_constraints = [
        ("year_start_unique", "unique(year_start)", "Each year has one legal interest rate."),
    ]

    @api.constrains("year_start", "rate")
    def _check_year(self):
        for record in self:
            if (record.year_start.month, record.year_start.day) != (1, 1):
                raise ValidationError(
                    self.env._(
                        "A legal interest rate starts on 1 January, not on %s.",
                        record.year_start,
                    )
                )
            if record.rate < 0:
                raise ValidationError(self.env._("A legal interest rate cannot be negative."))

    @api.model
    def _credit_rate_table(self):
        """``{half_year_start: percent}`` for the core, from the first to the last year."""
        yearly = {
            record.year_start: record.rate
            for record in self.sudo().search_fetch([], ["year_start", "rate"])
        }
        return interest_core.yearly_to_half_years(yearly)

    @api.model
    def _credit_missing_rate_warning(self, day=None):
        """A warning text when the year of ``day`` (default today) has no row."""
        day = day or fields.Date.context_today(self)
        start = day.replace(month=1, day=1)
        if self.sudo().search_count([("year_start", "=", start)], limit=1):
            return False
        return self.env._(
            "No legal interest rate (art. 1284 c.c.) for %(year)s: add it under Invoicing > Credit "
            "Management > Configuration > Legal Interest Rates (set by the Ministry of Economy's "
            "decree each December). Letters claiming legal interest from consumers are put in "
            "error until then.",
            year=start.year,
        )

    @api.model
    def _credit_load_shipped_rates(self):
        """Create the years of ``data/legal_interest_rates_it.csv`` that are missing; rates
        a manager already has (or edited) are never overwritten."""
        known = {record.year_start for record in self.sudo().search_fetch([], ["year_start"])}
        values = []
        with file_open("credit_control/data/legal_interest_rates_it.csv") as handle:
            for row in csv.DictReader(handle):
                start = fields.Date.to_date(row["period_start"])
                if start in known or not row["legal_rate"]:
                    continue
                values.append(
                    {"year_start": start, "rate": float(row["legal_rate"]), "source": row["source"]}
                )
        return self.sudo().create(values)
