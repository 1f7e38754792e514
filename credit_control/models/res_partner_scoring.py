"""Know the customer: payment behaviour, score, band, profile and their explanation,
computed set-based for many partners at once."""

import json
from collections import defaultdict

from psycopg2.extras import execute_values

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.tools import SQL
from odoo.tools import format_amount
from odoo.tools import formatLang

from ..core import behaviour
from ..core import dates
from ..core import scoring
from .credit_score_history import BAND_SELECTION
from .credit_score_history import PROFILE_SELECTION
from .credit_score_history import natural_orderby

TREND_SELECTION = [
    ("improving", "Improving"),
    ("stable", "Stable"),
    ("worsening", "Worsening"),
]

# The stored results of credit_update_scores(), written in one UPDATE (column, SQL type).
SCORE_COLUMNS = (
    ("credit_score", "int4"),
    ("credit_band", "varchar"),
    ("credit_profile", "varchar"),
    ("credit_avg_days_late", "float8"),
    ("credit_share_late", "float8"),
    ("credit_share_late_30", "float8"),
    ("credit_worst_delay", "int4"),
    ("credit_settled_count", "int4"),
    ("credit_returned_count", "int4"),
    ("credit_exposure", "numeric"),
    ("credit_overdue", "numeric"),
    ("credit_oldest_overdue_days", "int4"),
    ("credit_trend", "float8"),
    ("credit_trend_label", "varchar"),
    ("credit_monthly_invoiced", "numeric"),
    ("credit_recommended_limit", "numeric"),
    ("credit_scored_on", "date"),
    ("credit_explanation_data", "text"),
    ("credit_dunning_stage_reached", "varchar"),
    ("credit_median_days_late", "int4"),
    ("credit_slow_days_late", "int4"),
)


class _LocalNumber(float):
    """A number that prints with one decimal in the reader's language ("53,8" in Italian,
    "53.8" in English) and stays a number for the comparisons and signs of the
    explanation sentences."""

    def __new__(cls, value, env):
        number = super().__new__(cls, value)
        number.env = env
        return number

    def __str__(self):
        return formatLang(self.env, float(self), digits=1)

    def __neg__(self):
        return _LocalNumber(-float(self), self.env)

    def __abs__(self):
        return _LocalNumber(abs(float(self)), self.env)


CREDIT_VIEWER = "credit_control.group_credit_viewer"
CREDIT_USER = "credit_control.group_credit_user"
CREDIT_MANAGER = "credit_control.group_credit_manager"
# Our company-dependent fields on res.partner are fetched together, apart from Odoo's:
# Odoo puts every company-dependent field in one prefetch group, so that reading a
# partner's receivable account at each posting would fetch our whole assessment too.
CREDIT_PREFETCH = "credit_control"
# the attributes of a figure of the per-company assessment
ASSESSMENT = {
    "readonly": True,
    "company_dependent": True,
    "prefetch": CREDIT_PREFETCH,
    "index": False,
    "groups": CREDIT_USER,
}


# every field of the per-company assessment (written by the scoring alone)
ASSESSMENT_FIELDS = frozenset(
    [name for name, _type in SCORE_COLUMNS] + ["credit_latest_report_id", "credit_explanation"]
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The assessment is per company (partners are shared between companies): every
    # figure is company-dependent, stored by Odoo as {company id: value} in one JSONB
    # column, searchable and groupable for the current company. Only the credit groups
    # read them: a Credit viewer the band (and the hold, res_partner_hold.py), a Credit
    # user the rest. Nobody writes them but the scoring (see write() below).
    credit_score = fields.Integer(
        readonly=True,
        company_dependent=True,
        prefetch=CREDIT_PREFETCH,
        index=False,
        aggregator="avg",
        groups=CREDIT_USER,
        help="0-100, 100 the safest: payment behaviour and the latest business report, "
        "weighted as set in the settings.",
    )
    credit_band = fields.Selection(
        selection=BAND_SELECTION,
        readonly=True,
        company_dependent=True,
        prefetch=CREDIT_PREFETCH,
        index=False,
        groups=CREDIT_VIEWER,
        help="A (80-100) to E (below 35).",
    )
    credit_profile = fields.Selection(
        selection=PROFILE_SELECTION,
        string="Payment Profile",
        readonly=True,
        company_dependent=True,
        prefetch=CREDIT_PREFETCH,
        index=False,
        groups=CREDIT_USER,
    )
    credit_avg_days_late = fields.Float(
        string="Average Days Late", digits=(16, 1), aggregator="avg", **ASSESSMENT
    )
    credit_median_days_late = fields.Integer(
        string="Median Days Late",
        help="Half of the money paid came in within these days after the due date.",
        **ASSESSMENT,
    )
    credit_slow_days_late = fields.Integer(
        string="Slow Days Late",
        help="Four fifths of the money paid came in within these days after the due date "
        "(the cash-in forecast's pessimistic delay).",
        **ASSESSMENT,
    )
    credit_share_late = fields.Float(
        string="Paid Late (%)", digits=(16, 1), aggregator="avg", **ASSESSMENT
    )
    credit_share_late_30 = fields.Float(
        string="Paid > 30 Days Late (%)", digits=(16, 1), aggregator="avg", **ASSESSMENT
    )
    credit_worst_delay = fields.Integer(string="Worst Delay (Days)", aggregator="max", **ASSESSMENT)
    credit_settled_count = fields.Integer(string="Invoices Settled", **ASSESSMENT)
    credit_returned_count = fields.Integer(string="Returned Payments", **ASSESSMENT)
    credit_score_currency_id = fields.Many2one(
        comodel_name="res.currency",
        compute="_compute_credit_score_currency_id",
        groups=CREDIT_USER,
    )
    # amounts in the company's currency (a company-dependent field can't be Monetary:
    # the views show them with the monetary widget and credit_score_currency_id); the
    # scoring's snapshot, for lists and groups: the Credit tab reads today's figures
    # (res_partner_live_figures.py)
    credit_exposure = fields.Float(
        string="Exposure When Scored",
        digits="Account",
        help="What the customer owed at the last scoring run (nightly, or Refresh now).",
        **ASSESSMENT,
    )
    credit_overdue = fields.Float(
        string="Overdue When Scored",
        digits="Account",
        help="The part of the exposure past its due date at the last scoring run.",
        **ASSESSMENT,
    )
    credit_oldest_overdue_days = fields.Integer(
        string="Oldest Overdue When Scored (Days)", aggregator="max", **ASSESSMENT
    )
    credit_trend = fields.Float(
        string="Trend (Days)",
        digits=(16, 1),
        help="Average days late of the last 3 months minus the 12 months before.",
        aggregator="avg",
        **ASSESSMENT,
    )
    credit_trend_label = fields.Selection(selection=TREND_SELECTION, string="Trend", **ASSESSMENT)
    credit_monthly_invoiced = fields.Float(
        string="Monthly Invoicing", digits="Account", **ASSESSMENT
    )
    credit_recommended_limit = fields.Float(
        string="Recommended Limit",
        digits="Account",
        help="What the score suggests as credit limit. 0 means no credit at all (band E: "
        "cash in advance only), not 'no limit'.",
        **ASSESSMENT,
    )
    credit_scored_on = fields.Date(string="Scored On", **ASSESSMENT)
    # the explanation's factors as JSON text: [[code, values, points], ...]
    credit_explanation_data = fields.Text(**ASSESSMENT)
    credit_explanation = fields.Text(
        string="Score Explanation", compute="_compute_credit_explanation", groups=CREDIT_USER
    )
    credit_latest_report_id = fields.Many2one(
        comodel_name="credit.business.report", string="Latest Report", **ASSESSMENT
    )
    credit_report_ids = fields.One2many(
        comodel_name="credit.business.report",
        inverse_name="partner_id",
        string="Reports",
        groups=CREDIT_USER,
    )
    credit_score_history_ids = fields.One2many(
        comodel_name="credit.score.history",
        inverse_name="partner_id",
        string="Score History",
        groups=CREDIT_USER,
    )
    credit_report_requested = fields.Boolean(
        string="Report Requested",
        copy=False,
        groups=CREDIT_USER,
        help="A first report will be asked for by the next scheduled refresh.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._credit_check_computed_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._credit_check_computed_fields(vals)
        return super().write(vals)

    def _credit_check_computed_fields(self, vals):
        """The assessment is computed: nobody writes it but the scoring (as superuser)."""
        written = set(vals) & ASSESSMENT_FIELDS
        if written:
            raise AccessError(
                self.env._(
                    "The credit assessment is computed and cannot be written "
                    "(%(fields)s): recompute the score instead.",
                    fields=", ".join(sorted(written)),
                )
            )

    def _compute_credit_score_currency_id(self):
        self.credit_score_currency_id = self.env.company.currency_id

    @api.depends_context("lang")
    @api.depends("credit_explanation_data")
    def _compute_credit_explanation(self):
        for partner in self:
            data = json.loads(partner.credit_explanation_data or "[]")
            partner.credit_explanation = "\n".join(partner._credit_explanation_lines(data))

    def _credit_explanation_lines(self, data):
        """Sentences, in the reader's language, of the stored explanation."""
        lines = []
        for code, values, points in data:
            values = {
                key: _LocalNumber(value, self.env) if isinstance(value, float) else value
                for key, value in values.items()
            }
            if isinstance(points, float):
                points = _LocalNumber(points, self.env)
            sentence = self._credit_factor_sentence(code, values)
            if points < 0:
                effect = self.env._("took away %(points)s points", points=abs(points))
            elif points > 0:
                effect = self.env._("added %(points)s points", points=points)
            else:
                effect = self.env._("no effect")
            lines.append(f"- {sentence}: {effect}")
        return lines

    def _credit_factor_sentence(self, code, values):
        status = dict(
            self.env["credit.business.report"]
            ._fields["legal_status"]
            ._description_selection(self.env)
        )
        currency = self.env.company.currency_id
        if code == "days_late":
            if values.get("open_days"):
                return self.env._(
                    "pays on average %(days)s days after the due date; %(amount)s still open, "
                    "on average %(open_days)s days past its due date",
                    days=values["days"],
                    amount=format_amount(self.env, values["open_amount"], currency),
                    open_days=values["open_days"],
                )
            return self.env._("pays on average %(days)s days after the due date", **values)
        if code == "share_late":
            return self.env._(
                "%(share)s%% of invoices paid late, %(share_30)s%% more than 30 days late",
                **values,
            )
        if code == "overdue":
            if not values.get("overdue"):
                return self.env._("no overdue items")
            return self.env._(
                "%(amount)s overdue, the oldest %(days)s days past its due date",
                amount=format_amount(self.env, values["overdue"], currency),
                days=values["days"],
            )
        if code == "returned":
            return self.env._("%(count)s returned payment(s)", **values)
        if code == "report":
            return self.env._(
                "business report: score %(score)s of 100, %(status)s, %(events)s negative event(s)",
                score=values.get("score"),
                status=status.get(values.get("status"), values.get("status")),
                events=values.get("events"),
            )
        if code == "dunning":
            stage_names = dict(
                self._fields["credit_dunning_stage_reached"]._description_selection(self.env)
            )
            return self.env._(
                "highest dunning stage reached: %(stage)s",
                stage=stage_names.get(values.get("stage"), values.get("stage")),
            )
        if code == "clipped":
            if values.get("bound"):
                return self.env._("the score cannot be above 100")
            return self.env._("the score cannot be below 0")
        if code == "insolvency":
            if values.get("event"):
                return self.env._(
                    "the latest business report lists an insolvency event (%(event)s): "
                    "never better than band E",
                    event=values["event"],
                )
            return self.env._(
                "the latest business report says the company is %(status)s: never better "
                "than band E",
                status=status.get(values.get("status"), values.get("status")),
            )
        if code == "no_report":
            return self.env._("no business report: scored on payment behaviour alone")
        if code == "trend":
            if values["days"] > 0:
                return self.env._("paying %(days)s days later than the year before", **values)
            return self.env._(
                "paying %(days)s days earlier than the year before", days=-values["days"]
            )
        return self.env._("no payment history and no business report: neutral score")

    def _credit_check_group(self, group, message=None):
        """Public methods are called over RPC too: refuse callers outside ``group``
        (the scoring code and the crons run as superuser and pass)."""
        if self.env.su or self.env.user.has_group(group):
            return
        raise AccessError(
            message or self.env._("Only the credit team may do this: ask a credit user.")
        )

    def credit_update_scores(self):
        """Rescore the commercial partners of ``self`` (empty: every customer) for the
        current company. Credit users only; returns True (it is called over RPC)."""
        self._credit_check_group(
            CREDIT_USER, self.env._("Only credit users may recompute credit scores.")
        )
        self.sudo()._credit_update_scores()
        return True

    def _credit_update_scores(self):
        """Recompute behaviour, score, band, profile and recommended limit of the
        commercial partners of ``self`` (empty: every customer of the current company)
        for the current company alone: its ledger, reports and letters, its settings,
        its assessment (other companies' values are kept). Set-based: a few grouped
        queries (receivable lines with their settlements, returned payments, latest
        reports), the core's computation, one UPDATE and one INSERT of a history row per
        changed score/band/profile. Returns the partners."""
        company = self.env.company
        today = fields.Date.context_today(self)
        window_start = dates.add_months(today, -(company.credit_window_months or 24))
        partner_ids = self.commercial_partner_id.ids or None
        self.env.flush_all()
        company_ids = company.ids
        lines = self._credit_fetch_lines(company_ids, window_start, partner_ids)
        returned = self._credit_fetch_returned(company_ids, window_start, partner_ids)
        reports = self._credit_fetch_reports(company_ids, partner_ids)
        dunning_stages = self._credit_fetch_dunning_stages(company_ids, window_start, partner_ids)
        extra_facts = self._credit_fetch_extra_facts(company_ids, window_start, partner_ids)
        if partner_ids is None:
            partner_ids = set(lines) | set(returned) | set(reports) | set(dunning_stages)
            partner_ids |= set(extra_facts)
            partner_ids |= set(self._credit_fetch_customer_ids(company_ids))
        digits = company.currency_id.decimal_places
        weights = company._credit_score_weights()
        rows = []
        partner_ids = sorted(partner_ids)
        extra = self._credit_extra_assessment(company, partner_ids, today)
        for partner_id in partner_ids:
            row = self._credit_score_row(
                partner_id,
                lines.get(partner_id, []),
                returned.get(partner_id, 0),
                reports.get(partner_id),
                today,
                window_start,
                digits,
                weights,
                dunning_stage=dunning_stages.get(partner_id),
                extra_facts=extra_facts.get(partner_id),
            )
            rows.append(
                (
                    *row,
                    reports.get(partner_id, {}).get("id"),
                    *(values.get(partner_id) for _type, values in extra.values()),
                )
            )
        extra_columns = [(name, sql_type) for name, (sql_type, _values) in extra.items()]
        return self._credit_write_scores(rows, company, today, extra_columns)

    @api.model
    def _credit_extra_assessment(self, company, partner_ids, today):
        """More figures of other features measured with the scoring run and written in
        its UPDATE (each rewrite of a customer's row costs as much as the first):
        ``{company-dependent column: (SQL type, {partner_id: value})}`` for the
        commercial partners ``partner_ids`` of ``company`` (e.g. the DSO of
        ``res_partner_scoring_dso.py``)."""
        return {}

    @api.model
    def _credit_score_row(
        self,
        partner_id,
        lines,
        returned,
        report,
        today,
        window_start,
        digits,
        weights,
        dunning_stage=None,
        extra_facts=None,
    ):
        facts = behaviour.summarise(
            lines, today, returned_count=returned, digits=digits, dunning_stage=dunning_stage
        )
        for name, value in (extra_facts or {}).items():
            setattr(facts, name, value)
        result = scoring.score(facts, report, weights)
        months = 1.0
        if lines:
            first_due = min(line.due_date for line in lines)
            months = max(1.0, dates.days_between(max(first_due, window_start), today) / 30.4)
        monthly = facts.invoiced / months
        limit = scoring.recommended_limit(
            result.band, monthly, (report or {}).get("recommended_limit")
        )

        def percent(share):
            return round(share * 100, 1) if share is not None else 0.0

        return (
            partner_id,
            result.score,
            result.band,
            behaviour.profile(facts),
            round(facts.average_days_late or 0.0, 1),
            percent(facts.share_late),
            percent(facts.share_late_30),
            facts.worst_delay,
            facts.settled_count,
            facts.returned_count,
            facts.exposure,
            facts.overdue,
            facts.oldest_overdue_days if facts.overdue else 0,
            round(facts.trend, 1) if facts.trend is not None else 0.0,
            behaviour.trend_label(facts.trend),
            round(monthly, digits),
            limit,
            today,
            json.dumps([list(line) for line in result.lines]),
            facts.dunning_stage,
            facts.median_days_late,
            facts.slow_days_late,
        )

    @api.model
    def _credit_fetch_lines(self, company_ids, window_start, partner_ids=None):
        """Receivable lines of collectible customer invoices due in the window or still
        open, each with its settlements (payments; credit notes are not settlements),
        grouped by the invoice's commercial partner: ``{partner_id: [LineFacts]}``.

        The commercial partner is the invoice's own column (Odoo gives its receivable
        line that partner), not looked up in ``res_partner``: every customer's row there
        carries the assessment of each company, and hundreds of thousands of lines
        looking their partner up read that table again and again. It is only searched
        for the contacts of the partners asked for, whose lines are found by index."""
        query = SQL(
            """
            SELECT m.commercial_partner_id,
                   COALESCE(l.date_maturity, l.date),
                   l.balance,
                   l.amount_residual,
                   COALESCE(ARRAY_AGG(apr.max_date ORDER BY apr.id)
                            FILTER (WHERE cm.move_type != 'out_refund'), '{}'),
                   COALESCE(ARRAY_AGG(apr.amount ORDER BY apr.id)
                            FILTER (WHERE cm.move_type != 'out_refund'), '{}')
              FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
              JOIN account_account a ON a.id = l.account_id
         LEFT JOIN account_partial_reconcile apr ON apr.debit_move_id = l.id
         LEFT JOIN account_move_line cl ON cl.id = apr.credit_move_id
         LEFT JOIN account_move cm ON cm.id = cl.move_id
             WHERE l.parent_state = 'posted'
               AND a.account_type = 'asset_receivable'
               AND l.company_id = ANY(%(companies)s)
               AND m.move_type IN ('out_invoice', 'out_receipt')
               AND m.credit_collectible
               AND l.balance > 0
               AND (COALESCE(l.date_maturity, l.date) >= %(start)s OR NOT l.reconciled)
               AND (%(all)s OR (m.commercial_partner_id = ANY(%(partners)s)
                                AND l.partner_id IN (
                                    SELECT id FROM res_partner
                                     WHERE commercial_partner_id = ANY(%(partners)s))))
          GROUP BY m.commercial_partner_id, l.id
            """,
            companies=company_ids,
            start=window_start,
            all=partner_ids is None,
            partners=partner_ids or [],
        )
        lines = defaultdict(list)
        for (
            partner_id,
            due,
            amount,
            residual,
            settle_dates,
            settle_amounts,
        ) in self.env.execute_query(query):
            settlements = [
                behaviour.Settlement(day, amount)
                for day, amount in zip(settle_dates, settle_amounts, strict=True)
            ]
            lines[partner_id].append(behaviour.LineFacts(due, amount, residual, settlements))
        return lines

    @api.model
    def _credit_fetch_returned(self, company_ids, window_start, partner_ids=None):
        """Returned customer payments in the window by commercial partner: money that came
        back (see readme/SCORING.md). A payment unmatched from an invoice is none.

        - entries marked returned (reversed through the ORM, or by a credit user);
        - reversals of a customer payment or of a bank line that paid a customer (also
          when the ledger was written without the ORM, e.g. imported);
        - returned-item bank lines ("insoluti"): a debit on a customer's receivable in a
          bank journal that is no reversal, no payment and no refund of a credit note.

        Entries a credit user dismissed ("Not a Returned Payment") are left out."""
        self.env["account.move"].flush_model(["credit_returned_date", "credit_return_dismissed"])
        query = SQL(
            """
            WITH returned AS (
                SELECT m.id, m.partner_id
                  FROM account_move m
                 WHERE m.credit_returned_date >= %(start)s
                   AND m.company_id = ANY(%(companies)s)
                 UNION
                SELECT m.id, m.partner_id
                  FROM account_move r
                  JOIN account_move m ON m.id = r.reversed_entry_id
             LEFT JOIN account_payment pay ON pay.id = m.origin_payment_id
                 WHERE r.state = 'posted'
                   AND r.date >= %(start)s
                   AND r.company_id = ANY(%(companies)s)
                   AND NOT COALESCE(m.credit_return_dismissed, FALSE)
                   AND ((pay.partner_type = 'customer' AND pay.payment_type = 'inbound')
                        OR (m.origin_payment_id IS NULL AND m.statement_line_id IS NOT NULL
                            AND EXISTS (
                                SELECT 1
                                  FROM account_move_line ml
                                  JOIN account_account ma ON ma.id = ml.account_id
                                 WHERE ml.move_id = m.id
                                   AND ma.account_type = 'asset_receivable'
                                   AND ml.balance < 0)))
                 UNION
                SELECT m.id, l.partner_id
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                  JOIN account_journal j ON j.id = m.journal_id
                  JOIN account_account a ON a.id = l.account_id
                 WHERE j.type = 'bank'
                   AND a.account_type = 'asset_receivable'
                   AND l.balance > 0
                   AND l.parent_state = 'posted'
                   AND l.date >= %(start)s
                   AND l.company_id = ANY(%(companies)s)
                   AND l.partner_id IS NOT NULL
                   AND m.reversed_entry_id IS NULL
                   AND m.origin_payment_id IS NULL
                   AND NOT COALESCE(m.credit_return_dismissed, FALSE)
                   AND NOT EXISTS (
                       SELECT 1
                         FROM account_partial_reconcile apr
                         JOIN account_move_line cl ON cl.id = apr.credit_move_id
                         JOIN account_move cm ON cm.id = cl.move_id
                        WHERE apr.debit_move_id = l.id AND cm.move_type = 'out_refund')
            )
            SELECT p.commercial_partner_id, COUNT(DISTINCT returned.id)
              FROM returned
              JOIN res_partner p ON p.id = returned.partner_id
             WHERE %(all)s OR p.commercial_partner_id = ANY(%(partners)s)
          GROUP BY p.commercial_partner_id
            """,
            start=window_start,
            companies=company_ids,
            all=partner_ids is None,
            partners=partner_ids or [],
        )
        return dict(self.env.execute_query(query))

    @api.model
    def _credit_fetch_dunning_stages(self, company_ids, window_start, partner_ids=None):
        """Highest dunning stage reached by sent letters dated in the window, by commercial
        partner (the stage of the letter whose level has the most days):
        ``{partner_id: stage}``."""
        self.env["credit.dunning.letter"].flush_model(["partner_id", "stage", "state", "date"])
        query = SQL(
            """
            SELECT p.commercial_partner_id,
                   ARRAY_AGG(level.days ORDER BY letter.id),
                   ARRAY_AGG(letter.stage ORDER BY letter.id)
              FROM credit_dunning_letter letter
              JOIN credit_dunning_level level ON level.id = letter.level_id
              JOIN res_partner p ON p.id = letter.partner_id
             WHERE letter.state = 'sent'
               AND letter.date >= %(start)s
               AND letter.company_id = ANY(%(companies)s)
               AND (%(all)s OR p.commercial_partner_id = ANY(%(partners)s))
          GROUP BY p.commercial_partner_id
            """,
            start=window_start,
            companies=company_ids,
            all=partner_ids is None,
            partners=partner_ids or [],
        )
        return {
            partner_id: behaviour.highest_dunning_stage(zip(days, stages, strict=True))
            for partner_id, days, stages in self.env.execute_query(query)
        }

    @api.model
    def _credit_fetch_extra_facts(self, company_ids, window_start, partner_ids=None):
        """More facts of other features, by commercial partner: ``{partner_id: {name:
        value}}`` with names of ``core.behaviour.BehaviourFacts`` (e.g. the payment plans
        of ``res_partner_payment_plan.py``). One grouped query each."""
        return {}

    @api.model
    def _credit_fetch_reports(self, company_ids, partner_ids=None):
        """The newest good business report of each partner, as the core wants it (with
        its id: the partner's latest report)."""
        query = SQL(
            """
            SELECT DISTINCT ON (partner_id)
                   partner_id, id, score, legal_status, negative_event_count, recommended_limit,
                   negative_events
              FROM credit_business_report
             WHERE state = 'done' AND active
               AND company_id = ANY(%(companies)s)
               AND (%(all)s OR partner_id = ANY(%(partners)s))
          ORDER BY partner_id, report_date DESC, id DESC
            """,
            companies=company_ids,
            all=partner_ids is None,
            partners=partner_ids or [],
        )
        return {
            partner_id: {
                "id": report_id,
                "score": score,
                "legal_status": status,
                "negative_events": events,
                "recommended_limit": limit,
                "events": (texts or "").splitlines(),
            }
            for partner_id, report_id, score, status, events, limit, texts in (
                self.env.execute_query(query)
            )
        }

    @api.model
    def _credit_fetch_customer_ids(self, company_ids):
        query = SQL(
            """
            SELECT id FROM res_partner
             WHERE customer_rank > 0 AND active AND id = commercial_partner_id
               AND (company_id IS NULL OR company_id = ANY(%(companies)s))
            """,
            companies=company_ids,
        )
        return [row[0] for row in self.env.execute_query(query)]

    @api.model
    def _credit_write_scores(self, rows, company, today, extra_columns=()):
        """Write the rows into ``company``'s values of the company-dependent columns in
        one UPDATE (other companies' values untouched) and a history row per changed
        score/band/profile. A row is the columns of SCORE_COLUMNS, the latest report, then
        ``extra_columns`` ((column, SQL type) of ``_credit_extra_assessment``)."""
        if not rows:
            return self.browse()
        ids = [row[0] for row in rows]
        key = str(int(company.id))
        self.flush_model()
        before = {
            partner_id: (score, band, profile)
            for partner_id, score, band, profile in self.env.execute_query(
                SQL(
                    "SELECT id, (credit_score->>%(key)s)::int4, credit_band->>%(key)s,"
                    " credit_profile->>%(key)s FROM res_partner WHERE id = ANY(%(ids)s)",
                    key=key,
                    ids=ids,
                )
            )
        }
        self._credit_write_company_values(
            company, [*SCORE_COLUMNS, ("credit_latest_report_id", "int4"), *extra_columns], rows
        )
        history = [
            {
                "partner_id": row[0],
                "company_id": company.id,
                "date": today,
                "score": row[1],
                "band": row[2],
                "profile": row[3],
            }
            for row in rows
            if before.get(row[0]) != (row[1], row[2], row[3])
        ]
        self._credit_insert_history(history)
        return self.browse(ids)

    @api.model
    def _credit_company_value_assignments(self, company_id, columns, source):
        """``SET`` terms merging ``source``'s value of each company-dependent column of
        ``columns`` into ``company_id``'s key, other companies' values untouched."""
        key = str(int(company_id))
        return SQL(", ").join(
            SQL(
                "%s = COALESCE(res_partner.%s, '{}'::jsonb)"
                " || jsonb_build_object(%s, to_jsonb(%s))",
                SQL.identifier(name),
                SQL.identifier(name),
                key,
                SQL.identifier(source, name),
            )
            for name in columns
        )

    @api.model
    def _credit_write_company_values(self, company, columns, rows):
        """Write ``rows`` (partner id, then one value per column of ``columns``, a list of
        (company-dependent column, SQL type)) into ``company``'s values in one UPDATE,
        other companies' values untouched. The caller has flushed the partners."""
        merge = self._credit_company_value_assignments(
            company.id, [name for name, _type in columns], "v"
        )
        assignments = self.env.cr._obj.mogrify(merge.code, merge.params).decode()
        names = ", ".join(name for name, _type in columns)
        template = "(%s, " + ", ".join(f"%s::{sql_type}" for _name, sql_type in columns) + ")"
        execute_values(
            self.env.cr._obj,
            f"UPDATE res_partner SET {assignments}, write_date = NOW() AT TIME ZONE 'UTC',"
            f" write_uid = {int(self.env.uid)} FROM (VALUES %s) AS v(id, {names})"
            " WHERE res_partner.id = v.id",
            rows,
            template=template,
            page_size=1000,
        )
        self.invalidate_model([name for name, _type in columns])

    @api.model
    def _credit_insert_history(self, history):
        """Insert score history rows in one statement (thousands at a time on a full
        rescore; the ORM's create would spend most of the run on defaults)."""
        if not history:
            return
        columns = ("partner_id", "company_id", "date", "score", "band", "profile")
        self.env["credit.score.history"].flush_model()
        execute_values(
            self.env.cr._obj,
            f"INSERT INTO credit_score_history ({', '.join(columns)}, create_uid, write_uid,"
            " create_date, write_date) VALUES %s",
            [tuple(row[c] for c in columns) for row in history],
            template="(%s, %s, %s, %s, %s, %s, {uid}, {uid}, NOW() AT TIME ZONE 'UTC',"
            " NOW() AT TIME ZONE 'UTC')".format(uid=int(self.env.uid)),
            page_size=1000,
        )
        self.env["credit.score.history"].invalidate_model()
        self.invalidate_model(["credit_score_history_ids"])

    @api.model
    def _cron_credit_update_scores(self):
        """Rescore every customer, company by company: each company assesses its
        customers on its own ledger and reports, with its own settings."""
        partners = self.sudo()
        for company in partners.env["res.company"].search([("active", "=", True)]):
            partners.with_company(company)._credit_update_scores()

    @api.model
    def _read_group_orderby(self, order, groupby_terms, query):
        # payment profiles read from reliable to defaulting in pivots and grouped lists
        return natural_orderby(
            super()._read_group_orderby,
            order,
            groupby_terms,
            query,
            "credit_profile",
            PROFILE_SELECTION,
        )
