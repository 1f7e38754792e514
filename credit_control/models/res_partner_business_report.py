"""Business reports on the partner: the latest good report and 'Refresh now'."""

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import format_date


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _credit_set_latest_report(self):
        """Point each partner at its newest good report of the current company (another
        company's reports are not this company's business)."""
        company = self.env.company
        reports = (
            self.env["credit.business.report"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.ids),
                    ("state", "=", "done"),
                    ("company_id", "=", company.id),
                ],
                order="partner_id, report_date desc, id desc",
            )
        )
        latest = {}
        for report in reports:
            latest.setdefault(report.partner_id, report)
        partners = self.sudo().with_company(company)
        for partner, report in latest.items():
            partner = partners.browse(partner.id)
            if partner.credit_latest_report_id != report:
                partner.credit_latest_report_id = report
        partners.filtered("credit_report_requested").credit_report_requested = False

    def action_credit_refresh_now(self):
        """Ask the company's HTTPS provider for a fresh report now and rescore."""
        self._credit_check_group(
            "credit_control.group_credit_user",
            self.env._("Only credit users may ask a bureau for a report."),
        )
        self.check_access("read")
        providers = self.env["credit.report.provider"].search(
            [("kind", "=", "http"), ("company_id", "=", self.env.company.id)],
            order="auto_refresh desc, sequence, id",
            limit=1,
        )
        partners = self.commercial_partner_id
        if not providers:
            partners.credit_update_scores()
            raise UserError(
                self.env._(
                    "The score was recomputed from the ledger, but no HTTPS report provider "
                    "is set up for %(company)s: import the bureau's file instead.",
                    company=self.env.company.name,
                )
            )
        reports = providers._credit_fetch_reports(partners)
        partners.credit_update_scores()
        errors = reports.filtered(lambda r: r.state == "error")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Refresh now: %s", providers.name),
                "message": "\n".join(self._credit_refresh_outcome(report) for report in reports),
                "type": "warning" if errors else "success",
                "sticky": bool(errors),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _credit_refresh_outcome(self, report):
        """One sentence on what a refresh brought for the report's customer."""
        partner = report.partner_id
        if report.state == "error":
            previous = partner.credit_latest_report_id
            kept = (
                self.env._(
                    "The previous report, of %s, is kept.",
                    format_date(self.env, previous.report_date),
                )
                if previous
                else self.env._("The customer still has no business report.")
            )
            return self.env._(
                "%(customer)s: no new report. %(error)s %(kept)s",
                customer=partner.display_name,
                error=report.error_message,
                kept=kept,
            )
        status = dict(report._fields["legal_status"]._description_selection(self.env))
        return self.env._(
            "%(customer)s: new business report, score %(score)s of 100, %(status)s. Credit "
            "score now %(credit_score)s (band %(band)s).",
            customer=partner.display_name,
            score=report.score,
            status=status.get(report.legal_status, report.legal_status or ""),
            credit_score=partner.credit_score,
            band=partner.credit_band or "-",
        )
