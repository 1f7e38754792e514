import io
import logging
from datetime import date
from datetime import datetime
from datetime import timedelta

from markupsafe import Markup

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..core import interest as interest_core
from ..core import money

_logger = logging.getLogger(__name__)

LETTER_STATES = [
    ("draft", "To Review"),
    ("to_send", "To Send"),
    ("sent", "Sent"),
    ("error", "Error"),
    ("cancelled", "Cancelled"),
]
MAIL_RETRIES = 3


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
    level_id = fields.Many2one(comodel_name="credit.dunning.level", required=True, index=True)
    stage = fields.Selection(related="level_id.stage", store=True)
    state = fields.Selection(
        LETTER_STATES, default="draft", required=True, tracking=True, index=True
    )
    line_ids = fields.One2many(
        comodel_name="credit.dunning.letter.line", inverse_name="letter_id", string="Items"
    )
    amount_due = fields.Monetary(currency_field="currency_id")
    interest_amount = fields.Monetary(string="Interest", currency_field="currency_id")
    compensation_amount = fields.Monetary(string="Compensation", currency_field="currency_id")
    fee_amount = fields.Monetary(string="Fee", currency_field="currency_id")
    amount_total = fields.Monetary(
        string="Total", currency_field="currency_id", compute="_compute_amount_total", store=True
    )
    pay_by = fields.Date(compute="_compute_pay_by")
    send_email = fields.Boolean(string="E-mail")
    print_letter = fields.Boolean(string="Printed Letter")
    phone_call = fields.Boolean()
    channel_note = fields.Char(
        help="Why the letter goes by another channel than its level says (e.g. no e-mail address)."
    )
    error_message = fields.Text(readonly=True)
    sent_date = fields.Datetime(readonly=True)
    mail_id = fields.Many2one(comodel_name="mail.mail", readonly=True, ondelete="set null")
    mail_retry_count = fields.Integer(readonly=True)
    charge_move_id = fields.Many2one(
        comodel_name="account.move", string="Charges Invoice", readonly=True
    )
    lang = fields.Selection(related="partner_id.lang")

    @api.depends("partner_id", "level_id", "date")
    def _compute_name(self):
        for letter in self:
            letter.name = f"{letter.level_id.name} - {letter.partner_id.name} - {letter.date}"

    @api.depends("amount_due", "interest_amount", "compensation_amount", "fee_amount")
    def _compute_amount_total(self):
        for letter in self:
            letter.amount_total = (
                letter.amount_due
                + letter.interest_amount
                + letter.compensation_amount
                + letter.fee_amount
            )

    @api.depends("date", "level_id.payment_days")
    def _compute_pay_by(self):
        for letter in self:
            letter.pay_by = letter.date and letter.date + timedelta(
                days=letter.level_id.payment_days
            )

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
    def _credit_create_from_proposals(self, run, proposals, rows_by_id, compensated_moves):
        """Bulk-create the letters and items the core proposed, charges included: the
        values are computed first, then written by two ``create`` calls."""
        Level = self.env["credit.dunning.level"]
        currencies = self.env["res.currency"].browse(
            {proposal.group[1] for _policy, proposal in proposals}
        )
        digits = {currency.id: currency.decimal_places for currency in currencies}
        context = self._credit_charges_context(
            [item.key for _policy, proposal in proposals for item, _level in proposal.items]
        )
        letter_values, lines_per_letter = [], []
        # a handful of levels for thousands of letters: read their settings once
        level_defaults = {}
        for level in Level.browse({proposal.level.key for _policy, proposal in proposals}):
            level_defaults[level.id] = {
                "level_id": level.id,
                "state": "draft" if level.review else "to_send",
                "send_email": level.send_email,
                "print_letter": level.send_letter,
                "phone_call": level.send_phone,
            }
        run_defaults = {"run_id": run.id, "company_id": run.company_id.id, "date": run.date}
        for policy, proposal in proposals:
            level = Level.browse(proposal.level.key)
            partner_id, currency_id = proposal.group
            values = {
                **run_defaults,
                "partner_id": partner_id,
                "currency_id": currency_id,
                "policy_id": policy.id,
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
        for values in letter_values:
            level_name, stage = level_names[values["level_id"]]
            values.setdefault("error_message", None)
            values.update(
                name=f"{level_name} - {partner_names[values['partner_id']]} - {values['date']}",
                stage=stage,
                amount_total=values["amount_due"]
                + values["interest_amount"]
                + values["compensation_amount"]
                + values["fee_amount"],
                mail_retry_count=0,
            )
        self.env.flush_all()
        letter_ids = _insert_rows(self.env, self._name, letter_values)
        line_values = [
            {"interest_detail": None, **values, "letter_id": letter_id}
            for letter_id, lines in zip(letter_ids, lines_per_letter, strict=True)
            for values in lines
        ]
        for values in line_values:
            del values["move_id"]  # related to the receivable line, not stored
        _insert_rows(self.env, "credit.dunning.letter.line", line_values)
        self.env.invalidate_all()
        return self.browse(letter_ids)

    @api.model
    def _credit_charges_context(self, move_line_ids):
        """What every letter's charges need, fetched once: rates, payments, EUR."""
        rate_table = self.env["credit.interest.rate"]._credit_rate_table()
        return {
            "rate_table": {day: money.to_decimal(rate) for day, rate in rate_table.items()},
            "payments": self._credit_item_payments(move_line_ids),
            "eur": self.env.ref("base.EUR"),
            "converted": {},
        }

    def _credit_compute_charges(self, compensated_moves=None):
        """Compute again the amounts of existing letters (after a fix, e.g. a new rate)."""
        if compensated_moves is None:
            compensated_moves = self._credit_compensated_moves()
        context = self._credit_charges_context(self.line_ids.move_line_id.ids)
        for letter in self:
            letter_values = {
                "date": letter.date,
                "company_id": letter.company_id.id,
                "currency_id": letter.currency_id.id,
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
                        for key in ("interest_amount", "compensation_amount", "interest_detail")
                    }
                )
            letter.write(updates)

    @api.model
    def _credit_charges(self, letter, lines, level, policy, digits, compensated_moves, context):
        """Amount due, interest, EUR 40 compensation and fee of one letter.

        ``letter`` and ``lines`` are value dicts; the lines get their interest and
        compensation; returns the letter's amounts. When they cannot be computed (no
        rate for a half-year, no exchange rate) the letter goes to 'error' with the
        reason: a rate is never guessed, and the rest of the run goes on.
        """
        zero = money.to_decimal(0)
        error = False
        compensation = fee = zero
        try:
            if level.charge_compensation:
                compensation = self._credit_convert(
                    interest_core.FLAT_COMPENSATION_EUR, context["eur"], letter, context
                )
            if level.fee_type == "fixed":
                fee = self._credit_convert(
                    level.fee_fixed, level.company_id.currency_id, letter, context
                )
        except UserError as exc:
            error = exc.args[0]
        amount_due = total_interest = total_compensation = zero
        charge_interest = level.charge_interest
        statutory = policy.interest_type == "statutory"
        rate_table = context["rate_table"] if statutory else None
        fixed_rate = None if statutory else policy.contractual_rate
        for line in lines:
            amount_due += money.to_decimal(line["open_amount"])
            line["interest_amount"] = line["compensation_amount"] = 0.0
            if line["days_late"] <= 0 or error:
                continue
            if charge_interest:
                try:
                    result = interest_core.compute_interest(
                        line["amount"],
                        line["due_date"],
                        letter["date"],
                        payments=context["payments"].get(line["move_line_id"], ()),
                        rate_table=rate_table,
                        fixed_rate=fixed_rate,
                        digits=digits,
                    )
                except interest_core.MissingRateError as exc:
                    error = self.env._(
                        "No statutory late interest rate for the half-year(s) starting "
                        "%(periods)s: add it under Credit Control > Configuration > Late "
                        "Interest Rates, then put the letter back to review.",
                        periods=", ".join(str(day) for day in exc.half_years),
                    )
                    continue
                line["interest_amount"] = float(result.total)
                line["interest_detail"] = _format_interest(result, digits)
                total_interest += result.total
            if compensation and line["move_id"] not in compensated_moves:
                compensated_moves.add(line["move_id"])
                line["compensation_amount"] = float(compensation)
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

    def _credit_compensated_moves(self):
        lines = self.env["credit.dunning.letter.line"].search_fetch(
            [
                ("move_id", "in", self.line_ids.move_id.ids),
                ("compensation_amount", ">", 0),
                ("letter_id", "not in", self.ids),
                ("letter_id.state", "!=", "cancelled"),
            ],
            ["move_id"],
        )
        return set(lines.move_id.ids)

    @api.model
    def _credit_item_payments(self, line_ids):
        """``{receivable line id: [(date, amount in the line's currency)]}`` in one query."""
        if not line_ids:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT debit_move_id, max_date, debit_amount_currency "
                "FROM account_partial_reconcile WHERE debit_move_id = ANY(%s)",
                list(line_ids),
            )
        )
        payments = {}
        for line_id, day, amount in self.env.cr.fetchall():
            payments.setdefault(line_id, []).append((day, amount))
        return payments

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
                        "under Accounting > Configuration > Currencies, then put the "
                        "letter back to review.",
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
        if any(letter.state == "sent" for letter in self):
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
        reason and the others go on. Logs every sending on the customer and invoices."""
        sent = self.browse()
        for letter in self:
            try:
                with self.env.cr.savepoint():
                    letter._credit_send_one()
                sent |= letter
            except Exception as exc:
                _logger.info("Dunning letter %s not sent: %s", letter.id, exc)
                letter.write({"state": "error", "error_message": _error_text(exc)})
        sent._credit_schedule_calls()
        sent._credit_log_sending()
        return sent

    def _credit_send_one(self):
        self.ensure_one()
        values = {"state": "sent", "sent_date": fields.Datetime.now(), "error_message": False}
        if self.send_email:
            if self.partner_id.email:
                values["mail_id"] = self._credit_send_email().id
            else:
                values.update(
                    print_letter=True,
                    channel_note=self.env._("No e-mail address: sent as a printed letter instead."),
                )
        if self.level_id.post_charges and not self.charge_move_id:
            values["charge_move_id"] = self._credit_post_charges().id
        self.write(values)

    def _credit_send_email(self):
        """Queue the level's e-mail, in the customer's language, with the letter's PDF."""
        template = self.level_id.mail_template_id or self.env.ref(
            "credit_control.mail_template_dunning_letter"
        )
        attachment = self._credit_letter_attachment()
        mail_id = template.send_mail(
            self.id,
            email_values={"attachment_ids": [attachment.id]},
            raise_exception=True,
        )
        mail = self.env["mail.mail"].sudo().browse(mail_id)
        self.message_post(
            body=self.env._("Letter e-mailed to %(email)s.", email=self.partner_id.email),
            attachment_ids=attachment.ids,
        )
        return mail

    def _credit_letter_attachment(self):
        report = self.env.ref("credit_control.action_report_dunning_letter")
        content, _report_type = report._render_qweb_pdf(report, self.ids)
        filename = f"{self.level_id.with_context(lang=self.lang).name} {self.date}.pdf"
        return self.env["ir.attachment"].create(
            {
                "name": filename.replace("/", "-"),
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/pdf",
            }
        )

    def _credit_post_charges(self):
        """A posted customer invoice of the letter's fee, interest and compensation."""
        level = self.level_id
        lines = []
        for amount, label in (
            (self.fee_amount, self.env._("Dunning fee")),
            (self.interest_amount, self.env._("Late payment interest (D.Lgs. 231/2002)")),
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
        """A phone-call activity on the customer for its credit controller, in bulk."""
        letters = self.filtered("phone_call")
        if not letters:
            return
        call_type = self.env.ref("mail.mail_activity_data_call")
        partner_model = self.env["ir.model"]._get_id("res.partner")
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": partner_model,
                    "res_id": letter.partner_id.id,
                    "activity_type_id": call_type.id,
                    "user_id": (letter.company_id.credit_controller_id or self.env.user).id,
                    "date_deadline": fields.Date.context_today(self),
                    "summary": self.env._(
                        "Call about %(level)s (%(amount)s due)",
                        level=letter.level_id.name,
                        amount=letter.currency_id.format(letter.amount_total),
                    ),
                }
                for letter in letters
            ]
        )

    def _credit_log_sending(self):
        """One chatter note per customer and per invoice, in two batched calls."""
        if not self:
            return
        partner_bodies, move_bodies = {}, {}
        for letter in self:
            channels = ", ".join(
                label
                for flag, label in (
                    (letter.send_email and letter.mail_id, self.env._("e-mail")),
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
            partner_bodies[letter.partner_id.id] = body
            for move in letter.line_ids.move_id:
                move_bodies[move.id] = body
        self.env["res.partner"].browse(partner_bodies)._message_log_batch(partner_bodies)
        self.env["account.move"].browse(move_bodies)._message_log_batch(move_bodies)

    @api.model
    def _cron_retry_failed_mail(self):
        """Queue again the e-mails of sent letters that failed; after a few tries the
        letter goes to 'error' for a controller to look at."""
        letters = self.search([("state", "=", "sent"), ("mail_id.state", "=", "exception")])
        for letter in letters:
            if letter.mail_retry_count >= MAIL_RETRIES:
                letter.write(
                    {
                        "state": "error",
                        "error_message": self.env._(
                            "The e-mail failed %(count)s times: %(reason)s",
                            count=letter.mail_retry_count,
                            reason=letter.mail_id.failure_reason or "",
                        ),
                    }
                )
            else:
                letter.mail_id.mark_outgoing()
                letter.mail_retry_count += 1
        return letters


def _format_interest(result, digits):
    """The interest computation as text lines, for the letter and the item."""
    return "\n".join(
        f"{_day(segment.start)} - {_day(segment.end)}: "
        f"{segment.days} d x {segment.base:,.{digits}f} x {segment.rate}% / "
        f"{interest_core.YEAR_DAYS} = {segment.interest:,.{digits}f}"
        for segment in result.segments
    )


def _day(day):
    """dd/mm/yyyy, the way the letter shows dates (faster than strftime for thousands)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


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
