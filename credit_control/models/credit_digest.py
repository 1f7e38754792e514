"""The daily credit digest: one e-mail per opted-in credit user and company.

The cron (``_cron_credit_send_digests``) finds the (user, company) pairs without a digest
today, gathers what changed in each company since the pair's last digest with a few
grouped reads (once per company and window, shared by its users), lets the core decide the
sections (``core/digest.py``) and sends the mail template in the user's language. Each
pair gets one ``credit.digest.log`` row a day (unique): a rerun the same day sends nothing
twice, and an interrupted run resumes where it stopped. Nothing new: a log row, no e-mail.
"""

from datetime import datetime
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import format_amount
from odoo.tools import format_date

from ..core import digest as digest_core

CREDIT_USER = "credit_control.group_credit_user"
#: the largest exposures shown at the end of a digest
EXPOSURE_COUNT = 5


class CreditDigestLog(models.Model):
    _name = "credit.digest.log"
    _description = "Credit Digest Sent"
    _order = "date desc, id desc"
    _rec_name = "date"

    user_id = fields.Many2one(
        comodel_name="res.users", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, ondelete="cascade", readonly=True
    )
    date = fields.Date(required=True, readonly=True)
    since = fields.Datetime(
        string="Changes Since", readonly=True, help="The digest reports what changed after this."
    )
    checked_at = fields.Datetime(required=True, readonly=True)
    news_count = fields.Integer(string="News", readonly=True)
    payload = fields.Json(readonly=True)
    mail_id = fields.Many2one(
        comodel_name="mail.mail", string="E-mail", readonly=True, ondelete="set null"
    )

    _sql_constraints = [
        (
            "credit_digest_once_a_day",
            "unique(user_id, company_id, date)",
            "A user gets one credit digest a day per company.",
        )
    ]

    # ------------------------------------------------------------------ cron

    @api.model
    def _cron_credit_send_digests(self, batch_size=50):
        """Send today's digests, ``batch_size`` (user, company) pairs per call; the
        scheduler calls again while some remain (``_notify_progress``)."""
        today = fields.Date.context_today(self)
        pending = self.sudo()._credit_digest_pending(today)
        batch = pending[:batch_size]
        self.sudo()._credit_send_digests(batch, today)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(pending) - len(batch))
        return len(batch)

    @api.model
    def _credit_digest_users(self):
        """Active internal users who opted in, are credit users and have an e-mail
        address (without one the mail could not leave)."""
        group = self.env.ref(CREDIT_USER)
        return self.env["res.users"].search(
            [
                ("credit_digest", "=", True),
                ("share", "=", False),
                ("groups_id", "in", group.ids),
                ("email", "!=", False),
            ],
            order="id",
        )

    @api.model
    def _credit_digest_pending(self, today):
        """``[(user, company)]`` of opted-in credit users and each active company they
        work in, without a digest for ``today`` yet."""
        users = self._credit_digest_users()
        done = {
            (user.id, company.id)
            for user, company in self._read_group(
                [("date", "=", today), ("user_id", "in", users.ids)], ["user_id", "company_id"]
            )
        }
        return [
            (user, company)
            for user in users
            for company in user.company_ids.sorted("id")
            if company.active and (user.id, company.id) not in done
        ]

    @api.model
    def _credit_send_digests(self, pairs, today):
        """Build and send the digest of each (user, company) pair for ``today``."""
        if not pairs:
            return self.browse()
        now = fields.Datetime.now()
        previous = self._credit_previous_logs(pairs)
        news_by_window = {}
        logs = self.browse()
        for user, company in pairs:
            last = previous.get((user.id, company.id))
            since = last.checked_at if last else now - timedelta(days=1)
            since_date = last.date if last else today - timedelta(days=1)
            reported = tuple(sorted(last._credit_reported_rejections())) if last else ()
            window = (company.id, since, since_date, reported)
            if window not in news_by_window:
                news_by_window[window] = (
                    self._credit_digest_news(company, since, since_date, today, reported),
                    self._credit_digest_exposures(company),
                )
            news, exposures = news_by_window[window]
            digest = digest_core.build_digest(news, exposures, today=today)
            if digest:
                # every rejection reported, beyond the section's display limit too: the
                # next digest must not report them again
                digest["rejection_ids"] = sorted(item["id"] for item in news["rejections"])
            log = self.create(
                {
                    "user_id": user.id,
                    "company_id": company.id,
                    "date": today,
                    "since": since,
                    "checked_at": now,
                    "news_count": digest["news_count"] if digest else 0,
                    "payload": _jsonable(digest) if digest else False,
                }
            )
            if digest:
                log._credit_send_mail()
            logs |= log
        return logs

    @api.model
    def _credit_previous_logs(self, pairs):
        """``{(user id, company id): latest log}`` in two queries."""
        groups = self._read_group(
            [
                ("user_id", "in", list({user.id for user, _company in pairs})),
                ("company_id", "in", list({company.id for _user, company in pairs})),
            ],
            ["user_id", "company_id"],
            ["id:max"],
        )
        latest = self.browse([log_id for _user, _company, log_id in groups])
        latest.fetch(["user_id", "company_id", "date", "checked_at", "payload"])
        return {(log.user_id.id, log.company_id.id): log for log in latest}

    def _credit_reported_rejections(self):
        """The ids of the rejections this digest reported: all of them (the payload's
        ``rejection_ids``), not only those shown within the section's limit."""
        self.ensure_one()
        if "rejection_ids" in (self.payload or {}):
            return set(self.payload["rejection_ids"])
        for section in (self.payload or {}).get("sections", ()):
            if section["key"] == "rejections":
                return {item["id"] for item in section["items"]}
        return set()

    def _credit_send_mail(self):
        self.ensure_one()
        template = self.env.ref("credit_control.mail_template_credit_digest")
        mail_id = template.send_mail(
            self.id,
            email_values={"recipient_ids": [(6, 0, self.user_id.partner_id.ids)]},
        )
        self.mail_id = mail_id

    # ------------------------------------------------------------------ the news

    @api.model
    def _credit_digest_news(self, company, since, since_date, today, reported_rejections=()):
        """What changed in ``company`` since the datetime ``since`` (``since_date`` for
        what the calendar decides: due dates, rejection dates), as plain data for the core.
        A dozen grouped reads, whatever the number of customers."""
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids), su=True)
        return {
            "overdue": self._credit_news_overdue(env, company, since_date, today),
            "rejections": self._credit_news_rejections(
                env, company, since, since_date, reported_rejections
            ),
            "letters_review": self._credit_news_letters(
                env,
                [("state", "in", ("draft", "to_send")), ("create_date", ">", since)],
                company,
            ),
            "letters_error": self._credit_news_letters(
                env, [("state", "=", "error"), ("write_date", ">", since)], company
            ),
            "plans_broken": self._credit_news_plans_broken(env, company, since),
            "plans_at_risk": self._credit_news_plans_at_risk(env, company, since),
            "cases": self._credit_news_cases(env, company, since),
            "reports_failed": self._credit_news_reports_failed(env, company, since),
            "reports_stale": self._credit_news_reports_stale(env, company, since_date, today),
            "band_changes": self._credit_news_band_changes(env, company, since),
        }

    @api.model
    def _credit_news_overdue(self, env, company, since_date, today):
        """Items that fell due since the last digest (due from ``since_date`` to yesterday:
        overdue today, not yet at the last digest), per customer."""
        domain = [
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0),
            ("date_maturity", ">=", since_date),
            ("date_maturity", "<", today),
            *env["account.move"]._credit_collectible_line_domain(),
        ]
        groups = env["account.move.line"]._read_group(
            domain, ["partner_id"], ["amount_residual:sum", "id:count", "date_maturity:min"]
        )
        return [
            {
                "partner": partner.display_name,
                "partner_id": partner.id,
                "amount": company.currency_id.round(amount),
                "count": count,
                "oldest_due": oldest,
            }
            for partner, amount, count, oldest in groups
        ]

    @api.model
    def _credit_news_rejections(self, env, company, since, since_date, reported):
        """E-invoices rejected by the SdI whose rejection reached Odoo since the last
        digest: the rejecting notification was imported (or matched to the invoice) after
        ``since``, whatever the day the SdI wrote on it (a notification imported late
        carries an old date); or, without such a notification, rejected from
        ``since_date``. Those the last digest reported are left out."""
        notifications = env["credit.sdi.notification"].with_context(active_test=False)
        late = notifications._read_group(
            [
                ("company_id", "=", company.id),
                ("message_type", "=", "NS"),
                ("move_id", "!=", False),
                ("write_date", ">", since),
            ],
            ["move_id"],
        )
        moves = env["account.move"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("credit_einvoice_state", "=", "rejected"),
                "|",
                ("id", "in", [move.id for (move,) in late]),
                ("credit_einvoice_rejected_date", ">=", since_date),
                ("id", "not in", list(reported)),
            ],
            ["name", "partner_id", "credit_einvoice_fix_deadline", "amount_total"],
        )
        return [
            {
                "id": move.id,
                "name": move.name,
                "partner": move.partner_id.display_name,
                "amount": move.amount_total,
                "deadline": move.credit_einvoice_fix_deadline,
            }
            for move in moves
        ]

    @api.model
    def _credit_in_company_currency(self, company, currency, amount):
        """``amount`` in ``currency`` converted to the company's currency at today's rate,
        rounded (the digest's totals add amounts of several currencies)."""
        if not currency or currency == company.currency_id:
            return company.currency_id.round(amount or 0.0)
        today = fields.Date.context_today(self)
        return currency._convert(amount or 0.0, company.currency_id, company, today)

    @api.model
    def _credit_news_letters(self, env, domain, company):
        groups = env["credit.dunning.letter"]._read_group(
            [("company_id", "=", company.id), *domain],
            ["partner_id", "currency_id"],
            ["amount_total:sum", "id:count"],
        )
        by_partner = {}
        for partner, currency, amount, count in groups:
            total = by_partner.setdefault(partner, [0.0, 0])
            total[0] += self._credit_in_company_currency(company, currency, amount)
            total[1] += count
        return [
            {
                "partner": partner.display_name,
                "amount": company.currency_id.round(amount),
                "count": count,
            }
            for partner, (amount, count) in by_partner.items()
        ]

    @api.model
    def _credit_news_plans_broken(self, env, company, since):
        """Plans broken since the last digest, with what is left to pay on them."""
        plans = env["credit.payment.plan"].search_fetch(
            [("company_id", "=", company.id), ("state", "=", "broken"), ("write_date", ">", since)],
            ["name", "partner_id", "currency_id", "amount_residual"],
        )
        return [
            {
                "name": plan.name,
                "partner": plan.partner_id.display_name,
                "amount": self._credit_in_company_currency(
                    company, plan.currency_id, plan.amount_residual
                ),
            }
            for plan in plans
        ]

    @api.model
    def _credit_news_plans_at_risk(self, env, company, since):
        """Active plans with an installment newly late or missed: the amount still due on
        those installments."""
        groups = env["credit.payment.plan.installment"]._read_group(
            [
                ("company_id", "=", company.id),
                ("plan_id.state", "=", "active"),
                ("state", "in", ("late", "missed")),
                ("write_date", ">", since),
            ],
            ["plan_id"],
            ["amount:sum", "amount_paid:sum", "id:count"],
        )
        return [
            {
                "name": plan.name,
                "partner": plan.partner_id.display_name,
                "amount": self._credit_in_company_currency(
                    company, plan.currency_id, amount - (paid or 0.0)
                ),
                "installments": count,
            }
            for plan, amount, paid, count in groups
        ]

    @api.model
    def _credit_news_cases(self, env, company, since):
        cases = env["credit.collection.case"].search_fetch(
            [("company_id", "=", company.id), ("state", "!=", "draft"), ("write_date", ">", since)],
            [
                "name",
                "partner_id",
                "state",
                "currency_id",
                "amount_handed_over",
                "amount_recovered",
            ],
        )
        return [
            {
                "name": case.name,
                "partner": case.partner_id.display_name,
                "state": case.state,
                "amount": self._credit_in_company_currency(
                    company, case.currency_id, case.amount_handed_over
                ),
                "recovered": self._credit_in_company_currency(
                    company, case.currency_id, case.amount_recovered
                ),
            }
            for case in cases
        ]

    @api.model
    def _credit_news_reports_failed(self, env, company, since):
        reports = env["credit.business.report"].search_fetch(
            [("company_id", "=", company.id), ("state", "=", "error"), ("create_date", ">", since)],
            ["partner_id", "provider_id", "error_message"],
        )
        return [
            {
                "partner": report.partner_id.display_name,
                "provider": report.provider_id.name,
                "error": (report.error_message or "")[:200],
            }
            for report in reports
        ]

    @api.model
    def _credit_news_reports_stale(self, env, company, since_date, today):
        """Customers owing money whose latest report became older than their band's
        refresh interval since the last digest (the intervals of the company's settings)."""
        partners = env["res.partner"].with_company(company)
        risky = company.credit_refresh_days_risky
        medium = company.credit_refresh_days_medium
        safe = company.credit_refresh_days_safe
        large = company.credit_refresh_large_exposure

        def turned_stale(days):
            return [
                ("credit_latest_report_id.report_date", "<", today - timedelta(days=days)),
                ("credit_latest_report_id.report_date", ">=", since_date - timedelta(days=days)),
            ]

        base = [("parent_id", "=", False), ("credit_exposure", ">", 0)]
        domains = [
            [*base, "|", ("credit_band", "in", ["D", "E"]), ("credit_exposure", ">", large)],
            [*base, ("credit_band", "=", "C"), ("credit_exposure", "<=", large)],
            [*base, ("credit_band", "in", ["A", "B", False]), ("credit_exposure", "<=", large)],
        ]
        found = partners.browse()
        for domain, days in zip(domains, (risky, medium, safe), strict=True):
            found |= partners.search([*domain, *turned_stale(days)])
        found.fetch(["name", "credit_exposure", "credit_latest_report_id", "credit_band"])
        return [
            {
                "partner": partner.display_name,
                "exposure": partner.credit_exposure,
                "band": partner.credit_band or "",
                "report_date": partner.credit_latest_report_id.report_date,
            }
            for partner in found
        ]

    @api.model
    def _credit_news_band_changes(self, env, company, since):
        """Band changes written by the scoring since ``since``: per customer, its band
        before the first change and after the last (one query)."""
        env["credit.score.history"].flush_model()
        env.cr.execute(
            """SELECT h.partner_id, previous.band, h.band
                 FROM credit_score_history h
            LEFT JOIN LATERAL (
                    SELECT p.band FROM credit_score_history p
                     WHERE p.partner_id = h.partner_id AND p.company_id = h.company_id
                       AND (p.date, p.id) < (h.date, h.id)
                  ORDER BY p.date DESC, p.id DESC LIMIT 1) previous ON TRUE
                WHERE h.company_id = %s AND h.create_date > %s
             ORDER BY h.date, h.id""",
            [company.id, since],
        )
        changes = {}
        for partner_id, old, new in env.cr.fetchall():
            first_old = changes[partner_id][0] if partner_id in changes else old
            changes[partner_id] = (first_old, new)
        partners = env["res.partner"].browse(list(changes))
        return [
            {
                "partner": partner.display_name,
                "old": changes[partner.id][0],
                "new": changes[partner.id][1],
            }
            for partner in partners
        ]

    @api.model
    def _credit_digest_exposures(self, company):
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids), su=True)
        partners = (
            env["res.partner"]
            .with_company(company)
            .search_fetch(
                [("credit_exposure", ">", 0)],
                ["name", "credit_exposure"],
                order="credit_exposure desc, id",
                limit=EXPOSURE_COUNT,
            )
        )
        return [
            {"partner": partner.display_name, "amount": partner.credit_exposure}
            for partner in partners
        ]

    # ------------------------------------------------------------------ the e-mail

    def _credit_digest_title(self):
        """The e-mail's subject, in the rendering language."""
        self.ensure_one()
        return self.env._(
            "%(company)s: credit digest of %(date)s",
            company=self.company_id.name,
            date=format_date(self.env, self.date),
        )

    def _credit_digest_sections(self):
        """The sections as the e-mail shows them, in the rendering language:
        ``[{"title", "lines", "more", "total"}]``."""
        self.ensure_one()
        env = self.env
        currency = self.company_id.currency_id
        titles = {
            "overdue": env._("New overdue items"),
            "rejections": env._("E-invoices rejected by the SdI"),
            "letters_review": env._("New letters waiting for review"),
            "letters_error": env._("Letters in error"),
            "plans_broken": env._("Payment plans broken"),
            "plans_at_risk": env._("Payment plans at risk"),
            "cases": env._("Collection cases with news"),
            "reports_failed": env._("Business reports failed"),
            "reports_stale": env._("Business reports out of date"),
            "bands_down": env._("Bands down"),
            "bands_up": env._("Bands up"),
            "exposures": env._("Largest exposures"),
        }
        case_states = dict(
            self.env["credit.collection.case"]._fields["state"]._description_selection(env)
        )

        def money(amount):
            return format_amount(env, amount or 0.0, currency)

        def day(value):
            return format_date(env, fields.Date.to_date(value)) if value else ""

        def line(key, item):
            if key == "overdue":
                return env._(
                    "%(partner)s: %(amount)s (%(count)s item(s), due %(due)s)",
                    partner=item["partner"],
                    amount=money(item["amount"]),
                    count=item["count"],
                    due=day(item.get("oldest_due")),
                )
            if key == "rejections":
                days = item.get("days_left", 0)
                timing = (
                    env._("%s day(s) left", days)
                    if days >= 0
                    else env._("deadline passed %s day(s) ago", -days)
                )
                return env._(
                    "%(name)s, %(partner)s: resubmit by %(deadline)s (%(timing)s)",
                    name=item["name"],
                    partner=item["partner"],
                    deadline=day(item.get("deadline")),
                    timing=timing,
                )
            if key in ("letters_review", "letters_error"):
                return env._(
                    "%(partner)s: %(count)s letter(s), %(amount)s",
                    partner=item["partner"],
                    count=item["count"],
                    amount=money(item["amount"]),
                )
            if key == "plans_broken":
                return env._(
                    "%(name)s, %(partner)s: %(amount)s owed",
                    name=item["name"],
                    partner=item["partner"],
                    amount=money(item["amount"]),
                )
            if key == "plans_at_risk":
                return env._(
                    "%(name)s, %(partner)s: %(count)s installment(s) late or missed, "
                    "%(amount)s due",
                    name=item["name"],
                    partner=item["partner"],
                    count=item["installments"],
                    amount=money(item["amount"]),
                )
            if key == "cases":
                return env._(
                    "%(name)s, %(partner)s: %(state)s, %(recovered)s recovered of %(amount)s",
                    name=item["name"],
                    partner=item["partner"],
                    state=case_states.get(item["state"], item["state"]),
                    recovered=money(item.get("recovered")),
                    amount=money(item["amount"]),
                )
            if key == "reports_failed":
                return env._(
                    "%(partner)s (%(provider)s): %(error)s",
                    partner=item["partner"],
                    provider=item["provider"],
                    error=item["error"],
                )
            if key == "reports_stale":
                return env._(
                    "%(partner)s: report of %(date)s, band %(band)s, owes %(amount)s",
                    partner=item["partner"],
                    date=day(item.get("report_date")),
                    band=item["band"] or "-",
                    amount=money(item["exposure"]),
                )
            if key in ("bands_down", "bands_up"):
                return env._(
                    "%(partner)s: %(old)s → %(new)s",
                    partner=item["partner"],
                    old=item["old"],
                    new=item["new"],
                )
            return env._(
                "%(partner)s: %(amount)s", partner=item["partner"], amount=money(item["amount"])
            )

        sections = []
        for section in (self.payload or {}).get("sections", ()):
            key = section["key"]
            sections.append(
                {
                    "key": key,
                    "title": titles[key],
                    "count": section["count"],
                    "lines": [line(key, item) for item in section["items"]],
                    "more": env._("and %s more", section["more"]) if section["more"] else "",
                    "total": env._("Total: %s", money(section["total"]))
                    if "total" in section
                    else "",
                }
            )
        return sections


def _jsonable(value):
    """The core's digest with dates as ISO strings (stored as JSON)."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime):
        return fields.Datetime.to_string(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
