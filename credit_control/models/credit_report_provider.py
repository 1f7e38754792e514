import json
import logging
import threading
from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models
from odoo import tools
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError

from ..core import report_http
from ..core import report_import
from ..core import report_scales

_logger = logging.getLogger(__name__)

SCALE_SELECTION = [
    ("score_100", "0-100, 100 = safest (Creditsafe-like)"),
    ("risk_10", "1-10, 10 = worst (Cerved-like)"),
    ("paydex", "1-100 payment index (PAYDEX-like)"),
]


class CreditReportProvider(models.Model):
    _name = "credit.report.provider"
    _description = "Business Report Provider"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    kind = fields.Selection(
        selection=[("file", "File Import (CSV/JSON)"), ("http", "HTTPS JSON Service")],
        required=True,
        default="file",
    )
    scale = fields.Selection(
        selection=SCALE_SELECTION,
        required=True,
        default="score_100",
        help="The bureau's score scale; scores are normalised to 0-100, 100 the safest.",
    )
    file_format = fields.Selection(
        selection=[("csv", "CSV"), ("json", "JSON")], default="csv", required=True
    )
    records_path = fields.Char(
        help="JSON files: dotted path of the list of reports (empty: the file is the list)."
    )
    map_vat = fields.Char(string="VAT Column/Path", default="vat", required=True)
    map_score = fields.Char(string="Score Column/Path", default="score", required=True)
    map_rating = fields.Char(string="Rating Column/Path", default="rating")
    map_recommended_limit = fields.Char(string="Limit Column/Path", default="limit")
    map_legal_status = fields.Char(string="Legal Status Column/Path", default="status")
    map_negative_events = fields.Char(string="Negative Events Column/Path", default="events")
    map_report_date = fields.Char(string="Report Date Column/Path")
    url_template = fields.Char(
        string="URL Template",
        help="Address of a company's report, with {vat} where its VAT number goes, "
        "e.g. https://api.bureau.example/v1/companies/{vat}",
    )
    auth_header_name = fields.Char(string="Auth Header", default="Authorization")
    auth_secret = fields.Char(
        string="Auth Header Value",
        groups="credit_control.group_credit_manager",
        copy=False,
        help="Sent as the auth header's value, e.g. 'Bearer <token>'. Only credit managers see it.",
    )
    timeout = fields.Float(string="Timeout (Seconds)", default=10.0)
    call_deadline = fields.Float(
        string="Deadline per Customer (Seconds)",
        default=60.0,
        help="Hard limit of one customer's call, retries and waits included: past it the "
        "call is cut and kept as an error report.",
    )
    rate_limit = fields.Integer(string="Calls per Minute", default=60)
    max_retries = fields.Integer(string="Retries", default=2)
    auto_refresh = fields.Boolean(
        help="The scheduled refresh asks this provider for reports of new and due customers."
    )
    report_count = fields.Integer(compute="_compute_report_count")

    _sql_constraints = [
        (
            "timeout_positive",
            "CHECK(timeout > 0 AND timeout <= 120)",
            "The timeout must be 0-120 s.",
        ),
        ("rate_limit_positive", "CHECK(rate_limit >= 0)", "The rate limit cannot be negative."),
        (
            "call_deadline_range",
            "CHECK(call_deadline IS NULL OR (call_deadline > 0 AND call_deadline <= 600))",
            "The deadline per customer must be 0-600 s.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        providers = super().create(vals_list)
        if any(providers.mapped("auto_refresh")):
            self.env.registry.clear_cache()  # _credit_auto_refresh_company_ids()
        return providers

    def write(self, vals):
        result = super().write(vals)
        if {"auto_refresh", "company_id"} & vals.keys():
            self.env.registry.clear_cache()  # _credit_auto_refresh_company_ids()
        return result

    def unlink(self):
        refreshing = any(self.mapped("auto_refresh"))
        result = super().unlink()
        if refreshing:
            self.env.registry.clear_cache()  # _credit_auto_refresh_company_ids()
        return result

    @api.model
    @tools.ormcache()
    def _credit_auto_refresh_company_ids(self):
        """The companies where a provider refreshes reports on schedule. Posting asks at
        every invoice: cached, and cleared when a provider's schedule or company changes."""
        return frozenset(self.sudo().search([("auto_refresh", "=", True)]).company_id.ids)

    def _compute_report_count(self):
        counts = dict(
            self.env["credit.business.report"]._read_group(
                [("provider_id", "in", self.ids)], ["provider_id"], ["__count"]
            )
        )
        for provider in self:
            provider.report_count = counts.get(provider, 0)

    @api.constrains("kind", "url_template")
    def _check_url_template(self):
        for provider in self.filtered(lambda p: p.kind == "http"):
            template = provider.url_template or ""
            if not template.startswith(("https://", "http://")) or "{vat}" not in template:
                raise ValidationError(
                    self.env._(
                        "Provider %(name)s: the URL template must start with https:// and "
                        "contain {vat}.",
                        name=provider.name,
                    )
                )

    def _credit_mapping(self):
        self.ensure_one()
        return {field: self[f"map_{field}"] for field in report_import.FIELDS}

    def _credit_normalise(self, raw_score):
        """0-100 score of ``raw_score`` on this provider's scale (ValueError if invalid)."""
        self.ensure_one()
        return report_scales.normalise(self.scale, raw_score)

    def action_view_reports(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.action_credit_business_report"
        )
        action["domain"] = [("provider_id", "=", self.id)]
        return action

    # HTTPS connector ---------------------------------------------------------------

    def _credit_fetch_reports(self, partners, sleep=None, limiter=None):
        """Ask the bureau for a report of each partner: one report per partner, in the
        ``done`` state or, when the call failed, in the ``error`` state with the bureau's
        message (the previous good report stays the partner's latest)."""
        self.ensure_one()
        if self.kind != "http":
            raise UserError(
                self.env._("Provider %s is a file import: import a file instead.", self.name)
            )
        secret = self.sudo().auth_secret
        headers = {self.auth_header_name: secret} if self.auth_header_name and secret else {}
        limiter = limiter or report_http.RateLimiter(self.rate_limit)
        values_list = []
        for partner in partners.commercial_partner_id:
            values = {
                "partner_id": partner.id,
                "provider_id": self.id,
                "company_id": self.company_id.id,
            }
            vat = (partner.vat or "").replace(" ", "")
            if not vat:
                values.update(
                    state="error", error_message=self.env._("The customer has no VAT number.")
                )
                values_list.append(values)
                continue
            try:
                data, raw = report_http.fetch(
                    self.url_template,
                    vat,
                    headers=headers,
                    timeout=self.timeout,
                    retries=self.max_retries,
                    limiter=limiter,
                    deadline=self.call_deadline or report_http.DEFAULT_DEADLINE,
                    **({"sleep": sleep} if sleep else {}),
                )
                values.update(self._credit_report_values_from_json(data), raw_payload=raw)
            except report_http.ProviderError as error:
                _logger.info("Bureau %s, partner %s: %s", self.name, partner.id, error)
                values.update(state="error", error_message=self._credit_plain_error(error))
            except (ValueError, TypeError, OverflowError, RecursionError) as error:
                values.update(
                    state="error",
                    error_message=self.env._("The bureau's answer is not usable: %s", error),
                )
            except Exception as error:
                _logger.info("Bureau %s, partner %s failed", self.name, partner.id, exc_info=True)
                values.update(
                    state="error",
                    error_message=self.env._("The call failed: %s", repr(error)[:300]),
                )
            values_list.append(values)
        return self.env["credit.business.report"]._credit_create_reports(values_list)

    def _credit_plain_error(self, error):
        """What a failed call means for the user, in their language, then the bureau's
        technical detail in brackets."""
        plain = {
            "auth": self.env._(
                "The bureau refused the provider's credentials: a credit manager must check "
                "the key in Invoicing > Credit Management > Configuration > Report Providers."
            ),
            "not_found": self.env._("The bureau has no report on this VAT number."),
            "rate_limited": self.env._(
                "The bureau received too many requests: try again in a few minutes."
            ),
            "server": self.env._("The bureau's service is out of order: try again later."),
            "timeout": self.env._("The bureau did not answer in time: try again later."),
            "network": self.env._(
                "The bureau cannot be reached: check the internet connection and the "
                "provider's address."
            ),
            "malformed": self.env._("The bureau's answer cannot be read."),
        }.get(error.kind, self.env._("The bureau gave an unexpected answer."))
        return f"{plain} ({error})"

    def _credit_report_values_from_json(self, data):
        mapping = {f: p for f, p in self._credit_mapping().items() if p}
        raw_values = {field: report_import.get_path(data, path) for field, path in mapping.items()}
        cleaned = report_import.clean_values(
            {"vat": "-", **raw_values}, self.scale, today=fields.Date.context_today(self)
        )
        return self.env["credit.business.report"]._credit_values_from_cleaned(
            cleaned, raw_values.get("score")
        )

    # File import -------------------------------------------------------------------

    def _credit_import_file(self, content, filename=""):
        """Import a bureau's file: ``(reports, errors)``, errors as ``(row, message)``.

        Good rows are imported, bad rows reported; a file that cannot be read raises a
        UserError and imports nothing."""
        self.ensure_one()
        file_format = self.file_format
        if filename.lower().endswith(".json"):
            file_format = "json"
        elif filename.lower().endswith(".csv"):
            file_format = "csv"
        try:
            rows, errors = report_import.parse(
                content,
                file_format,
                self._credit_mapping(),
                scale=self.scale,
                records_path=self.records_path,
                today=fields.Date.context_today(self),
            )
        except report_import.ImportFileError as error:
            raise UserError(self.env._("The file cannot be imported: %s", error)) from None
        partners_by_vat = self._credit_partners_by_vat([row.values["vat"] for row in rows])
        values_list = []
        for row in rows:
            partner = partners_by_vat.get(row.values["vat"])
            if not partner:
                errors.append(
                    (
                        row.line,
                        self.env._(
                            "no customer has the VAT number or fiscal code %s", row.values["vat"]
                        ),
                    )
                )
                continue
            values = self.env["credit.business.report"]._credit_values_from_cleaned(
                row.values, row.raw_score
            )
            values.update(
                partner_id=partner.id,
                provider_id=self.id,
                company_id=self.company_id.id,
                raw_payload=json.dumps(row.payload, ensure_ascii=False, default=str).encode(),
            )
            values_list.append(values)
        reports = self.env["credit.business.report"]._credit_create_reports(values_list)
        return reports, sorted(errors)

    def _credit_partners_by_vat(self, vats):
        """Commercial partners by normalised VAT number (and Italian fiscal code when the
        field exists), looked up in one search."""
        if not vats:
            return {}
        keys = set(vats)
        # a VAT given without its country prefix also matches IT-prefixed numbers
        keys |= {f"IT{vat}" for vat in vats if vat[:2].isdigit()}
        domain = [("vat", "in", list(keys))]
        has_fiscal_code = "l10n_it_codice_fiscale" in self.env["res.partner"]._fields
        if has_fiscal_code:
            domain = ["|", ("l10n_it_codice_fiscale", "in", list(keys)), *domain]
        partners = self.env["res.partner"].search(
            [*domain, ("parent_id", "=", False), ("company_id", "in", [False, self.company_id.id])]
        )
        found = {}
        for partner in partners:
            for key in (partner.vat, has_fiscal_code and partner.l10n_it_codice_fiscale):
                key = (key or "").replace(" ", "").upper()
                if key:
                    found.setdefault(key, partner)
                    if key.startswith("IT"):
                        found.setdefault(key[2:], partner)
        return {vat: found[vat] for vat in vats if vat in found}

    # Scheduled refresh -------------------------------------------------------------

    def _credit_partners_due(self):
        """Customers of this provider's company whose report is due: new customers
        flagged at their first invoice, customers owing money without a report, and
        reports older than the interval of the customer's band (or of a large exposure).
        Customers with a failed call in the last day wait (the bureau is retried later)."""
        self.ensure_one()
        company = self.company_id
        today = fields.Date.context_today(self)

        def older_than(days):
            return ("credit_latest_report_id.report_date", "<", today - timedelta(days=days))

        risky = [
            "|",
            ("credit_band", "in", ["D", "E"]),
            ("credit_exposure", ">", company.credit_refresh_large_exposure),
        ]
        domain = [
            ("vat", "!=", False),
            ("parent_id", "=", False),
            ("company_id", "in", [False, company.id]),
            "|",
            "|",
            "|",
            "|",
            ("credit_report_requested", "=", True),
            "&",
            ("credit_latest_report_id", "=", False),
            ("credit_exposure", ">", 0),
            "&",
            *risky,
            older_than(company.credit_refresh_days_risky),
            "&",
            ("credit_band", "=", "C"),
            older_than(company.credit_refresh_days_medium),
            "&",
            ("credit_band", "in", ["A", "B", False]),
            older_than(company.credit_refresh_days_safe),
        ]
        # the figures and the latest report of this provider's company
        partners = (
            self.env["res.partner"]
            .with_company(company)
            .search(domain, order="credit_report_requested desc, id")
        )
        recent_errors = self.env["credit.business.report"].search(
            [
                ("partner_id", "in", partners.ids),
                ("state", "=", "error"),
                ("create_date", ">=", fields.Datetime.now() - timedelta(days=1)),
            ]
        )
        return self._credit_failed_last(partners - recent_errors.partner_id)

    def _credit_failed_last(self, partners):
        """``partners`` with those whose latest call failed at the end of the line: a
        bureau that always fails for one customer does not hold up the others."""
        if not partners:
            return partners
        self.env.cr.execute(
            """SELECT DISTINCT ON (partner_id) partner_id, state
                 FROM credit_business_report
                WHERE partner_id = ANY(%s) AND provider_id = %s
                ORDER BY partner_id, create_date DESC, id DESC""",
            [partners.ids, self.id],
        )
        failed = {partner_id for partner_id, state in self.env.cr.fetchall() if state == "error"}
        return partners.filtered(lambda p: p.id not in failed) + partners.filtered(
            lambda p: p.id in failed
        )

    @api.model
    def _cron_credit_refresh_reports(self, batch_size=50, commit=True):
        """Refresh due reports from every auto-refresh HTTPS provider, in batches with
        the cron's progress and a commit after each batch: an interrupted run resumes
        where it stopped (done customers are no longer due)."""
        providers = self.search([("kind", "=", "http"), ("auto_refresh", "=", True)])
        todo = [(provider, provider._credit_partners_due()) for provider in providers]
        remaining = sum(len(partners) for _provider, partners in todo)
        done = 0
        for provider, partners in todo:
            provider = provider.with_company(provider.company_id)
            limiter = report_http.RateLimiter(provider.rate_limit)  # across batches
            for start in range(0, len(partners), batch_size):
                batch = partners[start : start + batch_size]
                provider._credit_fetch_batch_safely(batch, limiter)
                done += len(batch)
                remaining -= len(batch)
                self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
                if commit and not getattr(threading.current_thread(), "testing", False):
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    def _credit_fetch_batch_safely(self, partners, limiter):
        """Fetch a batch; when storing it fails (a bad value the database refuses...),
        fetch its customers one by one and keep the one that fails as an error report,
        so the refresh goes on with the next customer."""
        try:
            with self.env.cr.savepoint():
                return self._credit_fetch_reports(partners, limiter=limiter)
        except Exception:
            _logger.info("Bureau %s: batch failed, one customer at a time", self.name)
        reports = self.env["credit.business.report"]
        for partner in partners:
            try:
                with self.env.cr.savepoint():
                    reports |= self._credit_fetch_reports(partner, limiter=limiter)
            except Exception as error:
                reports |= self.env["credit.business.report"]._credit_create_reports(
                    [
                        {
                            "partner_id": partner.id,
                            "provider_id": self.id,
                            "company_id": self.company_id.id,
                            "state": "error",
                            "error_message": self.env._(
                                "The report could not be stored: %s", repr(error)[:300]
                            ),
                        }
                    ]
                )
        return reports
