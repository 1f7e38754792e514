"""SdI notifications: every sample imports with its type, errors and effect on the invoice."""

from ast import literal_eval
from datetime import datetime
from datetime import time
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .sdi_common import SdiCommon


@tagged("post_install", "-at_install")
class TestSdiSamples(SdiCommon):
    """The acceptance: each shared sample against an invoice waiting for news."""

    # file -> (type, invoice file name, resulting e-invoice state, error codes)
    SAMPLES = {
        "IT01234567890_11111_RC_001.xml": ("RC", "IT01234567890_11111.xml", "delivered", ""),
        "IT01234567890_11111_NS_001.xml": ("NS", "IT01234567890_11111.xml", "rejected", "00100"),
        "IT01234567890_11111_MC_001.xml": ("MC", "IT01234567890_11111.xml", "not_delivered", ""),
        "IT01234567890_11111_NE_001.xml": ("NE", "IT01234567890_11111.xml", "accepted", ""),
        "IT01234567890_11111_DT_001.xml": ("DT", "IT01234567890_11111.xml", "expired", ""),
        "IT01234567890_11111_AT_001.xml": ("AT", "IT01234567890_11111.xml", "not_delivered", ""),
        "IT01234567890_11111_MT_001.xml": ("MT", "IT01234567890_11111.xml", "sent", ""),
        "IT01234567890_11111_EC_001.xml": ("EC", "IT01234567890_11111.xml", "accepted", ""),
        "IT01234567890_11111_SE_001.xml": ("SE", "IT01234567890_11111.xml", "sent", ""),
        "IT01234567890_FPA01_NS_001__00102.xml": (
            "NS",
            "IT01234567890_FPA01.xml",
            "rejected",
            "00102",
        ),
        "IT01234567890_FPR01_NS_001__00300_00301_00306_00311.xml": (
            "NS",
            "IT01234567890_FPR01.xml",
            "rejected",
            "00300, 00301, 00306, 00311",
        ),
        "IT02652600210_00007_MT_002.xml": ("MT", "IT02652600210_00007.xml", "sent", ""),
        "IT03339130126_00009_RC_003.xml": ("RC", "IT03339130126_00009.xml", "delivered", ""),
        "IT14627831002_02621_MC_001.xml": ("MC", "IT14627831002_02621.xml", "not_delivered", ""),
        "IT03339130126_00009_RC_003.xml.p7m": ("RC", "IT03339130126_00009.xml", "delivered", ""),
    }

    def test_every_sample_imports_with_its_type_errors_and_effect(self):
        for file_name, (kind, invoice_file, state, codes) in self.SAMPLES.items():
            with self.subTest(file=file_name):
                # EC and SE name no file: they find the invoice by its SdI identifier.
                invoice = self._sdi_invoice(invoice_file, credit_einvoice_sdi_identifier="111")
                notification = self._import(self._sample(file_name))
                self.assertEqual(len(notification), 1)
                self.assertEqual(notification.message_type, kind)
                self.assertEqual(notification.state, "matched", notification.import_message)
                self.assertEqual(notification.move_id, invoice)
                self.assertEqual(notification.error_codes or "", codes)
                self.assertEqual(invoice.credit_einvoice_state, state)
                self.assertEqual(notification.attachment_id.raw, (self._sample_bytes(file_name)))
                self.assertEqual(
                    invoice.credit_collectible, state not in ("rejected", "not_delivered")
                )
                # Leave nothing that could match the next sample's invoice.
                notification.sudo().unlink()  # the test tidies up; users cannot
                invoice.write(
                    {"credit_einvoice_file_name": False, "credit_einvoice_sdi_identifier": False}
                )

    @staticmethod
    def _sample_bytes(file_name):
        from .sdi_common import SAMPLES

        return (SAMPLES / file_name).read_bytes()

    def test_rejection_errors_carry_the_catalogue(self):
        invoice = self._sdi_invoice("IT01234567890_FPR01.xml")
        notification = self._import(
            self._sample("IT01234567890_FPR01_NS_001__00300_00301_00306_00311.xml")
        )
        first = notification.error_ids[0]
        self.assertEqual(first.description, "1.1.1.2 <IdCodice> non valido : 01234567890")
        self.assertIn("IdTrasmittente", first.suggestion)
        self.assertEqual(first.error_code_id.code, "00300")
        self.assertEqual(first.explanation, "Transmitter IdCodice not valid")
        self.assertIn("new name", first.hint)
        italian = first.with_context(lang="it_IT")
        self.assertIn("IdTrasmittente", italian.error_code_id.description_it)
        self.assertIn("nuovo nome", italian.error_code_id.hint_it)
        self.assertEqual(invoice.credit_einvoice_error_codes, "00300, 00301, 00306, 00311")
        banner = invoice.credit_einvoice_banner
        self.assertIn("never issued", banner)
        self.assertIn("00311", banner)
        self.assertIn("How to fix", banner)

    def test_b2b_receipt_dates(self):
        invoice = self._sdi_invoice("IT03339130126_00009.xml")
        self._import(self._sample("IT03339130126_00009_RC_003.xml"))
        self.assertEqual(invoice.credit_einvoice_delivered_date, datetime(2018, 11, 13, 15, 47, 32))
        self.assertEqual(invoice.credit_einvoice_sdi_identifier, "6782414")
        not_delivered = self._sdi_invoice("IT14627831002_02621.xml")
        self._import(self._sample("IT14627831002_02621_MC_001.xml"))
        self.assertEqual(str(not_delivered.credit_einvoice_available_date), "2019-01-05")

    def test_catalogue_marks_secondary_rows_unverified(self):
        codes = self.env["credit.sdi.error.code"].search([])
        self.assertEqual(len(codes), 72)
        self.assertEqual(len(codes.filtered(lambda c: not c.verified)), 20)
        self.assertFalse(codes.filtered(lambda c: c.code == "00320").verified)


@tagged("post_install", "-at_install")
class TestSdiRejection(SdiCommon):
    def test_rejected_invoice_leaves_collection_and_comes_back_when_delivered(self):
        overdue = self._sdi_invoice(
            "IT01234567890_00042.xml",
            invoice_date=self.today - timedelta(days=60),
            due_date=self.today - timedelta(days=30),
        )
        collectible_lines = self.env["account.move.line"].search(
            [
                *self.env["account.move"]._credit_collectible_line_domain(),
                ("move_id", "=", overdue.id),
            ]
        )
        self.assertTrue(collectible_lines)
        # SdI events at midday in Rome: their Italian day is the day meant, at any hour
        noon = datetime.combine(self.today, time(11, 0))
        self._import(self._ns("IT01234567890_00042.xml", when=noon - timedelta(days=3)))
        self.assertEqual(overdue.credit_einvoice_state, "rejected")
        self.assertFalse(overdue.credit_collectible)
        self.assertFalse(overdue._credit_is_collectible())
        self.assertFalse(
            self.env["account.move.line"].search(
                [
                    *self.env["account.move"]._credit_collectible_line_domain(),
                    ("move_id", "=", overdue.id),
                ]
            )
        )
        # The corrected file needs a new name.
        with self.assertRaisesRegex(UserError, "new file name"):
            overdue.action_credit_einvoice_resubmitted()
        overdue.credit_einvoice_file_name = "IT01234567890_00043.xml"
        overdue.action_credit_einvoice_resubmitted()
        self.assertEqual(overdue.credit_einvoice_state, "sent")
        # A late copy of the old rejection changes nothing any more.
        late = self._import(self._ns("IT01234567890_00042.xml", message_id="22"))
        self.assertFalse(late.applied)
        self.assertEqual(overdue.credit_einvoice_state, "sent")
        self._import(self._rc("IT01234567890_00043.xml", sdi_identifier="950", when=noon))
        self.assertEqual(overdue.credit_einvoice_state, "delivered")
        self.assertTrue(overdue.credit_collectible)
        rejection = overdue.credit_einvoice_notification_ids.filtered(
            lambda n: n.message_type == "NS" and n.applied
        )
        self.assertEqual(rejection.fixed_date, self.today)
        self.assertEqual(rejection.fix_days, 3)
        fix_time = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.action_credit_sdi_fix_time"
        )
        self.assertIn(
            rejection, self.env["credit.sdi.notification"].search(literal_eval(fix_time["domain"]))
        )
        self.assertFalse(overdue.activity_ids)

    def test_activity_due_five_days_after_rejection_then_escalation(self):
        with freeze_time(datetime(2026, 3, 2, 9, 0)):
            invoice = self._sdi_invoice("IT01234567890_00050.xml")
            self._import(self._ns("IT01234567890_00050.xml", when=datetime(2026, 3, 2, 8, 0)))
            activity = invoice.activity_ids
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.user_id, self.salesperson)
            self.assertEqual(str(activity.date_deadline), "2026-03-07")
            self.assertEqual(invoice.credit_einvoice_days_left, 5)
            # A second rejection of the same file keeps one task.
            self._import(
                self._ns("IT01234567890_00050.xml", message_id="51", when=datetime(2026, 3, 2, 9))
            )
            self.assertEqual(invoice.activity_ids, activity)
        cron = self.env["account.move"]
        with freeze_time(datetime(2026, 3, 7, 9, 0)):
            cron._cron_credit_escalate_einvoice_rejections()
            self.assertFalse(invoice.credit_einvoice_escalated)
        with freeze_time(datetime(2026, 3, 8, 9, 0)):
            cron._cron_credit_escalate_einvoice_rejections()
            self.assertTrue(invoice.credit_einvoice_escalated)
            escalations = invoice.activity_ids.filtered(
                lambda a: (
                    a.activity_type_id
                    == self.env.ref("credit_control.mail_activity_type_credit_einvoice_escalation")
                )
            )
            self.assertIn(self.credit_manager, escalations.user_id)
            self.assertNotIn(self.salesperson, escalations.user_id)
            invoice.invalidate_recordset(["credit_einvoice_days_left"])
            self.assertEqual(invoice.credit_einvoice_days_left, -1)
            # Running the cron again alerts nobody twice.
            cron._cron_credit_escalate_einvoice_rejections()
            self.assertEqual(
                len(
                    invoice.activity_ids.filtered(
                        lambda a: a.activity_type_id == escalations.activity_type_id
                    )
                ),
                len(escalations),
            )

    def test_worklist_lists_rejected_and_waiting_invoices(self):
        rejected = self._sdi_invoice("IT01234567890_00060.xml")
        waiting = self._sdi_invoice("IT01234567890_00061.xml")
        delivered = self._sdi_invoice("IT01234567890_00062.xml")
        self._import(
            self._ns("IT01234567890_00060.xml"),
            self._mc("IT01234567890_00061.xml"),
            self._rc("IT01234567890_00062.xml"),
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.action_credit_einvoice_worklist"
        )
        listed = self.env["account.move"].search(literal_eval(action["domain"]))
        self.assertIn(rejected, listed)
        self.assertIn(waiting, listed)
        self.assertNotIn(delivered, listed)


@tagged("post_install", "-at_install")
class TestSdiNotDelivered(SdiCommon):
    def test_not_delivered_waits_for_the_customer_notice(self):
        invoice = self._sdi_invoice("IT01234567890_00070.xml")
        self._import(self._mc("IT01234567890_00070.xml"))
        self.assertEqual(invoice.credit_einvoice_state, "not_delivered")
        self.assertFalse(invoice.credit_collectible)
        notice_type = self.env.ref("credit_control.mail_activity_type_credit_einvoice_notice")
        self.assertEqual(invoice.activity_ids.activity_type_id, notice_type)
        self.assertIn("reserved area", invoice.credit_einvoice_banner)
        # The user opens the ready e-mail and sends it.
        action = invoice.action_credit_einvoice_send_notice()
        composer = self.env["mail.compose.message"].with_context(**action["context"]).create({})
        self.assertIn("reserved area", composer.subject)
        self.assertTrue(composer.attachment_ids, "the invoice PDF is attached")
        composer.with_context(**action["context"]).action_send_mail()
        self.assertTrue(invoice.credit_einvoice_notice_date)
        self.assertTrue(invoice.credit_collectible)
        self.assertFalse(invoice.activity_ids)
        sent = invoice.message_ids.filtered(lambda m: "reserved area" in (m.subject or ""))
        self.assertTrue(sent.attachment_ids)

    def test_outcomes_of_public_administration(self):
        invoice = self._sdi_invoice("IT01234567890_11111.xml")
        self._import(self._sample("IT01234567890_11111_RC_001.xml"))
        self._import(self._sample("IT01234567890_11111_NE_001.xml"))
        self.assertEqual(invoice.credit_einvoice_state, "accepted")
        # An older receipt arriving late never undoes the outcome.
        self._import(self._rc("IT01234567890_11111.xml", sdi_identifier="111", message_id="99"))
        self.assertEqual(invoice.credit_einvoice_state, "accepted")
