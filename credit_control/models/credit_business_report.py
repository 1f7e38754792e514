import contextlib
import datetime

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError

LEGAL_STATUS_SELECTION = [
    ("active", "Active"),
    ("liquidation", "In Liquidation"),
    ("insolvency", "Insolvency Procedure"),
    ("ceased", "Ceased"),
    ("other", "Other"),
]


class CreditBusinessReport(models.Model):
    """One business report of a bureau on a customer. Reports are history: a new report
    never overwrites an old one, and a failed call is kept as a report in error."""

    _name = "credit.business.report"
    _description = "Business Report"
    _order = "report_date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("parent_id", "=", False)],
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, default=lambda self: self.env.company
    )
    provider_id = fields.Many2one(
        comodel_name="credit.report.provider", required=True, ondelete="restrict"
    )
    active = fields.Boolean(default=True)
    report_date = fields.Date(required=True, default=fields.Date.context_today)
    state = fields.Selection(
        selection=[("done", "Received"), ("error", "Error")], required=True, default="done"
    )
    error_message = fields.Text(readonly=True)
    raw_score = fields.Char(help="The score as the bureau gave it, on its own scale.")
    score = fields.Float(
        string="Normalised Score",
        digits=(5, 1),
        aggregator="avg",
        help="The bureau's score on a 0-100 scale.",
    )
    rating = fields.Char()
    currency_id = fields.Many2one(related="company_id.currency_id")
    recommended_limit = fields.Monetary(string="Bureau's Limit", currency_field="currency_id")
    legal_status = fields.Selection(selection=LEGAL_STATUS_SELECTION)
    negative_events = fields.Text(help="Protests, prejudicial entries, insolvency procedures.")
    negative_event_count = fields.Integer()
    attachment_id = fields.Many2one(
        comodel_name="ir.attachment", string="Raw Payload", readonly=True, copy=False
    )

    @api.depends("provider_id", "report_date", "score", "state")
    def _compute_display_name(self):
        for report in self:
            date = fields.Date.to_string(report.report_date) if report.report_date else ""
            if report.state == "error":
                detail = self.env._("error")
            else:
                detail = self.env._("score %(score)s", score=report.score)
            report.display_name = f"{report.provider_id.name or ''} {date} ({detail})".strip()

    def unlink(self):
        """Reports are history (a score rests on them): archived, never deleted."""
        # before the access check: its "not allowed" would not say to archive instead;
        # the superuser (module uninstall) still deletes
        if self and not self.env.su:
            raise UserError(  # pylint: disable=no-raise-unlink
                self.env._(
                    "Business reports and their payloads are kept: archive the report "
                    "instead of deleting it."
                )
            )
        return super().unlink()

    @api.model
    def _credit_values_from_cleaned(self, cleaned, raw_score):
        """Report field values from the core's cleaned report values."""
        values = {
            "state": "done",
            "raw_score": str(raw_score) if raw_score is not None else False,
            "score": cleaned["score"],
            "rating": cleaned.get("rating") or False,
            "recommended_limit": cleaned.get("recommended_limit") or 0.0,
            "legal_status": cleaned.get("legal_status") or "active",
            "negative_events": "\n".join(cleaned.get("negative_events") or []) or False,
            "negative_event_count": len(cleaned.get("negative_events") or []),
        }
        report_date = cleaned.get("report_date")
        if isinstance(report_date, datetime.date):
            values["report_date"] = report_date
        elif report_date:
            with contextlib.suppress(ValueError):  # an unreadable date: today's
                values["report_date"] = fields.Date.to_date(report_date[:10])
        return values

    @api.model
    def _credit_create_reports(self, values_list):
        """Create reports with their raw payload as an attachment, point each customer at
        its newest good report, and rescore the customers; all in one go."""
        payloads = [values.pop("raw_payload", None) for values in values_list]
        reports = self.create(values_list)
        # reports are never edited by users: the payload is attached on their behalf
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .with_context(credit_no_index=True)
            .create(
                [
                    {
                        "name": f"report-{report.id}.json",
                        "raw": payload,
                        "mimetype": "application/json",
                        "res_model": self._name,
                        "res_id": report.id,
                    }
                    for report, payload in zip(reports, payloads, strict=True)
                    if payload
                ]
            )
        )
        for attachment in attachments:
            reports.sudo().browse(attachment.res_id).attachment_id = attachment
        # each company's reports drive that company's assessment alone
        for company in reports.filtered(lambda r: r.state == "done").company_id:
            partners = (
                reports.filtered(lambda r, c=company: r.state == "done" and r.company_id == c)
                .partner_id.sudo()
                .with_company(company)
            )
            partners._credit_set_latest_report()
            partners._credit_update_scores()
        return reports
