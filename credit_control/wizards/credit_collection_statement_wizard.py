"""Import an agency's statement: a preview checked against the case, then the updates."""

import base64
import hashlib

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..core import collection_statement
from ..core.collection_statement import StatementError
from ..models.credit_collection_case import OPEN_CASE_STATES


class CreditCollectionStatementWizard(models.TransientModel):
    _name = "credit.collection.statement.wizard"
    _description = "Import an Agency Statement"

    case_id = fields.Many2one(
        comodel_name="credit.collection.case",
        required=True,
        domain=[("state", "in", OPEN_CASE_STATES)],
    )
    currency_id = fields.Many2one(related="case_id.currency_id")
    file = fields.Binary(string="Statement (CSV)", required=True)
    filename = fields.Char()
    state = fields.Selection(
        selection=[("draft", "Draft"), ("preview", "Preview"), ("done", "Done")],
        default="draft",
    )
    preview = fields.Text(readonly=True)
    new_count = fields.Integer(string="New Rows", readonly=True)
    skipped_count = fields.Integer(string="Rows Already Imported", readonly=True)
    amount_new = fields.Monetary(string="Newly Recovered", readonly=True)
    costs_new = fields.Monetary(string="New Agency Costs", readonly=True)

    @api.model
    def _credit_error_text(self, issue):
        """One problem of the statement in the user's words."""
        messages = {
            "too_large": self.env._("The file is too large for a statement."),
            "encoding": self.env._(
                "The file is not UTF-8 text: save it from the spreadsheet as 'CSV UTF-8'."
            ),
            "empty": self.env._("The statement has no rows."),
            "columns": self.env._(
                "Columns missing: %(missing)s (the header must name the invoice, the amount "
                "recovered and the date; the agency costs are optional).",
                missing=issue.values.get("missing"),
            ),
            "no_invoice": self.env._("no invoice number."),
            "bad_amount": self.env._(
                "'%(value)s' is not an amount.", value=issue.values.get("value")
            ),
            "negative": self.env._(
                "negative amount %(value)s: report recoveries and costs as positive amounts.",
                value=issue.values.get("value"),
            ),
            "bad_date": self.env._(
                "'%(value)s' is not a date (YYYY-MM-DD or DD/MM/YYYY).",
                value=issue.values.get("value"),
            ),
            "future_date": self.env._(
                "the date %(value)s is in the future.", value=issue.values.get("value")
            ),
            "unknown_invoice": self.env._(
                "invoice %(invoice)s is not in case %(case)s.",
                invoice=issue.values.get("invoice"),
                case=self.case_id.name,
            ),
            "above_open": self.env._(
                "%(amount)s reported for %(invoice)s, more than the %(open)s still open for "
                "the agency.",
                amount=issue.values.get("amount"),
                invoice=issue.values.get("invoice"),
                open=issue.values.get("open"),
            ),
        }
        text = messages.get(issue.code, issue.code)
        if issue.line:
            return self.env._("Line %(line)s: %(text)s", line=issue.line, text=text)
        return text

    def _credit_plan(self):
        """``(new rows, skipped, content sha256)`` or a UserError listing every problem."""
        self.ensure_one()
        self.case_id._credit_check_manager()
        case = self.case_id.sudo()
        if case.state not in OPEN_CASE_STATES:
            raise UserError(self.env._("Statements are imported into open cases only."))
        if not self.file:
            raise UserError(self.env._("Choose the agency's statement (CSV)."))
        content = base64.b64decode(self.file)
        digits = case.currency_id.decimal_places
        reported = {}
        for line, amount in (
            self.env["credit.collection.recovery"]
            .sudo()
            ._read_group([("case_id", "=", case.id)], ["case_line_id"], ["amount:sum"])
        ):
            reported[line.move_id.name] = reported.get(line.move_id.name, 0.0) + amount
        remaining = {}
        for line in case.line_ids:
            name = line.move_id.name
            remaining[name] = remaining.get(name, 0.0) + line.amount_at_handoff
        remaining = {
            name: collection_statement.Decimal(f"{amount - reported.get(name, 0.0):.{digits}f}")
            for name, amount in remaining.items()
        }
        known = set(case.recovery_ids.mapped("row_key"))
        try:
            rows = collection_statement.parse(content, today=fields.Date.context_today(self))
            new, skipped = collection_statement.plan(
                rows, remaining, {tuple(key.split("|")) for key in known}
            )
        except StatementError as error:
            raise UserError(
                self.env._("The statement can't be imported:")
                + "\n"
                + "\n".join(self._credit_error_text(issue) for issue in error.errors)
            ) from None
        return new, skipped, hashlib.sha256(content).hexdigest()

    def action_preview(self):
        """Check the statement against the case and show what would change."""
        new, skipped, _sha = self._credit_plan()
        currency = self.case_id.currency_id
        lines = [
            self.env._(
                "%(date)s %(invoice)s: %(amount)s recovered, costs %(costs)s",
                date=row.date,
                invoice=row.invoice,
                amount=format_amount(self.env, float(row.amount), currency),
                costs=format_amount(self.env, float(row.costs), currency),
            )
            for row in new
        ]
        self.write(
            {
                "state": "preview",
                "preview": "\n".join(lines)
                or self.env._("Nothing new: every row was imported before."),
                "new_count": len(new),
                "skipped_count": skipped,
                "amount_new": currency.round(float(sum(row.amount for row in new))),
                "costs_new": currency.round(float(sum(row.costs for row in new))),
            }
        )
        return self._credit_reopen()

    def action_import(self):
        """Record the new rows (checked again), update the case; twice changes nothing."""
        new, skipped, sha = self._credit_plan()
        case = self.case_id.sudo()
        currency = case.currency_id
        line_by_invoice = {}
        for line in case.line_ids:
            line_by_invoice.setdefault(line.move_id.name, line)
        self.env["credit.collection.recovery"].sudo().create(
            [
                {
                    "case_id": case.id,
                    "case_line_id": line_by_invoice[row.invoice].id,
                    "date": row.date,
                    "amount": currency.round(float(row.amount)),
                    "costs": currency.round(float(row.costs)),
                    "statement_name": self.filename,
                    "statement_sha256": sha,
                    "row_key": "|".join(collection_statement.row_key(row)),
                }
                for row in new
            ]
        )
        if new:
            case.agency_costs = currency.round(
                case.agency_costs + float(sum(row.costs for row in new))
            )
            if case.state == "handed_off":
                case.state = "in_progress"
            case._credit_update_recovery()
            case.message_post(
                body=self.env._(
                    "Agency statement %(file)s imported: %(count)s row(s), %(amount)s "
                    "recovered, costs %(costs)s (%(skipped)s row(s) already imported).",
                    file=self.filename or "",
                    count=len(new),
                    amount=format_amount(self.env, float(sum(r.amount for r in new)), currency),
                    costs=format_amount(self.env, float(sum(r.costs for r in new)), currency),
                    skipped=skipped,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.write({"state": "done", "new_count": len(new), "skipped_count": skipped})
        return self._credit_reopen()

    def _credit_reopen(self):
        return {
            "name": self.env._("Import an Agency Statement"),
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
