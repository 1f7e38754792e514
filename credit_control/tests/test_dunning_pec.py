"""Final notices by PEC, against a real SMTP server, with the provider's receipts fed
through the mail gateway (issue 8, "Sending")."""

import email
import email.policy
import socket
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

import odoo
from odoo.tests import tagged

from .test_dunning import TestDunningCommon

try:
    from aiosmtpd.controller import Controller
except ImportError:  # installed by .ci/run
    Controller = None

RECEIPTS = Path(__file__).parent / "data" / "pec"
SENDER = "crediti@pec.rossi.example"
RECIPIENT = "amministrazione@pec.cliente.example"


class _Mailbox:
    """The aiosmtpd handler: keeps every envelope it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@tagged("post_install", "-at_install")
class TestDunningPec(TestDunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if Controller is None:
            cls.skipTest(cls, "aiosmtpd is not installed (.ci/run installs it)")
        cls.mailbox = _Mailbox()
        cls.smtp = Controller(cls.mailbox, hostname="127.0.0.1", port=_free_port())
        cls.smtp.start()
        cls.addClassCleanup(cls.smtp.stop)
        cls.pec_server = cls.env["ir.mail_server"].create(
            {
                "name": "PEC Rossi Forniture",
                "smtp_host": "127.0.0.1",
                "smtp_port": cls.smtp.port,
                "smtp_encryption": "none",
                "from_filter": SENDER,
            }
        )
        cls.company.credit_pec_mail_server_id = cls.pec_server
        cls.final.send_pec = True

    def setUp(self):
        super().setUp()
        self.mailbox.envelopes.clear()

    def _receipt(self, name, letter, when, zone="+0100"):
        """A PEC receipt for ``letter`` stamped ``when`` (local time at ``zone``)."""
        template = (RECEIPTS / name).read_text(encoding="utf-8")
        return template % {
            "message_id": letter.pec_message_id,
            "message_id_xml": letter.pec_message_id.replace("<", "&lt;").replace(">", "&gt;"),
            "sender": SENDER,
            "recipient": RECIPIENT,
            "subject": f"{self.company.name}: {letter.level_id.name}",
            "day": when.strftime("%d/%m/%Y"),
            "time": when.strftime("%H:%M:%S"),
            "zone": zone,
            "date_header": when.strftime("%a, %d %b %Y %H:%M:%S ") + zone,
        }

    def _final_notice_by_pec(self):
        partner = self._customer("Cliente PEC Srl", credit_pec_email=RECIPIENT)
        self._late_invoice(partner, 1000, 100)
        letter = self._letter_of(self._run(), partner)
        self.assertEqual(letter.level_id, self.final)
        self.assertTrue(letter.send_pec)
        return partner, letter

    def test_final_notice_goes_by_pec_and_its_receipts_date_the_delivery(self):
        partner, letter = self._final_notice_by_pec()
        letter.action_send()
        self.assertEqual(letter.state, "sending")
        mail = letter.mail_id
        self.assertEqual((mail.email_to, mail.mail_server_id), (RECIPIENT, self.pec_server))
        # the mail queue runs for real: the PEC server (a real SMTP server) accepts it
        with patch.object(odoo.modules.module, "current_test", None):
            mail.send()
        # (the controller's call activity is notified too: only the letter is to the customer)
        to_customer = [env for env in self.mailbox.envelopes if env.mail_from == SENDER]
        self.assertEqual([env.rcpt_tos for env in to_customer], [[RECIPIENT]])
        envelope = to_customer[0]
        sent = email.message_from_bytes(envelope.content, policy=email.policy.SMTP)
        self.assertEqual(sent["Message-Id"], letter.pec_message_id)
        self.assertIn(
            "application/pdf", [part.get_content_type() for part in sent.iter_attachments()]
        )
        self.assertNotIn(
            [partner.email],
            [env.rcpt_tos for env in self.mailbox.envelopes],
            "not to the ordinary address",
        )
        self.assertEqual(letter.state, "sent")
        self.assertTrue(letter.sent_by_pec)
        self.assertIn(f"Letter sent by PEC to {RECIPIENT}", letter.message_ids[:1].body)
        # before any receipt the 15 days run from the letter's date, plus the allowance of
        # the slower copy: the final notice also goes as a printed letter (post: 5 days)
        self.assertTrue(letter.print_letter)
        self.assertEqual(letter.delivery_allowance_days, 5)
        self.assertEqual(letter.pay_by, letter.date + timedelta(days=15 + 5))

        # the acceptance receipt comes back to the PEC mailbox, fetched into the add-on's
        # alias (the SdI notifications' one): it goes to the letter, not to the SdI
        notifications = self.env["credit.sdi.notification"].search_count([])
        today = self.today
        accepted_at = datetime(today.year, today.month, today.day, 10, 15, 40)
        self.env["mail.thread"].message_process(
            "credit.sdi.notification",
            self._receipt("ricevuta_accettazione.eml", letter, accepted_at),
        )
        self.assertEqual(letter.pec_accepted_date, accepted_at - timedelta(hours=1))
        self.assertFalse(letter.delivery_date)
        # delivered at 00:20 Italian time the next day (23:20 UTC today): the customer
        # received it tomorrow, so the 15 days end 16 days after the letter's date
        tomorrow = today + timedelta(days=1)
        delivered_at = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 0, 20, 0)
        receipt = self._receipt("ricevuta_consegna.eml", letter, delivered_at)
        self.env["mail.thread"].message_process("credit.sdi.notification", receipt)
        self.assertEqual(
            letter.delivery_date, datetime(today.year, today.month, today.day, 23, 20, 0)
        )
        # once delivered, no allowance: 15 days from the day of delivery
        self.assertEqual(letter.delivery_allowance_days, 0)
        self.assertEqual(letter.pay_by, letter.date + timedelta(days=16))
        self.assertEqual(self.env["credit.sdi.notification"].search_count([]), notifications)
        # both receipts are attached to the letter
        names = letter.message_ids.attachment_ids.mapped("name")
        self.assertEqual(names.count("daticert.xml"), 2)
        self.assertIn("postacert.eml", names)
        self.assertIn("CONSEGNA", letter.message_ids[:1].subject or letter.message_ids[:1].body)

    def test_the_pec_address_of_italian_e_invoicing_comes_first(self):
        partner = self._customer("Doppio Indirizzo Srl", credit_pec_email="own@pec.example")
        self.assertEqual(partner._credit_pec_address(), "own@pec.example")
        Partner = type(self.env["res.partner"])
        with (
            patch.dict(Partner._fields, {"l10n_it_pec_email": None}),
            patch.object(Partner, "l10n_it_pec_email", "edi@pec.example", create=True),
        ):
            self.assertEqual(partner._credit_pec_address(), "edi@pec.example")

    def test_without_a_pec_server_the_letter_is_in_error_and_says_where_to_set_it(self):
        self.company.credit_pec_mail_server_id = False
        _partner, letter = self._final_notice_by_pec()
        letter.action_send()
        self.assertEqual(letter.state, "error")
        self.assertIn("no PEC outgoing server is set", letter.error_message)
        self.assertFalse([env for env in self.mailbox.envelopes if env.mail_from == SENDER])

    def test_a_customer_without_pec_gets_the_ordinary_e_mail_and_the_letter_says_so(self):
        partner = self._customer("Senza PEC Srl")
        self._late_invoice(partner, 1000, 100)
        letter = self._letter_of(self._run(), partner)
        self._send(letter)
        self.assertEqual(letter.state, "sent")
        self.assertFalse(letter.sent_by_pec)
        self.assertEqual(letter.mail_id.recipient_ids, partner)
        self.assertIn("No PEC address", letter.channel_note)
