"""Business reports on the partner: the latest good report and 'Refresh now'."""

from odoo import models
from odoo.exceptions import UserError


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
        message = (
            self.env._(
                "Report refresh failed: %s The previous report is kept.", errors[0].error_message
            )
            if errors
            else self.env._("New business report received; the score is up to date.")
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "warning" if errors else "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
