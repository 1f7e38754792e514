"""The company's 13-week cash-in forecast: its open items, each customer's delays (stored
by the scoring), its agencies' recovery rates, and the core's rules (``core/forecast.py``)."""

from odoo import fields
from odoo import models
from odoo.tools import SQL

from ..core import forecast


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_cashin_forecast_date = fields.Datetime(
        string="Cash-in Forecast Computed On",
        readonly=True,
        copy=False,
        groups="credit_control.group_credit_user",
        help="When the stored cash-in forecast rows of the company were last rebuilt (each "
        "night after the scoring, and whenever someone opens the forecast). The overview's "
        "cash-in card reads those rows.",
    )

    def _credit_cashin_items(self):
        """The company's open amounts as the core's ``Item``s, keyed ``(source, id)``, and
        what each row needs beside them: ``(items, {key: {partner_id, move_id,
        installment_id, source}})``. Set-based: one query for the receivable items
        (invoices in an active payment plan are left out: their installments count; an
        e-invoice rejected by the SdI, or refused, brings nothing until delivered), one
        for the customers' unmatched payments and credit notes (taken off their open
        items, ``core.forecast.offset_credits``), one
        for the open installments of active plans, one for the agencies' rates."""
        self.ensure_one()
        self.env.flush_all()
        rates = self._credit_agency_recovery_rates()
        items, meta = [], {}
        invoice_rows = self.env.execute_query(
            SQL(
                """
                SELECT l.id, l.move_id, p.commercial_partner_id,
                       COALESCE(l.date_maturity, l.date), l.amount_residual, c.agency_id
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                  JOIN account_account a ON a.id = l.account_id
                  JOIN res_partner p ON p.id = l.partner_id
             LEFT JOIN credit_collection_case c ON c.id = m.credit_collection_case_id
                 WHERE l.company_id = %(company)s
                   AND l.parent_state = 'posted'
                   AND a.account_type = 'asset_receivable'
                   AND m.move_type IN ('out_invoice', 'out_receipt')
                   AND l.amount_residual > 0
                   AND NOT l.reconciled
                   AND m.credit_payment_plan_id IS NULL
                   AND (m.credit_collectible OR m.credit_einvoice_state = 'not_delivered')
                """,
                company=self.id,
            )
        )
        for line_id, move_id, partner_id, due, residual, agency_id in invoice_rows:
            key = ("invoice", line_id)
            kind, rate = "invoice", 1.0
            if agency_id:
                kind, rate = "case", rates.get(agency_id, forecast.DEFAULT_RECOVERY_RATE)
            items.append(forecast.Item(key, partner_id, kind, due, float(residual), rate))
            meta[key] = {
                "partner_id": partner_id,
                "move_id": move_id,
                "installment_id": None,
                "source": kind,
            }
        # cash already in and credit notes not yet matched to an invoice (negative
        # residuals) are taken off the customer's open items, oldest due first: that
        # money will not come a second time
        credit_rows = self.env.execute_query(
            SQL(
                """
                SELECT p.commercial_partner_id, -SUM(l.amount_residual)
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                  JOIN account_account a ON a.id = l.account_id
                  JOIN res_partner p ON p.id = l.partner_id
                 WHERE l.company_id = %(company)s
                   AND l.parent_state = 'posted'
                   AND a.account_type = 'asset_receivable'
                   AND l.amount_residual < 0
                   AND NOT l.reconciled
                   AND m.credit_collectible
              GROUP BY p.commercial_partner_id
                """,
                company=self.id,
            )
        )
        digits = self.currency_id.decimal_places
        items = forecast.offset_credits(
            items, {partner_id: float(amount) for partner_id, amount in credit_rows}, digits
        )
        installment_rows = self.env.execute_query(
            SQL(
                """
                SELECT i.id, p.commercial_partner_id, i.date_due,
                       i.amount - COALESCE(i.amount_paid, 0), plan.currency_id
                  FROM credit_payment_plan_installment i
                  JOIN credit_payment_plan plan ON plan.id = i.plan_id
                  JOIN res_partner p ON p.id = plan.partner_id
                 WHERE plan.company_id = %(company)s
                   AND plan.state = 'active'
                   AND plan.active
                   AND i.state != 'paid'
                   AND i.amount - COALESCE(i.amount_paid, 0) > 0
                """,
                company=self.id,
            )
        )
        today = fields.Date.context_today(self)
        currencies = self.env["res.currency"]
        for installment_id, partner_id, due, open_amount, currency_id in installment_rows:
            if currency_id != self.currency_id.id:
                open_amount = currencies.browse(currency_id)._convert(
                    open_amount, self.currency_id, self, today, round=True
                )
            key = ("installment", installment_id)
            items.append(forecast.Item(key, partner_id, "installment", due, float(open_amount)))
            meta[key] = {
                "partner_id": partner_id,
                "move_id": None,
                "installment_id": installment_id,
                "source": "installment",
            }
        return items, meta

    def _credit_agency_recovery_rates(self):
        """``{agency id: recovered / handed over}`` of the company's closed cases that were
        recovered or written off (a recalled case says nothing of the agency)."""
        self.ensure_one()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT agency_id, SUM(amount_handed_over), SUM(amount_recovered)
                  FROM credit_collection_case
                 WHERE company_id = %(company)s
                   AND state = 'closed'
                   AND close_reason IN ('recovered', 'written_off')
              GROUP BY agency_id
                """,
                company=self.id,
            )
        )
        return {
            agency_id: forecast.recovery_rate(handed_over or 0.0, recovered or 0.0)
            for agency_id, handed_over, recovered in rows
        }

    def _credit_cashin_delays(self, partner_ids):
        """``({partner id: Delay}, {partner id: (band, profile)})`` from the company's
        stored assessment. A partner scored before the median existed falls back on its
        average days late."""
        self.ensure_one()
        key = str(self.id)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id, (credit_median_days_late->>%(key)s)::int4,
                       (credit_slow_days_late->>%(key)s)::int4,
                       (credit_avg_days_late->>%(key)s)::float8,
                       credit_band->>%(key)s, credit_profile->>%(key)s
                  FROM res_partner
                 WHERE id = ANY(%(ids)s)
                """,
                key=key,
                ids=list(partner_ids),
            )
        )
        delays, labels = {}, {}
        for partner_id, median, slow, average, band, profile in rows:
            usual = median if median is not None else round(average or 0)
            if slow is None:
                slow = max(usual, forecast.DEFAULT_SLOW_DAYS)
            delays[partner_id] = forecast.Delay(usual, slow, profile == "defaulting")
            labels[partner_id] = (band, profile)
        return delays, labels

    def _credit_cashin_rows(self, today=None):
        """The forecast's rows (dicts of ``credit.cashin.forecast``'s columns), three per
        open item or installment."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        items, meta = self._credit_cashin_items()
        delays, labels = self._credit_cashin_delays({item.partner_id for item in items})
        digits = self.currency_id.decimal_places
        company_id, currency_id = self.id, self.currency_id.id
        rows = []
        # amounts: open residuals (rounded in the ledger), converted installments and
        # agencies' shares (rounded by the core)
        for key, scenario, day, amount in forecast.forecast(items, delays, today, digits):
            info = meta[key]
            band, profile = labels.get(info["partner_id"], (None, None))
            rows.append(
                {
                    **info,
                    "company_id": company_id,
                    "scenario": scenario,
                    "date": day,
                    "amount": amount,
                    "currency_id": currency_id,
                    "band": band,
                    "profile": profile,
                }
            )
        return rows

    def _credit_cashin_forecast_weeks(self, today=None):
        """The 13 weeks from this week's Monday: a list of dicts ``{week_start, expected,
        optimistic, pessimistic}`` (amounts in the company's currency), computed now from
        the ledger (the overview and the PDF read it)."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        items, _meta = self._credit_cashin_items()
        delays, _labels = self._credit_cashin_delays({item.partner_id for item in items})
        digits = self.currency_id.decimal_places
        rows = forecast.forecast(items, delays, today, digits)
        return forecast.weekly_totals(rows, today, digits=digits)
