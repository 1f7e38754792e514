import logging
import threading
from collections import defaultdict
from datetime import timedelta

import psycopg2.errors

from odoo import api
from odoo import fields
from odoo import models
from odoo import tools
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools import format_date
from odoo.tools import split_every

from ..core import dunning_levels
from ..core import money

_logger = logging.getLogger(__name__)

#: advisory lock namespace of dunning runs (one lock per company)
RUN_LOCK_NAMESPACE = 8_230_231
CRON_BATCH_SIZE = 100
#: a run more than this many days after the company's previous one sends nothing itself
AUTO_SEND_MAX_PAUSE_DAYS = 7


class CreditDunningRun(models.Model):
    """A company's dunning run of one day: proposes letters, then sends them."""

    _name = "credit.dunning.run"
    _description = "Dunning Run"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("computed", "Proposed"), ("done", "Done")],
        default="draft",
        required=True,
        tracking=True,
    )
    origin = fields.Selection(
        [("manual", "Manual"), ("cron", "Daily Run")], default="manual", required=True
    )
    letter_ids = fields.One2many(
        comodel_name="credit.dunning.letter", inverse_name="run_id", string="Letters"
    )
    letter_count = fields.Integer(compute="_compute_letter_counts")
    review_count = fields.Integer(string="To Review", compute="_compute_letter_counts")
    to_send_count = fields.Integer(string="To Send", compute="_compute_letter_counts")
    error_count = fields.Integer(string="In Error", compute="_compute_letter_counts")
    print_count = fields.Integer(string="To Print", compute="_compute_letter_counts")
    note = fields.Text(string="Run Notes", readonly=True, help="What the run left out, and why.")
    rate_warning = fields.Char(compute="_compute_rate_warning")

    @api.depends("date", "company_id")
    def _compute_name(self):
        for run in self:
            run.name = self.env._(
                "Dunning %(date)s (%(company)s)", date=run.date, company=run.company_id.name
            )

    @api.depends_context("lang")
    @api.depends("date", "company_id")
    def _compute_display_name(self):
        """The name in the reader's language (the stored ``name`` keeps the creator's)."""
        for run in self:
            run.display_name = self.env._(
                "Dunning %(date)s (%(company)s)",
                date=format_date(self.env, run.date),
                company=run.company_id.name,
            )

    @api.depends("letter_ids.state", "letter_ids.print_letter")
    def _compute_letter_counts(self):
        for run in self:
            states = run.letter_ids.mapped("state")
            run.letter_count = len(states)
            run.review_count = states.count("draft")
            run.to_send_count = states.count("to_send")
            run.error_count = states.count("error")
            run.print_count = len(
                run.letter_ids.filtered(
                    lambda letter: letter.print_letter and letter.state == "sent"
                )
            )

    @api.depends("date")
    def _compute_rate_warning(self):
        Rate = self.env["credit.interest.rate"]
        for run in self:
            run.rate_warning = Rate._credit_missing_rate_warning(run.date)

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------

    def action_compute(self):
        """Propose the letters of each run; nothing twice (see ``readme/DUNNING.md``)."""
        for run in self:
            run._check_can_compute()
            run._lock_company()
            run._compute_letters()
            run._compute_interest_statements()
            run.state = "computed"
            run._credit_remember_run_date()
        return True

    def _credit_sends_automatically(self):
        """Whether letters of levels without review may be sent without anyone reading
        them: only once a manager switched the company to automatic sending, and never on
        the first run after install or after a pause (a backlog of letters to look at)."""
        self.ensure_one()
        company = self.company_id.sudo()
        last = company.credit_dunning_last_run_date
        return bool(
            company.credit_dunning_auto_send
            and last
            and 0 <= (self.date - last).days <= AUTO_SEND_MAX_PAUSE_DAYS
        )

    def _credit_sending_note(self):
        """What the run's note says about sending, when it proposes only."""
        self.ensure_one()
        company = self.company_id.sudo()
        if not company.credit_dunning_auto_send:
            return self.env._(
                "Automatic sending is off for %(company)s: every letter waits for review.",
                company=company.name,
            )
        if not self._credit_sends_automatically():
            return self.env._(
                "First run after install or after a pause of more than %(days)s days: "
                "every letter waits for review.",
                days=AUTO_SEND_MAX_PAUSE_DAYS,
            )
        return ""

    def _credit_remember_run_date(self):
        company = self.company_id.sudo()
        if not company.credit_dunning_last_run_date or company.credit_dunning_last_run_date < (
            self.date
        ):
            company.credit_dunning_last_run_date = self.date

    def _credit_discard_empty(self):
        """Delete this run when it proposed no letter; return what it found, in words."""
        self.ensure_one()
        if self.letter_ids:
            return ""
        message = self.env._(
            "No customer of %(company)s has items to chase on %(date)s.",
            company=self.company_id.name,
            date=format_date(self.env, self.date),
        )
        if self.note:
            message = f"{message}\n{self.note}"
        # runs are never deleted by users (an auditor wants them back); an empty one
        # holds nothing to want back
        self.sudo().unlink()
        return message

    def _check_can_compute(self):
        today = fields.Date.context_today(self)
        if self.date > today:
            raise UserError(
                self.env._(
                    "A dunning run cannot be dated in the future (%(date)s): letters would "
                    "count days that have not passed yet.",
                    date=self.date,
                )
            )
        if self.state != "draft":
            raise UserError(self.env._("This run has already proposed its letters."))

    def _lock_company(self):
        """Only one run per company at a time: a transaction-level advisory lock.

        A second run of the same company (another worker, another user) fails at once
        with a clear message instead of waiting on a stale snapshot; the partial unique
        index on letters stops duplicates should anything slip through.
        """
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", RUN_LOCK_NAMESPACE, self.company_id.id)
        )
        if not self.env.cr.fetchone()[0]:
            raise UserError(self._credit_concurrent_message())

    def _candidate_line_domain(self):
        """Open receivable items that may be chased (before partner-level checks)."""
        Line = self.env["account.move.line"]
        domain = expression.AND(
            [
                [
                    ("company_id", "=", self.company_id.id),
                    ("parent_state", "=", "posted"),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("date_maturity", "<=", self._latest_reachable_due_date()),
                    ("partner_id", "!=", False),
                ],
                self.env["account.move"]._credit_collectible_line_domain(),
            ]
        )
        excluded = Line._credit_dunning_excluded_domain()
        if excluded:
            # a subquery rather than a negated domain: NOT (x = TRUE) drops NULL rows too
            excluded_lines = Line._search(expression.OR(excluded))
            domain = expression.AND([domain, [("id", "not in", excluded_lines)]])
        return domain

    def _latest_reachable_due_date(self):
        """Items due after this date reach no level of any policy of the company yet."""
        levels = self.env["credit.dunning.level"].search_fetch(
            [("company_id", "=", self.company_id.id), ("policy_id.active", "=", True)], ["days"]
        )
        earliest = min(levels.mapped("days"), default=0)
        return self.date - timedelta(days=earliest)

    def _fetch_candidates(self):
        """One query: the candidate items with what the core needs."""
        Line = self.env["account.move.line"]
        self.env.flush_all()
        query = Line._search(self._candidate_line_domain())
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.id, aml.move_id, partner.commercial_partner_id, aml.currency_id,
                       aml.date_maturity, aml.amount_currency, aml.amount_residual_currency,
                       aml.amount_residual
                  FROM account_move_line aml
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.id IN (%s)
              ORDER BY partner.commercial_partner_id, aml.date_maturity, aml.id
                """,
                query.subselect(),
            )
        )
        return self.env.cr.dictfetchall()

    def _unapplied_credits(self, partner_ids, tolerance):
        """Unreconciled incoming payments and credit notes on receivable, per customer and
        currency: ``{(partner id, currency id): (amount, [line ids])}``, amount positive in
        that currency. They are deducted on the letter (the customer may have paid)."""
        if not partner_ids:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT partner.commercial_partner_id, aml.currency_id,
                       -SUM(aml.amount_residual_currency), ARRAY_AGG(aml.id ORDER BY aml.id)
                  FROM account_move_line aml
                  JOIN res_partner partner ON partner.id = aml.partner_id
                  JOIN account_account account ON account.id = aml.account_id
                 WHERE aml.company_id = %s AND aml.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND NOT aml.reconciled AND aml.amount_residual < %s
                   AND partner.commercial_partner_id = ANY(%s)
              GROUP BY partner.commercial_partner_id, aml.currency_id
                """,
                self.company_id.id,
                -tolerance,
                list(partner_ids),
            )
        )
        return {
            (partner_id, currency_id): (float(amount), line_ids)
            for partner_id, currency_id, amount, line_ids in self.env.cr.fetchall()
        }

    def _groups_covered_by_credits(self, rows, unapplied_credits, partners):
        """Customers (and currencies) whose unapplied credits cover everything past due:
        left out, each named in the run's note with the figures."""
        past_due = defaultdict(float)
        for row in rows:
            group = (row["commercial_partner_id"], row["currency_id"])
            if group in unapplied_credits and row["date_maturity"] < self.date:
                past_due[group] += float(row["amount_residual_currency"])
        covered, notes = set(), []
        currencies = self.env["res.currency"].browse(
            {currency for _p, currency in unapplied_credits}
        )
        currency_of = {currency.id: currency for currency in currencies}
        for group, open_amount in past_due.items():
            credit_amount = unapplied_credits[group][0]
            currency = currency_of[group[1]]
            if currency.compare_amounts(credit_amount, open_amount) < 0:
                continue
            covered.add(group)
            notes.append(
                self.env._(
                    "%(customer)s left out: unapplied payments or credit notes of %(credit)s "
                    "cover the %(due)s past due; match them to the invoices.",
                    customer=partners.browse(group[0]).name,
                    credit=currency.format(credit_amount),
                    due=currency.format(open_amount),
                )
            )
        return covered, notes

    def _previous_letters(self, line_ids):
        """Per item, the highest level it had; per (partner, currency), the last letter date;
        invoices whose EUR 40 a sent letter claimed; letters of the run's day."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (line.move_line_id) line.move_line_id, line.level_id
                  FROM credit_dunning_letter_line line
                  JOIN credit_dunning_letter letter ON letter.id = line.letter_id
                  JOIN credit_dunning_level level ON level.id = line.level_id
                 WHERE letter.state != 'cancelled' AND line.move_line_id = ANY(%s)
              ORDER BY line.move_line_id, level.days DESC
                """,
                list(line_ids),
            )
        )
        item_levels = dict(cr.fetchall())
        cr.execute(
            SQL(
                """
                SELECT partner_id, currency_id, MAX(date), BOOL_OR(date = %s)
                  FROM credit_dunning_letter
                 WHERE company_id = %s AND state != 'cancelled'
              GROUP BY partner_id, currency_id
                """,
                self.date,
                self.company_id.id,
            )
        )
        last_dates, same_day = {}, set()
        for partner_id, currency_id, last_date, today in cr.fetchall():
            last_dates[partner_id, currency_id] = last_date
            if today:
                same_day.add((partner_id, currency_id))
        # {move id: 'sent' or 'invoiced'}: the EUR 40 a sent letter claimed
        compensated_moves = self.env["credit.dunning.letter"]._credit_compensation_claims(
            list(line_ids)
        )
        return item_levels, last_dates, same_day, compensated_moves

    def _sent_letters(self, line_ids):
        """What the ladder stands on: letters really sent (see ``core/dunning_levels.py``).

        Returns ``{item: (highest level sent, last date sent)}`` and
        ``{(partner, currency): last date a letter was sent}``, in two queries.
        """
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT line.move_line_id,
                       (ARRAY_AGG(line.level_id ORDER BY level.days DESC))[1],
                       MAX(letter.date)
                  FROM credit_dunning_letter_line line
                  JOIN credit_dunning_letter letter ON letter.id = line.letter_id
                  JOIN credit_dunning_level level ON level.id = line.level_id
                 WHERE letter.state = 'sent' AND line.move_line_id = ANY(%s)
              GROUP BY line.move_line_id
                """,
                list(line_ids),
            )
        )
        sent_items = {line_id: (level_id, day) for line_id, level_id, day in cr.fetchall()}
        cr.execute(
            SQL(
                """
                SELECT partner_id, currency_id, MAX(date)
                  FROM credit_dunning_letter
                 WHERE company_id = %s AND state = 'sent'
              GROUP BY partner_id, currency_id
                """,
                self.company_id.id,
            )
        )
        sent_group_dates = {
            (partner_id, currency_id): day for partner_id, currency_id, day in cr.fetchall()
        }
        return sent_items, sent_group_dates

    def _credit_resuming_items(self, line_ids, sent_items):
        """Items that climb one level above their last sent letter at once (a broken
        payment plan, see ``credit_dunning_run_payment_plan.py``): a set of line ids.
        ``sent_items`` is ``{line id: (level id, date)}`` of the letters sent."""
        return set()

    def _compute_letters(self):
        company = self.company_id
        tolerance = company.credit_dunning_tolerance
        rows = self._fetch_candidates()
        partner_ids = {row["commercial_partner_id"] for row in rows}
        partners = self.env["res.partner"].browse(partner_ids)
        # only what the run needs, not every field of thousands of partners
        partners.fetch(["name", "credit_dunning_pause_until"])
        paused = {
            partner.id
            for partner in partners
            if partner.credit_dunning_pause_until and partner.credit_dunning_pause_until > self.date
        }
        unapplied_credits = self._unapplied_credits(partner_ids, tolerance)
        covered, credit_notes = self._groups_covered_by_credits(rows, unapplied_credits, partners)
        policies = partners._credit_dunning_policies(company)
        item_levels, _last_dates, same_day, compensated = self._previous_letters(
            [row["id"] for row in rows]
        )
        sent_items, sent_group_dates = self._sent_letters([row["id"] for row in rows])
        resuming = self._credit_resuming_items([row["id"] for row in rows], sent_items)
        notes = []
        if paused:
            notes.append(self.env._("%s customer(s) paused.", len(paused)))
        notes += credit_notes
        rows_by_policy = defaultdict(list)
        for row in rows:
            partner_id = row["commercial_partner_id"]
            if partner_id in paused or (partner_id, row["currency_id"]) in covered:
                continue
            if (partner_id, row["currency_id"]) in same_day:
                continue  # one letter per customer and day: the run is idempotent
            rows_by_policy[policies[partner_id]].append(row)
        proposals = []
        for policy, policy_rows in rows_by_policy.items():
            if not policy:
                raise UserError(
                    self.env._(
                        "%(company)s has no dunning policy: create one under "
                        "Invoicing > Credit Management > "
                        "Configuration > Dunning Policies.",
                        company=company.name,
                    )
                )
            policy._check_has_levels()
            levels = {
                level.id: dunning_levels.Level(
                    key=level.id,
                    days=level.days,
                    min_amount=money.to_decimal(level.min_amount),
                    min_days_since_last=level.min_days_since_last,
                    direct=bool(level.letter_text_direct),
                )
                for level in policy.level_ids
            }
            items = [
                dunning_levels.Item(
                    key=row["id"],
                    group=(row["commercial_partner_id"], row["currency_id"]),
                    due_date=row["date_maturity"],
                    # thresholds (tolerance, minimum amounts) are in company currency
                    amount=money.to_decimal(row["amount_residual"]),
                    previous_level=item_levels.get(row["id"]),
                    # the ladder counts only letters that were really sent
                    last_letter_date=sent_group_dates.get(
                        (row["commercial_partner_id"], row["currency_id"])
                    ),
                    sent_level=sent_items.get(row["id"], (None, None))[0],
                    sent_date=sent_items.get(row["id"], (None, None))[1],
                    resume=row["id"] in resuming,
                )
                for row in policy_rows
            ]
            plan = dunning_levels.propose_letters(
                items,
                list(levels.values()),
                self.date,
                tolerance=tolerance,
                allow_skip=policy.allow_skip_levels,
            )
            proposals += [(policy, proposal) for proposal in plan.letters]
        rows_by_id = {row["id"]: row for row in rows}
        letters = self._credit_insert_letters(proposals, rows_by_id, compensated, unapplied_credits)
        notes.append(self.env._("%s letter(s) proposed.", len(letters)))
        if letters and self._credit_sending_note():
            notes.append(self._credit_sending_note())
        self.note = "\n".join(notes)
        return letters

    def _credit_insert_letters(self, proposals, rows_by_id, compensated, unapplied_credits):
        """Insert the proposed letters; a run of the same company that committed the same
        letters in the meantime (its snapshot was not ours) ends in the plain message,
        never in a raw unique-index error nor a broken transaction."""
        Letter = self.env["credit.dunning.letter"]
        try:
            with self.env.cr.savepoint():
                return Letter._credit_create_from_proposals(
                    self, proposals, rows_by_id, compensated, unapplied_credits=unapplied_credits
                )
        except psycopg2.errors.UniqueViolation:
            raise UserError(self._credit_concurrent_message()) from None

    def _credit_concurrent_message(self):
        return self.env._(
            "Another dunning run of %(company)s is computing right now; try again in a moment.",
            company=self.company_id.name,
        )

    def _compute_interest_statements(self):
        """Interest statements for invoices paid late, for customers whose policy
        proposes them (``interest_statement``); named in the run's note."""
        statements = self.env["credit.dunning.letter"]._credit_propose_interest_statements(
            self.company_id, self.date, run=self
        )
        if statements:
            self.note = "\n".join(
                filter(
                    None,
                    [
                        self.note,
                        self.env._("%s interest statement(s) proposed.", len(statements)),
                    ],
                )
            )
        return statements

    # ------------------------------------------------------------------
    # Send
    # ------------------------------------------------------------------

    def action_send(self):
        """Send every letter of the runs that is ready (approved or automatic)."""
        letters = self.letter_ids.filtered(lambda letter: letter.state == "to_send")
        letters._credit_send()
        self._credit_update_state()
        return True

    def _credit_update_state(self):
        for run in self.filtered(lambda r: r.state == "computed"):
            if not any(state in ("draft", "to_send") for state in run.letter_ids.mapped("state")):
                run.state = "done"

    def action_print_letters(self):
        """One PDF with every printed letter of the runs (for posting)."""
        letters = self.letter_ids.filtered(
            lambda letter: letter.print_letter and letter.state == "sent"
        )
        if not letters:
            raise UserError(self.env._("No letter of this run is to be printed."))
        return self.env.ref("credit_control.action_report_dunning_letter").report_action(
            letters, config=False
        )

    def action_view_letters(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.action_credit_dunning_letter"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {"default_run_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Daily cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_daily(self, batch_size=CRON_BATCH_SIZE):
        """Today's run for every company with a policy, then send in batches.

        Resumable: a run that already proposed its letters is not recomputed, letters
        already sent are not sent again, and each batch is committed; Odoo calls the
        cron again while ``_notify_progress`` reports work remaining.
        """
        today = fields.Date.context_today(self)
        policies = self.env["credit.dunning.policy"].search([("level_ids", "!=", False)])
        for company in policies.company_id:
            run = self.search(
                [("company_id", "=", company.id), ("date", "=", today), ("origin", "=", "cron")],
                limit=1,
            ) or self.create({"company_id": company.id, "date": today, "origin": "cron"})
            if run.state == "draft":
                try:
                    with self.env.cr.savepoint():
                        run.with_company(company).action_compute()
                except UserError as error:
                    # e.g. a manual run of the company is computing: the next call resumes
                    _logger.info("Dunning run %s not computed: %s", run.id, error)
                    continue
                if not run.letter_ids:
                    _logger.info("%s", run._credit_discard_empty())
                    self._credit_commit()
                    continue
                self._credit_commit()
        letters = self.env["credit.dunning.letter"].search(
            [("run_id.origin", "=", "cron"), ("state", "=", "to_send")], order="id"
        )
        done, total = 0, len(letters)
        for batch_ids in split_every(batch_size, letters.ids):
            batch = letters.browse(batch_ids)
            try:
                batch.with_company(batch.company_id[:1])._credit_send()
            except UserError as error:
                # another Send holds these letters: it sends them, not us
                _logger.info("Dunning letters %s not sent by the cron: %s", batch_ids, error)
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
            self._credit_commit()
        letters.run_id._credit_update_state()
        return True

    def _credit_commit(self):
        """Commit between batches, except under tests (they run in one transaction)."""
        if not (tools.config["test_enable"] or getattr(threading.current_thread(), "testing", 0)):
            self.env.cr.commit()  # pylint: disable=invalid-commit
