"""The Credit Control overview: a kanban of cards, like Accounting's dashboard.

The cards are records of data (one per figure, no company); their figures are computed
when read, for the current company, from one call to ``_credit_overview_data()`` (a few
grouped queries). A card whose source is not installed (the DSO of the aged receivables,
the cash-in forecast) is not shown. Each card opens the list behind its figure.
"""

from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.tools import format_amount
from odoo.tools import format_datetime
from odoo.tools import formatLang

from ..core import digest as digest_core
from .credit_collection_case import OPEN_CASE_STATES

CREDIT_USER = "credit_control.group_credit_user"
#: the overdue total is compared with its value this many days ago
TREND_DAYS = 30
#: failed bureau calls of the last days are shown on the reports card
FAILED_REPORT_DAYS = 7
#: the cash-in card shows the forecast's first weeks
FORECAST_WEEKS = 4
#: cards that need another feature's model or method
OPTIONAL_SOURCES = {
    "dso": ("res.company", "_credit_dso_figures"),
    "forecast": ("credit.cashin.forecast", "_credit_expected_total"),
}
#: ... and the model their card opens
OPTIONAL_MODELS = {"dso": "credit.aged.receivable", "forecast": "credit.cashin.forecast"}

CARD_CODES = [
    ("overdue", "Overdue"),
    ("dso", "DSO"),
    ("forecast", "Cash-in Forecast"),
    ("rejections", "Rejected E-invoices"),
    ("letters", "Letters"),
    ("plans", "Payment Plans"),
    ("cases", "Collection Cases"),
    ("reports", "Business Reports"),
]


class CreditOverviewCard(models.Model):
    _name = "credit.overview.card"
    _description = "Credit Overview Card"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(selection=CARD_CODES, required=True)
    sequence = fields.Integer(default=10)
    available = fields.Boolean(
        compute="_compute_available", search="_search_available", compute_sudo=True
    )
    value = fields.Char(compute="_compute_figures")
    subtitle = fields.Char(compute="_compute_figures")
    tone = fields.Selection(
        selection=[("muted", "Muted"), ("good", "Good"), ("warning", "Warning"), ("bad", "Bad")],
        compute="_compute_figures",
    )

    _sql_constraints = [("credit_overview_card_code", "unique(code)", "One card per figure.")]

    @api.model
    def _credit_available_codes(self):
        codes = {code for code, _label in CARD_CODES}
        for code, (model, method) in OPTIONAL_SOURCES.items():
            if model not in self.env or not hasattr(self.env[model], method):
                codes.discard(code)
            if OPTIONAL_MODELS[code] not in self.env:
                codes.discard(code)
        return codes

    def _compute_available(self):
        codes = self._credit_available_codes()
        for card in self:
            card.available = card.code in codes

    def _search_available(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        wanted = (operator == "=") == value
        codes = list(self._credit_available_codes())
        return [("code", "in" if wanted else "not in", codes)]

    @api.depends_context("company", "lang")
    def _compute_figures(self):
        data = self._credit_overview_data(self.env.company) if self else {}
        for card in self:
            card.value, card.subtitle, card.tone = card._credit_card_texts(data.get(card.code))

    # ------------------------------------------------------------------ the figures

    @api.model
    def _credit_overview_data(self, company, codes=None):
        """The figures of the cards ``codes`` (default: every card) for ``company`` as
        plain data (also what the benchmark times). Cards whose source is missing are
        left out."""
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids), su=True)
        today = fields.Date.context_today(self)
        wanted = self._credit_available_codes()
        if codes is not None:
            wanted &= set(codes)
        builders = {
            "overdue": lambda: self._credit_data_overdue(env, company, today),
            "rejections": lambda: self._credit_data_rejections(env, company, today),
            "letters": lambda: self._credit_data_letters(env, company),
            "plans": lambda: self._credit_data_plans(env, company, today),
            "cases": lambda: self._credit_data_cases(env, company),
            "reports": lambda: self._credit_data_reports(env, company, today),
            "dso": lambda: dict(company.sudo()._credit_dso_figures()),
            "forecast": lambda: self._credit_data_forecast(env, company, today),
        }
        return {code: build() for code, build in builders.items() if code in wanted}

    @api.model
    def _credit_data_overdue(self, env, company, today):
        """Overdue total today and ``TREND_DAYS`` ago, both from the ledger the same way:
        each customer invoice's receivable less the payments matched to it by that date.
        Only invoices and receipts, the list the card opens."""
        then = today - timedelta(days=TREND_DAYS)
        for model in ("account.move.line", "account.partial.reconcile", "account.move"):
            env[model].flush_model()
        env.cr.execute(
            """SELECT COALESCE(SUM(open_now) FILTER (WHERE open_now > 0), 0),
                      COUNT(*) FILTER (WHERE open_now > 0),
                      COALESCE(SUM(open_then) FILTER (
                          WHERE open_then > 0 AND date <= %(then)s AND date_maturity < %(then)s
                      ), 0)
                 FROM (
                    SELECT l.date, l.date_maturity,
                           l.balance - COALESCE(SUM(p.amount), 0) AS open_now,
                           l.balance - COALESCE(SUM(p.amount) FILTER (
                               WHERE p.max_date <= %(then)s), 0) AS open_then
                      FROM account_move_line l
                      JOIN account_move m ON m.id = l.move_id
                      JOIN account_account a ON a.id = l.account_id
                 LEFT JOIN account_partial_reconcile p ON p.debit_move_id = l.id
                     WHERE l.company_id = %(company)s
                       AND l.parent_state = 'posted'
                       AND a.account_type = 'asset_receivable'
                       AND l.balance > 0
                       AND l.date_maturity < %(today)s
                       AND m.credit_collectible
                       -- the invoices the card opens: no journal entries, no refunds
                       AND m.move_type IN ('out_invoice', 'out_receipt')
                       AND (NOT l.reconciled OR l.id IN (
                            SELECT debit_move_id FROM account_partial_reconcile
                             WHERE max_date > %(then)s AND company_id = %(company)s))
                  GROUP BY l.id
                 ) items""",
            {"company": company.id, "today": today, "then": then},
        )
        amount, count, amount_then = env.cr.fetchone()
        rounding = company.currency_id.round
        return {
            "amount": rounding(amount),
            "count": count,
            "amount_then": rounding(amount_then),
            "trend": digest_core.trend_percent(amount, amount_then),
            "domain": [
                ("company_id", "=", company.id),
                ("move_type", "in", ("out_invoice", "out_receipt")),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", fields.Date.to_string(today)),
                ("credit_collectible", "=", True),
            ],
        }

    @api.model
    def _credit_data_rejections(self, env, company, today):
        domain = [("company_id", "=", company.id), ("credit_einvoice_state", "=", "rejected")]
        groups = env["account.move"]._read_group(
            domain, [], ["id:count", "credit_einvoice_fix_deadline:min"]
        )
        count, deadline = groups[0]
        return {
            "count": count,
            "days_left": digest_core.days_left(deadline, today) if deadline else None,
            "domain": domain,
        }

    @api.model
    def _credit_data_letters(self, env, company):
        counts = dict(
            env["credit.dunning.letter"]._read_group(
                [("company_id", "=", company.id), ("state", "in", ("draft", "error"))],
                ["state"],
                ["id:count"],
            )
        )
        return {
            "review": counts.get("draft", 0),
            "error": counts.get("error", 0),
            "domain": [("company_id", "=", company.id), ("state", "in", ("draft", "error"))],
        }

    @api.model
    def _credit_data_plans(self, env, company, today):
        """Plans at risk: active plans with an installment late or missed; beside them
        the plans broken in the last ``TREND_DAYS`` days."""
        at_risk = env["credit.payment.plan.installment"]._read_group(
            [
                ("company_id", "=", company.id),
                ("plan_id.state", "=", "active"),
                ("state", "in", ("late", "missed")),
            ],
            ["plan_id"],
            ["amount:sum", "amount_paid:sum"],
        )
        late = sum(
            self._credit_in_company_currency(company, plan.currency_id, amount - (paid or 0.0))
            for plan, amount, paid in at_risk
        )
        since = fields.Datetime.to_datetime(today - timedelta(days=TREND_DAYS))
        broken = env["credit.payment.plan"].search_count(
            [("company_id", "=", company.id), ("state", "=", "broken"), ("write_date", ">=", since)]
        )
        return {
            "at_risk": len(at_risk),
            "amount": company.currency_id.round(late),
            "broken": broken,
            "domain": [("id", "in", [plan.id for plan, _a, _p in at_risk])],
        }

    @api.model
    def _credit_data_cases(self, env, company):
        domain = [("company_id", "=", company.id), ("state", "in", OPEN_CASE_STATES)]
        groups = env["credit.collection.case"]._read_group(
            domain, ["currency_id"], ["id:count", "amount_handed_over:sum", "amount_recovered:sum"]
        )
        return {
            "count": sum(count for _currency, count, _h, _r in groups),
            "amount": company.currency_id.round(
                sum(
                    self._credit_in_company_currency(
                        company, currency, (handed_over or 0.0) - (recovered or 0.0)
                    )
                    for currency, _count, handed_over, recovered in groups
                )
            ),
            "domain": domain,
        }

    @api.model
    def _credit_in_company_currency(self, company, currency, amount):
        """``amount`` in ``currency`` converted to the company's currency at today's rate
        (cards add amounts of several currencies)."""
        if not currency or currency == company.currency_id:
            return amount or 0.0
        today = fields.Date.context_today(self)
        return currency._convert(amount or 0.0, company.currency_id, company, today)

    @api.model
    def _credit_data_reports(self, env, company, today):
        """Customers owing money whose latest report is older than their band's refresh
        interval (or who have none), and the bureau calls that failed lately."""
        partners = env["res.partner"].with_company(company)
        large = company.credit_refresh_large_exposure

        def older_than(days):
            return ("credit_latest_report_id.report_date", "<", today - timedelta(days=days))

        base = [("parent_id", "=", False), ("credit_exposure", ">", 0)]
        stale = (
            partners.search([*base, ("credit_latest_report_id", "=", False)]).ids
            + partners.search(
                [
                    *base,
                    ("credit_latest_report_id", "!=", False),
                    "|",
                    "|",
                    "&",
                    "|",
                    ("credit_band", "in", ["D", "E"]),
                    ("credit_exposure", ">", large),
                    older_than(company.credit_refresh_days_risky),
                    "&",
                    ("credit_band", "=", "C"),
                    older_than(company.credit_refresh_days_medium),
                    older_than(company.credit_refresh_days_safe),
                ]
            ).ids
        )
        since = fields.Datetime.to_datetime(today - timedelta(days=FAILED_REPORT_DAYS))
        failed = env["credit.business.report"].search_count(
            [("company_id", "=", company.id), ("state", "=", "error"), ("create_date", ">=", since)]
        )
        return {"stale": len(stale), "failed": failed, "domain": [("id", "in", stale)]}

    @api.model
    def _credit_data_forecast(self, env, company, today):
        """Cash expected in the 4 weeks from this week's Monday (the forecast's first four
        weeks, expected line), read from the stored forecast: the rows are rebuilt each
        night after the scoring and whenever someone opens the forecast, and computing
        it here would cost the whole forecast at every look at the overview."""
        date_to = today - timedelta(days=today.weekday()) + timedelta(weeks=FORECAST_WEEKS)
        amount, computed_on = env["credit.cashin.forecast"]._credit_expected_total(company, date_to)
        return {"amount": amount, "computed_on": computed_on}

    # ------------------------------------------------------------------ texts and actions

    def _credit_card_texts(self, data):
        """(value, subtitle, tone) of this card from its data, in the user's language."""
        self.ensure_one()
        if data is None:
            return "", "", "muted"
        currency = self.env.company.currency_id
        code = self.code
        if code == "overdue":
            trend = data["trend"]
            if trend is None:
                subtitle = self.env._("%s items; nothing was overdue 30 days ago", data["count"])
            else:
                sign = "+" if trend > 0 else "-" if trend < 0 else ""
                subtitle = self.env._(
                    "%(count)s items; %(trend)s%% vs 30 days ago (%(then)s)",
                    count=data["count"],
                    trend=sign + formatLang(self.env, abs(trend), digits=1),
                    then=format_amount(self.env, data["amount_then"], currency),
                )
            tone = "bad" if (trend or 0) > 0 else "good" if trend is not None else "muted"
            return format_amount(self.env, data["amount"], currency), subtitle, tone
        if code == "dso":
            if data.get("dso") is None:
                # something is owed but nothing was sold on credit in 3 months: no DSO
                return (
                    self.env._("n/a"),
                    self.env._("not measurable: nothing sold on credit in 3 months"),
                    "warning",
                )
            subtitle = self.env._(
                "best possible %(best)s days; paid %(late)s days late on average",
                best=round(data.get("dso_best") or 0),
                late=round(data.get("days_late_avg") or 0),
            )
            return self.env._("%s days", round(data.get("dso") or 0)), subtitle, "muted"
        if code == "forecast":
            if not data["computed_on"]:
                return (
                    self.env._("n/a"),
                    self.env._("not computed yet: open the card to compute it"),
                    "muted",
                )
            return (
                format_amount(self.env, data["amount"], currency),
                self.env._(
                    "expected in the next 4 weeks (forecast of %s)",
                    format_datetime(self.env, data["computed_on"], dt_format="short"),
                ),
                "good",
            )
        if code == "rejections":
            if not data["count"]:
                return "0", self.env._("nothing to fix"), "good"
            days = data["days_left"]
            subtitle = (
                self.env._("to fix; the first deadline passed %s day(s) ago", -days)
                if days < 0
                else self.env._("to fix; %s day(s) left for the first", days)
            )
            return str(data["count"]), subtitle, "bad" if days <= 1 else "warning"
        if code == "letters":
            subtitle = self.env._("to review; %s in error", data["error"])
            tone = "bad" if data["error"] else "warning" if data["review"] else "good"
            return str(data["review"]), subtitle, tone
        if code == "plans":
            subtitle = self.env._(
                "at risk (%(amount)s late); %(broken)s broken in 30 days",
                amount=format_amount(self.env, data["amount"], currency),
                broken=data["broken"],
            )
            tone = "bad" if data["broken"] else "warning" if data["at_risk"] else "good"
            return str(data["at_risk"]), subtitle, tone
        if code == "cases":
            subtitle = self.env._(
                "open; %s still to recover", format_amount(self.env, data["amount"], currency)
            )
            return str(data["count"]), subtitle, "muted"
        if code == "reports":
            subtitle = self.env._("out of date; %s failed calls this week", data["failed"])
            tone = "bad" if data["failed"] else "warning" if data["stale"] else "good"
            return str(data["stale"]), subtitle, tone
        return "", "", "muted"

    def action_open(self):
        """The list behind the card's figure, filtered like the figure."""
        self.ensure_one()
        if not (self.env.su or self.env.user.has_group(CREDIT_USER)):
            raise AccessError(self.env._("Only credit users may open the credit overview."))
        company = self.env.company
        if self.code == "forecast":
            if self.code not in self._credit_available_codes():
                return False
            # rebuilt now: the rows opened are as current as the card's figure
            action = self.env["credit.cashin.forecast"].action_credit_open()
            name = self.env._("Cash-in Forecast")
            action.update(name=name, display_name=name, domain=[("company_id", "=", company.id)])
            return action
        data = self._credit_overview_data(company, codes=[self.code]).get(self.code)
        if data is None:
            return False
        actions = {
            "overdue": ("account.action_move_out_invoice_type", self.env._("Overdue Invoices")),
            "dso": (None, self.env._("Aged Receivables")),
            "rejections": (
                "credit_control.action_credit_einvoice_worklist",
                self.env._("Rejected E-invoices"),
            ),
            "letters": (
                "credit_control.action_credit_dunning_letter",
                self.env._("Letters to Review or in Error"),
            ),
            "plans": (None, self.env._("Payment Plans at Risk")),
            "cases": (None, self.env._("Open Collection Cases")),
            "reports": (
                "credit_control.action_credit_watchlist",
                self.env._("Business Reports Out of Date"),
            ),
        }
        xmlid, name = actions[self.code]
        if xmlid:
            action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
            action["context"] = {"create": False}
        else:
            model = {
                "dso": "credit.aged.receivable",
                "plans": "credit.payment.plan",
                "cases": "credit.collection.case",
            }[self.code]
            views = [[False, "pivot"], [False, "graph"]] if self.code == "dso" else []
            action = {
                "type": "ir.actions.act_window",
                "res_model": model,
                "views": [*views, [False, "list"], [False, "form"]],
                "context": {"create": False},
            }
        action.update(
            name=name,
            display_name=name,
            domain=data.get("domain") or [("company_id", "=", company.id)],
        )
        return action
