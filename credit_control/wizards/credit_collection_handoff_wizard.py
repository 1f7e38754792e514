"""Hand overdue invoices over to a collection agency or a lawyer: one case per debtor.

Opened from a customer, from invoices selected in the list, or from a dunning letter at the
"Collection Agency" (or "Legal Action") stage. It shows what will be handed over (and what
will not, and why) before a credit manager confirms.
"""

from collections import defaultdict

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tools import format_amount

from ..models.credit_collection_case import OPEN_CASE_STATES

SOURCES = [
    ("res.partner", "Customer"),
    ("account.move", "Invoices"),
    ("credit.dunning.letter", "Dunning Letter"),
]


class CreditCollectionHandoffWizard(models.TransientModel):
    _name = "credit.collection.handoff.wizard"
    _description = "Hand Over to a Collection Agency or a Lawyer"

    source = fields.Selection(SOURCES, readonly=True)
    letter_id = fields.Many2one(comodel_name="credit.dunning.letter", readonly=True)
    case_type = fields.Selection(
        selection=[("agency", "Collection Agency"), ("lawyer", "Lawyer")],
        required=True,
        default="agency",
    )
    agency_id = fields.Many2one(
        comodel_name="res.partner",
        string="Agency or Lawyer",
        domain=[("credit_is_collection_agency", "=", True)],
    )
    agency_warning = fields.Char(compute="_compute_agency_warning")
    line_ids = fields.One2many(
        comodel_name="credit.collection.handoff.wizard.line",
        inverse_name="wizard_id",
        string="To Hand Over",
        domain=[("eligible", "=", True)],
    )
    skipped_line_ids = fields.One2many(
        comodel_name="credit.collection.handoff.wizard.line",
        inverse_name="wizard_id",
        string="Not Handed Over",
        domain=[("eligible", "=", False)],
    )
    debtor_count = fields.Integer(string="Debtors", compute="_compute_totals")
    invoice_count = fields.Integer(string="Invoices", compute="_compute_totals")
    amount_summary = fields.Char(string="Total Handed Over", compute="_compute_totals")

    # ------------------------------------------------------------------
    # Opening
    # ------------------------------------------------------------------

    @api.model
    def _credit_check_manager(self):
        if not self.env.user.has_group("credit_control.group_credit_manager"):
            raise AccessError(
                self.env._("Only a credit manager may hand debts over to an agency or a lawyer.")
            )

    @api.model
    def _credit_open(self, model, ids):
        """The wizard's window for these records (customers, invoices or a letter)."""
        self._credit_check_manager()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.action_credit_collection_handoff_wizard"
        )
        action["context"] = {"active_model": model, "active_ids": ids}
        return action

    @api.model
    def default_get(self, fields_list):
        self._credit_check_manager()
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        ids = self.env.context.get("active_ids") or []
        if model not in dict(SOURCES) or not ids:
            return values
        moves = self._credit_candidates(model, ids)
        if model == "credit.dunning.letter":
            letter = self.env["credit.dunning.letter"].browse(ids[:1])
            values["letter_id"] = letter.id
            if letter.stage == "legal" and "default_case_type" not in self.env.context:
                values["case_type"] = "lawyer"
        values["source"] = model
        preview = self._credit_preview_values(moves)
        values["line_ids"] = [fields.Command.create(line) for line in preview if line["eligible"]]
        values["skipped_line_ids"] = [
            fields.Command.create(line) for line in preview if not line["eligible"]
        ]
        return values

    @api.model
    def _credit_candidates(self, model, ids):
        """The invoices to look at: a customer's open invoices (in the current company), the
        selected invoices, or a letter's items."""
        Move = self.env["account.move"]
        if model == "account.move":
            return Move.browse(ids).exists()
        if model == "credit.dunning.letter":
            return self.env["credit.dunning.letter"].browse(ids).line_ids.move_id
        debtors = self.env["res.partner"].browse(ids).commercial_partner_id
        return Move.search(
            [
                ("commercial_partner_id", "in", debtors.ids),
                ("company_id", "=", self.env.company.id),
                ("move_type", "in", ("out_invoice", "out_receipt")),
                ("state", "=", "posted"),
                ("payment_state", "not in", ("paid", "in_payment", "reversed")),
            ],
            order="invoice_date_due, id",
        )

    @api.model
    def _credit_preview_values(self, moves):
        """One line per invoice: what is open and overdue, or why it is not handed over."""
        today = fields.Date.context_today(self)
        reasons, oldest_due = self._credit_ineligibility(moves)
        values = []
        for move in moves:
            due = oldest_due.get(move) or move.invoice_date_due
            values.append(
                {
                    "move_id": move.id,
                    "partner_id": move.commercial_partner_id.id,
                    "company_id": move.company_id.id,
                    "currency_id": move.currency_id.id,
                    "date_due": due,
                    "days_overdue": max((today - due).days, 0) if due else 0,
                    "amount_residual": move.amount_residual,
                    "eligible": move not in reasons,
                    "reason": reasons.get(move, False),
                }
            )
        return values

    @api.model
    def _credit_ineligibility(self, moves):
        """``({invoice: why it cannot be handed over}, {invoice: oldest overdue due date})``.

        Eligible: a posted customer invoice with an amount overdue, collectible (not rejected
        by the SdI), in no active payment plan and in no open case. One grouped read of the
        overdue items; the rest is on the invoices themselves."""
        today = fields.Date.context_today(self)
        oldest_due = dict(
            self.env["account.move.line"]._read_group(
                [
                    ("move_id", "in", moves.ids),
                    ("account_type", "=", "asset_receivable"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("date_maturity", "<", today),
                ],
                ["move_id"],
                ["date_maturity:min"],
            )
        )
        einvoice_states = dict(
            self.env["account.move"]
            ._fields["credit_einvoice_state"]
            ._description_selection(self.env)
        )
        reasons = {}
        for move in moves:
            case = move.credit_collection_case_id
            plan = move.credit_payment_plan_id
            if move.move_type not in ("out_invoice", "out_receipt") or move.state != "posted":
                reason = self.env._("Not a posted customer invoice.")
            elif move.payment_state in ("paid", "in_payment", "reversed"):
                reason = self.env._("Paid.")
            elif not move.credit_collectible:
                reason = self.env._(
                    "Not collectible: the e-invoice is %(state)s at the SdI.",
                    state=einvoice_states.get(move.credit_einvoice_state, "-"),
                )
            elif case and case.state in OPEN_CASE_STATES:
                reason = self.env._("Already in the open case %(case)s.", case=case.name)
            elif plan:
                reason = self.env._("In the active payment plan %(plan)s.", plan=plan.name)
            elif move not in oldest_due:
                reason = self.env._("Not overdue.")
            else:
                continue
            reasons[move] = reason
        return reasons, oldest_due

    # ------------------------------------------------------------------
    # What the screen shows
    # ------------------------------------------------------------------

    @api.depends("agency_id", "case_type", "line_ids.company_id")
    def _compute_agency_warning(self):
        """An agency processes the debtors' data for the company (GDPR art. 28): without
        the agreement it gets nothing. A lawyer, bound by professional secrecy, is no
        data processor."""
        for wizard in self:
            agency = wizard.agency_id
            companies = wizard.line_ids.company_id or self.env.company
            missing = (
                wizard.case_type == "agency"
                and agency
                and companies.filtered(
                    lambda company, agency=agency: (
                        not agency.sudo().with_company(company).credit_collection_dpa_date
                    )
                )
            )
            wizard.agency_warning = (
                self.env._(
                    "%(agency)s has no data-processing agreement (GDPR art. 28) on file: "
                    "it cannot receive the debtors' data. A credit manager records its date "
                    "on the partner first.",
                    agency=agency.display_name,
                )
                if missing
                else False
            )

    @api.depends("line_ids.include", "line_ids.amount_residual", "line_ids.partner_id")
    def _compute_totals(self):
        for wizard in self:
            lines = wizard.line_ids.filtered("include")
            groups = {(line.partner_id, line.company_id, line.currency_id) for line in lines}
            totals = defaultdict(float)
            for line in lines:
                totals[line.currency_id] += line.amount_residual
            wizard.debtor_count = len(groups)
            wizard.invoice_count = len(lines)
            wizard.amount_summary = " + ".join(
                format_amount(self.env, amount, currency)
                for currency, amount in sorted(totals.items(), key=lambda item: item[0].name)
            )

    # ------------------------------------------------------------------
    # Confirming
    # ------------------------------------------------------------------

    def action_confirm(self):
        """One case per debtor (and company and currency), each handed over at once."""
        self.ensure_one()
        self._credit_check_manager()
        agency = self.agency_id
        if not agency:
            raise UserError(self.env._("Choose the agency or the lawyer to hand the debt to."))
        if not agency.sudo().credit_is_collection_agency:
            raise UserError(
                self.env._(
                    "%(partner)s is not a collection agency: a credit manager marks it as "
                    "one on the partner first.",
                    partner=agency.display_name,
                )
            )
        moves = self.line_ids.filtered(lambda line: line.eligible and line.include).move_id
        if not moves:
            raise UserError(self.env._("There is nothing to hand over."))
        # the invoices may have changed since the preview (a payment, another hand-off)
        reasons, _oldest_due = self._credit_ineligibility(moves)
        if reasons:
            raise UserError(
                self.env._("These invoices can no longer be handed over:")
                + "\n"
                + "\n".join(f"- {move.name}: {reason}" for move, reason in reasons.items())
            )
        if self.agency_warning:
            raise UserError(self.agency_warning)
        groups = defaultdict(lambda: self.env["account.move"])
        for move in moves:
            groups[move.commercial_partner_id, move.company_id, move.currency_id] |= move
        Case = self.env["credit.collection.case"]
        cases = Case
        by_company = defaultdict(list)
        for (partner, company, _currency), invoices in groups.items():
            by_company[company].append(
                {
                    "partner_id": partner.id,
                    "agency_id": agency.id,
                    "move_ids": [fields.Command.set(invoices.ids)],
                    "case_type": self.case_type,
                }
            )
        for company, vals_list in by_company.items():
            cases |= Case.with_company(company).create(vals_list)
        cases.action_hand_off()
        return self._credit_cases_action(cases)

    def _credit_cases_action(self, cases):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.action_credit_collection_case"
        )
        if len(cases) == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=cases.id)
        else:
            action.update(domain=[("id", "in", cases.ids)])
        return action


class CreditCollectionHandoffWizardLine(models.TransientModel):
    _name = "credit.collection.handoff.wizard.line"
    _description = "Invoice to Hand Over"
    _order = "eligible desc, partner_id, date_due, id"

    wizard_id = fields.Many2one(
        comodel_name="credit.collection.handoff.wizard", required=True, ondelete="cascade"
    )
    move_id = fields.Many2one(comodel_name="account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one(comodel_name="res.partner", string="Debtor", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True)
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)
    include = fields.Boolean(string="Hand Over", default=True)
    eligible = fields.Boolean(readonly=True)
    reason = fields.Char(string="Why Not", readonly=True)
