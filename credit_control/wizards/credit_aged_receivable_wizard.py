"""Print the aged receivables list: choose the date, companies, band, profile and
salesperson; the PDF lists per customer its open items in bucket columns, with totals."""

from collections import defaultdict

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..models.credit_score_history import BAND_SELECTION
from ..models.credit_score_history import PROFILE_SELECTION
from ..models.res_partner_scoring import CREDIT_USER
from ..report.credit_aged_receivable import BUCKETS
from ..report.credit_aged_receivable import aged_items_query


class CreditAgedReceivableWizard(models.TransientModel):
    _name = "credit.aged.receivable.wizard"
    _description = "Print Aged Receivables"

    date = fields.Date(
        string="As of",
        required=True,
        default=fields.Date.context_today,
        help="Open amounts on this date (payments matched after it count as not yet "
        "received) and their age on it.",
    )
    company_ids = fields.Many2many(
        comodel_name="res.company",
        string="Companies",
        required=True,
        # no domain: a many2many reads through it (it would hide what is checked below);
        # the companies' record rule offers only the user's companies
        default=lambda self: self.env.companies,
    )
    credit_band = fields.Selection(selection=BAND_SELECTION, string="Band")
    credit_profile = fields.Selection(selection=PROFILE_SELECTION, string="Payment Profile")
    user_id = fields.Many2one(comodel_name="res.users", string="Salesperson")

    def action_print(self):
        """The PDF (credit users only)."""
        self._credit_check_access()
        return self.env.ref("credit_control.action_report_credit_aged_receivable").report_action(
            self
        )

    def _credit_check_access(self):
        if not (self.env.su or self.env.user.has_group(CREDIT_USER)):
            raise AccessError(self.env._("Only credit users may print aged receivables."))
        for wizard in self:
            # the companies as stored (a record rule would hide another company's)
            foreign = wizard.sudo().company_ids - self.env.user.company_ids
            if foreign and not self.env.su:
                raise AccessError(
                    self.env._(
                        "You may not print the receivables of %(companies)s.",
                        companies=", ".join(foreign.mapped("name")),
                    )
                )
            if not wizard.sudo().company_ids:
                raise UserError(self.env._("Choose at least one company."))

    def _credit_aged_sections(self):
        """What the paper shows: per company (by name) its customers (by name) with their
        items and totals per bucket, then the company's totals per bucket."""
        self.ensure_one()
        self._credit_check_access()
        conditions = [SQL("l.company_id = ANY(%s)", self.company_ids.ids)]
        if self.credit_band:
            conditions.append(SQL("cp.credit_band ->> l.company_id::text = %s", self.credit_band))
        if self.credit_profile:
            conditions.append(
                SQL("cp.credit_profile ->> l.company_id::text = %s", self.credit_profile)
            )
        if self.user_id:
            conditions.append(SQL("COALESCE(m.invoice_user_id, cp.user_id) = %s", self.user_id.id))
        self.env.flush_all()
        rows = self.env.execute_query_dict(
            aged_items_query(as_of=self.date, where=SQL(" AND ").join(conditions))
        )
        # names of the entries and customers: one read each
        moves = self.env["account.move"].sudo().browse({row["move_id"] for row in rows})
        moves.fetch(["name", "invoice_date", "date"])
        partners = (
            self.env["res.partner"]
            .sudo()
            .browse({row["commercial_partner_id"] for row in rows if row["commercial_partner_id"]})
        )
        partners.fetch(["display_name"])
        status_labels = dict(
            self.env["credit.aged.receivable"]._fields["status"]._description_selection(self.env)
        )
        band_labels = dict(BAND_SELECTION)
        profile_labels = dict(
            self.env["credit.aged.receivable"]
            ._fields["credit_profile"]
            ._description_selection(self.env)
        )
        bucket_keys = [key for key, _label in BUCKETS]
        by_company = defaultdict(lambda: defaultdict(list))
        for row in rows:
            by_company[row["company_id"]][row["commercial_partner_id"] or 0].append(row)
        sections = []
        for company in self.company_ids.sorted("name"):
            currency = company.currency_id
            company_totals = dict.fromkeys(bucket_keys, 0.0)
            customers = []
            for partner_id, items in by_company.get(company.id, {}).items():
                partner = self.env["res.partner"].sudo().browse(partner_id)
                totals = dict.fromkeys(bucket_keys, 0.0)
                lines = []
                for item in sorted(items, key=lambda row: (row["date_maturity"], row["id"])):
                    move = moves.browse(item["move_id"])
                    amount = currency.round(float(item["amount_residual"]))
                    totals[item["bucket"]] += amount
                    lines.append(
                        {
                            "name": move.name,
                            "date": move.invoice_date or move.date,
                            "date_maturity": item["date_maturity"],
                            "days": item["days_past_due"],
                            "bucket": item["bucket"],
                            "amount": amount,
                            "status": status_labels.get(item["status"])
                            if item["status"] != "normal"
                            else "",
                        }
                    )
                totals = {key: currency.round(value) for key, value in totals.items()}
                for key, value in totals.items():
                    company_totals[key] += value
                first = items[0]
                customers.append(
                    {
                        "name": partner.display_name
                        if partner
                        else self.env._("Without a partner"),
                        "band": band_labels.get(first["credit_band"], ""),
                        "profile": profile_labels.get(first["credit_profile"], ""),
                        "dso": first["credit_dso"],
                        "lines": lines,
                        "totals": totals,
                        "total": currency.round(sum(totals.values())),
                    }
                )
            customers.sort(key=lambda customer: (customer["name"] or "").lower())
            company_totals = {key: currency.round(value) for key, value in company_totals.items()}
            sections.append(
                {
                    "company": company,
                    "currency": currency,
                    "customers": customers,
                    "totals": company_totals,
                    "total": currency.round(sum(company_totals.values())),
                    "item_count": sum(len(customer["lines"]) for customer in customers),
                }
            )
        return sections


class ReportCreditAgedReceivable(models.AbstractModel):
    _name = "report.credit_control.report_credit_aged_receivable"
    _description = "Aged Receivables List"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizards = self.env["credit.aged.receivable.wizard"].browse(docids)
        wizards._credit_check_access()
        today = fields.Date.context_today(self)
        band_labels = dict(BAND_SELECTION)
        profile_labels = dict(
            self.env["credit.aged.receivable.wizard"]
            ._fields["credit_profile"]
            ._description_selection(self.env)
        )
        return {
            "doc_ids": docids,
            "doc_model": "credit.aged.receivable.wizard",
            "docs": wizards,
            "today": today,
            "buckets": self.env["credit.aged.receivable"]
            ._fields["bucket"]
            ._description_selection(self.env),
            "sections": {wizard.id: wizard._credit_aged_sections() for wizard in wizards},
            "band_labels": band_labels,
            "profile_labels": profile_labels,
        }
