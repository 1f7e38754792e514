import base64
import binascii
import hashlib
import logging
import re
from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace
from xml.sax.saxutils import escape

from psycopg2 import errors as pg_errors

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools import email_normalize_all
from odoo.tools import format_date
from odoo.tools.misc import file_path

from ..core import sdi_archive
from ..core import sdi_effects
from ..core import sdi_parser

_logger = logging.getLogger(__name__)

MESSAGE_TYPES = [
    ("RC", "RC - Delivered"),
    ("NS", "NS - Rejected"),
    ("MC", "MC - Not delivered"),
    ("NE", "NE - Outcome of the public administration"),
    ("DT", "DT - Terms expired"),
    ("AT", "AT - Transmission certified, not delivered"),
    ("MT", "MT - Metadata"),
    ("EC", "EC - Buyer's outcome"),
    ("SE", "SE - Buyer's outcome discarded"),
]
PA_SCHEMA = "credit_control/data/sdi/MessaggiTypes_v1.1.xsd"
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")
DEFAULT_IMPORT_MAX_MB = 100
MAX_P7M_LAYERS = 3  # a file signed twice is common, three times is the most we unwrap
# A file is stored once per company while it can change an invoice (unmatched, matched):
# two imports of the same file at the same moment cannot both count.
UNIQUE_FILE_INDEX = "credit_sdi_notification_company_file_unique"


class CreditSdiNotification(models.Model):
    _name = "credit.sdi.notification"
    _description = "SdI e-invoice notification"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"

    name = fields.Char(required=True, readonly=True)
    active = fields.Boolean(
        default=True,
        help="Notifications are never deleted (they are the record of what the SdI said): "
        "archive them instead.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [
            ("matched", "Matched"),
            ("unmatched", "Unmatched"),
            ("invalid", "Invalid"),
            ("duplicate", "Duplicate"),
            ("unverified", "Unverified sender"),
        ],
        required=True,
        default="unmatched",
        readonly=True,
        tracking=True,
        index=True,
    )
    import_message = fields.Text(
        readonly=True, help="Why the file is invalid, a duplicate or unmatched."
    )
    file_name = fields.Char(readonly=True, help="Name of the notification file received.")
    attachment_id = fields.Many2one("ir.attachment", string="Original file", readonly=True)
    content_hash = fields.Char(readonly=True, index=True, copy=False)
    message_type = fields.Selection(MESSAGE_TYPES, string="Type", readonly=True, index=True)
    flow = fields.Selection(
        [("pa", "Public administration"), ("b2b", "Business / consumer")], readonly=True
    )
    sdi_identifier = fields.Char(string="SdI identifier", readonly=True, index=True)
    invoice_file_name = fields.Char(
        string="Invoice file", readonly=True, index=True, help="NomeFile, without .p7m."
    )
    received_date = fields.Datetime(
        string="Received by SdI", readonly=True, help="DataOraRicezione"
    )
    delivery_date = fields.Datetime(string="Delivered on", readonly=True)
    available_date = fields.Date(
        string="In reserved area since",
        readonly=True,
        help="DataMessaADisposizione: the day the invoice became available in the "
        "customer's reserved area of the tax portal.",
    )
    notification_date = fields.Date(
        string="Date",
        readonly=True,
        index=True,
        help="The day the SdI event happened (reception, delivery) or, failing that, "
        "the day the notification was imported.",
    )
    outcome = fields.Selection(
        [("EC01", "EC01 - Accepted"), ("EC02", "EC02 - Refused")], readonly=True
    )
    rejection_code = fields.Char(string="Outcome discarded (code)", readonly=True)
    invoice_number = fields.Char(readonly=True)
    invoice_year = fields.Integer(readonly=True)
    sdi_message_id = fields.Char(string="Message ID", readonly=True)
    description = fields.Text(readonly=True)
    note = fields.Text(readonly=True)
    error_ids = fields.One2many("credit.sdi.notification.error", "notification_id", readonly=True)
    error_codes = fields.Char(readonly=True, help="The rejection codes, comma separated.")
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        index=True,
        domain=[("move_type", "in", ("out_invoice", "out_refund"))],
    )
    partner_id = fields.Many2one(related="move_id.partner_id", store=True, string="Customer")
    applied = fields.Boolean(
        readonly=True, help="Whether the notification changed the invoice's e-invoice state."
    )
    duplicate_of_id = fields.Many2one("credit.sdi.notification", readonly=True)
    fixed_date = fields.Date(
        string="Fixed on",
        readonly=True,
        help="For a rejection: the day the corrected file went through the SdI.",
    )
    fix_days = fields.Integer(
        string="Days to fix",
        readonly=True,
        aggregator="avg",
        help="For a rejection: days between the rejection and the delivery of the corrected file.",
    )

    # ------------------------------------------------------------------------------------
    # Import: the scriptable entry point
    # ------------------------------------------------------------------------------------

    @api.model
    def import_files(self, files, strict=False):
        """Import SdI notifications (called over RPC too: Credit users only).

        :param files: list of ``(file_name, base64_content)``; a zip holds many files.
        :param strict: validate public-administration notifications against the schema.
        :return: the ids of the notifications created (a list XML-RPC can marshal).
        """
        if not (self.env.su or self.env.user.has_group("credit_control.group_credit_user")):
            raise AccessError(self.env._("Only credit users may import SdI notifications."))
        return self._credit_import_files(files, strict=strict).ids

    @api.model
    def _credit_import_files(self, files, strict=False):
        """Import SdI notifications; returns the notifications created, one per message
        (invalid ones included)."""
        decoded = [self._credit_decode(file_name, data) for file_name, data in files]
        self._credit_check_import_size(decoded)
        entries = []
        for file_name, content, error in decoded:
            if error:
                entries.append(self._credit_invalid_entry(file_name, content, error))
            else:
                entries.extend(self._credit_read_file(file_name, content, strict))
        return self._credit_create_from_entries(entries)

    def _credit_decode(self, file_name, data):
        """``(file_name, bytes, error)`` of one uploaded base64 file."""
        raw = data.encode() if isinstance(data, str) else bytes(data or b"")
        try:
            return file_name, base64.b64decode(b"".join(raw.split()), validate=True), None
        except (binascii.Error, ValueError):
            return file_name, raw, self.env._("The file content is not base64-encoded.")

    @api.model
    def _credit_import_max_bytes(self):
        """The most bytes one import may hold (files and zip members, uncompressed)."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("credit_control.sdi_import_max_mb", DEFAULT_IMPORT_MAX_MB)
        )
        try:
            megabytes = int(value)
        except (TypeError, ValueError):
            megabytes = DEFAULT_IMPORT_MAX_MB
        return max(megabytes, 1) * 1024 * 1024

    def _credit_check_import_size(self, decoded):
        """Refuse the whole import, before storing anything, when it holds more than the
        limit: every file counts, and every zip member at its uncompressed size."""
        limit = self._credit_import_max_bytes()
        total = 0
        for file_name, content, error in decoded:
            total += len(content)
            if not error:
                total += sdi_archive.declared_size(file_name, content)
        if total > limit:
            size = f"{total / 1024 / 1024:,.1f}"
            raise UserError(
                self.env._(
                    "This import holds %(size)s MB (files and zip contents), more than the "
                    "limit of %(limit)s MB: nothing was imported. Split it in smaller imports "
                    "or ask an administrator to raise the limit in the settings.",
                    size=size,
                    limit=limit // 1024 // 1024,
                )
            )

    def _credit_read_file(self, file_name, content, strict):
        """Entries (dicts) for one uploaded file: parsed message or the reason it is not."""
        try:
            inputs = sdi_archive.expand(file_name, content)
        except sdi_archive.ArchiveError as error:
            return [self._credit_invalid_entry(file_name, content, str(error))]
        if not inputs:
            return [
                self._credit_invalid_entry(
                    file_name, content, self.env._("The archive holds no file.")
                )
            ]
        return [self._credit_read_one(item.name, item.content, strict) for item in inputs]

    def _credit_read_one(self, file_name, content, strict):
        try:
            return self._credit_parse_one(file_name, content, strict)
        except Exception as error:
            _logger.info("SdI file %s cannot be read", file_name, exc_info=True)
            return self._credit_invalid_entry(
                file_name,
                content,
                self.env._("The file cannot be read: %s", repr(error)[:300]),
            )

    def _credit_parse_one(self, file_name, content, strict):
        try:
            xml = content
            layers = 0
            while sdi_archive.is_p7m(file_name if not layers else "", xml):
                if layers == MAX_P7M_LAYERS:
                    raise sdi_archive.ArchiveError(
                        self.env._(
                            "The file is signed in more than %s nested envelopes (.p7m): refused.",
                            MAX_P7M_LAYERS,
                        )
                    )
                xml = sdi_archive.unwrap_p7m(xml)
                layers += 1
            message = sdi_parser.parse_notification(xml)
            if strict and message.flow == "pa":
                problems = sdi_parser.validate_schema(xml, file_path(PA_SCHEMA))
                if problems:
                    return self._credit_invalid_entry(
                        file_name,
                        content,
                        self.env._("Not valid against the SdI schema:\n%s", "\n".join(problems)),
                    )
        except (sdi_archive.ArchiveError, sdi_parser.SdiParseError) as error:
            return self._credit_invalid_entry(file_name, content, str(error))
        return {"file_name": file_name, "content": content, "message": message}

    def _credit_invalid_entry(self, file_name, content, reason):
        return {"file_name": file_name, "content": content, "error": reason}

    def _credit_create_from_entries(self, entries, unverified_sender=None):
        """Store the entries as notifications and apply the matched ones.

        :param unverified_sender: the e-mail address of a sender that is not one of the
            configured SdI senders: the notifications are kept as "unverified sender" and
            change no invoice until a credit user confirms them.
        """
        company = self.env.company
        for entry in entries:
            entry["hash"] = hashlib.sha256(entry["content"]).hexdigest()
        self._credit_lock_files(entries, company)
        self._credit_mark_duplicates(entries, company)
        self._credit_match(entries, company)
        if unverified_sender:
            self._credit_mark_unverified(entries, unverified_sender)
        today = fields.Date.context_today(self)
        vals_list = [self._credit_values(entry, company, today) for entry in entries]
        try:
            with self.env.cr.savepoint():
                records = self.with_context(
                    mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True
                ).create(vals_list)
        except pg_errors.UniqueViolation as error:
            if UNIQUE_FILE_INDEX not in str(error):
                raise
            raise UserError(self._credit_busy_message()) from None
        self._credit_attach_originals(records, entries)
        records.filtered(lambda n: n.state == "matched")._credit_apply()
        return records

    def _credit_busy_message(self):
        return self.env._(
            "The same notification file is being imported by another user or by the mail "
            "gateway at this very moment: nothing was imported. Import it again in a moment; "
            "it will then be recognised as already imported."
        )

    def _credit_lock_files(self, entries, company):
        """Claim each file (its content hash) for this transaction; when another import
        holds one, stop with a plain message instead of storing the file twice."""
        keys = sorted(
            {
                int(hashlib.sha256(f"{company.id}:{e['hash']}".encode()).hexdigest()[:15], 16)
                for e in entries
                if e.get("message")
            }
        )
        for key in keys:
            self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
            if not self.env.cr.fetchone()[0]:
                raise UserError(self._credit_busy_message())

    def _credit_mark_unverified(self, entries, sender):
        for entry in entries:
            if entry.get("message") and entry.get("state") in ("matched", "unmatched"):
                entry["state"] = "unverified"
                entry["reason"] = self.env._(
                    "Sent by %(sender)s, which is not one of the SdI senders configured in "
                    "the settings: this notification changes no invoice until a credit user "
                    "confirms it comes from the SdI.",
                    sender=sender,
                )

    def _credit_values(self, entry, company, today):
        vals = {
            "company_id": company.id,
            "file_name": entry["file_name"],
            "content_hash": entry["hash"],
            "name": entry["file_name"] or self.env._("Notification"),
            "notification_date": today,
        }
        message = entry.get("message")
        if not message:
            guessed = sdi_parser.guess_type_from_file_name(entry["file_name"])
            vals.update(
                state="invalid", import_message=entry["error"], message_type=guessed or False
            )
            return vals
        event_time = message.delivered_at or message.received_at
        # the Italian day of the event (a rejection at 00:30 in Rome is that day, not the
        # UTC day before), never later than today in Italy
        italian_today = max(today, sdi_parser.italian_day(fields.Datetime.now()))
        vals.update(
            state=entry["state"],
            import_message=entry.get("reason", False),
            duplicate_of_id=entry.get("duplicate_of", False),
            move_id=entry.get("move_id", False),
            message_type=message.message_type,
            flow=message.flow,
            sdi_identifier=message.sdi_identifier,
            invoice_file_name=message.invoice_file_name or False,
            received_date=message.received_at,
            delivery_date=message.delivered_at,
            available_date=message.available_on,
            notification_date=(
                min(sdi_parser.italian_day(event_time), italian_today) if event_time else today
            ),
            outcome=message.outcome or False,
            rejection_code=message.rejection_code or False,
            invoice_number=message.invoice_number or False,
            invoice_year=message.invoice_year or False,
            sdi_message_id=message.message_id or False,
            description=message.description or False,
            note=message.note or False,
            error_codes=", ".join(error.code for error in message.errors) or False,
            error_ids=self._credit_error_commands(message.errors),
        )
        return vals

    def _credit_error_commands(self, errors):
        if not errors:
            return []
        catalogue = self._credit_error_catalogue()
        return [
            fields.Command.create(
                {
                    "sequence": position,
                    "code": error.code or "?",
                    "description": error.description,
                    "suggestion": error.suggestion,
                    "error_code_id": catalogue.get(error.code, False),
                }
            )
            for position, error in enumerate(errors)
        ]

    def _credit_error_catalogue(self):
        if "credit_sdi_catalogue" not in self.env.context:
            codes = self.env["credit.sdi.error.code"].search_fetch([], ["code"])
            self = self.with_context(credit_sdi_catalogue={code.code: code.id for code in codes})
        return self.env.context["credit_sdi_catalogue"]

    def _credit_attach_originals(self, records, entries):
        """Keep every file as received, attached to its notification (one INSERT batch)."""
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            # XML is stored as plain text (never served as HTML), and not full-text indexed
            .with_context(attachments_mime_plainxml=True, credit_no_index=True)
            .create(
                [
                    {
                        "name": entry["file_name"] or "notification",
                        "raw": entry["content"],
                        "res_model": self._name,
                        "res_id": record.id,
                    }
                    for record, entry in zip(records, entries, strict=True)
                ]
            )
        )
        self.env.cr.execute(
            """UPDATE credit_sdi_notification AS notification
                  SET attachment_id = attachment.id
                 FROM ir_attachment AS attachment
                WHERE attachment.id = ANY(%s)
                  AND attachment.res_model = %s
                  AND attachment.res_id = notification.id""",
            [attachments.ids, self._name],
        )
        records.invalidate_recordset(["attachment_id"])

    # ------------------------------------------------------------------------------------
    # Duplicates and matching, in bulk
    # ------------------------------------------------------------------------------------

    @api.model
    def _credit_identity(self, message):
        return (message.sdi_identifier, message.message_type, message.message_id)

    def _credit_mark_duplicates(self, entries, company):
        parsed = [entry for entry in entries if entry.get("message")]
        hashes = {entry["hash"] for entry in parsed}
        identifiers = {entry["message"].sdi_identifier for entry in parsed}
        existing = self.with_context(active_test=False).search_fetch(
            [
                ("company_id", "=", company.id),
                ("state", "not in", ("invalid", "unverified")),
                "|",
                ("content_hash", "in", list(hashes)),
                ("sdi_identifier", "in", list(identifiers)),
            ],
            ["content_hash", "sdi_identifier", "message_type", "sdi_message_id", "state"],
            order="id",
        )
        known = {}
        for notification in existing.filtered(lambda n: n.state != "duplicate"):
            known.setdefault(notification.content_hash, notification.id)
            identity = (
                notification.sdi_identifier,
                notification.message_type,
                notification.sdi_message_id or "",
            )
            known.setdefault(identity, notification.id)
        seen_in_batch = set()
        for entry in parsed:
            identity = self._credit_identity(entry["message"])
            original = known.get(entry["hash"]) or known.get(identity)
            if original or entry["hash"] in seen_in_batch or identity in seen_in_batch:
                entry["state"] = "duplicate"
                entry["duplicate_of"] = original
                entry["reason"] = self.env._(
                    "This notification was already imported: nothing was changed."
                )
            seen_in_batch.update((entry["hash"], identity))

    def _credit_match(self, entries, company):
        """Find each notification's invoice: by file name, SdI identifier, number and year."""
        todo = [e for e in entries if e.get("message") and e.get("state") != "duplicate"]
        by_name = self._credit_moves_by_file_name(
            {e["message"].invoice_file_name for e in todo if e["message"].invoice_file_name},
            company,
        )
        by_identifier = self._credit_moves_by_sdi_identifier(
            {e["message"].sdi_identifier for e in todo}, company
        )
        by_number = self._credit_moves_by_number(
            {
                (e["message"].invoice_number, e["message"].invoice_year)
                for e in todo
                if e["message"].invoice_number
            },
            company,
        )
        for entry in todo:  # a batch teaches its own SdI identifiers (RC then EC, ...)
            move_id = by_name.get(entry["message"].invoice_file_name)
            if move_id:
                by_identifier.setdefault(entry["message"].sdi_identifier, move_id)
        for entry in todo:
            message = entry["message"]
            move_id = (
                by_name.get(message.invoice_file_name)
                or by_identifier.get(message.sdi_identifier)
                or by_number.get((message.invoice_number, message.invoice_year))
            )
            entry["move_id"] = move_id
            entry["state"] = "matched" if move_id else "unmatched"
            if not move_id:
                entry["reason"] = self._credit_unmatched_reason(message, company)

    def _credit_moves_by_file_name(self, names, company):
        if not names:
            return {}
        result = {}
        earlier = self.search_fetch(
            [
                ("company_id", "=", company.id),
                ("invoice_file_name", "in", list(names)),
                ("move_id", "!=", False),
            ],
            ["invoice_file_name", "move_id"],
            order="id",
        )
        for notification in earlier:
            result[notification.invoice_file_name] = notification.move_id.id
        candidates = list(names) + [f"{name}.p7m" for name in names]
        moves = self.env["account.move"].search_fetch(
            [
                *self._credit_invoice_domain(company),
                ("credit_einvoice_file_name", "in", candidates),
            ],
            ["credit_einvoice_file_name"],
        )
        for move in moves:
            result[sdi_parser.strip_p7m(move.credit_einvoice_file_name)] = move.id
        return result

    def _credit_moves_by_sdi_identifier(self, identifiers, company):
        if not identifiers:
            return {}
        earlier = self.search_fetch(
            [
                ("company_id", "=", company.id),
                ("sdi_identifier", "in", list(identifiers)),
                ("move_id", "!=", False),
            ],
            ["sdi_identifier", "move_id"],
            order="id",
        )
        result = {notification.sdi_identifier: notification.move_id.id for notification in earlier}
        moves = self.env["account.move"].search_fetch(
            [
                *self._credit_invoice_domain(company),
                ("credit_einvoice_sdi_identifier", "in", list(identifiers)),
            ],
            ["credit_einvoice_sdi_identifier"],
        )
        result.update({move.credit_einvoice_sdi_identifier: move.id for move in moves})
        return result

    def _credit_moves_by_number(self, references, company):
        if not references:
            return {}
        numbers = {number for number, _year in references}
        moves = self.env["account.move"].search_fetch(
            [*self._credit_invoice_domain(company), ("name", "in", list(numbers))],
            ["name", "invoice_date"],
        )
        result = {}
        for move in moves:
            year = move.invoice_date.year if move.invoice_date else None
            if (move.name, year) in references:
                result[(move.name, year)] = move.id
        return result

    @api.model
    def _credit_invoice_domain(self, company):
        return [
            ("company_id", "=", company.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
        ]

    def _credit_unmatched_reason(self, message, company):
        """Tell the user when the invoice exists, but in another company."""
        elsewhere = False
        if message.invoice_file_name:
            elsewhere = (
                self.env["account.move"]
                .sudo()
                .search(
                    [
                        ("company_id", "!=", company.id),
                        (
                            "credit_einvoice_file_name",
                            "in",
                            [message.invoice_file_name, f"{message.invoice_file_name}.p7m"],
                        ),
                    ],
                    limit=1,
                )
            )
        if elsewhere:
            return self.env._(
                "The invoice file %(file)s belongs to an invoice of the company %(company)s: "
                "import this notification while working in that company.",
                file=message.invoice_file_name,
                company=elsewhere.company_id.name,
            )
        return self.env._(
            "No invoice of %(company)s has the e-invoice file %(file)s, the SdI identifier "
            "%(identifier)s or the number given: match it by hand.",
            company=company.name,
            file=message.invoice_file_name or "-",
            identifier=message.sdi_identifier,
        )

    # ------------------------------------------------------------------------------------
    # Effects on the invoices
    # ------------------------------------------------------------------------------------

    def _credit_apply(self):
        """Move each matched invoice's e-invoice state, in the order the SdI sent them."""
        by_move = defaultdict(list)
        ordered = self.sorted(
            lambda n: (n.received_date or n.create_date, n.delivery_date or n.create_date, n.id)
        )
        for notification in ordered:
            by_move[notification.move_id].append(notification)
        transitions = []
        applied = self.browse()
        for move, notifications in by_move.items():
            for notification, new_state in self._credit_transitions(move, notifications):
                transitions.append((move, new_state, notification))
                applied |= notification
        applied.write({"applied": True})
        # the invoice side (e-invoice fields, tasks) is written by this code as superuser:
        # a Credit user without an accounting group records what the SdI said, and gets
        # no right to edit invoices
        self.env["account.move"].sudo()._credit_einvoice_apply(
            [
                (move.sudo(), new_state, notification)
                for move, new_state, notification in transitions
            ]
        )

    def _credit_transitions(self, move, notifications):
        """The (notification, new state) pairs that change ``move``, in order."""
        state = move.credit_einvoice_state
        current_file = sdi_parser.strip_p7m(move.credit_einvoice_file_name)
        for notification in notifications:
            if (
                notification.invoice_file_name
                and current_file
                and notification.invoice_file_name != current_file
            ):
                notification.import_message = self.env._(
                    "This notification answers an earlier file (%(old)s) of the invoice, "
                    "now sent as %(new)s: recorded without effect.",
                    old=notification.invoice_file_name,
                    new=current_file,
                )
                continue
            new_state = sdi_effects.next_state(
                state, notification.message_type, notification.outcome or ""
            )
            if new_state:
                yield notification, new_state
                state = new_state

    # ------------------------------------------------------------------------------------
    # Other ways in and user actions
    # ------------------------------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A notification e-mail (PEC) arrives on the alias: import its attachments.

        Whatever the e-mail holds, it is kept: an attachment that cannot be read is an
        invalid notification of its own (the others are imported), an e-mail that cannot
        be read at all is an invalid notification with the raw message attached. Each
        notification lands in the company of its invoice. A sender that is not one of the
        configured SdI senders changes no invoice until a credit user confirms it.

        The PEC mailbox also receives the receipts of dunning letters sent by PEC: those
        go to their letter (attached there, dating its delivery), not to the SdI."""
        try:
            with self.env.cr.savepoint():
                letters = self.env["credit.dunning.letter"]._credit_apply_pec_receipts(msg_dict)
        except Exception:
            # not a receipt we can read: it is kept below like any other e-mail
            _logger.info("PEC receipt %s unreadable", msg_dict.get("message_id"), exc_info=True)
            letters = None
        if letters:
            return letters[:1]
        sender = self._credit_unverified_sender(msg_dict.get("email_from"))
        try:
            with self.env.cr.savepoint():
                records = self._credit_import_email(msg_dict, sender)
        except Exception as error:
            _logger.info("SdI e-mail %s cannot be read", msg_dict.get("message_id"), exc_info=True)
            records = self._credit_keep_email(
                msg_dict, self.env._("The e-mail cannot be read: %s", repr(error)[:300])
            )
        return records[:1]

    def _credit_import_email(self, msg_dict, sender):
        decoded = []
        for attachment in msg_dict.get("attachments") or []:
            name, content = attachment[0], attachment[1]
            if isinstance(content, str):
                try:
                    content = content.encode(self._credit_declared_encoding(content))
                except (LookupError, UnicodeError):
                    decoded.append(
                        (
                            name,
                            content.encode("utf-8", "replace"),
                            self.env._(
                                "The file declares an encoding its text does not fit: "
                                "it cannot be read."
                            ),
                        )
                    )
                    continue
            decoded.append((name, bytes(content or b""), None))
        if not decoded:
            return self._credit_keep_email(
                msg_dict, self.env._("The e-mail has no attachment to read as a notification.")
            )
        try:
            self._credit_check_import_size(decoded)
        except UserError as error:
            return self._credit_keep_email(msg_dict, str(error), keep_raw=False)
        entries = []
        for file_name, content, error in decoded:
            if error:
                entries.append(self._credit_invalid_entry(file_name, content, error))
            else:
                entries.extend(self._credit_read_file(file_name, content, False))
        records = self.browse()
        for company, company_entries in self._credit_entries_by_company(entries).items():
            records |= self.with_company(company)._credit_create_from_entries(
                company_entries, unverified_sender=sender
            )
        return records

    def _credit_keep_email(self, msg_dict, reason, keep_raw=True):
        """An invalid notification holding the e-mail as received."""
        raw = self.env.context.get("credit_sdi_raw_email") if keep_raw else None
        if keep_raw and not raw:
            raw = (msg_dict.get("body") or "").encode()
        entry = self._credit_invalid_entry(
            f"{(msg_dict.get('subject') or 'e-mail')[:200]}.eml", raw or b"", reason
        )
        return self._credit_create_from_entries([entry])

    @api.model
    def _credit_sender_addresses(self):
        """The SdI senders configured in the settings, of every company (lower case);
        an entry ``@domain`` accepts every address of that domain."""
        companies = (
            self.env["res.company"].sudo().search([("credit_sdi_sender_emails", "!=", False)])
        )
        addresses = set()
        for company in companies:
            for item in re.split(r"[\s,;]+", company.credit_sdi_sender_emails or ""):
                if item:
                    addresses.add(item.strip().lower())
        return addresses

    @api.model
    def _credit_unverified_sender(self, email_from):
        """The sender's address when it is not a configured SdI sender, else False."""
        found = email_normalize_all(email_from or "")
        address = found[0] if found else (email_from or "").strip() or "?"
        allowed = self._credit_sender_addresses()
        domain = address.rpartition("@")[2]
        if address in allowed or (domain and f"@{domain}" in allowed):
            return False
        return address

    def _credit_entries_by_company(self, entries):
        """Group e-mail entries by the company of the invoice they speak of (by e-invoice
        file name, then SdI identifier); the others go to the alias's company."""
        names, identifiers = set(), set()
        for entry in entries:
            message = entry.get("message")
            if message and message.invoice_file_name:
                names |= {message.invoice_file_name, f"{message.invoice_file_name}.p7m"}
            if message and message.sdi_identifier:
                identifiers.add(message.sdi_identifier)
        moves = self.env["account.move"].sudo()
        by_name, by_identifier = {}, {}
        if names or identifiers:
            found = moves.search_fetch(
                [
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    "|",
                    ("credit_einvoice_file_name", "in", list(names)),
                    ("credit_einvoice_sdi_identifier", "in", list(identifiers)),
                ],
                ["company_id", "credit_einvoice_file_name", "credit_einvoice_sdi_identifier"],
            )
            for move in found:
                if move.credit_einvoice_file_name:
                    by_name[sdi_parser.strip_p7m(move.credit_einvoice_file_name)] = move.company_id
                if move.credit_einvoice_sdi_identifier:
                    by_identifier[move.credit_einvoice_sdi_identifier] = move.company_id
        groups = defaultdict(list)
        for entry in entries:
            message = entry.get("message")
            company = self.env.company
            if message:
                company = (
                    by_name.get(message.invoice_file_name)
                    or by_identifier.get(message.sdi_identifier)
                    or company
                )
            groups[company].append(entry)
        return groups

    @api.model
    def _credit_declared_encoding(self, text):
        found = XML_ENCODING.match(text[:200].encode("ascii", "replace"))
        encoding = found.group(1).decode() if found else "utf-8"
        return "utf-8" if encoding.lower().startswith("utf-16") else encoding

    def _credit_check_credit_user(self):
        """Matching and confirming change invoices: for the credit team (and the
        scheduled actions), whatever the caller's access to the notification."""
        if not (self.env.su or self.env.user.has_group("credit_control.group_credit_user")):
            raise AccessError(
                self.env._("Only credit users may match or confirm SdI notifications.")
            )
        self.check_access("write")

    def action_match_invoice(self, move):
        """Match unmatched notifications to ``move`` (the invoice, or its id over RPC) by
        hand and apply them."""
        self._credit_check_credit_user()
        if isinstance(move, int):
            move = self.env["account.move"].browse(move).exists()
        if move:
            move.check_access("read")  # an invoice this user may see, in its companies
        if not move or move.move_type not in ("out_invoice", "out_refund"):
            raise UserError(self.env._("Choose a customer invoice or credit note."))
        for notification in self:
            if notification.state != "unmatched":
                raise UserError(
                    self.env._(
                        "Only unmatched notifications can be matched by hand; "
                        "%(name)s is %(state)s.",
                        name=notification.display_name,
                        state=notification.state,
                    )
                )
            if notification.company_id != move.company_id:
                raise UserError(
                    self.env._("The invoice must belong to the notification's company.")
                )
            notification._credit_check_not_before_invoice(move)
        if not move.credit_einvoice_file_name and self[:1].invoice_file_name:
            # on the credit user's behalf: the credit team needs no accounting group
            move.sudo().credit_einvoice_file_name = self[:1].invoice_file_name
        self.write({"move_id": move.id, "state": "matched", "import_message": False})
        self._credit_apply()
        return True

    def _credit_check_not_before_invoice(self, move):
        """The SdI cannot reject (or answer for) an invoice before it was issued."""
        if (
            self.message_type == "NS"
            and move.invoice_date
            and self.notification_date
            and self.notification_date < move.invoice_date
        ):
            raise UserError(
                self.env._(
                    "The rejection %(name)s is dated %(date)s, before the invoice %(invoice)s "
                    "of %(invoice_date)s: it cannot answer that invoice. Choose the invoice "
                    "that was sent before the rejection.",
                    name=self.display_name,
                    date=format_date(self.env, self.notification_date),
                    invoice=move.name,
                    invoice_date=format_date(self.env, move.invoice_date),
                )
            )

    def action_retry_match(self):
        """Look again for the invoices of unmatched notifications (e.g. after a file name
        was set on an invoice) and apply the ones found."""
        self._credit_check_credit_user()
        unmatched = self.filtered(lambda n: n.state == "unmatched")
        for company in unmatched.company_id:
            notifications = unmatched.filtered(lambda n, c=company: n.company_id == c)
            entries = [
                {
                    "record": notification,
                    "message": SimpleNamespace(
                        invoice_file_name=notification.invoice_file_name or "",
                        sdi_identifier=notification.sdi_identifier or "",
                        invoice_number=notification.invoice_number or "",
                        invoice_year=notification.invoice_year or None,
                    ),
                }
                for notification in notifications
            ]
            self.with_company(company)._credit_match(entries, company)
            found = self.browse()
            for entry in entries:
                if entry["move_id"]:
                    entry["record"].write(
                        {"move_id": entry["move_id"], "state": "matched", "import_message": False}
                    )
                    found |= entry["record"]
            found._credit_apply()
        return True

    def action_confirm_sender(self):
        """A credit user confirms that notifications from an unknown sender really come
        from the SdI: they are checked for duplicates and matched like a fresh import."""
        self._credit_check_credit_user()
        # the invoices are looked up and updated on the credit user's behalf
        todo = self.sudo().filtered(lambda n: n.state == "unverified")
        for company in todo.company_id:
            notifications = todo.filtered(lambda n, c=company: n.company_id == c)
            entries = [
                {
                    "record": notification,
                    "hash": notification.content_hash,
                    "message": SimpleNamespace(
                        message_type=notification.message_type,
                        message_id=notification.sdi_message_id or "",
                        invoice_file_name=notification.invoice_file_name or "",
                        sdi_identifier=notification.sdi_identifier or "",
                        invoice_number=notification.invoice_number or "",
                        invoice_year=notification.invoice_year or None,
                    ),
                }
                for notification in notifications
            ]
            model = todo.with_company(company)
            model._credit_lock_files(entries, company)
            model._credit_mark_duplicates(entries, company)
            model._credit_match(entries, company)
            matched = todo.browse()
            for entry in entries:
                entry["record"].write(
                    {
                        "state": entry["state"],
                        "move_id": entry.get("move_id") or False,
                        "duplicate_of_id": entry.get("duplicate_of") or False,
                        "import_message": entry.get("reason") or False,
                    }
                )
                if entry["state"] == "matched":
                    matched |= entry["record"]
            matched._credit_apply()
        return True

    def unlink(self):
        """Notifications are the record of what the SdI said: they are archived, never
        deleted (only the superuser may)."""
        # before the access check: its "not allowed" would not say to archive instead;
        # the superuser (module uninstall) still deletes
        if self and not self.env.su:
            raise UserError(  # pylint: disable=no-raise-unlink
                self.env._(
                    "SdI notifications and their original files are kept: archive the "
                    "notification instead of deleting it."
                )
            )
        return super().unlink()

    def write(self, vals):
        if not self.env.su and {"attachment_id", "content_hash"} & set(vals):
            raise UserError(
                self.env._("The original file of an SdI notification cannot be replaced.")
            )
        return super().write(vals)

    def init(self):
        """One notification per company and file while it can change an invoice; files
        stored twice by concurrent imports before this index existed become duplicates."""
        self.env.cr.execute(
            """UPDATE credit_sdi_notification AS later
                  SET state = 'duplicate', duplicate_of_id = earlier.id
                 FROM credit_sdi_notification AS earlier
                WHERE later.company_id = earlier.company_id
                  AND later.content_hash = earlier.content_hash
                  AND later.id > earlier.id
                  AND later.state IN ('matched', 'unmatched')
                  AND earlier.state IN ('matched', 'unmatched')"""
        )
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS %s
                        ON credit_sdi_notification (company_id, content_hash)
                     WHERE state IN ('matched', 'unmatched')""",
                SQL.identifier(UNIQUE_FILE_INDEX),
            )
        )

    def action_open_match_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Match to invoice"),
            "res_model": "credit.sdi.match.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_notification_ids": self.ids},
        }

    def action_open_attachment(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------------------------

    @api.model
    def _credit_demo_load(self, partner_ids):
        """Demo invoices and their notifications (a rejection, a non-delivery, a delivery)."""
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.env.company.id)], limit=1
        )
        if not journal:
            return
        partner, public_body = self.env["res.partner"].browse(partner_ids)
        today = fields.Date.context_today(self)
        plan = [
            (partner, "IT01234567890_DEMO1.xml", 1830.0, 2),
            (partner, "IT01234567890_DEMO2.xml", 640.0, 6),
            (public_body, "IT01234567890_DEMO3.xml", 12200.0, 10),
            (partner, "IT01234567890_DEMO4.xml", 980.0, 20),
        ]
        moves = self.env["account.move"]
        for customer, file_name, amount, age in plan:
            move = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "journal_id": journal.id,
                    "invoice_date": today - timedelta(days=age),
                    "invoice_user_id": self.env.ref("base.user_admin").id,
                    "invoice_line_ids": [
                        fields.Command.create(
                            {
                                "name": "Arredi su misura",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
            move.action_post()
            move.write({"credit_einvoice_file_name": file_name, "credit_einvoice_state": "sent"})
            moves |= move
        files = [
            _demo_file(
                "NS",
                "IT01234567890_DEMO1.xml",
                today - timedelta(days=1),
                "DEMO-1",
                [
                    (
                        "00305",
                        "1.4.1.1.2 <IdCodice> non valido : 00000000000",
                        "Verificare la partita IVA del cessionario/committente",
                    ),
                    (
                        "00311",
                        "1.1.4 <CodiceDestinatario> non valido : Codice Destinatario B2B "
                        "XYZ1234 non trovato",
                        "Verificare il CodiceDestinatario",
                    ),
                ],
            ),
            _demo_file("MC", "IT01234567890_DEMO2.xml", today - timedelta(days=5), "DEMO-2"),
            _demo_file("RC", "IT01234567890_DEMO3.xml", today - timedelta(days=9), "DEMO-3"),
            _demo_file(
                "NS",
                "IT01234567890_DEMO4.xml",
                today - timedelta(days=19),
                "DEMO-4",
                [
                    ("00423", "2.2.1.11 <PrezzoTotale> non calcolato secondo le regole", ""),
                ],
            ),
        ]
        self._credit_import_files(files)
        fixed = moves[3]
        fixed.credit_einvoice_file_name = "IT01234567890_DEMO5.xml"
        fixed.action_credit_einvoice_resubmitted()
        self._credit_import_files(
            [_demo_file("RC", "IT01234567890_DEMO5.xml", today - timedelta(days=16), "DEMO-5")]
        )


def _demo_file(message_type, invoice_file, day, sdi_identifier, errors=()):
    """A B2B notification as the SdI would send it, for the demo."""
    root = {"NS": "RicevutaScarto", "MC": "RicevutaImpossibilitaRecapito"}.get(
        message_type, "RicevutaConsegna"
    )
    moment = f"{day.isoformat()}T10:00:00.000+01:00"
    body = f"<NomeFile>{invoice_file}</NomeFile>"
    body += f"<DataOraRicezione>{moment}</DataOraRicezione>"
    if message_type == "RC":
        body += f"<DataOraConsegna>{moment}</DataOraConsegna>"
    if message_type == "MC":
        body += (
            f"<DataMessaADisposizione>{day.isoformat()}</DataMessaADisposizione>"
            "<Descrizione>La fattura è disponibile nell'area riservata.</Descrizione>"
        )
    if errors:
        body += "<ListaErrori>"
        for code, description, suggestion in errors:
            body += (
                f"<Errore><Codice>{code}</Codice><Descrizione>{escape(description)}</Descrizione>"
                f"<Suggerimento>{escape(suggestion)}</Suggerimento></Errore>"
            )
        body += "</ListaErrori>"
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><ns3:{root} versione="1.0" '
        f'xmlns:ns3="{sdi_parser.NAMESPACE_B2B}"><IdentificativoSdI>{sdi_identifier}'
        f"</IdentificativoSdI>{body}<MessageId>{sdi_identifier}</MessageId></ns3:{root}>"
    )
    file_name = f"{invoice_file[:-4]}_{message_type}_001.xml"
    return file_name, base64.b64encode(xml.encode())
