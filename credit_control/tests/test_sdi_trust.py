"""Nothing lost, nothing faked: SdI notifications tried as a careless or hostile user would."""

import base64
import contextlib
import hashlib
import io
import logging
import time
import tracemalloc
import zipfile
from email.message import EmailMessage
from pathlib import Path

from odoo import SUPERUSER_ID
from odoo import api
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .sdi_common import SdiCommon

MB = 1024 * 1024

_logger = logging.getLogger(__name__)


def email_with(sender, attachments, message_id):
    """An e-mail to the SdI alias; ``attachments`` as (name, bytes, subtype)."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = "sdi-notifications@example.com"
    email["Subject"] = "POSTA CERTIFICATA: Ricevuta"
    email["Message-Id"] = f"<{message_id}@pec.example>"
    email.set_content("Ricevuta in allegato")
    for name, content, subtype in attachments:
        email.add_attachment(content, maintype="application", subtype=subtype, filename=name)
    return email.as_string()


@tagged("post_install", "-at_install")
class TestSdiOriginalsKept(SdiCommon):
    def test_nobody_deletes_a_notification_or_its_original_file(self):
        notification = self._import(self._rc("IT01234567890_00400.xml"))
        original = notification.attachment_id
        for user in (self.credit_manager, self.env.user):  # credit manager, administrator
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "archive the notification"):
                    notification.with_user(user).unlink()
                with self.assertRaisesRegex(UserError, "cannot be deleted"):
                    original.with_user(user).unlink()
                with self.assertRaisesRegex(UserError, "cannot be changed"):
                    original.with_user(user).write({"raw": b"<forged/>"})
                with self.assertRaisesRegex(UserError, "cannot be replaced"):
                    notification.with_user(user).write({"attachment_id": False})
        notification.with_user(self.credit_manager).action_archive()
        self.assertFalse(notification.active)
        self.assertIn(b"IT01234567890_00400.xml", original.exists().raw)
        # archived, the file still counts: the same file again is a duplicate
        self.assertEqual(self._import(self._rc("IT01234567890_00400.xml")).state, "duplicate")

    def test_nobody_deletes_a_business_report_or_its_payload(self):
        provider = self.env["credit.report.provider"].create({"name": "Bureau", "kind": "file"})
        report = self.env["credit.business.report"]._credit_create_reports(
            [
                {
                    "partner_id": self.customer.id,
                    "provider_id": provider.id,
                    "score": 70.0,
                    "raw_payload": b'{"vat": "IT1", "score": 70}',
                }
            ]
        )
        payload = report.attachment_id
        self.assertTrue(payload)
        for user in (self.credit_manager, self.env.user):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "archive the report"):
                    report.with_user(user).unlink()
                with self.assertRaisesRegex(UserError, "cannot be deleted"):
                    payload.with_user(user).unlink()
        report.with_user(self.credit_manager).action_archive()
        self.assertTrue(payload.exists())

    def test_originals_are_not_full_text_indexed(self):
        padding = "<Note>" + "parola " * 20000 + "</Note><MessageId>"
        rc_name, rc_data = self._rc("IT01234567890_00401.xml")
        xml = base64.b64decode(rc_data).decode().replace("<MessageId>", padding)
        notification = self._import(self._raw(rc_name, xml))
        attachment = notification.attachment_id.sudo()
        self.assertEqual(attachment.file_size, len(xml.encode()))
        self.assertFalse(attachment.index_content, "140 KB of text not copied into the index")
        self.assertNotIn("html", attachment.mimetype, "never served as a web page")


@tagged("post_install", "-at_install")
class TestSdiEmailsKept(SdiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.credit_sdi_sender_emails = "sdi01@pec.fatturapa.it, @pec.intermediario.it"

    def _deliver(self, raw):
        thread_id = self.env["mail.thread"].message_process("credit.sdi.notification", raw)
        return self.env["credit.sdi.notification"].browse(thread_id)

    def test_one_unreadable_attachment_does_not_stop_the_others(self):
        invoice = self._sdi_invoice("IT01234567890_00410.xml")
        rc_name, rc_data = self._rc("IT01234567890_00410.xml")
        recursive_p7m = b"\x30\x80" * 50000  # envelopes nested 50,000 deep
        raw = email_with(
            "sdi01@pec.fatturapa.it",
            [
                ("IT01234567890_00410_RC_001.xml.p7m", recursive_p7m, "pkcs7-mime"),
                (rc_name, base64.b64decode(rc_data), "xml"),
                (
                    "garbled.xml",
                    b"<?xml version='1.0' encoding='no-such-codec'?><a/>",
                    "xml",
                ),
            ],
            "sdi-trust-410",
        )
        self._deliver(raw)
        received = self.Notification.search(
            [("file_name", "in", [rc_name, "IT01234567890_00410_RC_001.xml.p7m", "garbled.xml"])]
        )
        by_name = {n.file_name: n for n in received}
        self.assertEqual(len(received), 3)
        self.assertEqual(by_name[rc_name].state, "matched")
        self.assertEqual(invoice.credit_einvoice_state, "delivered")
        p7m = by_name["IT01234567890_00410_RC_001.xml.p7m"]
        self.assertEqual(p7m.state, "invalid")
        self.assertIn("cannot be read", p7m.import_message)
        self.assertEqual(p7m.attachment_id.raw, recursive_p7m, "kept byte for byte")
        self.assertEqual(by_name["garbled.xml"].state, "invalid")

    def test_an_email_that_cannot_be_read_is_kept_whole(self):
        raw = email_with("sdi01@pec.fatturapa.it", [], "sdi-trust-411")
        notification = self._deliver(raw)
        self.assertEqual(notification.state, "invalid")
        self.assertIn("no attachment", notification.import_message)
        self.assertTrue(notification.file_name.endswith(".eml"))
        self.assertIn(b"Message-Id: <sdi-trust-411@pec.example>", notification.attachment_id.raw)

    def test_an_unknown_sender_changes_no_invoice_until_confirmed(self):
        invoice = self._sdi_invoice("IT01234567890_00412.xml")
        ns_name, ns_data = self._ns("IT01234567890_00412.xml")
        forged = self._deliver(
            email_with(
                "attacker@example.com",
                [(ns_name, base64.b64decode(ns_data), "xml")],
                "sdi-trust-412",
            )
        )
        self.assertEqual(forged.state, "unverified")
        self.assertIn("attacker@example.com", forged.import_message)
        self.assertEqual(
            invoice.credit_einvoice_state, "sent", "a forged rejection changes nothing"
        )
        self.assertFalse(invoice.activity_ids)
        viewer = self._credit_user("viewer.sdi", "credit_control.group_credit_viewer")
        with self.assertRaises(AccessError):
            forged.with_user(viewer).action_confirm_sender()
        self.assertEqual(forged.state, "unverified")
        clerk = self._credit_user("clerk.sdi", "credit_control.group_credit_user")
        forged.with_user(clerk).action_confirm_sender()
        self.assertEqual(forged.state, "matched")
        self.assertEqual(invoice.credit_einvoice_state, "rejected")

    def test_a_known_sender_or_domain_is_applied_at_once(self):
        invoice = self._sdi_invoice("IT01234567890_00413.xml")
        rc_name, rc_data = self._rc("IT01234567890_00413.xml")
        notification = self._deliver(
            email_with(
                "Per conto di: SDI <posta-certificata@PEC.intermediario.it>",
                [(rc_name, base64.b64decode(rc_data), "xml")],
                "sdi-trust-413",
            )
        )
        self.assertEqual(notification.state, "matched")
        self.assertEqual(invoice.credit_einvoice_state, "delivered")

    def test_a_company_b_notification_lands_in_company_b(self):
        other = self.setup_other_company(name="Filiale Sud")["company"]
        foreign = self._credit_invoice(self.customer, 500.0, self.today, post=False)
        foreign.write(
            {
                "company_id": other.id,
                "journal_id": self.env["account.journal"]
                .search([("company_id", "=", other.id), ("type", "=", "sale")], limit=1)
                .id,
            }
        )
        foreign.action_post()
        foreign.write(
            {
                "credit_einvoice_file_name": "IT09999999999_00414.xml",
                "credit_einvoice_state": "sent",
            }
        )
        rc_name, rc_data = self._rc("IT09999999999_00414.xml")
        notification = self._deliver(
            email_with(
                "sdi01@pec.fatturapa.it",
                [(rc_name, base64.b64decode(rc_data), "xml")],
                "sdi-trust-414",
            )
        )
        self.assertEqual(notification.company_id, other)
        self.assertEqual(notification.state, "matched")
        self.assertEqual(foreign.credit_einvoice_state, "delivered")


@tagged("post_install", "-at_install")
class TestSdiBoundedWork(SdiCommon):
    def _counts(self):
        attachments = self.env["ir.attachment"].sudo()
        return (
            self.Notification.with_context(active_test=False).search_count([]),
            attachments.search_count([("res_model", "=", "credit.sdi.notification")]),
        )

    def test_an_import_over_the_limit_is_refused_before_anything_is_stored(self):
        self.env["ir.config_parameter"].sudo().set_param("credit_control.sdi_import_max_mb", 1)
        before = self._counts()
        two_files = [self._raw(f"IT1_{n}_RC_001.xml", b"x" * 600_000) for n in (1, 2)]
        with self.assertRaisesRegex(UserError, "more than the limit of 1 MB: nothing was imported"):
            self._import(*two_files)
        buffer = io.BytesIO()  # 70 KB on the wire, 1.5 MB once opened
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("IT1_3_RC_001.xml", b"<a/>" + b" " * 1_500_000)
        with self.assertRaisesRegex(UserError, "limit of 1 MB"):
            self._import(self._raw("batch.zip", buffer.getvalue()))
        self.assertEqual(self._counts(), before)
        self.assertEqual(len(self._import(two_files[0])), 1, "under the limit: imported")

    @staticmethod
    def _process_memory():
        """(current, peak) resident memory of this process in bytes (Linux)."""
        status = Path("/proc/self/status").read_text()
        values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return tuple(int(values[key].split()[0]) * 1024 for key in ("VmRSS", "VmHWM"))

    def test_memory_of_a_100_mb_import(self):
        """25 files of 4 MB: 100 MB, the default limit, the upload already in memory.
        Measured twice: the process's peak resident memory above what it held before
        (the worker's memory limit counts that), and Python's own peak (tracemalloc)."""
        files = [self._raw(f"IT1_{n}_RC_001.xml", bytes([65 + n % 26]) * 4 * MB) for n in range(25)]
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")  # restart the peak from here
        rss_before, _peak = self._process_memory()
        tracemalloc.start()
        started = time.monotonic()
        try:
            notifications = self._import(*files)
            _current, python_peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        elapsed = time.monotonic() - started
        _rss, rss_peak = self._process_memory()
        growth = max(rss_peak - rss_before, 0)
        _logger.info(
            f"100 MB SdI import: process peak +{growth / MB:.0f} MB resident, "
            f"Python peak {python_peak / MB:.0f} MB, {elapsed:.1f} s"
        )
        self.assertEqual(len(notifications), 25)
        self.assertEqual(set(notifications.mapped("state")), {"invalid"})
        self.assertLess(python_peak, 500 * MB)
        self.assertLess(growth, 500 * MB)
        self.assertFalse(any(notifications.attachment_id.sudo().mapped("index_content")))


@tagged("post_install", "-at_install")
class TestSdiSameFileTwiceAtOnce(SdiCommon):
    """Two real transactions (two database connections), as two users clicking Import on
    the same file at the same moment would open."""

    def _env(self, cr):
        cr.execute("SET lock_timeout = '5s'")
        return api.Environment(cr, SUPERUSER_ID, {})

    def _file(self, number):
        return self._rc(f"IT05555555555_{number}.xml", sdi_identifier=f"77{number}")

    def _forget(self, content_hashes):
        with self.registry.cursor() as cr:
            cr.execute(
                """DELETE FROM ir_attachment WHERE res_model = 'credit.sdi.notification'
                      AND res_id IN (SELECT id FROM credit_sdi_notification
                                      WHERE content_hash = ANY(%s))""",
                [content_hashes],
            )
            cr.execute(
                "DELETE FROM credit_sdi_notification WHERE content_hash = ANY(%s)", [content_hashes]
            )

    def test_the_second_import_while_the_first_runs_gets_a_plain_message(self):
        file = self._file("00901")
        with self.registry.cursor() as first_cr, self.registry.cursor() as second_cr:
            first = self._env(first_cr)["credit.sdi.notification"]._credit_import_files([file])
            self.assertEqual(first.state, "unmatched")
            with self.assertRaisesRegex(UserError, "being imported by another user") as refusal:
                self._env(second_cr)["credit.sdi.notification"]._credit_import_files([file])
            self.assertNotIn("unique", str(refusal.exception))
            second_cr.execute(
                "SELECT count(*) FROM credit_sdi_notification WHERE content_hash = %s",
                [first.content_hash],
            )
            self.assertEqual(second_cr.fetchone()[0], 0, "nothing stored by the loser")
            first_cr.rollback()
            second_cr.rollback()

    @mute_logger("odoo.sql_db")  # the unique index refusing the loser's row is expected
    def test_an_import_that_started_before_the_other_committed(self):
        file = self._file("00902")
        content_hash = hashlib.sha256(base64.b64decode(file[1])).hexdigest()
        self.addCleanup(self._forget, [content_hash])
        with self.registry.cursor() as first_cr, self.registry.cursor() as second_cr:
            second = self._env(second_cr)
            second_cr.execute("SELECT 1 FROM credit_sdi_notification LIMIT 1")  # its snapshot
            self._env(first_cr)["credit.sdi.notification"]._credit_import_files([file])
            first_cr.commit()
            with self.assertRaisesRegex(UserError, "being imported by another user"):
                second["credit.sdi.notification"]._credit_import_files([file])
            second_cr.rollback()
            again = second["credit.sdi.notification"]._credit_import_files([file])  # a moment later
            self.assertEqual(again.state, "duplicate")
            second_cr.rollback()
            second_cr.execute(
                "SELECT state FROM credit_sdi_notification WHERE content_hash = %s", [content_hash]
            )
            self.assertEqual([row[0] for row in second_cr.fetchall()], ["unmatched"])
