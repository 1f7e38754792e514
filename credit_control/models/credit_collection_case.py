"""Collection cases: a debt handed over to a collection agency or a lawyer.

A case is made in draft from a debtor's invoices (``create`` derives the receivable
items, the amount handed over and the interest and fees the latest letters claimed),
handed over (``action_hand_off``: the items leave dunning, the debtor is put on hold),
documented by a dossier (``action_build_dossier``, ``action_send_dossier``), followed
(payments and the agency's statements update what was recovered and book the agency's
commission as a draft vendor bill) and closed: recovered, written off (a journal entry
on the loss account, matched to the items) or recalled. Cases are archived, never
deleted.
"""

import hashlib
import logging
from collections import defaultdict

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools import format_amount

from ..core import collection_dossier

CASE_STATES = [
    ("draft", "Draft"),
    ("handed_off", "Handed Off"),
    ("in_progress", "In Progress"),
    ("partly_recovered", "Partly Recovered"),
    ("closed", "Closed"),
]
CLOSE_REASONS = [
    ("recovered", "Recovered"),
    # every item settled, some of it by a credit note or a write-off, not by payments
    ("settled", "Settled Otherwise"),
    ("written_off", "Written Off"),
    ("recalled", "Recalled"),
]
OPEN_CASE_STATES = ("handed_off", "in_progress", "partly_recovered")
MANAGER = "credit_control.group_credit_manager"
#: invoices rendered per wkhtmltopdf call when Odoo has no stored PDF of them
PDF_BATCH = 100

_logger = logging.getLogger(__name__)
#: written by the case's actions alone (as superuser), never by a user's write
ACTION_FIELDS = frozenset(
    {
        "line_ids",
        "date_handed_off",
        "amount_handed_over",
        "amount_recovered",
        "agency_costs",
        "commission_amount",
        "commission_base_amount",
        "commission_fixed_booked",
        "commission_move_ids",
        "writeoff_move_id",
        "state",
        "close_reason",
        "date_closed",
        "recall_reason",
        "hold_reason",
        "export_ids",
        "recovery_ids",
        "credit_partial_watermark",
    }
)
#: fixed when the case leaves draft: a handed-over dossier never changes debtor or agency
DRAFT_ONLY_FIELDS = frozenset({"partner_id", "agency_id", "currency_id", "case_type", "company_id"})


class CreditCollectionCase(models.Model):
    _name = "credit.collection.case"
    _description = "Collection Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, copy=False, default="/")
    active = fields.Boolean(default=True)
    case_type = fields.Selection(
        selection=[("agency", "Collection Agency"), ("lawyer", "Lawyer")],
        required=True,
        default="agency",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Debtor", required=True, index=True, tracking=True
    )
    agency_id = fields.Many2one(
        comodel_name="res.partner", required=True, index=True, tracking=True
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    move_ids = fields.Many2many(
        comodel_name="account.move",
        relation="credit_collection_case_move_rel",
        column1="case_id",
        column2="move_id",
        string="Invoices",
        check_company=True,
    )
    line_ids = fields.One2many(comodel_name="credit.collection.case.line", inverse_name="case_id")
    date_handed_off = fields.Date(string="Handed Off On", copy=False)
    amount_handed_over = fields.Monetary()
    interest_claimed = fields.Monetary(
        help="Late-payment interest the latest dunning letters of these invoices claimed."
    )
    fees_claimed = fields.Monetary(
        help="Fees and the EUR 40 compensation the latest dunning letters of these invoices "
        "claimed."
    )
    amount_recovered = fields.Monetary()
    amount_open = fields.Monetary(
        string="Still Open",
        compute="_compute_amount_open",
        store=True,
        help="Handed over, less what was recovered.",
    )
    agency_costs = fields.Monetary(help="Costs the agency reported in its statements.")
    commission_amount = fields.Monetary()
    #: the recovered amount on which commission was already booked
    commission_base_amount = fields.Monetary(copy=False, readonly=True)
    commission_fixed_booked = fields.Boolean(copy=False, readonly=True)
    #: the last matching (account.partial.reconcile id) before the hand-off: only the
    #: payments matched later are recovered by the agency
    credit_partial_watermark = fields.Integer(
        string="Last Match Before Hand-off",
        copy=False,
        readonly=True,
        help="Matchings of the items made after this one are the recoveries of the case.",
    )
    commission_move_ids = fields.Many2many(
        comodel_name="account.move",
        relation="credit_collection_case_commission_rel",
        column1="case_id",
        column2="move_id",
        string="Commission Bills",
        copy=False,
        readonly=True,
    )
    writeoff_move_id = fields.Many2one(
        comodel_name="account.move", string="Write-off Entry", copy=False, readonly=True
    )
    state = fields.Selection(
        selection=CASE_STATES, required=True, default="draft", index=True, tracking=True
    )
    close_reason = fields.Selection(selection=CLOSE_REASONS, tracking=True)
    date_closed = fields.Date(string="Closed On", copy=False, readonly=True)
    recall_reason = fields.Text(copy=False, readonly=True)
    # what the hand-off put on the debtor: the hold is released only if it is still ours
    hold_reason = fields.Char(copy=False, readonly=True)
    # legal action (case_type lawyer): what the lawyer reports
    credit_court_reference = fields.Char(
        string="Court Reference",
        tracking=True,
        help="The court's reference of the proceedings (e.g. the docket number, R.G.), as "
        "the lawyer reports it.",
    )
    date_injunction = fields.Date(
        string="Injunction Date",
        tracking=True,
        help="The day the court issued the payment injunction (decreto ingiuntivo).",
    )
    date_injunction_notified = fields.Date(
        string="Injunction Notified On",
        tracking=True,
        help="The day the injunction was served on the debtor: the debtor's forty days to "
        "oppose it run from this day.",
    )
    export_ids = fields.One2many(
        comodel_name="credit.collection.export", inverse_name="case_id", string="Exports"
    )
    export_count = fields.Integer(compute="_compute_counts")
    recovery_ids = fields.One2many(
        comodel_name="credit.collection.recovery",
        inverse_name="case_id",
        string="Reported Recoveries",
    )
    commission_count = fields.Integer(compute="_compute_counts")
    move_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        (
            "amounts_not_negative",
            "CHECK(COALESCE(amount_handed_over, 0) >= 0 AND COALESCE(amount_recovered, 0) >= 0)",
            "The amounts of a collection case can't be negative.",
        ),
    ]

    @api.depends("amount_handed_over", "amount_recovered")
    def _compute_amount_open(self):
        for case in self:
            case.amount_open = case.currency_id.round(
                max(0.0, case.amount_handed_over - case.amount_recovered)
            )

    def _compute_counts(self):
        for case in self:
            # the export log is the managers' (it holds the dossier): counted for all
            case.export_count = len(case.sudo().export_ids)
            case.commission_count = len(case.commission_move_ids)
            case.move_count = len(case.move_ids)

    # ------------------------------------------------------------------ access

    def _credit_check_manager(self):
        """Public methods are called over RPC too: only credit managers (and the
        superuser, the scheduled actions) hand debts over, close and export cases."""
        if self.env.su or self.env.user.has_group(MANAGER):
            self.check_access("write")
            return
        raise AccessError(
            self.env._("Only a credit manager may hand debts over, export or close a case.")
        )

    # ------------------------------------------------------------------ create

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only a credit manager may open a collection case."))
        all_ids = [
            move_id
            for vals in vals_list
            for move_id in self._credit_command_ids(vals.get("move_ids"))
        ]
        move_ids = set(all_ids)
        if len(move_ids) < len(all_ids):
            raise UserError(self.env._("An invoice can't be handed over in two cases at once."))
        all_moves = self.env["account.move"].browse(move_ids)
        items = self._credit_eligible_items(all_moves)
        claims = self._credit_claimed_by_letters(move_ids)
        for vals in vals_list:
            ids = self._credit_command_ids(vals.get("move_ids"))
            if not ids:
                continue
            # one read of the invoices for all the cases, not one per case
            moves = all_moves.browse(ids).with_prefetch(all_moves._prefetch_ids)
            lines = [line for move_id in ids for line in items.get(move_id, [])]
            derived = self._credit_case_values(vals, moves, lines, claims)
            vals.update(derived)
        sequence = self.env.ref("credit_control.seq_credit_collection_case", False)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (sequence and sequence.sudo()._next()) or "/"
        # the items are the engine's: written as superuser (no group creates them)
        item_values = [vals.pop("line_ids", None) or [] for vals in vals_list]
        # the hand-off writes the case's first message: no "created" note for each
        cases = super(CreditCollectionCase, self.with_context(mail_create_nolog=True)).create(
            vals_list
        )
        line_vals = [
            {**command[2], "case_id": case.id}
            for case, commands in zip(cases, item_values, strict=True)
            for command in commands
        ]
        if line_vals:
            self.env["credit.collection.case.line"].sudo().create(line_vals)
        cases._credit_check_agency_flag()
        return cases

    @api.model
    def _credit_command_ids(self, commands):
        """The ids an x2many value sets: ``[(6, 0, ids)]``, ``[(4, id)]``, ``Command.link``."""
        ids = []
        for command in commands or []:
            if isinstance(command, int):
                ids.append(command)
            elif command[0] == 6:
                ids = list(command[2])
            elif command[0] == 4:
                ids.append(command[1])
        return list(dict.fromkeys(ids))

    @api.model
    def _credit_eligible_items(self, moves, exclude_cases=None):
        """``{move_id: [receivable line values]}`` of ``moves``, or a UserError naming
        every invoice that can't be handed over (not a posted customer invoice, nothing
        open, in an open case, in an active payment plan). One read of the lines."""
        if not moves:
            return {}
        moves = moves.sudo()
        problems = []
        for move in moves:
            if move.move_type != "out_invoice" or move.state != "posted":
                problems.append(
                    self.env._("%(invoice)s is not a posted customer invoice.", invoice=move.name)
                )
            elif move.credit_collection_case_id and move.credit_collection_case_id not in (
                exclude_cases or self.browse()
            ):
                problems.append(
                    self.env._(
                        "%(invoice)s is already in the open case %(case)s.",
                        invoice=move.name,
                        case=move.credit_collection_case_id.name,
                    )
                )
            elif move.credit_payment_plan_id:
                problems.append(
                    self.env._(
                        "%(invoice)s is in the active payment plan %(plan)s.",
                        invoice=move.name,
                        plan=move.credit_payment_plan_id.name,
                    )
                )
            elif not move.credit_collectible:
                problems.append(
                    self.env._(
                        "%(invoice)s is not collectible (e.g. rejected by the SdI).",
                        invoice=move.name,
                    )
                )
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search_fetch(
                [
                    ("move_id", "in", moves.ids),
                    ("account_type", "=", "asset_receivable"),
                    ("reconciled", "=", False),
                    ("amount_residual_currency", ">", 0),
                ],
                ["move_id", "date_maturity", "amount_residual_currency", "currency_id"],
                order="move_id, date_maturity, id",
            )
        )
        today = fields.Date.context_today(self)
        overdue = {line.move_id.id for line in lines if (line.date_maturity or today) < today}
        result = defaultdict(list)
        for line in lines:
            result[line.move_id.id].append(
                {
                    "move_line_id": line.id,
                    "date_maturity": line.date_maturity,
                    "amount_at_handoff": line.currency_id.round(line.amount_residual_currency),
                }
            )
        for move in moves:
            if move.state != "posted" or move.move_type != "out_invoice":
                continue
            if move.id not in result:
                problems.append(
                    self.env._("%(invoice)s has nothing left to pay.", invoice=move.name)
                )
            elif move.id not in overdue:
                problems.append(self.env._("%(invoice)s is not overdue.", invoice=move.name))
        if problems:
            raise UserError(
                self.env._("These invoices can't be handed over:")
                + "\n"
                + "\n".join(f"- {problem}" for problem in problems)
            )
        return result

    @api.model
    def _credit_claimed_by_letters(self, move_ids):
        """``{move_id: (interest, fees)}`` claimed by each invoice's latest letter
        that was sent (or is being sent): the letter line's interest, and its EUR 40
        compensation plus the letter's fee, the fee counted once per letter (on its
        first invoice). One read."""
        if not move_ids:
            return {}
        letter_lines = (
            self.env["credit.dunning.letter.line"]
            .sudo()
            .search_fetch(
                [
                    ("move_line_id.move_id", "in", list(move_ids)),
                    ("letter_id.state", "in", ("sent", "sending", "to_send")),
                    ("letter_id.kind", "=", "dunning"),
                    ("for_information", "=", False),
                ],
                ["letter_id", "move_line_id", "interest_amount", "compensation_amount"],
                order="id",
            )
        )
        latest = {}
        for line in letter_lines:
            latest[line.move_line_id.move_id.id] = line
        fee_counted = set()
        result = {}
        for move_id, line in latest.items():
            fees = line.compensation_amount or 0.0
            if line.letter_id.id not in fee_counted:
                fee_counted.add(line.letter_id.id)
                fees += line.letter_id.fee_amount or 0.0
            result[move_id] = (line.interest_amount or 0.0, fees)
        return result

    def _credit_case_values(self, vals, moves, lines, claims):
        """The values ``create`` derives from the invoices, or a UserError for items
        of several companies, currencies or debtors, or a debtor who isn't the
        invoices' customer."""
        companies = moves.company_id
        currencies = moves.currency_id
        debtors = moves.partner_id.commercial_partner_id
        if len(companies) > 1:
            raise UserError(
                self.env._(
                    "A case holds the invoices of one company: %(companies)s.",
                    companies=", ".join(companies.mapped("name")),
                )
            )
        if len(currencies) > 1:
            raise UserError(
                self.env._(
                    "A case holds invoices in one currency: %(currencies)s. Make one case "
                    "per currency.",
                    currencies=", ".join(currencies.mapped("name")),
                )
            )
        if len(debtors) > 1:
            raise UserError(
                self.env._(
                    "A case holds the invoices of one debtor: %(debtors)s.",
                    debtors=", ".join(debtors.mapped("display_name")),
                )
            )
        if "company_id" in vals and vals["company_id"] != companies.id:
            raise UserError(
                self.env._("The invoices belong to %(company)s.", company=companies.name)
            )
        partner = self.env["res.partner"].browse(vals.get("partner_id"))
        if partner and partner.commercial_partner_id != debtors:
            raise UserError(
                self.env._(
                    "The invoices are %(debtor)s's, not %(partner)s's.",
                    debtor=debtors.display_name,
                    partner=partner.display_name,
                )
            )
        currency = currencies
        interest = sum(claims.get(move.id, (0.0, 0.0))[0] for move in moves)
        fees = sum(claims.get(move.id, (0.0, 0.0))[1] for move in moves)
        return {
            "partner_id": debtors.id,
            "company_id": companies.id,
            "currency_id": currency.id,
            "line_ids": [fields.Command.create(line) for line in lines],
            "amount_handed_over": currency.round(sum(line["amount_at_handoff"] for line in lines)),
            "interest_claimed": currency.round(interest),
            "fees_claimed": currency.round(fees),
        }

    def _credit_check_agency_flag(self):
        for case in self:
            if not case.agency_id.credit_is_collection_agency:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is not a collection agency or lawyer: flag the partner first.",
                        partner=case.agency_id.display_name,
                    )
                )

    def write(self, vals):
        if not self.env.su and not self.env.user.has_group(MANAGER):
            raise AccessError(self.env._("Only a credit manager may change a collection case."))
        protected = set(vals) & ACTION_FIELDS
        if protected and not self.env.su:
            raise UserError(
                self.env._(
                    "A case's amounts, items and state change only through its actions "
                    "(hand-off, statements, payments, recall, close, write-off): %(fields)s.",
                    fields=", ".join(sorted(protected)),
                )
            )
        if "move_ids" in vals and any(case.state != "draft" for case in self):
            raise UserError(self.env._("The invoices of a case change only while it is a draft."))
        fixed = set(vals) & DRAFT_ONLY_FIELDS
        if fixed and any(case.state != "draft" for case in self):
            raise UserError(
                self.env._(
                    "The debtor, agency, currency, company and type of a case change only "
                    "while it is a draft: %(fields)s.",
                    fields=", ".join(sorted(fixed)),
                )
            )
        if vals.get("partner_id") and "move_ids" not in vals:
            debtor = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id
            for case in self.filtered("move_ids"):
                if case.move_ids.partner_id.commercial_partner_id != debtor:
                    raise UserError(
                        self.env._(
                            "The invoices are %(debtor)s's, not %(partner)s's.",
                            debtor=case.partner_id.commercial_partner_id.display_name,
                            partner=debtor.display_name,
                        )
                    )
        result = super().write(vals)
        if {"move_ids", "partner_id", "currency_id", "company_id"} & set(vals):
            for case in self:
                moves = case.move_ids
                # the items are the engine's: replaced as superuser
                case.line_ids.sudo().unlink()
                if not moves:
                    super(CreditCollectionCase, case.sudo()).write(
                        {"amount_handed_over": 0.0, "interest_claimed": 0.0, "fees_claimed": 0.0}
                    )
                    continue
                items = self._credit_eligible_items(moves, exclude_cases=case)
                claims = self._credit_claimed_by_letters(moves.ids)
                lines = [line for move in moves for line in items.get(move.id, [])]
                derived = self._credit_case_values(
                    {"partner_id": case.partner_id.id, "company_id": case.company_id.id},
                    moves,
                    lines,
                    claims,
                )
                super(CreditCollectionCase, case.sudo()).write(derived)
        if "agency_id" in vals:
            self._credit_check_agency_flag()
        if {"credit_court_reference", "date_injunction", "date_injunction_notified"} & set(vals):
            self.filtered(lambda c: c.state == "handed_off").sudo().write({"state": "in_progress"})
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("A collection case is never deleted: archive it instead (auditors ask).")
        )

    # ------------------------------------------------------------------ hand-off

    def _credit_check_dpa(self):
        """An agency without a data-processing agreement (GDPR art. 28) gets no dossier."""
        for case in self:
            agency = case.agency_id.sudo().with_company(case.company_id)
            if case.case_type == "agency" and not agency.credit_collection_dpa_date:
                raise UserError(
                    self.env._(
                        "%(agency)s has no data-processing agreement (GDPR art. 28) on file: "
                        "record its date on the agency before handing debts over to it.",
                        agency=agency.display_name,
                    )
                )

    def action_hand_off(self):
        """Hand the draft cases over, set-based: the items leave dunning, the debtors go
        on hold, their score counts the case. Returns True."""
        self._credit_check_manager()
        cases = self.sudo()
        if any(case.state != "draft" for case in cases):
            raise UserError(self.env._("Only a draft case can be handed over."))
        cases._credit_check_dpa()
        empty = cases.filtered(lambda c: not c.line_ids)
        if empty:
            raise UserError(
                self.env._(
                    "A case without invoices can't be handed over: %(cases)s.",
                    cases=", ".join(empty.mapped("name")),
                )
            )
        if len(cases.line_ids.move_line_id) != len(cases.line_ids):
            raise UserError(self.env._("An invoice can't be handed over in two cases at once."))
        # the items again: paid, planned or handed over since the draft was made
        cases._credit_eligible_items(cases.move_ids, exclude_cases=cases)
        taken = cases.line_ids.move_line_id.filtered("reconciled")
        if taken:
            raise UserError(
                self.env._(
                    "Paid since the case was drafted: %(items)s.",
                    items=", ".join(taken.move_id.mapped("name")),
                )
            )
        today = fields.Date.context_today(self)
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM account_partial_reconcile"))
        watermark = self.env.cr.fetchone()[0]
        cases.write(
            {
                "state": "handed_off",
                "date_handed_off": today,
                "credit_partial_watermark": watermark,
            }
        )
        # the scoring skips companies that never handed a debt over: not this one now
        self.env.registry.clear_cache()
        cases._credit_link_moves()
        cases._credit_put_on_hold()
        log = {
            case.id: self.env._(
                "Handed over to %(agency)s: %(count)s invoice(s), %(amount)s.",
                agency=case.agency_id.display_name,
                count=len(case.move_ids),
                amount=format_amount(self.env, case.amount_handed_over, case.currency_id),
            )
            for case in cases
        }
        cases._message_log_batch(bodies=log)
        cases._credit_rescore()
        return True

    def _credit_link_moves(self):
        """``account.move.credit_collection_case_id`` of the items: one UPDATE."""
        pairs = [(case.id, move.id) for case in self for move in case.move_ids]
        if not pairs:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE account_move m SET credit_collection_case_id = v.case_id "
                "FROM (VALUES %s) AS v(case_id, move_id) WHERE m.id = v.move_id",
                SQL(", ").join(SQL("(%s, %s)", case_id, move_id) for case_id, move_id in pairs),
            )
        )
        moves = self.env["account.move"].browse([move_id for _case, move_id in pairs])
        moves.invalidate_recordset(["credit_collection_case_id"])
        moves.modified(["credit_collection_case_id"])

    def _credit_unlink_moves(self):
        if not self.ids:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET credit_collection_case_id = NULL "
                "WHERE credit_collection_case_id = ANY(%s) RETURNING id",
                self.ids,
            )
        )
        moves = self.env["account.move"].browse([row[0] for row in self.env.cr.fetchall()])
        moves.invalidate_recordset(["credit_collection_case_id"])
        moves.modified(["credit_collection_case_id"])

    def _credit_hold_text(self):
        self.ensure_one()
        if self.case_type == "lawyer":
            return self.env._("With the lawyer for legal action (case %(case)s)", case=self.name)
        return self.env._("With collection agency (case %(case)s)", case=self.name)

    def _credit_put_on_hold(self):
        """Put the debtors on hold in the case's company, unless already held (then the
        hold and its reason stay someone else's)."""
        for company, cases in self.grouped("company_id").items():
            partners = cases.partner_id.sudo().with_company(company)
            held = partners.filtered("credit_hold")
            for case in cases.filtered(lambda c, held=held: c.partner_id not in held):
                case.hold_reason = case._credit_hold_text()
            to_hold = cases.filtered("hold_reason")
            # one write per distinct reason would be one per case: the reason names it
            for case in to_hold:
                case.partner_id.sudo().with_company(company).write(
                    {"credit_hold": True, "credit_hold_reason": case.hold_reason}
                )

    def _credit_release_hold(self):
        """Lift the hold a case put, if no other open case of the debtor remains and
        the hold is still ours (a manager who changed the reason has taken it over)."""
        for company, cases in self.grouped("company_id").items():
            partners = cases.partner_id
            still_open = {
                partner.id
                for [partner] in self.env["credit.collection.case"]
                .sudo()
                ._read_group(
                    [
                        ("company_id", "=", company.id),
                        ("partner_id", "in", partners.ids),
                        ("state", "in", OPEN_CASE_STATES),
                    ],
                    ["partner_id"],
                )
            }
            ours = defaultdict(set)
            for case in (
                self.env["credit.collection.case"]
                .sudo()
                .with_context(active_test=False)
                .search_fetch(
                    [
                        ("company_id", "=", company.id),
                        ("partner_id", "in", partners.ids),
                        ("hold_reason", "!=", False),
                    ],
                    ["partner_id", "hold_reason"],
                )
            ):
                ours[case.partner_id.id].add(case.hold_reason)
            for partner in partners.sudo().with_company(company):
                if partner.id in still_open or not partner.credit_hold:
                    continue
                if partner.credit_hold_reason in ours[partner.id]:
                    partner.write({"credit_hold": False, "credit_hold_reason": False})

    def _credit_rescore(self):
        for company, cases in self.grouped("company_id").items():
            cases.partner_id.sudo().with_company(company)._credit_update_scores()

    # ------------------------------------------------------------------ dossier

    def _credit_dossier_data(self):
        """``(case, debtor, items, files)`` as the core wants them: the personal data
        the agency needs and nothing else, read in a few queries."""
        self.ensure_one()
        case = self.sudo()
        debtor = case.partner_id.commercial_partner_id
        moves = case.move_ids.sorted(lambda m: (m.invoice_date or m.date, m.id))
        lang_env = self.with_context(lang=case.agency_id.lang or self.env.lang).env
        channel_names = {
            "pec": "PEC",
            "email": lang_env._("E-mail"),
            "post": lang_env._("Post"),
            "phone": lang_env._("Phone"),
        }
        open_by_move = defaultdict(float)
        for line in case.line_ids:
            open_by_move[line.move_id.id] += line.amount_at_handoff
        files = []
        files_by_move = defaultdict(list)
        for move, name, content in case._credit_invoice_pdfs(moves):
            path = f"invoices/{collection_dossier.safe_name(name)}"
            files.append((path, content))
            files_by_move[move.id].append(path)
        receipts = (
            self.env["credit.sdi.notification"]
            .sudo()
            .search_fetch(
                [("move_id", "in", moves.ids), ("message_type", "=", "RC")],
                ["move_id", "attachment_id", "file_name", "delivery_date", "sdi_identifier"],
                order="id",
            )
        )
        delivery = {}
        for receipt in receipts:
            when = receipt.delivery_date or receipt.create_date
            delivery[receipt.move_id.id] = f"RC {fields.Date.to_string(when.date())}" + (
                f" (SdI {receipt.sdi_identifier})" if receipt.sdi_identifier else ""
            )
            if receipt.attachment_id:
                file_name = receipt.file_name or receipt.attachment_id.name
                path = f"sdi/{collection_dossier.safe_name(file_name)}"
                if path not in {name for name, _content in files}:
                    files.append((path, receipt.attachment_id.raw or b""))
                    files_by_move[receipt.move_id.id].append(path)
        for move in moves:
            if move.id not in delivery and move.credit_einvoice_delivered_date:
                delivery[move.id] = "RC " + fields.Date.to_string(
                    move.credit_einvoice_delivered_date.date()
                )
        letters_by_move = defaultdict(list)
        letter_files = {}
        letter_lines = (
            self.env["credit.dunning.letter.line"]
            .sudo()
            .search_fetch(
                [("move_line_id.move_id", "in", moves.ids), ("letter_id.state", "=", "sent")],
                ["letter_id", "move_line_id"],
                order="id",
            )
        )
        letters = letter_lines.letter_id
        for letter, content in case._credit_letter_pdfs(letters).items():
            name = collection_dossier.safe_name(
                f"{letter.date} {letter.with_context(lang=lang_env.lang).title} {letter.id}.pdf"
            )
            letter_files[letter.id] = f"letters/{name}"
            files.append((letter_files[letter.id], content))
        for line in letter_lines:
            letter = line.letter_id
            channel = (
                "pec"
                if letter.sent_by_pec
                else "email"
                if letter.send_email
                else "post"
                if letter.print_letter
                else "phone"
                if letter.phone_call
                else ""
            )
            letters_by_move[line.move_line_id.move_id.id].append(
                {
                    "date": fields.Date.to_string(
                        letter.sent_date.date() if letter.sent_date else letter.date
                    ),
                    "channel": channel_names.get(channel, ""),
                    "stage": letter.with_context(lang=lang_env.lang).title,
                    "file": letter_files.get(letter.id),
                }
            )
        digits = case.currency_id.decimal_places

        def money(amount):
            return f"{amount:.{digits}f}"

        items = [
            {
                "number": move.name,
                "date": fields.Date.to_string(move.invoice_date),
                "due_date": fields.Date.to_string(move.invoice_date_due),
                "amount": money(move.amount_total),
                "open_amount": money(open_by_move[move.id]),
                "sdi_delivery": delivery.get(move.id, ""),
                "letters": letters_by_move[move.id],
                "files": files_by_move[move.id],
            }
            for move in moves
        ]
        company = case.company_id
        case_data = {
            "reference": case.name,
            "case_type": case.case_type,
            "agency": case.agency_id.display_name,
            "creditor": company.name,
            "creditor_vat": company.vat,
            "currency": case.currency_id.name,
            "date_handed_off": fields.Date.to_string(case.date_handed_off),
            "amount_handed_over": money(case.amount_handed_over),
            "interest_claimed": money(case.interest_claimed),
            "fees_claimed": money(case.fees_claimed),
            "court_reference": case.credit_court_reference,
        }
        debtor_data = {
            "name": debtor.name,
            "vat": debtor.vat,
            "fiscal_code": debtor._fields.get("l10n_it_codice_fiscale")
            and debtor.l10n_it_codice_fiscale,
            "street": debtor.street,
            "street2": debtor.street2,
            "zip": debtor.zip,
            "city": debtor.city,
            "state": debtor.state_id.name,
            "country": debtor.country_id.code,
            "pec": debtor._fields.get("credit_pec_email") and debtor.credit_pec_email,
            "phone": debtor.phone or debtor.mobile,
        }
        return case_data, debtor_data, items, files

    def _credit_invoice_pdfs(self, moves):
        """``[(move, file name, pdf bytes)]``: the PDF Odoo stored when the invoice was
        sent, else rendered, many invoices per wkhtmltopdf call (Odoo splits them)."""
        stored = (
            self.env["ir.attachment"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", "account.move"),
                    ("res_id", "in", moves.ids),
                    ("res_field", "=", "invoice_pdf_report_file"),
                ],
                ["res_id", "name", "raw"],
            )
        )
        by_move = {attachment.res_id: attachment for attachment in stored}
        result = {}
        for move in moves:
            if move.id in by_move:
                result[move.id] = (by_move[move.id].name, by_move[move.id].raw)
        missing = moves.filtered(lambda m: m.id not in result)
        for start in range(0, len(missing), PDF_BATCH):
            batch = missing[start : start + PDF_BATCH]
            pdfs = self._credit_render_pdfs("account.account_invoices", batch)
            for move in batch:
                if move.id in pdfs:
                    result[move.id] = (move._get_invoice_report_filename(), pdfs[move.id])
        return [(move, *result[move.id]) for move in moves if move.id in result]

    def _credit_render_pdfs(self, report_ref, records):
        """``{id: pdf bytes}`` of ``records``: one wkhtmltopdf call for all, split by
        Odoo per record; a wkhtmltopdf built without patched Qt (Debian's) returns an
        empty file for several documents at once, so those are then rendered one by
        one (about 1.5 s each on the benchmark machine)."""
        report = self.env["ir.actions.report"].sudo()
        if len(records) > 1:
            try:
                with self.env.cr.savepoint():
                    content, kind = report._pre_render_qweb_pdf(report_ref, records.ids)
                    return report._get_splitted_report(report_ref, content, kind)
            # PyPDF2 and wkhtmltopdf fail in many ways: any failure means one by one
            except Exception as error:  # pylint: disable=broad-exception-caught
                _logger.info(
                    "Rendering %s documents at once failed (%s): one by one", len(records), error
                )
        result = {}
        for record in records:
            content, kind = report._pre_render_qweb_pdf(report_ref, record.ids)
            result.update(report._get_splitted_report(report_ref, content, kind))
        return result

    def _credit_letter_pdfs(self, letters):
        """``{letter: pdf bytes}``: the PDF kept with the letter when it was sent, else
        rendered (one call for all)."""
        if not letters:
            return {}
        stored = (
            self.env["ir.attachment"]
            .sudo()
            .search_fetch(
                [
                    ("res_model", "=", "credit.dunning.letter"),
                    ("res_id", "in", letters.ids),
                    ("mimetype", "=", "application/pdf"),
                ],
                ["res_id", "raw"],
                order="id desc",
            )
        )
        result = {}
        for attachment in stored:
            letter = letters.browse(attachment.res_id)
            result.setdefault(letter, attachment.raw)
        missing = letters.filtered(lambda letter: letter not in result)
        if missing:
            pdfs = self._credit_render_pdfs("credit_control.action_report_dunning_letter", missing)
            for letter in missing:
                if letter.id in pdfs:
                    result[letter] = pdfs[letter.id]
        return {letter: result[letter] for letter in letters if letter in result}

    def _credit_make_dossier(self, sent_to=False):
        """Build the dossier, keep it as an attachment of the case and log the export."""
        self.ensure_one()
        case_data, debtor_data, items, files = self._credit_dossier_data()
        content, manifest = collection_dossier.build(case_data, debtor_data, items, files)
        name = collection_dossier.safe_name(f"{self.name} dossier.zip")
        export = (
            self.env["credit.collection.export"]
            .sudo()
            .create(
                {
                    "case_id": self.id,
                    "user_id": self.env.user.id,
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "file_count": len(manifest),
                    "manifest": "".join(f"{entry.sha256}  {entry.name}\n" for entry in manifest),
                    "sent_to": sent_to,
                }
            )
        )
        # the zip is the export's manager-only field: a credit user who reads the case
        # and its export log can't download the debtor's data
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": content,
                    "res_model": export._name,
                    "res_id": export.id,
                    "res_field": "dossier_file",
                    "mimetype": "application/zip",
                }
            )
        )
        export.write({"attachment_id": attachment.id})
        self.sudo().message_post(
            body=self.env._(
                "Dossier exported by %(user)s: %(count)s file(s), SHA-256 %(sha)s.",
                user=self.env.user.name,
                count=len(manifest),
                sha=export.sha256,
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return attachment, export

    @api.returns("ir.attachment", lambda attachment: attachment.id)
    def action_build_dossier(self):
        """The dossier (zip) as an ``ir.attachment`` of the case; a draft case is
        handed over first. Every export is logged. Over RPC: the attachment's id."""
        self._credit_check_manager()
        self.ensure_one()
        self._credit_check_dpa()
        if self.state == "draft":
            self.action_hand_off()
        if self.state == "closed":
            raise UserError(self.env._("The case is closed: its dossier is no longer handed out."))
        attachment, _export = self._credit_make_dossier()
        return attachment

    def action_download_dossier(self):
        """The screen's button: build the dossier and download it."""
        attachment = self.action_build_dossier()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_send_dossier(self):
        """E-mail the dossier to the agency's dossier address (or its e-mail)."""
        self._credit_check_manager()
        self.ensure_one()
        self._credit_check_dpa()
        agency = self.agency_id.sudo().with_company(self.company_id)
        email = agency.credit_collection_email or agency.email
        if not email:
            raise UserError(
                self.env._(
                    "%(agency)s has no e-mail address for dossiers.", agency=agency.display_name
                )
            )
        if self.state == "draft":
            self.action_hand_off()
        if self.state == "closed":
            raise UserError(self.env._("The case is closed: its dossier is no longer handed out."))
        attachment, export = self._credit_make_dossier(sent_to=email)
        template = self.env.ref("credit_control.mail_template_collection_dossier")
        mail_id = template.sudo().send_mail(
            self.id,
            email_values={"email_to": email, "attachment_ids": [attachment.id]},
        )
        export.mail_id = mail_id
        return True

    # ------------------------------------------------------------------ recoveries

    def _credit_update_recovery(self):
        """What the items' payments and the agency's reports recovered, per item the
        larger of the two (the agency's report counts until its money reaches the
        ledger), and the state that follows; commission on what is new. Open cases
        only, a few queries for all of them."""
        cases = self.sudo().filtered(lambda c: c.state in OPEN_CASE_STATES)
        if not cases:
            return
        reported = defaultdict(float)
        for line, amount in (
            self.env["credit.collection.recovery"]
            .sudo()
            ._read_group([("case_id", "in", cases.ids)], ["case_line_id"], ["amount:sum"])
        ):
            reported[line.id] = amount
        paid_by = cases._credit_paid_since_handoff()
        to_bill = self.browse()
        for case in cases:
            currency = case.currency_id
            all_paid = True
            for line in case.line_ids:
                move_line = line.move_line_id
                residual = max(0.0, move_line.amount_residual_currency)
                # money only: a credit note or a write-off settles the item, recovers nothing
                paid = max(0.0, paid_by[line.id])
                recovered = currency.round(
                    min(line.amount_at_handoff, max(paid, reported[line.id]))
                )
                if currency.compare_amounts(line.amount_recovered, recovered):
                    line.amount_recovered = recovered
                if not currency.is_zero(residual):
                    all_paid = False
            total = currency.round(sum(case.line_ids.mapped("amount_recovered")))
            values = {"amount_recovered": total}
            if all_paid:
                fully_recovered = currency.compare_amounts(total, case.amount_handed_over) >= 0
                values.update(
                    state="closed",
                    close_reason="recovered" if fully_recovered else "settled",
                    date_closed=fields.Date.context_today(self),
                )
            elif currency.compare_amounts(total, 0.0) > 0:
                values["state"] = "partly_recovered"
            elif case.state == "partly_recovered":
                # the only payment was undone (returned, unmatched): the agency works on
                values["state"] = "in_progress"
            case.write(values)
            if currency.compare_amounts(total, case.commission_base_amount) > 0:
                to_bill |= case
        to_bill._credit_book_commission()
        closed = cases.filtered(lambda c: c.state == "closed")
        if closed:
            closed._credit_after_close()

    def _credit_paid_since_handoff(self):
        """``{case line id: amount}`` the items were matched against with money (a
        payment, a bank statement line) since their hand-off, in the item's currency:
        credit notes, manual write-offs and the case's write-off entry are no recovery.
        One query for all the cases."""
        result = defaultdict(float)
        if not self.ids:
            return result
        self.env["account.partial.reconcile"].flush_model()
        self.env["account.move.line"].flush_model(["move_id"])
        self.env["account.move"].flush_model(["origin_payment_id", "statement_line_id"])
        self.flush_model(["credit_partial_watermark", "writeoff_move_id"])
        self.env["credit.collection.case.line"].flush_model(["case_id", "move_line_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT cl.id, SUM(p.debit_amount_currency)
                  FROM credit_collection_case_line cl
                  JOIN credit_collection_case c ON c.id = cl.case_id
                  JOIN account_partial_reconcile p
                    ON p.debit_move_id = cl.move_line_id
                   AND p.id > COALESCE(c.credit_partial_watermark, 0)
                  JOIN account_move_line cml ON cml.id = p.credit_move_id
                  JOIN account_move cm ON cm.id = cml.move_id
                 WHERE cl.case_id = ANY(%s)
                   AND (cm.origin_payment_id IS NOT NULL OR cm.statement_line_id IS NOT NULL)
                   AND cm.id IS DISTINCT FROM c.writeoff_move_id
                 GROUP BY cl.id
                """,
                self.ids,
            )
        )
        for line_id, amount in self.env.cr.fetchall():
            result[line_id] = amount or 0.0
        return result

    def _credit_book_commission(self):
        """A draft vendor bill of the agency for the commission on what was recovered
        since the last bill: its percentage of the new amount, plus its fixed fee once
        per case."""
        bills = []
        for case in self:
            # the agency's terms are per company (company-dependent fields)
            agency = case.agency_id.sudo().with_company(case.company_id)
            currency = case.currency_id
            new_amount = case.amount_recovered - case.commission_base_amount
            percent = agency.credit_collection_commission_percent or 0.0
            commission = currency.round(new_amount * percent / 100.0)
            fixed = 0.0
            if not case.commission_fixed_booked and agency.credit_collection_commission_fixed:
                # the fee is agreed in the company's currency, billed in the case's
                company = case.company_id
                fixed = currency.round(
                    company.currency_id._convert(
                        agency.credit_collection_commission_fixed,
                        currency,
                        company,
                        fields.Date.context_today(self),
                    )
                )
            case.write(
                {
                    "commission_base_amount": case.amount_recovered,
                    "commission_fixed_booked": case.commission_fixed_booked or bool(fixed),
                }
            )
            if currency.is_zero(commission + fixed):
                continue
            lines = []
            if not currency.is_zero(commission):
                lines.append(
                    fields.Command.create(
                        {
                            "name": self.env._(
                                "Commission %(percent)s%% on %(amount)s recovered (case %(case)s)",
                                percent=percent,
                                amount=format_amount(self.env, new_amount, currency),
                                case=case.name,
                            ),
                            "quantity": 1,
                            "price_unit": commission,
                            "tax_ids": [],
                        }
                    )
                )
            if fixed:
                lines.append(
                    fields.Command.create(
                        {
                            "name": self.env._("Fixed fee (case %(case)s)", case=case.name),
                            "quantity": 1,
                            "price_unit": fixed,
                            "tax_ids": [],
                        }
                    )
                )
            bills.append(
                (
                    case,
                    {
                        "move_type": "in_invoice",
                        "partner_id": agency.id,
                        "company_id": case.company_id.id,
                        "currency_id": currency.id,
                        "invoice_date": fields.Date.context_today(self),
                        "ref": case.name,
                        "invoice_line_ids": lines,
                    },
                )
            )
        if not bills:
            return
        # a fresh context: this runs inside a reconciliation, whose keys
        # (skip_invoice_sync, check_move_validity...) would leave the bill empty
        fresh = self.env(
            context={
                "lang": self.env.context.get("lang"),
                "tz": self.env.context.get("tz"),
                "default_move_type": "in_invoice",
            },
            su=True,
        )
        moves = fresh["account.move"].create([values for _case, values in bills])
        for (case, _values), bill in zip(bills, moves, strict=True):
            case.write(
                {
                    "commission_move_ids": [fields.Command.link(bill.id)],
                    "commission_amount": case.currency_id.round(
                        case.commission_amount + bill.amount_untaxed
                    ),
                }
            )
            case.message_post(
                body=self.env._(
                    "Commission of %(amount)s booked: draft vendor bill of %(agency)s.",
                    amount=format_amount(self.env, bill.amount_untaxed, case.currency_id),
                    agency=case.agency_id.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------------ closing

    def _credit_check_open(self):
        if any(case.state not in OPEN_CASE_STATES for case in self):
            raise UserError(self.env._("Only a case handed over and not closed can be closed."))

    def _credit_after_close(self):
        """What a closed case gives back: dunning, the hold (if nothing else holds),
        and the score."""
        self._credit_unlink_moves()
        self._credit_release_hold()
        self._credit_rescore()

    def action_recall(self, reason):
        """Take the debt back from the agency: the items return to normal dunning."""
        self._credit_check_manager()
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the case is recalled."))
        cases = self.sudo()
        cases._credit_check_open()
        cases.write(
            {
                "state": "closed",
                "close_reason": "recalled",
                "recall_reason": reason.strip(),
                "date_closed": fields.Date.context_today(self),
            }
        )
        cases._credit_after_close()
        cases._message_log_batch(
            bodies={
                case.id: self.env._("Recalled: %(reason)s", reason=reason.strip()) for case in cases
            }
        )
        return True

    def action_close_recovered(self):
        """Close as recovered (the agency says the debt is settled)."""
        self._credit_check_manager()
        cases = self.sudo()
        cases._credit_check_open()
        cases._credit_update_recovery()
        cases = cases.filtered(lambda c: c.state != "closed")
        cases.write(
            {
                "state": "closed",
                "close_reason": "recovered",
                "date_closed": fields.Date.context_today(self),
            }
        )
        cases._credit_after_close()
        return True

    def action_write_off(self):
        """Write the open items off: a journal entry debiting the loss account
        ("perdite su crediti") and crediting the receivable, matched to the items.
        Credit managers only (the screen asks to confirm); nothing is written unless
        every case can be written off."""
        self._credit_check_manager()
        cases = self.sudo()
        cases._credit_check_open()
        for case in cases:
            if not case.company_id.credit_collection_loss_account_id:
                raise UserError(
                    self.env._(
                        "Set the loss account for bad debts (perdite su crediti) of "
                        "%(company)s in the settings before writing a case off.",
                        company=case.company_id.name,
                    )
                )
        cases._credit_update_recovery()
        today = fields.Date.context_today(self)
        for case in cases.filtered(lambda c: c.state != "closed"):
            company = case.company_id
            journal = company.credit_collection_journal_id or self.env[
                "account.journal"
            ].sudo().search([("company_id", "=", company.id), ("type", "=", "general")], limit=1)
            if not journal:
                raise UserError(
                    self.env._("%(company)s has no miscellaneous journal.", company=company.name)
                )
            items = case.line_ids.move_line_id.filtered(lambda ml: not ml.reconciled)
            case.write({"state": "closed", "close_reason": "written_off", "date_closed": today})
            if not items:
                case._credit_after_close()
                continue
            label = self.env._("Bad debt written off (case %(case)s)", case=case.name)
            line_values = []
            for item in items:
                line_values.append(
                    {
                        "name": f"{label}: {item.move_id.name}",
                        "account_id": item.account_id.id,
                        "partner_id": item.partner_id.id,
                        "currency_id": item.currency_id.id,
                        "amount_currency": -item.amount_residual_currency,
                        "balance": -item.amount_residual,
                    }
                )
            line_values.append(
                {
                    "name": label,
                    "account_id": company.credit_collection_loss_account_id.id,
                    "partner_id": case.partner_id.id,
                    "currency_id": case.currency_id.id,
                    "amount_currency": sum(items.mapped("amount_residual_currency")),
                    "balance": sum(items.mapped("amount_residual")),
                }
            )
            entry = (
                self.env["account.move"]
                .sudo()
                .create(
                    {
                        "move_type": "entry",
                        "journal_id": journal.id,
                        "company_id": company.id,
                        "date": today,
                        "ref": label,
                        "line_ids": [fields.Command.create(values) for values in line_values],
                    }
                )
            )
            entry.action_post()
            counterparts = entry.line_ids.filtered(
                lambda line, accounts=items.account_id: line.account_id in accounts
            )
            for item, counterpart in zip(items, counterparts[: len(items)], strict=True):
                (item | counterpart).reconcile()
            case.writeoff_move_id = entry
            case.message_post(
                body=self.env._(
                    "Written off: %(amount)s on the loss account, entry %(entry)s.",
                    amount=format_amount(self.env, entry.amount_total, case.currency_id),
                    entry=entry.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            case._credit_after_close()
        return True

    # ------------------------------------------------------------------ screens

    def action_view_exports(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Exports"),
            "res_model": "credit.collection.export",
            "view_mode": "list,form",
            "domain": [("case_id", "=", self.id)],
        }

    def action_view_commission_bills(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Commission Bills"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.commission_move_ids.ids)],
            "context": {"default_move_type": "in_invoice"},
        }


class CreditCollectionCaseLine(models.Model):
    _name = "credit.collection.case.line"
    _description = "Collection Case Item"
    _order = "case_id, id"

    case_id = fields.Many2one(
        comodel_name="credit.collection.case", required=True, index=True, ondelete="cascade"
    )
    move_line_id = fields.Many2one(
        comodel_name="account.move.line", string="Receivable Item", required=True, index=True
    )
    move_id = fields.Many2one(related="move_line_id.move_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id", store=True)
    date_maturity = fields.Date(string="Due Date")
    amount_at_handoff = fields.Monetary(string="Open at Hand-off")
    amount_recovered = fields.Monetary()
