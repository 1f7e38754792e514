"""Sending dunning letters: nothing crashes a batch, nothing goes out unreviewed at
go-live, "Sent" means the e-mail left, and two users at once get a plain message
(issues 8, 9 and 14)."""

from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.credit_dunning_letter import SEND_LOCK_NAMESPACE
from ..models.credit_dunning_letter import CreditDunningLetter
from ..models.credit_dunning_run import CreditDunningRun
from .test_dunning import TestDunningCommon

DSN = """From: MAILER-DAEMON@mx.example.net
To: credit@example.com
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-4711@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-boundary"

--dsn-boundary
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net.
I'm sorry to have to inform you that your message could not be delivered.

<{email}>: host mx.example.net said: 550 5.1.1 User unknown

--dsn-boundary
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Tue, 1 Dec 2026 09:12:01 +0100

Final-Recipient: rfc822; {email}
Original-Recipient: rfc822;{email}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--dsn-boundary
Content-Type: text/rfc822-headers

Message-ID: {message_id}
From: credit@example.com
To: {email}
Subject: Second reminder

--dsn-boundary--
"""


@tagged("post_install", "-at_install")
class TestDunningSending(TestDunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.setup_other_currency("USD", rates=[("2016-01-01", 1.2)])

    # ------------------------------------------------------------------
    # Issue 8: sending must not crash
    # ------------------------------------------------------------------

    def test_letters_in_two_currencies_at_a_phone_level_go_out_with_one_call(self):
        # 1,000.00 EUR and 500.00 USD, both 30 days late: two second reminders (phone)
        partner = self._customer("Two Currencies Srl")
        self._late_invoice(partner, 1000, 30)
        self._late_invoice(partner, 500, 30, currency=self.usd)
        run = self._run()
        letters = self._letter_of(run, partner)
        self.assertEqual(letters.level_id, self.second)
        self.assertEqual(letters.currency_id, self.company.currency_id | self.usd)
        letters.action_approve()
        self._send(run)
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        call = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )
        self.assertEqual(len(call), 1, "one call about both letters")
        self.assertIn("1,000.00", call.summary)
        self.assertIn("500.00", call.summary)
        notes = "".join(partner.message_ids.mapped("body"))
        self.assertEqual(notes.count("Dunning letter 'Second reminder'"), 2, "each letter logged")
        self.assertIn("1,000.00", notes)
        self.assertIn("500.00", notes)

    def test_the_daily_cron_sends_letters_in_two_currencies_at_a_phone_level(self):
        self.second.review = False
        partner = self._customer("Cron Two Currencies Srl")
        self._late_invoice(partner, 1000, 30)
        self._late_invoice(partner, 500, 30, currency=self.usd)
        self.env["credit.dunning.run"]._cron_daily()
        self._mails_leave()
        letters = self.env["credit.dunning.letter"].search([("partner_id", "=", partner.id)])
        self.assertEqual(len(letters), 2)
        self.assertEqual(set(letters.mapped("state")), {"sent"})

    def test_one_failing_letter_never_blocks_the_others_of_its_batch(self):
        customers = [self._customer(f"Batch {name} Srl") for name in ("One", "Two", "Three")]
        for customer in customers:
            self._late_invoice(customer, 500, 12)
        run = self._run()
        original = CreditDunningLetter._credit_letter_attachment

        def pdf_fails_for_two(letter):
            if letter.partner_id == customers[1]:
                raise OSError("wkhtmltopdf exited with code -11")
            return original(letter)

        with patch.object(CreditDunningLetter, "_credit_letter_attachment", pdf_fails_for_two):
            self._send(run)
        states = {letter.partner_id: letter.state for letter in run.letter_ids}
        self.assertEqual([states[customer] for customer in customers], ["sent", "error", "sent"])
        failed = self._letter_of(run, customers[1])
        self.assertIn("wkhtmltopdf exited with code -11", failed.error_message)
        self.assertIn("wkhtmltopdf", customers[1].message_ids[:1].body)

    # ------------------------------------------------------------------
    # Issue 14: safe defaults at go-live
    # ------------------------------------------------------------------

    def test_until_a_manager_switches_it_on_every_letter_waits_for_review(self):
        self.assertFalse(
            self.env["res.company"].create({"name": "Go Live Srl"}).credit_dunning_auto_send
        )
        self.company.credit_dunning_auto_send = False
        partner = self._customer("Just Installed Srl")
        self._late_invoice(partner, 500, 12)
        mails = self.env["mail.mail"].search_count([])
        self.env["credit.dunning.run"]._cron_daily()
        letter = self.env["credit.dunning.letter"].search([("partner_id", "=", partner.id)])
        self.assertEqual(letter.level_id, self.first, "a level without review")
        self.assertEqual(letter.state, "draft", "but nobody switched automatic sending on")
        self.assertIn("Automatic sending is off", letter.run_id.note)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails, "nothing e-mailed")
        # the setting and its warning are on the settings page
        arch = self.env["res.config.settings"].get_view(view_type="form")["arch"]
        self.assertIn('name="credit_dunning_auto_send"', arch)
        self.assertIn("without anyone reading them first", arch)

    def test_the_first_run_after_a_pause_proposes_and_the_next_one_sends(self):
        # automatic sending on, but the last run was 20 days ago (the server was down)
        self.company.credit_dunning_last_run_date = self.today - timedelta(days=20)
        first = self._customer("After Pause Srl")
        self._late_invoice(first, 500, 12)
        run = self._run()
        self.assertEqual(self._letter_of(run, first).state, "draft")
        self.assertIn("after a pause of more than 7 days", run.note)
        self.assertEqual(self.company.credit_dunning_last_run_date, self.today)
        # later the same day, with the backlog in review, a new late customer is sent
        second = self._customer("Next Run Srl")
        self._late_invoice(second, 500, 12)
        self.assertEqual(self._letter_of(self._run(), second).state, "to_send")

    def test_a_bounced_letter_is_in_error_with_the_reason(self):
        partner = self._customer("Gone Away Srl", email="nobody@gone-away.example")
        self._late_invoice(partner, 500, 12)
        letter = self._letter_of(self._run(), partner)
        self._send(letter)
        self.assertEqual(letter.state, "sent")
        dsn = DSN.format(email=partner.email, message_id=letter.mail_id.message_id)
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            self.env["mail.thread"].message_process(False, dsn)
        self.assertEqual(letter.state, "error")
        self.assertIn("bounced", letter.error_message)
        self.assertIn("nobody@gone-away.example", letter.error_message)
        self.assertEqual(partner.credit_dunning_error_count, 1)

    # ------------------------------------------------------------------
    # Issue 9: concurrency
    # ------------------------------------------------------------------

    def test_a_run_that_missed_a_concurrent_run_gets_the_plain_message(self):
        partner = self._customer("Raced Srl")
        self._late_invoice(partner, 500, 12)
        self._run()
        # the second run started before the first committed: its snapshot shows no
        # letter of today, and the unique index catches the duplicate
        original = CreditDunningRun._previous_letters

        def stale_snapshot(run, line_ids):
            _levels, last_dates, _same_day, compensated = original(run, line_ids)
            return {}, last_dates, set(), compensated

        with (
            patch.object(CreditDunningRun, "_previous_letters", stale_snapshot),
            self.assertRaisesRegex(UserError, "Another dunning run of .* is computing"),
        ):
            self._run()
        # the transaction is still usable, and nothing was duplicated
        self.assertEqual(
            self.env["credit.dunning.letter"].search_count([("partner_id", "=", partner.id)]), 1
        )

    def test_a_double_send_sends_once_and_the_loser_gets_the_plain_message(self):
        partner = self._customer("Double Click Srl")
        self._late_invoice(partner, 500, 12)
        letter = self._letter_of(self._run(), partner)
        self.assertEqual(letter.state, "to_send")
        # another user's Send holds the letter
        with self.env.registry.cursor() as other:
            other.execute("SELECT pg_advisory_xact_lock(%s, %s)", (SEND_LOCK_NAMESPACE, letter.id))
            with self.assertRaisesRegex(UserError, "Another sending of these dunning letters"):
                letter.action_send()
        self.assertEqual(letter.state, "to_send")
        self.assertFalse(letter.mail_id)
        self._send(letter)
        letter.action_send()  # a second click after the first one finished: nothing
        mails = self.env["mail.mail"].search(
            [("model", "=", "credit.dunning.letter"), ("res_id", "=", letter.id)]
        )
        self.assertEqual(len(mails), 1)
        self.assertEqual(letter.state, "sent")
