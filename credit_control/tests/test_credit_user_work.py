"""A Credit user without any accounting group does the Credit user's work (import SdI
files, run and send dunning) without an access error, and gains nothing else."""

import xmlrpc.client

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .sdi_common import SdiCommon
from .test_dunning import TestDunningCommon


@tagged("post_install", "-at_install")
class TestCreditUserRunsDunning(TestDunningCommon):
    def test_controller_without_accounting_runs_and_sends_dunning(self):
        controller = self.controller
        self.assertFalse(controller.has_group("account.group_account_invoice"))
        customer = self._customer("Late Payer Srl")
        invoice = self._late_invoice(customer, 1000.0, 20)
        wizard = (
            self.env["credit.dunning.run.wizard"]
            .with_user(controller)
            .create({"date": self.today, "company_id": self.company.id})
        )
        action = wizard.action_start()
        run = self.env["credit.dunning.run"].with_user(controller).browse(action["res_id"])
        letter = run.letter_ids.filtered(lambda letter: letter.partner_id == customer)
        self.assertEqual(letter.amount_due, 1000.0)
        # the controller sends; the mail queue (the system) lets the e-mail leave
        self._send(letter)
        self.assertEqual(letter.state, "sent")
        # no more than the work needs: the controller can't touch the invoice
        with self.assertRaises(AccessError):
            invoice.with_user(controller).write({"ref": "changed"})


@tagged("post_install", "-at_install")
class TestCreditUserImportsSdi(SdiCommon):
    def test_controller_without_accounting_imports_a_rejection(self):
        controller = self._credit_user("sdi_carla", "credit_control.group_credit_user")
        invoice = self._sdi_invoice("IT01234567890_11111.xml")
        # over RPC: the ids of the notifications, which XML-RPC can marshal
        ids = self.Notification.with_user(controller).import_files(
            [self._sample("IT01234567890_11111_NS_001.xml")]
        )
        xmlrpc.client.dumps((ids,), allow_none=True)
        self.assertEqual(self.Notification.browse(ids).move_id, invoice)
        self.assertEqual(invoice.credit_einvoice_state, "rejected")
        with self.assertRaises(AccessError):
            invoice.with_user(controller).write({"ref": "changed"})

    def test_a_viewer_or_portal_user_imports_nothing(self):
        viewer = self._credit_user("sdi_viewer", "credit_control.group_credit_viewer")
        portal = self._credit_user("sdi_portal", "base.group_portal")
        before = self.Notification.search_count([])
        for user in (viewer, portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Notification.with_user(user).import_files(
                    [self._sample("IT01234567890_11111_NS_001.xml")]
                )
        self.assertEqual(self.Notification.search_count([]), before)
