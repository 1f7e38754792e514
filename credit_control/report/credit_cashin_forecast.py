"""The 13-week cash-in forecast as rows for Odoo's graph, pivot and list views.

A table, not a SQL view: the rules (``core/forecast.py``) are the ones the backtest
replays on past dates, in Python, and a second copy of them in SQL would drift. The rows
of the companies the user works in are rebuilt when the forecast is opened (a few grouped
queries and one COPY), so the screen is as current as the ledger and the last scoring run.

The table is a cache created by ``init()`` without foreign keys (``_auto = False``): a
foreign key costs a trigger per row and column, which for the 40,000 rows of 5,000
customers was most of the time of a rebuild. An invoice deleted takes its rows with it
(``account_move_cashin_forecast.py``); anything else is set right by the next rebuild.
"""

import io

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..models.credit_score_history import BAND_SELECTION
from ..models.credit_score_history import PROFILE_SELECTION
from ..models.credit_score_history import natural_orderby

SCENARIO_SELECTION = [
    ("expected", "Expected"),
    ("optimistic", "Optimistic"),
    ("pessimistic", "Pessimistic"),
]
SOURCE_SELECTION = [
    ("invoice", "Invoice"),
    ("installment", "Payment Plan Installment"),
    ("case", "Collection Case"),
]
CREDIT_USER = "credit_control.group_credit_user"
# the table's columns written by _credit_refresh (in the order of the rows' tuples)
COLUMNS = (
    "company_id",
    "scenario",
    "date",
    "amount",
    "currency_id",
    "partner_id",
    "move_id",
    "installment_id",
    "source",
    "band",
    "profile",
)


class CreditCashinForecast(models.Model):
    _name = "credit.cashin.forecast"
    _description = "Cash-in Forecast"
    _order = "date, id"
    _rec_name = "move_id"
    _auto = False

    scenario = fields.Selection(selection=SCENARIO_SELECTION, readonly=True)
    date = fields.Date(
        string="Expected On",
        readonly=True,
        help="Predicted payment date in this scenario; empty: not expected at all.",
    )
    amount = fields.Monetary(readonly=True, currency_field="currency_id")
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    partner_id = fields.Many2one(comodel_name="res.partner", string="Customer", readonly=True)
    move_id = fields.Many2one(comodel_name="account.move", string="Invoice", readonly=True)
    installment_id = fields.Many2one(comodel_name="credit.payment.plan.installment", readonly=True)
    source = fields.Selection(selection=SOURCE_SELECTION, readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    band = fields.Selection(selection=BAND_SELECTION, readonly=True)
    profile = fields.Selection(selection=PROFILE_SELECTION, string="Payment Profile", readonly=True)

    def init(self):
        """(Re)create the cache table: its rows are rebuilt whenever the forecast opens."""
        self.env.cr.execute(
            """
            DROP TABLE IF EXISTS credit_cashin_forecast;
            CREATE TABLE credit_cashin_forecast (
                id serial PRIMARY KEY,
                company_id int4,
                scenario varchar,
                date date,
                amount numeric,
                currency_id int4,
                partner_id int4,
                move_id int4,
                installment_id int4,
                source varchar,
                band varchar,
                profile varchar,
                create_uid int4,
                write_uid int4,
                create_date timestamp without time zone,
                write_date timestamp without time zone
            );
            CREATE INDEX credit_cashin_forecast_company_date_index
                ON credit_cashin_forecast (company_id, date);
            """
        )

    @api.model
    def _read_group_orderby(self, order, groupby_terms, query):
        # scenarios and payment profiles in their natural order, not alphabetically
        def by_profile(part, terms, query):
            return natural_orderby(
                super(CreditCashinForecast, self)._read_group_orderby,
                part,
                terms,
                query,
                "profile",
                PROFILE_SELECTION,
            )

        return natural_orderby(
            by_profile, order, groupby_terms, query, "scenario", SCENARIO_SELECTION
        )

    @api.model
    def action_credit_open(self):
        """Rebuild the forecast of the user's companies and open it (the menu's action).
        Credit users only."""
        if not (self.env.su or self.env.user.has_group(CREDIT_USER)):
            raise AccessError(self.env._("Only credit users may see the cash-in forecast."))
        self.sudo()._credit_refresh(self.env.companies)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.action_credit_cashin_forecast"
        )

    @api.model
    def action_credit_print(self):
        """The PDF of the current company's 13 weeks. Credit users only."""
        if not (self.env.su or self.env.user.has_group(CREDIT_USER)):
            raise AccessError(self.env._("Only credit users may see the cash-in forecast."))
        return self.env.ref("credit_control.action_report_credit_cashin_forecast").report_action(
            self.env.company
        )

    @api.model
    def _credit_refresh(self, companies):
        """Replace the rows of ``companies`` by a new forecast from today: one DELETE and
        one COPY per company, each behind a row lock on the company that the other
        openers' snapshots conflict with (two users opening the forecast at once never
        double the rows)."""
        self.flush_model()
        for company in companies:
            # Why an UPDATE and not a lock that merely waits (an advisory lock, or SELECT
            # ... FOR UPDATE): Odoo's transactions are REPEATABLE READ, so a second
            # opener who waited still reads with the snapshot taken before the first
            # one committed. Its DELETE does not see the first one's new rows and, on a
            # company's first opening (no old rows whose deletion would conflict), it
            # would insert its own beside them: every figure doubled. Updating the
            # company's row makes the second opener's UPDATE fail with a serialization
            # error once the first commits; Odoo then reruns the whole request with a
            # fresh snapshot, which deletes the first one's rows. A no-key update:
            # it does not block the foreign key checks of other documents of the company.
            # The same UPDATE stamps when the rows were built.
            self.env.cr.execute(
                SQL(
                    "UPDATE res_company SET credit_cashin_forecast_date = %s WHERE id = %s",
                    fields.Datetime.now(),
                    company.id,
                )
            )
            rows = company._credit_cashin_rows()
            self.env.cr.execute(
                SQL("DELETE FROM credit_cashin_forecast WHERE company_id = %s", company.id)
            )
            self._credit_copy_rows(rows)
        self.invalidate_model()
        companies.invalidate_recordset(["credit_cashin_forecast_date"])
        return True

    @api.model
    def _credit_refresh_all_companies(self):
        """Rebuild the forecast of every active company (after the nightly scoring, and
        once when the demo data is loaded), so the overview's card has rows to read."""
        companies = self.env["res.company"].sudo().search([("active", "=", True)])
        self.sudo()._credit_refresh(companies)

    @api.model
    def _credit_expected_total(self, company, date_to):
        """``(amount, computed on)``: the cash the stored rows of ``company`` expect
        before ``date_to`` (expected line), and when they were built; ``(0.0, False)``
        when they never were. One indexed SUM, whatever the ledger's size."""
        built = company.sudo().credit_cashin_forecast_date
        if not built:
            return 0.0, False
        self.flush_model()
        [(total,)] = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(SUM(amount), 0)
                  FROM credit_cashin_forecast
                 WHERE company_id = %(company)s
                   AND scenario = 'expected'
                   AND date < %(date_to)s
                """,
                company=company.id,
                date_to=date_to,
            )
        )
        return company.currency_id.round(float(total)), built

    @api.model
    def _credit_copy_rows(self, rows):
        """Insert ``rows`` (dicts of COLUMNS) with one COPY (text format: tab-separated,
        ``\\N`` for NULL; no value of ours holds a tab, a newline or a backslash)."""
        now = fields.Datetime.to_string(fields.Datetime.now())
        uid = int(self.env.uid)
        stamp = f"\t{uid}\t{uid}\t{now}\t{now}\n"
        null = "\\N"
        buffer = io.StringIO()
        buffer.writelines(
            f"{row['company_id']}\t{row['scenario']}\t{row['date'] or null}\t{row['amount']}"
            f"\t{row['currency_id']}\t{row['partner_id']}\t{row['move_id'] or null}"
            f"\t{row['installment_id'] or null}\t{row['source']}\t{row['band'] or null}"
            f"\t{row['profile'] or null}{stamp}"
            for row in rows
        )
        buffer.seek(0)
        self.env.cr._obj.copy_expert(
            f"COPY credit_cashin_forecast ({', '.join(COLUMNS)}, create_uid, write_uid,"
            " create_date, write_date) FROM STDIN",
            buffer,
        )

    @api.autovacuum
    def _gc_credit_cashin_forecast(self):
        """Rows of archived companies are not rebuilt: drop them."""
        self.env.cr.execute(
            "DELETE FROM credit_cashin_forecast f USING res_company c"
            " WHERE c.id = f.company_id AND NOT c.active"
        )


class ReportCreditCashinForecast(models.AbstractModel):
    _name = "report.credit_control.report_credit_cashin_forecast"
    _description = "Cash-in Forecast (PDF)"

    @api.model
    def _get_report_values(self, docids, data=None):
        """Each company's 13 weeks and their totals, computed now. Credit users only."""
        if not (self.env.su or self.env.user.has_group(CREDIT_USER)):
            raise AccessError(self.env._("Only credit users may see the cash-in forecast."))
        companies = self.env["res.company"].browse(docids)
        if not self.env.su and companies - self.env.user.company_ids:
            raise AccessError(
                self.env._("You may only print the cash-in forecast of your own companies.")
            )
        weeks_by_company, totals_by_company = {}, {}
        for company in companies:
            weeks = company.sudo()._credit_cashin_forecast_weeks()
            weeks_by_company[company.id] = weeks
            totals_by_company[company.id] = {
                scenario: company.currency_id.round(sum(week[scenario] for week in weeks))
                for scenario in ("expected", "optimistic", "pessimistic")
            }
        return {
            "doc_ids": docids,
            "doc_model": "res.company",
            "docs": companies,
            "weeks_by_company": weeks_by_company,
            "totals_by_company": totals_by_company,
        }
