import io
import logging
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import psycopg2.errors
from markupsafe import Markup

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools import format_date

from ..core import interest as interest_core
from ..core import money
from ..core import pec
from ..core.letter_format import LetterFormat
from .credit_dunning_level import FINAL_NOTICE_MIN_DAYS
from .res_partner_debtor import DEBTOR_TYPES

_logger = logging.getLogger(__name__)

LETTER_STATES = [
    ("draft", "To Review"),
    ("to_send", "To Send"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("error", "Error"),
    ("cancelled", "Cancelled"),
]
MAIL_RETRIES = 3
ROME = ZoneInfo("Europe/Rome")
#: advisory lock namespace of letters being sent (one lock per letter)
SEND_LOCK_NAMESPACE = 8_230_232
LETTER_KINDS = [
    ("dunning", "Dunning Letter"),
    ("interest_statement", "Interest Statement"),
]
#: an interest statement asks for payment within this many days
STATEMENT_PAYMENT_DAYS = 15


class CreditDunningLetter(models.Model):
    """One letter to a customer (commercial partner) in one currency, at one level."""

    _name = "credit.dunning.letter"
    _description = "Dunning Letter"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    run_id = fields.Many2one(comodel_name="credit.dunning.run", ondelete="restrict", index=True)
    company_id = fields.Many2one(comodel_name="res.company", required=True, index=True)
    date = fields.Date(required=True, index=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", required=True, index=True
    )
    currency_id = fields.Many2one(comodel_name="res.currency", required=True)
    policy_id = fields.Many2one(comodel_name="credit.dunning.policy", required=True)
    level_id = fields.Many2one(
        comodel_name="credit.dunning.level",
        index=True,
        help="The dunning level of the letter; empty on an interest statement.",
    )
    kind = fields.Selection(
        LETTER_KINDS,
        default="dunning",
        required=True,
        help="Dunning letter: chases open items. Interest statement (nota interessi di mora): "
        "claims the interest of invoices that were paid late.",
    )
    debtor_type = fields.Selection(
        DEBTOR_TYPES,
        readonly=True,
        help="The customer's debtor type when the letter was proposed: consumers never get "
        "D.Lgs. 231/2002 interest nor the EUR 40.",
    )
    stage = fields.Selection(related="level_id.stage", store=True)
    state = fields.Selection(
        LETTER_STATES,
        default="draft",
        required=True,
        tracking=True,
        index=True,
        group_expand="_group_expand_states",
    )
    line_ids = fields.One2many(
        comodel_name="credit.dunning.letter.line", inverse_name="letter_id", string="Items"
    )
    amount_due = fields.Monetary(currency_field="currency_id")
    interest_amount = fields.Monetary(string="Interest", currency_field="currency_id")
    compensation_amount = fields.Monetary(string="Compensation", currency_field="currency_id")
    fee_amount = fields.Monetary(string="Fee", currency_field="currency_id")
    unapplied_credit_amount = fields.Monetary(
        string="Unapplied Credits",
        currency_field="currency_id",
        help="Payments and credit notes of the customer not matched to an invoice yet: "
        "shown on the letter and deducted from its total.",
    )
    unapplied_credit_line_ids = fields.Many2many(
        comodel_name="account.move.line",
        relation="credit_dunning_letter_credit_rel",
        column1="letter_id",
        column2="move_line_id",
        string="Unapplied Credit Items",
        readonly=True,
    )
    amount_total = fields.Monetary(
        string="Total", currency_field="currency_id", compute="_compute_amount_total", store=True
    )
    pay_by = fields.Date(compute="_compute_pay_by")
    delivery_allowance_days = fields.Integer(
        compute="_compute_pay_by",
        help="Days allowed for the letter to reach the customer (the slowest of its channels, "
        "a company setting): a final notice's fifteen days run from receipt.",
    )
    send_email = fields.Boolean(string="E-mail")
    print_letter = fields.Boolean(string="Printed Letter")
    phone_call = fields.Boolean()
    channel_note = fields.Char(
        help="Why the letter goes by another channel than its level says (e.g. no e-mail address)."
    )
    error_message = fields.Text(readonly=True)
    sent_date = fields.Datetime(readonly=True)
    send_pec = fields.Boolean(string="PEC")
    sent_by_pec = fields.Boolean(string="Sent by PEC", readonly=True)
    delivery_date = fields.Datetime(
        readonly=True,
        help="When the letter reached the customer, from the PEC delivery receipt: the "
        "days to pay run from this day.",
    )
    pec_message_id = fields.Char(
        string="PEC Message-ID", readonly=True, index="btree_not_null", copy=False
    )
    pec_accepted_date = fields.Datetime(
        string="PEC Accepted",
        readonly=True,
        help="When the PEC provider accepted the letter (acceptance receipt).",
    )
    mail_id = fields.Many2one(comodel_name="mail.mail", readonly=True, ondelete="set null")
    mail_retry_count = fields.Integer(readonly=True)
    charge_move_id = fields.Many2one(
        comodel_name="account.move", string="Charges Invoice", readonly=True
    )
    lang = fields.Selection(related="partner_id.lang")
    direct_wording = fields.Boolean(
        string="Without Earlier Notice",
        readonly=True,
        help="The customer reached this level without being sent the level before (the "
        "policy allows skipping): the letter uses the level's text without earlier notice.",
    )
    title = fields.Char(compute="_compute_title", help="The level's name, or 'Interest statement'.")
    letter_body = fields.Html(
        string="Letter Text",
        compute="_compute_letter_body",
        sanitize=False,
        help="The letter's text: the level's, or for a consumer a wording that does not "
        "cite D.Lgs. 231/2002 when the level's does.",
    )

    @api.model
    def _group_expand_states(self, states, domain):
        """Kanban columns in the order of the work: to review, to send, sent, error
        (cancelled letters only when there are some)."""
        return [state for state, _label in LETTER_STATES if state != "cancelled"]

    @api.depends_context("lang")
    @api.depends("partner_id", "level_id", "date")
    def _compute_display_name(self):
        """The name in the reader's language (the stored ``name`` keeps the creator's)."""
        for letter in self:
            letter.display_name = self.env._(
                "%(level)s - %(customer)s - %(date)s",
                level=letter.title,
                customer=letter.partner_id.name,
                date=format_date(self.env, letter.date),
            )

    @api.depends("partner_id", "level_id", "date", "kind")
    def _compute_name(self):
        for letter in self:
            letter.name = f"{letter.title} - {letter.partner_id.name} - {letter.date}"

    @api.depends_context("lang")
    @api.depends("level_id.name", "kind")
    def _compute_title(self):
        for letter in self:
            if letter.kind == "interest_statement":
                letter.title = self.env._("Interest statement")
            else:
                letter.title = letter.level_id.name

    @api.depends(
        "amount_due",
        "interest_amount",
        "compensation_amount",
        "fee_amount",
        "unapplied_credit_amount",
    )
    def _compute_amount_total(self):
        for letter in self:
            letter.amount_total = letter.currency_id.round(
                letter.amount_due
                + letter.interest_amount
                + letter.compensation_amount
                + letter.fee_amount
                - letter.unapplied_credit_amount
            )

    @api.depends(
        "date",
        "level_id.payment_days",
        "stage",
        "kind",
        "send_email",
        "send_pec",
        "print_letter",
        "delivery_date",
        "company_id.credit_dunning_email_delivery_days",
        "company_id.credit_dunning_post_delivery_days",
    )
    def _compute_pay_by(self):
        for letter in self:
            # received by PEC: the days to pay run from the (Italian) day of delivery,
            # with no allowance for the delivery itself
            delivered = _italian_day(letter.delivery_date)
            letter.delivery_allowance_days = (
                0 if delivered else letter._credit_delivery_allowance_days()
            )
            start = delivered or letter.date
            letter.pay_by = start and start + timedelta(days=letter._credit_payment_days())

    @api.depends_context("lang")
    @api.depends(
        "level_id.letter_text",
        "level_id.letter_text_direct",
        "direct_wording",
        "debtor_type",
        "kind",
        "stage",
        "interest_amount",
    )
    def _compute_letter_body(self):
        for letter in self:
            letter.letter_body = letter._credit_letter_body()

    def _credit_letter_body(self):
        """The body of the letter. D.Lgs. 231/2002 covers businesses and public
        administrations only: a consumer's letter never cites it, so a level text that
        does is replaced by a consumer wording of the same stage."""
        self.ensure_one()
        if self.kind == "interest_statement":
            return Markup("<p>%s</p>") % self.env._(
                "The invoices below were paid after their due date. Late-payment interest "
                "is due for the days of delay, from the day after each due date up to and "
                "including the day of payment, as computed below. We ask you to pay the "
                "total by the date shown."
            )
        text = (self.direct_wording and self.level_id.letter_text_direct) or (
            self.level_id.letter_text
        )
        if self.debtor_type != "consumer" or not text or "231" not in text:
            return text
        paragraphs = [self._credit_consumer_paragraph()]
        if self.interest_amount:
            paragraphs.append(
                self.env._(
                    "From the day after each due date, legal interest runs at the rate of "
                    "art. 1284 of the Italian Civil Code, as computed below."
                )
            )
        if self.stage in ("formal_notice", "final_notice", "legal"):
            paragraphs.append(
                self.env._(
                    "This letter also interrupts the limitation period (art. 2943 of the "
                    "Italian Civil Code)."
                )
            )
        return Markup("").join(Markup("<p>%s</p>") % paragraph for paragraph in paragraphs)

    def _credit_consumer_paragraph(self):
        if self.stage == "formal_notice":
            return self.env._(
                "The invoices below are still unpaid. With this letter we formally demand "
                "payment and place you in default (art. 1219 of the Italian Civil Code)."
            )
        return self.env._(
            "The invoices below are still unpaid. We ask you to pay the amount due by the "
            "date shown."
        )

    def _credit_payment_days(self):
        """Days to pay from the letter's date. A final notice (art. 1454 c.c.) gives at
        least 15 days from *receipt*: the channel's delivery allowance is added."""
        self.ensure_one()
        if self.kind == "interest_statement":
            return STATEMENT_PAYMENT_DAYS
        days = self.level_id.payment_days
        if self.stage == "final_notice":
            days = max(days, FINAL_NOTICE_MIN_DAYS) + self.delivery_allowance_days
        return days

    def _credit_delivery_allowance_days(self):
        """Days the letter may take to reach the customer: the slowest of its channels
        (the term must hold whichever copy the customer receives)."""
        self.ensure_one()
        company = self.company_id
        allowances = []
        by_pec = self.send_pec and self.partner_id._credit_pec_address()
        if by_pec or (self.send_email and self.partner_id.email):
            allowances.append(company.credit_dunning_email_delivery_days)
        if self.print_letter or not allowances:
            allowances.append(company.credit_dunning_post_delivery_days)
        return max(allowances)

    def init(self):
        # idempotence: no second live letter for the same customer, currency, level and day
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS credit_dunning_letter_once_a_day "
                "ON credit_dunning_letter (partner_id, currency_id, level_id, date) "
                "WHERE state != 'cancelled'"
            )
        )

    # ------------------------------------------------------------------
    # Creation from a run
    # ------------------------------------------------------------------

    @api.model
    def _credit_create_from_proposals(
        self, run, proposals, rows_by_id, compensated_moves, unapplied_credits=None
    ):
        """Bulk-create the letters and items the core proposed, charges included: the
        values are computed first, then written by two ``create`` calls.

        ``compensated_moves``: ``{move id: 'sent' or 'invoiced'}``, whose EUR 40 a sent
        letter claimed (see :meth:`_credit_compensation_claims`); ``unapplied_credits``:
        ``{(partner id, currency id): (amount, [credit line ids])}`` of unapplied credits
        to deduct.
        """
        Level = self.env["credit.dunning.level"]
        unapplied_credits = unapplied_credits or {}
        currencies = self.env["res.currency"].browse(
            {proposal.group[1] for _policy, proposal in proposals}
        )
        digits = {currency.id: currency.decimal_places for currency in currencies}
        context = self._credit_charges_context(
            [item.key for _policy, proposal in proposals for item, _level in proposal.items],
            self.env["res.partner"].browse({proposal.group[0] for _policy, proposal in proposals}),
        )
        letter_values, lines_per_letter = [], []
        # a handful of levels for thousands of letters: read their settings once
        level_defaults = {}
        automatic = run._credit_sends_automatically()
        for level in Level.browse({proposal.level.key for _policy, proposal in proposals}):
            level_defaults[level.id] = {
                "level_id": level.id,
                "state": "to_send" if automatic and not level.review else "draft",
                "send_email": level.send_email,
                "send_pec": level.send_pec,
                "print_letter": level.send_letter,
                "phone_call": level.send_phone,
            }
        run_defaults = {"run_id": run.id, "company_id": run.company_id.id, "date": run.date}
        for policy, proposal in proposals:
            level = Level.browse(proposal.level.key)
            partner_id, currency_id = proposal.group
            credit_amount, credit_line_ids = unapplied_credits.get(proposal.group, (0.0, []))
            values = {
                **run_defaults,
                "partner_id": partner_id,
                "currency_id": currency_id,
                "policy_id": policy.id,
                "direct_wording": proposal.direct_wording,
                "debtor_type": context["debtor_types"][partner_id],
                "unapplied_credit_amount": credit_amount,
                "unapplied_credit_line_ids": credit_line_ids,
                **level_defaults[level.id],
            }
            lines = [
                {
                    "move_line_id": item.key,
                    "move_id": rows_by_id[item.key]["move_id"],  # for the charges only
                    "level_id": item_level.key,
                    "due_date": item.due_date,
                    "days_late": (run.date - item.due_date).days,
                    "amount": rows_by_id[item.key]["amount_currency"],
                    "open_amount": rows_by_id[item.key]["amount_residual_currency"],
                    "for_information": item.key in proposal.for_information,
                }
                for item, item_level in proposal.items
            ]
            values.update(
                self._credit_charges(
                    values, lines, level, policy, digits[currency_id], compensated_moves, context
                )
            )
            letter_values.append(values)
            lines_per_letter.append(lines)
        return self._credit_insert(letter_values, lines_per_letter)

    @api.model
    def _credit_insert(self, letter_values, lines_per_letter):
        """Insert the letters and their items with two SQL statements.

        Why not ``create``: at 5,000 customers the ORM spends ~2.5 s per 10,000 rows on
        defaults, related and monetary conversions; these rows are new, complete and
        validated by the core, and the stored computed fields (name, total, stage) are
        filled here the same way their computes would.
        """
        if not letter_values:
            return self.browse()
        # the SQL below bypasses the ORM: check the right to create the rows first
        self.browse().check_access("create")
        self.env["credit.dunning.letter.line"].browse().check_access("create")
        Level = self.env["credit.dunning.level"]
        partners = self.env["res.partner"].browse(
            {values["partner_id"] for values in letter_values}
        )
        partner_names = {partner.id: partner.name for partner in partners}
        levels = Level.browse({values["level_id"] for values in letter_values})
        level_names = {level.id: (level.name, level.stage) for level in levels}
        digits = {
            currency.id: currency.decimal_places
            for currency in self.env["res.currency"].browse(
                {values["currency_id"] for values in letter_values}
            )
        }
        credit_links = []
        for values in letter_values:
            level_name, stage = level_names[values["level_id"]]
            values.setdefault("error_message", None)
            values.setdefault("kind", "dunning")
            values.setdefault("debtor_type", None)
            values.setdefault("unapplied_credit_amount", 0.0)
            credit_links.append(values.pop("unapplied_credit_line_ids", None) or [])
            _round_amounts(values, LETTER_AMOUNT_FIELDS, digits[values["currency_id"]])
            values.update(
                name=f"{level_name} - {partner_names[values['partner_id']]} - {values['date']}",
                stage=stage,
                amount_total=_round(
                    values["amount_due"]
                    + values["interest_amount"]
                    + values["compensation_amount"]
                    + values["fee_amount"]
                    - values["unapplied_credit_amount"],
                    digits[values["currency_id"]],
                ),
                mail_retry_count=0,
            )
        self.env.flush_all()
        letter_ids = _insert_rows(self.env, self._name, letter_values)
        line_values = []
        letters = zip(letter_ids, letter_values, lines_per_letter, strict=True)
        for letter_id, letter, lines in letters:
            for values in lines:
                values = {**LINE_DEFAULTS, **values, "letter_id": letter_id}
                _round_amounts(values, LINE_AMOUNT_FIELDS, digits[letter["currency_id"]])
                del values["move_id"]  # related to the receivable line, not stored
                line_values.append(values)
        _insert_rows(self.env, "credit.dunning.letter.line", line_values)
        self._credit_link_credits(letter_ids, credit_links)
        self.env.invalidate_all()
        return self.browse(letter_ids)

    def _credit_link_credits(self, letter_ids, credit_links):
        """Fill the letters' unapplied credit items (a many2many) in one statement."""
        pairs = [
            (letter_id, line_id)
            for letter_id, line_ids in zip(letter_ids, credit_links, strict=True)
            for line_id in line_ids
        ]
        if not pairs:
            return
        letters, lines = zip(*pairs, strict=True)
        self.env.cr.execute(
            SQL(
                "INSERT INTO credit_dunning_letter_credit_rel (letter_id, move_line_id) "
                "SELECT * FROM unnest(%s::int[], %s::int[])",
                list(letters),
                list(lines),
            )
        )

    @api.model
    def _credit_charges_context(self, move_line_ids, partners=None):
        """What every letter's charges need, fetched once: rates (statutory and legal),
        payments and credit notes of the items, EUR 40 claims, waivers, the customers'
        debtor types and languages."""
        self.env.flush_all()  # the queries below read letters, invoices and reconciliations
        rate_table = self.env["credit.interest.rate"]._credit_rate_table()
        legal_table = self.env["credit.legal.interest.rate"]._credit_rate_table()
        payments, credit_notes = self._credit_item_settlements(move_line_ids)
        partners = partners if partners is not None else self.env["res.partner"]
        partners.fetch(["lang", "credit_debtor_type", "is_company", "vat"])
        return {
            "rate_table": {day: money.to_decimal(rate) for day, rate in rate_table.items()},
            "legal_table": {day: money.to_decimal(rate) for day, rate in legal_table.items()},
            "payments": payments,
            "credit_notes": credit_notes,
            "waived": self._credit_waived_moves(move_line_ids),
            "debtor_types": {partner.id: partner._credit_debtor_type() for partner in partners},
            "langs": {partner.id: partner.lang for partner in partners},
            "formats": {},
            "eur": self.env.ref("base.EUR"),
            "converted": {},
        }

    @api.model
    def _credit_waived_moves(self, move_line_ids):
        """Invoices of these receivable lines whose EUR 40 compensation was waived."""
        if not move_line_ids:
            return set()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT move.id
                  FROM account_move_line item
                  JOIN account_move move ON move.id = item.move_id
                 WHERE item.id = ANY(%s) AND move.credit_compensation_waived
                """,
                list(move_line_ids),
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _credit_compute_charges(self, compensated_moves=None):
        """Compute again the amounts of existing letters (after a fix, e.g. a new rate)."""
        if compensated_moves is None:
            compensated_moves = self._credit_compensated_moves()
        context = self._credit_charges_context(self.line_ids.move_line_id.ids, self.partner_id)
        for letter in self:
            letter_values = {
                "date": letter.date,
                "company_id": letter.company_id.id,
                "currency_id": letter.currency_id.id,
                "partner_id": letter.partner_id.id,
                "debtor_type": letter.debtor_type,
            }
            lines = [
                {
                    "record": line,
                    "move_line_id": line.move_line_id.id,
                    "move_id": line.move_id.id,
                    "due_date": line.due_date,
                    "days_late": line.days_late,
                    "amount": line.amount,
                    "open_amount": line.open_amount,
                    "for_information": line.for_information,
                }
                for line in letter.line_ids
            ]
            updates = self._credit_charges(
                letter_values,
                lines,
                letter.level_id,
                letter.policy_id,
                letter.currency_id.decimal_places,
                compensated_moves,
                context,
            )
            for values in lines:
                record = values.pop("record")
                record.write(
                    {
                        key: values.get(key, False)
                        for key in (
                            "interest_amount",
                            "compensation_amount",
                            "interest_detail",
                            "compensation_carried",
                        )
                    }
                )
            letter.write(updates)

    @api.model
    def _credit_charges(self, letter, lines, level, policy, digits, compensated_moves, context):
        """Amount due, interest, EUR 40 compensation and fee of one letter.

        ``letter`` and ``lines`` are value dicts; the lines get their interest and
        compensation; returns the letter's amounts. When they cannot be computed (no
        rate for a half-year or year, no exchange rate) the letter goes to 'error' with
        the reason: a rate is never guessed, and the rest of the run goes on.

        A consumer never owes D.Lgs. 231/2002 interest nor the EUR 40: at most legal
        interest (art. 1284 c.c.) when the policy claims it.
        """
        zero = money.to_decimal(0)
        error = False
        fee = zero
        consumer = letter.get("debtor_type") == "consumer"
        try:
            if level.fee_type == "fixed":
                fee = self._credit_convert(
                    level.fee_fixed, level.company_id.currency_id, letter, context
                )
        except UserError as exc:
            error = exc.args[0]
        amount_due = total_interest = total_compensation = zero
        rate_table, fixed_rate = self._credit_interest_basis(policy, consumer, context)
        charge_interest = level.charge_interest and (rate_table or fixed_rate)
        letter_format, days_word = self._credit_letter_format(letter, context)
        claimed_here = set()
        for line in lines:
            line["interest_amount"] = line["compensation_amount"] = 0.0
            line["compensation_carried"] = False
            if line.get("for_information"):
                continue  # not yet due: listed apart, not demanded
            amount_due += money.to_decimal(line["open_amount"])
            if line["days_late"] <= 0 or error:
                continue
            if charge_interest:
                try:
                    result = self._credit_line_interest(
                        line, letter["date"], rate_table, fixed_rate, digits, context
                    )
                except interest_core.MissingRateError as exc:
                    error = self._credit_missing_rate_message(exc, consumer)
                    continue
                line["interest_amount"] = float(result.total)
                line["interest_detail"] = _format_interest(result, digits, letter_format, days_word)
                total_interest += result.total
            if consumer or line["move_id"] in claimed_here:
                continue
            claim = compensated_moves.get(line["move_id"])
            if not self._credit_claims_compensation(line, level, claim, context):
                continue
            try:
                compensation = self._credit_convert(
                    interest_core.FLAT_COMPENSATION_EUR, context["eur"], letter, context
                )
            except UserError as exc:
                error = exc.args[0]
                continue
            claimed_here.add(line["move_id"])
            line["compensation_amount"] = float(compensation)
            line["compensation_carried"] = claim == "sent"
            total_compensation += compensation
        if level.fee_type == "percent":
            fee = money.round_money(amount_due * money.to_decimal(level.fee_percent) / 100, digits)
        if error:
            return {
                "amount_due": float(amount_due),
                "interest_amount": 0.0,
                "compensation_amount": 0.0,
                "fee_amount": float(fee),
                "state": "error",
                "error_message": error,
            }
        return {
            "amount_due": float(amount_due),
            "interest_amount": float(total_interest),
            "compensation_amount": float(total_compensation),
            "fee_amount": float(fee),
        }

    @api.model
    def _credit_interest_basis(self, policy, consumer, context):
        """``(rate table, fixed rate)`` of the interest a debtor owes; both empty: none.

        Businesses and public administrations: the policy's statutory (D.Lgs. 231/2002)
        or contractual rate. Consumers: legal interest (art. 1284 c.c.) when the policy
        claims it, else nothing (a contractual late-interest clause with a consumer is
        presumed unfair, Codice del Consumo art. 33, and is not applied by the run).
        """
        if consumer:
            legal_table = context["legal_table"] if policy.consumer_legal_interest else None
            return legal_table, None
        if policy.interest_type == "statutory":
            return context["rate_table"], None
        return None, policy.contractual_rate

    @api.model
    def _credit_line_interest(self, line, until, rate_table, fixed_rate, digits, context, **kw):
        """Interest of one item up to ``until``: payments reduce the base from the day
        after their date, matched credit notes from the due date."""
        return interest_core.compute_interest(
            line["amount"],
            line["due_date"],
            until,
            payments=context["payments"].get(line["move_line_id"], ()),
            credit_notes=context["credit_notes"].get(line["move_line_id"], ()),
            rate_table=rate_table or None,
            fixed_rate=None if rate_table else fixed_rate,
            digits=digits,
            **kw,
        )

    @api.model
    def _credit_claims_compensation(self, line, level, claim, context):
        """Whether the item's invoice carries the EUR 40 on this letter.

        Claimed once, by a level that claims it; then carried on every later letter
        (whatever its level, the agency's included) until paid or waived. Once
        invoiced, the EUR 40 is on the charges invoice and no longer on letters.
        """
        if line["move_id"] in context["waived"] or claim == "invoiced":
            return False
        return claim == "sent" or level.charge_compensation

    def _credit_missing_rate_message(self, exc, consumer):
        if consumer:
            return self.env._(
                "No legal interest rate (art. 1284 c.c.) for the year(s) %(years)s: add it "
                "under Invoicing > Credit Management > Configuration > Legal Interest Rates, "
                "then put the "
                "letter back to review.",
                years=", ".join(sorted({str(day.year) for day in exc.half_years})),
            )
        return self.env._(
            "No statutory late interest rate for the half-year(s) starting "
            "%(periods)s: add it under Invoicing > Credit Management > Configuration > Late "
            "Interest Rates, then put the letter back to review.",
            periods=", ".join(str(day) for day in exc.half_years),
        )

    @api.model
    def _credit_letter_format(self, letter, context):
        """How the letter's language writes numbers and dates, and its word for days."""
        lang = context["langs"].get(letter.get("partner_id")) or "en_US"
        if lang not in context["formats"]:
            data = self.env["res.lang"]._get_data(code=lang)
            if not data:
                data = self.env["res.lang"]._get_data(code="en_US")
            context["formats"][lang] = (
                LetterFormat(
                    decimal_point=data.decimal_point or ".",
                    thousands_sep=data.thousands_sep or "",
                    date_format=data.date_format or "%d/%m/%Y",
                ),
                self.with_context(lang=lang).env._("days"),
            )
        return context["formats"][lang]

    def _credit_compensated_moves(self):
        """``{move id: 'sent' or 'invoiced'}`` for the invoices of these letters."""
        line_ids = self.line_ids.move_line_id.ids
        return self._credit_compensation_claims(line_ids, exclude_letters=self)

    @api.model
    def _credit_compensation_claims(self, move_line_ids, exclude_letters=None):
        """Invoices (of these receivable lines) whose EUR 40 a **sent** letter claimed:
        ``'invoiced'`` when that letter invoiced its charges, else ``'sent'``. A letter
        in review, in error or cancelled claims nothing."""
        if not move_line_ids:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT item.move_id, BOOL_OR(letter.charge_move_id IS NOT NULL)
                  FROM credit_dunning_letter_line line
                  JOIN credit_dunning_letter letter ON letter.id = line.letter_id
                  JOIN account_move_line item ON item.id = line.move_line_id
                 WHERE letter.state = 'sent' AND line.compensation_amount > 0
                   AND item.move_id IN (
                       SELECT move_id FROM account_move_line WHERE id = ANY(%s))
                   AND NOT letter.id = ANY(%s)
              GROUP BY item.move_id
                """,
                list(move_line_ids),
                (exclude_letters or self.browse()).ids,
            )
        )
        return {
            move_id: "invoiced" if invoiced else "sent"
            for move_id, invoiced in self.env.cr.fetchall()
        }

    @api.model
    def _credit_item_settlements(self, line_ids):
        """Per receivable line, ``[(date, amount)]`` of its payments and ``[amount]`` of
        its matched credit notes (both in the line's currency), in one query."""
        if not line_ids:
            return {}, {}
        self.env.cr.execute(
            SQL(
                """
                SELECT partial.debit_move_id, partial.max_date, partial.debit_amount_currency,
                       credit_move.move_type IN ('out_refund', 'in_refund')
                  FROM account_partial_reconcile partial
                  JOIN account_move_line credit_line ON credit_line.id = partial.credit_move_id
                  JOIN account_move credit_move ON credit_move.id = credit_line.move_id
                 WHERE partial.debit_move_id = ANY(%s)
                """,
                list(line_ids),
            )
        )
        payments, credit_notes = {}, {}
        for line_id, day, amount, is_credit_note in self.env.cr.fetchall():
            if is_credit_note:
                credit_notes.setdefault(line_id, []).append(amount)
            else:
                payments.setdefault(line_id, []).append((day, amount))
        return payments, credit_notes

    @api.model
    def _credit_convert(self, amount, from_currency, letter, context):
        """``amount`` in ``from_currency`` converted to the letter's currency at its date.

        Raises a UserError when a currency has no rate on or before that date (Odoo would
        silently use 1.0). Conversions are cached in ``context`` for the run.
        """
        to_currency = self.env["res.currency"].browse(letter["currency_id"])
        key = (money.to_decimal(amount), from_currency.id, to_currency.id)
        if key not in context["converted"]:
            context["converted"][key] = self._credit_convert_uncached(
                amount, from_currency, to_currency, letter
            )
        result = context["converted"][key]
        if isinstance(result, UserError):
            raise result
        return result

    @api.model
    def _credit_convert_uncached(self, amount, from_currency, to_currency, letter):
        amount = money.to_decimal(amount)
        if from_currency == to_currency:
            return money.round_money(amount, to_currency.decimal_places)
        company = self.env["res.company"].browse(letter["company_id"])
        for currency in (from_currency | to_currency) - company.currency_id:
            has_rate = self.env["res.currency.rate"].search_count(
                [
                    ("currency_id", "=", currency.id),
                    ("name", "<=", letter["date"]),
                    ("company_id", "in", (False, company.root_id.id)),
                ],
                limit=1,
            )
            if not has_rate:
                return UserError(
                    self.env._(
                        "No exchange rate for %(currency)s on or before %(date)s: add one "
                        "under Invoicing > Configuration > Accounting > Currencies, then "
                        "put the letter back to review.",
                        currency=currency.name,
                        date=letter["date"],
                    )
                )
        converted = from_currency._convert(
            float(amount), to_currency, company, letter["date"], round=True
        )
        return money.round_money(converted, to_currency.decimal_places)

    # ------------------------------------------------------------------
    # Review
    # ------------------------------------------------------------------

    def action_approve(self):
        self.filtered(lambda letter: letter.state == "draft").state = "to_send"
        return True

    def action_cancel(self):
        if any(letter.state in ("sending", "sent") for letter in self):
            raise UserError(self.env._("A letter already sent cannot be cancelled."))
        self.state = "cancelled"
        return True

    def action_reset_to_review(self):
        """Back to review after fixing its cause (missing rate, e-mail address...):
        the charges are computed again."""
        letters = self.filtered(lambda letter: letter.state in ("error", "to_send"))
        letters.write({"state": "draft", "error_message": False})
        letters._credit_compute_charges()
        return True

    def action_send(self):
        self.action_approve()
        self.filtered(lambda letter: letter.state == "to_send")._credit_send()
        return True

    def action_print(self):
        return self.env.ref("credit_control.action_report_dunning_letter").report_action(
            self, config=False
        )

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _credit_send(self):
        """Send each letter by its channels; a failing letter goes to 'error' with the
        reason and the others go on (each letter in its own savepoint: calls, notes and
        charges included). A letter sent by e-mail or PEC is 'Sending' until its mail has
        really left (``_credit_mail_result``); the others are 'Sent' at once."""
        letters = self._credit_lock_for_sending()
        done = self.browse()
        for letter in letters:
            try:
                with self.env.cr.savepoint():
                    letter._credit_send_one()
                done |= letter
            except Exception as exc:  # any failure of one letter is its own
                _logger.info("Dunning letter %s not sent: %s", letter.id, exc)
                letter._credit_set_error(_error_text(exc))
        return done

    def _credit_lock_for_sending(self):
        """Lock the letters to send, so that a second Send (another user, the cron) at
        the same moment fails with a plain message instead of sending them twice; letters
        no longer 'To Send' once locked are left out."""
        if not self:
            return self
        self.flush_recordset(["state"])
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                # a sender in progress holds these (its rows may not be visible to us yet)
                cr.execute(
                    SQL(
                        "SELECT COUNT(*) FROM unnest(%s::int[]) AS letter_id "
                        "WHERE NOT pg_try_advisory_xact_lock(%s, letter_id)",
                        self.ids,
                        SEND_LOCK_NAMESPACE,
                    )
                )
                if cr.fetchone()[0]:
                    raise psycopg2.errors.LockNotAvailable()
                # a sender that committed since our snapshot: serialization failure
                cr.execute(
                    SQL(
                        "SELECT id FROM credit_dunning_letter WHERE id = ANY(%s) "
                        "AND state = 'to_send' FOR NO KEY UPDATE NOWAIT",
                        self.ids,
                    )
                )
                locked = {row[0] for row in cr.fetchall()}
        except (psycopg2.errors.LockNotAvailable, psycopg2.errors.SerializationFailure):
            raise UserError(
                self.env._(
                    "Another sending of these dunning letters is in progress; "
                    "try again in a moment."
                )
            ) from None
        return self.filtered(lambda letter: letter.id in locked)

    def _credit_send_one(self):
        self.ensure_one()
        values = {"error_message": False}
        mail = self.env["mail.mail"]
        pec_address = self.send_pec and self.partner_id._credit_pec_address()
        if pec_address:
            mail = self._credit_send_pec(pec_address)
        elif (self.send_email or self.send_pec) and self.partner_id.email:
            mail = self._credit_send_email()
            if self.send_pec:
                values["channel_note"] = self.env._(
                    "No PEC address: sent by ordinary e-mail instead."
                )
        elif self.send_email or self.send_pec:
            values.update(
                print_letter=True,
                channel_note=self.env._("No e-mail address: sent as a printed letter instead."),
            )
        if self._credit_posts_charges() and not self.charge_move_id:
            values["charge_move_id"] = self._credit_post_charges().id
        if mail:
            values.update(state="sending", mail_id=mail.id, sent_by_pec=bool(pec_address))
            if pec_address:
                values["pec_message_id"] = pec.normalise_message_id(mail.message_id)
            self.write(values)
        else:
            self.write(values)
            self._credit_mark_sent()

    def _credit_mark_sent(self):
        """The letters really left: 'Sent', then the calls and the notes on customers
        and invoices."""
        self.write({"state": "sent", "sent_date": fields.Datetime.now(), "error_message": False})
        self._credit_schedule_calls()
        self._credit_log_sending()

    def _credit_set_error(self, reason):
        """The letter could not go: 'Error' with the reason, on the letter and on the
        customer (a controller sees it from either side)."""
        for letter in self:
            letter.write({"state": "error", "error_message": reason})
            body = self.env._(
                "Dunning letter '%(letter)s' not sent: %(reason)s",
                letter=letter.name,
                reason=reason,
            )
            letter.partner_id._message_log(body=body)

    def _credit_send_email(self):
        """Queue the level's e-mail, in the customer's language, with the letter's PDF.

        Nothing says it was e-mailed yet: that is written when the mail has left."""
        template = self.level_id.mail_template_id or self.env.ref(
            "credit_control.mail_template_dunning_letter"
        )
        attachment = self._credit_letter_attachment()
        mail_id = template.send_mail(
            self.id,
            email_values={"attachment_ids": [attachment.id]},
            raise_exception=True,
        )
        return self.env["mail.mail"].sudo().browse(mail_id)

    def _credit_send_pec(self, address):
        """Queue the letter by PEC: the level's e-mail to the customer's PEC address,
        through the company's PEC server, from the PEC mailbox's address."""
        server = self.company_id.credit_pec_mail_server_id
        if not server:
            raise UserError(
                self.env._(
                    "This level sends by PEC, but no PEC outgoing server is set: choose it "
                    "in Invoicing > Configuration > Settings > Credit Management."
                )
            )
        sender = (server.from_filter or "").strip()
        if "@" not in sender:
            sender = server.smtp_user or ""
        if "@" not in sender:
            raise UserError(
                self.env._(
                    "The PEC server '%(server)s' has no sender address: set its 'FROM "
                    "Filtering' to the company's PEC address.",
                    server=server.name,
                )
            )
        template = self.level_id.mail_template_id or self.env.ref(
            "credit_control.mail_template_dunning_letter"
        )
        attachment = self._credit_letter_attachment()
        mail_id = template.send_mail(
            self.id,
            email_values={
                "attachment_ids": [attachment.id],
                "recipient_ids": [],
                "email_to": address,
                "email_from": sender,
                "reply_to": sender,
                "mail_server_id": server.id,
            },
            raise_exception=True,
        )
        return self.env["mail.mail"].sudo().browse(mail_id)

    @api.model
    def _credit_mail_result(self, mails):
        """Called when ``mails`` were tried: a letter whose mail left is 'Sent' (and says
        "Letter e-mailed to ..."), one whose mail failed is in 'Error' with the reason."""
        letters = self.sudo().search([("mail_id", "in", mails.ids), ("state", "=", "sending")])
        left = letters.filtered(lambda letter: letter.mail_id.state == "sent")
        for letter in left:
            mail = letter.mail_id
            body = (
                self.env._("Letter sent by PEC to %(email)s.", email=mail.email_to)
                if letter.sent_by_pec
                else self.env._("Letter e-mailed to %(email)s.", email=letter.partner_id.email)
            )
            letter.message_post(body=body, attachment_ids=mail.attachment_ids.ids)
        left._credit_mark_sent()
        for letter in letters.filtered(lambda letter: letter.mail_id.state == "exception"):
            letter._credit_set_error(
                self.env._(
                    "The e-mail to %(email)s failed (try %(count)s of %(tries)s): %(reason)s",
                    email=letter.mail_id.email_to or letter.partner_id.email,
                    count=letter.mail_retry_count + 1,
                    tries=MAIL_RETRIES + 1,
                    reason=letter.mail_id.failure_reason or self.env._("unknown reason"),
                )
            )

    # ------------------------------------------------------------------
    # PEC receipts
    # ------------------------------------------------------------------

    @api.model
    def _credit_pec_receipts(self, msg_dict):
        """The PEC receipts (``daticert.xml``) of an incoming message."""
        receipts = []
        for attachment in msg_dict.get("attachments") or []:
            name, content = attachment[0], attachment[1]
            if (name or "").lower() != "daticert.xml":
                continue
            if isinstance(content, str):
                content = content.encode()
            receipt = pec.parse_daticert(content)
            if receipt:
                receipts.append(receipt)
        return receipts

    @api.model
    def _credit_apply_pec_receipts(self, msg_dict):
        """Apply the PEC receipts of an incoming message to the letters they answer;
        returns those letters (the gateway then attaches the receipt to them)."""
        letters = self.browse()
        for receipt in self._credit_pec_receipts(msg_dict):
            letter = self.sudo().search([("pec_message_id", "=", receipt.message_id)], limit=1)
            if letter:
                letter._credit_apply_pec_receipt(receipt)
                letters |= letter
        return letters

    def _credit_apply_pec_receipt(self, receipt):
        self.ensure_one()
        when = receipt.when_utc()
        if receipt.delivered:
            if not self.delivery_date or when < self.delivery_date:
                self.delivery_date = when
        elif receipt.kind == pec.ACCEPTANCE:
            if not self.pec_accepted_date:
                self.pec_accepted_date = when
        elif receipt.failed:
            self._credit_set_error(
                self.env._(
                    "The PEC provider reports that the letter was not delivered "
                    "(%(kind)s): %(error)s",
                    kind=receipt.kind,
                    error=receipt.error or "-",
                )
            )

    def message_update(self, msg_dict, update_vals=None):
        """A reply routed to the letter's thread may be one of its PEC receipts."""
        for letter in self:
            for receipt in self._credit_pec_receipts(msg_dict):
                if receipt.message_id == letter.pec_message_id:
                    letter.sudo()._credit_apply_pec_receipt(receipt)
        return super().message_update(msg_dict, update_vals=update_vals)

    def _message_receive_bounce(self, email, partner):
        """The letter's e-mail came back (a bounce): the letter was not received."""
        result = super()._message_receive_bounce(email, partner)
        for letter in self.filtered(lambda letter: letter.state in ("sending", "sent")):
            letter._credit_set_error(
                self.env._("The e-mail to %(email)s bounced: it was not delivered.", email=email)
            )
        return result

    def _credit_letter_attachment(self):
        report = self.env.ref("credit_control.action_report_dunning_letter")
        content, _report_type = report._render_qweb_pdf(report, self.ids)
        filename = f"{self.with_context(lang=self.lang).title} {self.date}.pdf"
        return self.env["ir.attachment"].create(
            {
                "name": filename.replace("/", "-"),
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/pdf",
            }
        )

    def _credit_posts_charges(self):
        """Whether sending the letter invoices its charges (once)."""
        self.ensure_one()
        if self.kind == "interest_statement":
            return self.policy_id.interest_statement_invoice
        return self.level_id.post_charges

    def _credit_interest_label(self):
        """How the letter's interest is named on an invoice: never "legal" for the
        D.Lgs. 231/2002 rate."""
        self.ensure_one()
        if self.debtor_type == "consumer":
            return self.env._("Legal interest (art. 1284 c.c.)")
        if self.policy_id.interest_type == "contractual":
            return self.env._("Late payment interest (contractual rate)")
        return self.env._("Late payment interest (D.Lgs. 231/2002 art. 5)")

    def _credit_interest_to_invoice(self):
        """Interest of each item not invoiced yet: only the days after the previous
        charges invoice of the same item, never the same days twice. Stored on the
        items (``charged_interest_amount``, ``charged_until``); returns the total."""
        self.ensure_one()
        items = self.line_ids.filtered("interest_amount")
        if not items:
            return 0.0
        previous = dict(
            self.env["credit.dunning.letter.line"]._read_group(
                [
                    ("move_line_id", "in", items.move_line_id.ids),
                    ("letter_id", "!=", self.id),
                    ("letter_id.charge_move_id", "!=", False),
                    ("charged_until", "!=", False),
                ],
                ["move_line_id"],
                ["charged_until:max"],
            )
        )
        context = self._credit_charges_context(items.move_line_id.ids, self.partner_id)
        rate_table, fixed_rate = self._credit_interest_basis(
            self.policy_id, self.debtor_type == "consumer", context
        )
        digits = self.currency_id.decimal_places
        total = 0.0
        for item in items:
            since = previous.get(item.move_line_id)
            amount = item.interest_amount
            if since:
                values = {
                    "move_line_id": item.move_line_id.id,
                    "amount": item.amount,
                    "due_date": item.due_date,
                }
                result = self._credit_line_interest(
                    values, self.date, rate_table, fixed_rate, digits, context, start_after=since
                )
                amount = float(result.total)
            item.write({"charged_interest_amount": amount, "charged_until": self.date})
            total += amount
        return self.currency_id.round(total)

    def _credit_post_charges(self):
        """A posted customer invoice of the letter's fee, interest not invoiced yet and
        compensation."""
        level = self.level_id
        lines = []
        for amount, label in (
            (self.fee_amount, self.env._("Dunning fee")),
            (self._credit_interest_to_invoice(), self._credit_interest_label()),
            (
                self.compensation_amount,
                self.env._("Recovery costs compensation (D.Lgs. 231/2002 art. 6)"),
            ),
        ):
            if not self.currency_id.is_zero(amount):
                line = {"name": label, "quantity": 1, "price_unit": amount, "tax_ids": []}
                if level.fee_product_id:
                    line["product_id"] = level.fee_product_id.id
                if level.charge_account_id:
                    line["account_id"] = level.charge_account_id.id
                lines.append(fields.Command.create(line))
        if not lines:
            return self.env["account.move"]
        move = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id.id,
                    "currency_id": self.currency_id.id,
                    "invoice_date": self.date,
                    "ref": self.name,
                    "credit_dunning_excluded": True,
                    "credit_dunning_exclusion_reason": self.env._("Charges of a dunning letter"),
                    "invoice_line_ids": lines,
                }
            )
        )
        # not action_post: the credit hold (ours, or another add-on's) guards new sales, and
        # these charges claim an existing debt
        move._post(soft=False)
        return move

    def _credit_schedule_calls(self):
        """A phone-call activity per customer for its credit controller, in bulk: one
        call even when the customer has letters in several currencies (two activities of
        one create() for the same record would subscribe its controller twice)."""
        letters = self.filtered("phone_call")
        if not letters:
            return
        call_type = self.env.ref("mail.mail_activity_data_call")
        partner_model = self.env["ir.model"]._get_id("res.partner")
        by_partner = {}
        for letter in letters:
            by_partner.setdefault(letter.partner_id, self.browse())
            by_partner[letter.partner_id] |= letter
        # a call already planned today (a letter in another currency sent a moment ago):
        # the same call, which now mentions this letter too
        planned = {
            activity.res_id: activity
            for activity in self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", [partner.id for partner in by_partner]),
                    ("activity_type_id", "=", call_type.id),
                    ("date_deadline", "=", fields.Date.context_today(self)),
                ]
            )
        }
        new_calls = []
        for partner, partner_letters in by_partner.items():
            summary = self.env._(
                "Call about %(level)s (%(amount)s due)",
                level=", ".join(dict.fromkeys(partner_letters.level_id.mapped("name"))),
                amount=", ".join(
                    letter.currency_id.format(letter.amount_total) for letter in partner_letters
                ),
            )
            if partner.id in planned:
                call = planned[partner.id]
                call.summary = f"{call.summary}; {summary}"
                continue
            new_calls.append(
                {
                    "res_model_id": partner_model,
                    "res_id": partner.id,
                    "activity_type_id": call_type.id,
                    "user_id": (
                        partner_letters[0].company_id.credit_controller_id or self.env.user
                    ).id,
                    "date_deadline": fields.Date.context_today(self),
                    "summary": summary,
                }
            )
        self.env["mail.activity"].create(new_calls)

    def _credit_log_sending(self):
        """One chatter note per customer and per invoice, in two batched calls (the
        letters of one customer in several currencies are all in its note)."""
        if not self:
            return
        partner_bodies, move_bodies = {}, {}
        for letter in self:
            channels = ", ".join(
                label
                for flag, label in (
                    (letter.mail_id and letter.sent_by_pec, self.env._("PEC")),
                    (letter.mail_id and not letter.sent_by_pec, self.env._("e-mail")),
                    (letter.print_letter, self.env._("printed letter")),
                    (letter.phone_call, self.env._("phone call")),
                )
                if flag
            )
            body = Markup("%s") % self.env._(
                "Dunning letter '%(level)s' of %(date)s sent (%(channels)s), total %(total)s.",
                level=letter.level_id.name,
                date=letter.date,
                channels=channels or self.env._("no channel"),
                total=letter.currency_id.format(letter.amount_total),
            )
            if letter.channel_note:
                body += Markup("<br/>") + letter.channel_note
            _append_body(partner_bodies, letter.partner_id.id, body)
            for move in letter.line_ids.move_id:
                _append_body(move_bodies, move.id, body)
        self.env["res.partner"].browse(partner_bodies)._message_log_batch(partner_bodies)
        self.env["account.move"].browse(move_bodies)._message_log_batch(move_bodies)

    @api.model
    def _cron_retry_failed_mail(self):
        """Queue again the e-mails of letters that failed to leave (connection refused,
        server down...): the letter goes back to 'Sending'; after a few tries it stays in
        'Error' for a controller to look at. A bounce is not retried (the address is
        wrong)."""
        letters = self.search(
            [
                ("state", "=", "error"),
                ("mail_id.state", "=", "exception"),
                ("mail_retry_count", "<", MAIL_RETRIES),
            ]
        )
        for letter in letters:
            letter.mail_id.mark_outgoing()
            letter.write(
                {
                    "state": "sending",
                    "mail_retry_count": letter.mail_retry_count + 1,
                    "error_message": False,
                }
            )
        return letters


def _italian_day(moment):
    """The calendar day in Italy of a UTC datetime (as Odoo stores them), or None."""
    if not moment:
        return None
    return moment.replace(tzinfo=timezone.utc).astimezone(ROME).date()


def _append_body(bodies, key, body):
    bodies[key] = bodies[key] + Markup("<br/>") + body if key in bodies else body


#: money columns of a letter and of its items, rounded to the currency before storing
LETTER_AMOUNT_FIELDS = (
    "amount_due",
    "interest_amount",
    "compensation_amount",
    "fee_amount",
    "unapplied_credit_amount",
)
LINE_AMOUNT_FIELDS = ("amount", "open_amount", "interest_amount", "compensation_amount")
#: item columns the charges may leave unset (NULL in the bulk insert)
LINE_DEFAULTS = {
    "interest_detail": None,
    "compensation_carried": None,
    "charged_interest_amount": None,
    "charged_until": None,
    "paid_date": None,
}


def _round(amount, digits):
    return float(money.round_money(amount, digits))


def _round_amounts(values, field_names, digits):
    """Money rounded to the currency (no 1056.6799999999998 in the database)."""
    for field_name in field_names:
        if values.get(field_name) is not None:
            values[field_name] = _round(values[field_name], digits)


def _format_interest(result, digits, letter_format, days_word):
    """The interest computation as text lines in the letter's language (its numbers,
    dates and word for days), for the letter and the item."""
    amount, rate, day = letter_format.amount, letter_format.rate, letter_format.date
    return "\n".join(
        f"{day(segment.start)} - {day(segment.end)}: "
        f"{segment.days} {days_word} x {amount(segment.base, digits)} x {rate(segment.rate)}% / "
        f"{interest_core.YEAR_DAYS} = {amount(segment.interest, digits)}"
        for segment in result.segments
    )


def _insert_rows(env, model_name, rows):
    """Insert ``rows`` (dicts with the same keys, values already in column form) into the
    table of ``model_name`` with one ``COPY``: no huge statement for the client to quote
    and the server to parse and plan (a third of the time of a run's inserts).

    Returns the new ids in the order of ``rows`` (taken from the sequence first).
    """
    cr, model = env.cr, env[model_name]
    cr.execute(
        SQL(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            model._table,
            len(rows),
        )
    )
    ids = [row[0] for row in cr.fetchall()]
    columns = sorted(rows[0])
    log_values = ()
    if model._log_access:
        now, uid = _copy_text(cr.now()), str(env.uid)
        columns += ["create_uid", "create_date", "write_uid", "write_date"]
        log_values = (uid, now, uid, now)
    buffer = io.StringIO()
    for record_id, row in zip(ids, rows, strict=True):
        fields_text = [str(record_id)]
        fields_text += [_copy_text(row[column]) for column in columns[: len(row)]]
        fields_text += log_values
        buffer.write("\t".join(fields_text))
        buffer.write("\n")
    buffer.seek(0)
    query = SQL(
        "COPY %s (%s) FROM STDIN",
        SQL.identifier(model._table),
        SQL(", ").join(SQL.identifier(column) for column in ["id", *columns]),
    )
    cr._obj.copy_expert(query.code, buffer)
    return ids


#: characters COPY's text format reads specially, and how to write them
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
#: how each Python type is written in COPY's text format (dispatch on the exact type:
#: an isinstance() chain costs more over a run's hundred thousand values)
_COPY_FORMATS = {
    type(None): lambda _value: "\\N",
    bool: lambda value: "t" if value else "f",
    int: str,
    float: repr,
    str: lambda value: value.translate(_COPY_ESCAPES),
    date: date.isoformat,
    datetime: datetime.isoformat,
}


def _copy_text(value):
    """A Python value in COPY's text format (NULL, booleans, dates, numbers, text)."""
    format_value = _COPY_FORMATS.get(type(value))
    if format_value is None:
        return str(value).translate(_COPY_ESCAPES)  # e.g. Decimal, Markup
    return format_value(value)


def _error_text(exc):
    return str(exc.args[0]) if getattr(exc, "args", None) else repr(exc)
