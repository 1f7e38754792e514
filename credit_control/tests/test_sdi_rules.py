"""E-invoice rules of issue 8 (Italian dates, refused and resubmitted invoices) and the SdI
screens of issue 14 (worklist, notification badge, errors list, match wizard)."""

from datetime import date
from datetime import datetime
from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..core import sdi_parser
from .sdi_common import SdiCommon


@tagged("post_install", "-at_install")
class TestSdiItalianDates(SdiCommon):
    def test_rejection_after_midnight_in_rome_is_dated_the_italian_day(self):
        invoice = self._sdi_invoice("IT01234567890_00801.xml", invoice_date=date(2026, 3, 2))
        # 23:30 UTC on 9 March is 00:30 on 10 March in Rome (UTC+1 in winter)
        notification = self._import(
            self._ns("IT01234567890_00801.xml", when=datetime(2026, 3, 9, 23, 30))
        )
        self.assertEqual(notification.notification_date, date(2026, 3, 10))
        self.assertEqual(invoice.credit_einvoice_rejected_date, date(2026, 3, 10))
        # five days to send it again: 10 + 5 = 15 March
        self.assertEqual(invoice.credit_einvoice_fix_deadline, date(2026, 3, 15))

    def test_delivery_after_midnight_in_rome_is_dated_the_italian_day(self):
        invoice = self._sdi_invoice("IT01234567890_00802.xml", invoice_date=date(2026, 7, 20))
        self._import(self._ns("IT01234567890_00802.xml", when=datetime(2026, 7, 27, 10, 0)))
        invoice.credit_einvoice_file_name = "IT01234567890_00803.xml"
        invoice.action_credit_einvoice_resubmitted()
        # 22:15 UTC on 31 July is 00:15 on 1 August in Rome (UTC+2 in summer)
        delivery = self._import(
            self._rc("IT01234567890_00803.xml", when=datetime(2026, 7, 31, 22, 15))
        )
        self.assertEqual(delivery.notification_date, date(2026, 8, 1))
        rejection = invoice.credit_einvoice_notification_ids.filtered(
            lambda n: n.message_type == "NS"
        )
        # rejected on 27 July, fixed on 1 August: 5 days to fix
        self.assertEqual((rejection.fixed_date, rejection.fix_days), (date(2026, 8, 1), 5))


@tagged("post_install", "-at_install")
class TestSdiOutOfDunning(SdiCommon):
    def _ne(self, invoice_file, outcome, sdi_identifier="960", message_id="7"):
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<types:NotificaEsito xmlns:types="{sdi_parser.NAMESPACE_PA}" versione="1.0">'
            f"<IdentificativoSdI>{sdi_identifier}</IdentificativoSdI>"
            f"<NomeFile>{invoice_file}</NomeFile>"
            f"<EsitoCommittente><IdentificativoSdI>{sdi_identifier}</IdentificativoSdI>"
            f"<Esito>{outcome}</Esito><Descrizione>CIG mancante</Descrizione>"
            "</EsitoCommittente>"
            f"<MessageId>{message_id}</MessageId></types:NotificaEsito>"
        )
        return self._raw(f"{invoice_file[:-4]}_NE_{message_id}.xml", xml)

    def _overdue_invoice(self, file_name, amount=1220.0):
        # due 40 days ago: overdue, and chased if collectible
        return self._sdi_invoice(
            file_name,
            amount=amount,
            invoice_date=self.today - timedelta(days=70),
            due_date=self.today - timedelta(days=40),
        )

    def test_invoice_refused_by_public_administration_is_credited_not_chased(self):
        invoice = self._overdue_invoice("IT01234567890_00810.xml")
        self._import(self._rc("IT01234567890_00810.xml", sdi_identifier="960"))
        self.assertTrue(invoice.credit_collectible)
        self._import(self._ne("IT01234567890_00810.xml", "EC02"))
        self.assertEqual(invoice.credit_einvoice_state, "refused")
        self.assertFalse(invoice.credit_collectible)
        activity = invoice.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("credit_control.mail_activity_type_credit_einvoice_refused")
            )
        )
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertIn("issue a credit note", activity.note)
        # the 1,220.00 due 40 days ago is neither overdue in the score nor in the hold
        self.customer.credit_update_scores()
        self.assertEqual(self.customer.credit_overdue, 0.0)
        self.assertEqual(self.customer.credit_exposure, 0.0)
        _exposure, overdue_days = self.customer._credit_open_amounts(self.env.company)[
            self.customer
        ]
        self.assertEqual(overdue_days, 0)

    def test_resubmitted_invoice_stays_out_of_dunning_until_delivered(self):
        invoice = self._overdue_invoice("IT01234567890_00820.xml")
        self._import(self._ns("IT01234567890_00820.xml", when=datetime.now() - timedelta(days=2)))
        invoice.credit_einvoice_file_name = "IT01234567890_00821.xml"
        invoice.action_credit_einvoice_resubmitted()
        self.assertEqual(invoice.credit_einvoice_state, "sent")
        self.assertFalse(invoice.credit_collectible, "sent again, not yet delivered")
        self.customer.credit_update_scores()
        self.assertEqual(self.customer.credit_overdue, 0.0)
        self._import(self._rc("IT01234567890_00821.xml", sdi_identifier="970"))
        self.assertTrue(invoice.credit_collectible)
        self.customer.credit_update_scores()
        self.assertEqual(self.customer.credit_overdue, 1220.0)

    def test_resubmitted_invoice_not_delivered_waits_for_the_customer_notice(self):
        invoice = self._overdue_invoice("IT01234567890_00830.xml")
        self._import(self._ns("IT01234567890_00830.xml", when=datetime.now() - timedelta(days=2)))
        invoice.credit_einvoice_file_name = "IT01234567890_00831.xml"
        invoice.action_credit_einvoice_resubmitted()
        self._import(self._mc("IT01234567890_00831.xml", sdi_identifier="980"))
        self.assertEqual(invoice.credit_einvoice_state, "not_delivered")
        self.assertFalse(invoice.credit_collectible)
        invoice._credit_einvoice_send_notice()
        self.assertTrue(invoice.credit_collectible)


@tagged("post_install", "-at_install")
class TestSdiScreens(SdiCommon):
    def _arch(self, model, view_type, xmlid=None):
        view_id = self.env.ref(xmlid).id if xmlid else None
        return self.env[model].get_view(view_id, view_type)["arch"]

    def test_notification_state_is_a_badge_not_steps(self):
        arch = self._arch("credit.sdi.notification", "form")
        self.assertNotIn('widget="statusbar"', arch)
        self.assertIn('name="state" widget="badge"', arch)

    def test_errors_list_gives_room_to_the_explanation(self):
        arch = self._arch("credit.sdi.notification", "form")
        self.assertIn('name="code" width="70px"', arch)
        self.assertIn('name="suggestion" optional="hide"', arch)

    def test_worklist_leaves_room_for_number_and_customer(self):
        arch = self._arch(
            "account.move", "list", "credit_control.view_move_list_credit_einvoice_worklist"
        )
        for name in ("credit_einvoice_file_name", "credit_einvoice_rejected_date"):
            self.assertIn(f'name="{name}" optional="hide"', arch)

    def test_match_wizard_refuses_a_rejection_dated_before_its_invoice(self):
        later = self._sdi_invoice("IT01234567890_00840.xml", invoice_date=date(2026, 3, 20))
        earlier = self._sdi_invoice("IT01234567890_00841.xml", invoice_date=date(2026, 3, 5))
        later.credit_einvoice_file_name = earlier.credit_einvoice_file_name = False
        rejection = self._import(
            self._ns("IT01234567890_09999.xml", when=datetime(2026, 3, 10, 9, 0))
        )
        self.assertEqual(rejection.state, "unmatched")
        wizard = self.env["credit.sdi.match.wizard"].create(
            {"notification_ids": [(6, 0, rejection.ids)], "move_id": later.id}
        )
        with self.assertRaisesRegex(UserError, "before the invoice"):
            wizard.action_match()
        self.assertEqual(rejection.state, "unmatched")
        wizard.move_id = earlier
        wizard.action_match()
        self.assertEqual(rejection.move_id, earlier)
        self.assertEqual(earlier.credit_einvoice_state, "rejected")

    def test_match_dropdown_shows_number_customer_date_and_amount(self):
        invoice = self._sdi_invoice(
            "IT01234567890_00850.xml", amount=1830.0, invoice_date=date(2026, 3, 5)
        )
        found = (
            self.env["account.move"]
            .with_context(credit_sdi_match=True)
            .name_search(invoice.name, [("id", "=", invoice.id)])
        )
        label = found[0][1]
        self.assertIn(invoice.name, label)
        self.assertIn("Rossi Forniture Srl", label)
        self.assertIn("03/05/2026", label)
        self.assertIn("1,830.00", label)
