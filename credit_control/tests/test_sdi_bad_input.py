"""Bad input: every file is kept, the user is told why, nothing is half-written."""

import base64
import io
import xmlrpc.client
import zipfile
from email.message import EmailMessage

from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import tagged

from .sdi_common import SdiCommon

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    "<RicevutaConsegna><IdentificativoSdI>&lol3;</IdentificativoSdI></RicevutaConsegna>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<ns3:RicevutaConsegna xmlns:ns3="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/'
    'messaggi/v1.0"><IdentificativoSdI>&xxe;</IdentificativoSdI>'
    "<NomeFile>a.xml</NomeFile></ns3:RicevutaConsegna>"
)


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestSdiBadInput(SdiCommon):
    def assertInvalid(self, file, reason_words, kept=None):
        notification = self._import(file)
        self.assertEqual(len(notification), 1)
        self.assertEqual(notification.state, "invalid")
        self.assertIn(reason_words, notification.import_message)
        kept = base64.b64decode(file[1]) if kept is None else kept
        self.assertEqual(notification.attachment_id.raw or b"", kept)
        self.assertEqual(notification.attachment_id.res_id, notification.id)
        return notification

    def _valid_rc(self):
        return self._rc("IT01234567890_00100.xml")[1]

    def test_empty_file(self):
        self.assertInvalid(self._raw("IT1_1_RC_001.xml", b""), "empty")

    def test_not_xml(self):
        notification = self.assertInvalid(self._raw("IT1_1_NS_001.xml", b"%PDF-1.7"), "not XML")
        self.assertEqual(notification.message_type, "NS", "type guessed from the file name")

    def test_truncated_xml(self):
        content = base64.b64decode(self._valid_rc())[:150]
        self.assertInvalid(self._raw("IT1_1_RC_001.xml", content), "not well-formed")

    def test_unknown_root(self):
        self.assertInvalid(
            self._raw("IT1_1.xml", "<FatturaElettronica><a/></FatturaElettronica>"),
            "<FatturaElettronica> is not an SdI notification",
        )

    def test_known_root_in_the_wrong_namespace(self):
        content = base64.b64decode(self._valid_rc()).replace(
            b"ivaservizi.agenziaentrate.gov.it", b"example.com"
        )
        self.assertInvalid(self._raw("IT1_1_RC_001.xml", content), "namespace")

    def test_missing_mandatory_element(self):
        content = base64.b64decode(self._valid_rc()).replace(
            b"<NomeFile>IT01234567890_00100.xml</NomeFile>", b""
        )
        self.assertInvalid(self._raw("IT1_1_RC_001.xml", content), "NomeFile")

    def test_xxe_entity(self):
        self.assertInvalid(self._raw("IT1_1_RC_001.xml", XXE), "DOCTYPE")

    def test_billion_laughs(self):
        self.assertInvalid(self._raw("IT1_1_RC_001.xml", BILLION_LAUGHS), "DOCTYPE")

    def test_file_over_the_size_limit(self):
        content = base64.b64decode(self._valid_rc()).replace(
            b"<MessageId>", b"<!--" + b"x" * (5 * 1024 * 1024) + b"--><MessageId>"
        )
        self.assertInvalid(self._raw("IT1_1_RC_001.xml", content), "over the limit")

    def test_zip_with_directory_traversal(self):
        archive = zipped([("../../etc/IT1_1_RC_001.xml", base64.b64decode(self._valid_rc()))])
        self.assertInvalid(self._raw("pec.zip", archive), "unsafe file name")

    def test_zip_bomb(self):
        archive = zipped([("IT1_1_RC_001.xml", b" " * (20 * 1024 * 1024))])
        self.assertInvalid(self._raw("bomb.zip", archive), "zip bomb")

    def test_zip_of_notifications(self):
        invoice = self._sdi_invoice("IT01234567890_00101.xml")
        archive = zipped(
            [
                (
                    "a/IT01234567890_00101_NS_001.xml",
                    base64.b64decode(self._ns("IT01234567890_00101.xml")[1]),
                ),
                ("a/notes.txt", b"not a notification"),
            ]
        )
        notifications = self._import(self._raw("pec.zip", archive))
        self.assertEqual(sorted(notifications.mapped("state")), ["invalid", "matched"])
        self.assertEqual(invoice.credit_einvoice_state, "rejected")

    def test_signed_p7m_envelope(self):
        invoice = self._sdi_invoice("IT03339130126_00009.xml")
        for file_name in ("IT03339130126_00009_RC_003_ber.xml.p7m",):
            notification = self._import(self._sample(file_name))
            self.assertEqual((notification.state, notification.message_type), ("matched", "RC"))
        self.assertEqual(invoice.credit_einvoice_state, "delivered")
        damaged = self._sample("IT03339130126_00009_RC_003.xml.p7m")
        broken = self._raw(damaged[0], base64.b64decode(damaged[1])[:300])
        self.assertInvalid(broken, "envelope")

    def test_iso_8859_1_and_utf16(self):
        for encoding, sdi_identifier in (("ISO-8859-1", "801"), ("UTF-16", "802")):
            invoice = self._sdi_invoice(f"IT01234567890_{sdi_identifier}.xml")
            xml = base64.b64decode(
                self._rc(invoice.credit_einvoice_file_name, sdi_identifier=sdi_identifier)[1]
            ).decode()
            xml = xml.replace('encoding="UTF-8"', f'encoding="{encoding}"').replace(
                "<MessageId>", "<Note>Consegna è avvenuta</Note><MessageId>"
            )
            notification = self._import(self._raw("IT1_1_RC_001.xml", xml.encode(encoding)))
            self.assertEqual(notification.state, "matched", notification.import_message)
            self.assertEqual(notification.note, "Consegna è avvenuta")
            self.assertEqual(invoice.credit_einvoice_state, "delivered")

    def test_same_notification_twice_changes_nothing(self):
        invoice = self._sdi_invoice("IT01234567890_00102.xml")
        rejection = self._ns("IT01234567890_00102.xml")
        first = self._import(rejection)
        activities = invoice.activity_ids
        again = self._import(rejection)
        self.assertEqual(again.state, "duplicate")
        self.assertEqual(again.duplicate_of_id, first)
        self.assertFalse(again.applied)
        self.assertIn("already imported", again.import_message)
        self.assertEqual(invoice.activity_ids, activities)
        # Same message in another file (other bytes): still the same SdI message.
        renamed = self._raw("copy.xml", base64.b64decode(rejection[1]) + b"\n")
        self.assertEqual(self._import(renamed).state, "duplicate")

    def test_notification_for_an_invoice_of_another_company(self):
        other = self.setup_other_company(name="Filiale Nord")["company"]
        foreign = self._credit_invoice(self.customer, 500.0, self.today, post=False)
        foreign.write(
            {
                "company_id": other.id,
                "journal_id": self.env["account.journal"]
                .search([("company_id", "=", other.id), ("type", "=", "sale")], limit=1)
                .id,
            }
        )
        foreign.credit_einvoice_file_name = "IT09999999999_00001.xml"
        notification = self._import(self._rc("IT09999999999_00001.xml"))
        self.assertEqual(notification.state, "unmatched")
        self.assertFalse(notification.move_id)
        self.assertIn("Filiale Nord", notification.import_message)
        self.assertEqual(foreign.credit_einvoice_state, "none")

    def test_not_base64(self):
        self.assertInvalid(
            ("IT1_1_RC_001.xml", "%%% not base64 %%%"), "not base64", kept=b"%%% not base64 %%%"
        )

    def test_base64_with_line_breaks(self):
        invoice = self._sdi_invoice("IT01234567890_00103.xml")
        name, data = self._rc("IT01234567890_00103.xml")
        wrapped = base64.encodebytes(base64.b64decode(data))
        self.assertIn(b"\n", wrapped)
        self.assertEqual(self._import((name, wrapped)).state, "matched")
        self.assertEqual(invoice.credit_einvoice_state, "delivered")

    def test_strict_mode_checks_the_public_administration_schema(self):
        content = self._sample("IT01234567890_11111_RC_001.xml")[1]
        broken = base64.b64decode(content).replace(b"<MessageId>123456</MessageId>", b"")
        lax = self._import(self._raw("IT01234567890_11111_RC_001.xml", broken))
        self.assertNotEqual(lax.state, "invalid")
        strict = self._import(self._raw("IT01234567890_11111_RC_002.xml", broken), strict=True)
        self.assertEqual(strict.state, "invalid")
        self.assertIn("MessageId", strict.import_message)


@tagged("post_install", "-at_install")
class TestSdiWaysIn(SdiCommon):
    def test_upload_wizard_with_files_and_a_zip(self):
        invoice = self._sdi_invoice("IT01234567890_00200.xml")
        ns_name, ns_data = self._ns("IT01234567890_00200.xml")
        archive = zipped(
            [
                (name, base64.b64decode(data))
                for name, data in (self._sample("IT02652600210_00007_MT_002.xml"),)
            ]
        )
        attachments = self.env["ir.attachment"].create(
            [
                {"name": ns_name, "datas": ns_data},
                {"name": "batch.zip", "datas": base64.b64encode(archive)},
            ]
        )
        wizard = self.env["credit.sdi.import.wizard"].create(
            {"attachment_ids": [(6, 0, attachments.ids)]}
        )
        action = wizard.action_import()
        notifications = self.env["credit.sdi.notification"].search(action["domain"])
        self.assertEqual(sorted(notifications.mapped("message_type")), ["MT", "NS"])
        self.assertEqual(invoice.credit_einvoice_state, "rejected")
        with self.assertRaisesRegex(UserError, "at least one"):
            self.env["credit.sdi.import.wizard"].create({}).action_import()

    def test_mail_alias_delivers_attachments(self):
        self.env.company.credit_sdi_sender_emails = "sdi01@pec.fatturapa.it"
        invoice = self._sdi_invoice("IT01234567890_00201.xml")
        email = EmailMessage()
        email["From"] = "sdi01@pec.fatturapa.it"
        email["To"] = "sdi-notifications@example.com"
        email["Subject"] = "POSTA CERTIFICATA: Ricevuta di consegna 1"
        email["Message-Id"] = "<sdi-test-201@pec.fatturapa.it>"
        email.set_content("Ricevuta in allegato")
        rc_name, rc_data = self._rc("IT01234567890_00201.xml")
        email.add_attachment(
            base64.b64decode(rc_data), maintype="application", subtype="xml", filename=rc_name
        )
        thread_id = self.env["mail.thread"].message_process(
            "credit.sdi.notification", email.as_string()
        )
        notification = self.env["credit.sdi.notification"].browse(thread_id)
        self.assertEqual(notification.message_type, "RC")
        self.assertEqual(notification.state, "matched")
        self.assertEqual(invoice.credit_einvoice_state, "delivered")
        self.assertTrue(self.env.ref("credit_control.mail_alias_credit_sdi_notification"))

    def test_mail_without_attachment_is_kept(self):
        email = EmailMessage()
        email["From"] = "someone@example.com"
        email["To"] = "sdi-notifications@example.com"
        email["Subject"] = "Hello"
        email["Message-Id"] = "<sdi-test-202@example.com>"
        email.set_content("No file here")
        thread_id = self.env["mail.thread"].message_process(
            "credit.sdi.notification", email.as_string()
        )
        notification = self.env["credit.sdi.notification"].browse(thread_id)
        self.assertEqual(notification.state, "invalid")
        self.assertIn("no attachment", notification.import_message)

    def test_unmatched_notification_found_when_the_file_name_is_set(self):
        notification = self._import(self._mc("IT01234567890_00301.xml"))
        self.assertEqual(notification.state, "unmatched")
        invoice = self._sdi_invoice("IT01234567890_00301.xml")
        notification.action_retry_match()
        self.assertEqual(notification.state, "matched")
        self.assertEqual(notification.move_id, invoice)
        self.assertEqual(invoice.credit_einvoice_state, "not_delivered")

    def test_unmatched_notification_matched_by_hand(self):
        notification = self._import(self._ns("IT01234567890_00300.xml"))
        self.assertEqual(notification.state, "unmatched")
        invoice = self._sdi_invoice(False)
        action = notification.action_open_match_wizard()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"move_id": invoice.id})
        )
        wizard.action_match()
        self.assertEqual(notification.state, "matched")
        self.assertEqual(invoice.credit_einvoice_state, "rejected")
        self.assertEqual(invoice.credit_einvoice_file_name, "IT01234567890_00300.xml")
        with self.assertRaisesRegex(UserError, "Only unmatched"):
            notification.action_match_invoice(invoice)

    def test_matching_by_hand_is_for_the_credit_team_over_rpc(self):
        notification = self._import(self._ns("IT01234567890_00310.xml"))
        invoice = self._sdi_invoice(False)
        other_company = self.setup_other_company(name="SdI Other Company")["company"]
        attackers = {
            "portal": self._credit_user("sdi_portal", "base.group_portal"),
            "viewer": self._credit_user("sdi_viewer", "credit_control.group_credit_viewer"),
            "other company": self._credit_user(
                "sdi_other", "credit_control.group_credit_manager", company=other_company
            ),
        }
        for who, user in attackers.items():
            as_attacker = notification.with_user(user).with_company(user.company_id)
            for call in (
                lambda n: n.action_match_invoice(invoice.id),
                lambda n: n.action_retry_match(),
                lambda n: n.action_confirm_sender(),
            ):
                with self.subTest(who=who), self.assertRaises(AccessError):
                    call(as_attacker)
        self.assertEqual(notification.state, "unmatched", "nothing changed")
        self.assertEqual(invoice.credit_einvoice_state, "sent")
        # the credit user's RPC call passes the invoice's id and gets a value XML-RPC marshals
        result = notification.with_user(self.credit_manager).action_match_invoice(invoice.id)
        xmlrpc.client.dumps((result,), allow_none=True)
        self.assertEqual(notification.state, "matched")
        self.assertEqual(invoice.credit_einvoice_state, "rejected")
