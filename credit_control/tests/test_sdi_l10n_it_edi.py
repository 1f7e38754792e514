"""With Odoo's l10n_it_edi installed, its SdI states drive ours (no dependency on it)."""

from unittest import SkipTest

from odoo.tests import tagged

from .sdi_common import SdiCommon


@tagged("post_install", "-at_install")
class TestSdiL10nItEdiBridge(SdiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "l10n_it_edi_state" not in cls.env["account.move"]._fields:
            raise SkipTest("l10n_it_edi is not installed")

    def _edi_invoice(self, file_name):
        invoice = self._sdi_invoice(False)
        self.env["ir.attachment"].create(
            {
                "name": file_name,
                "raw": b"<FatturaElettronica/>",
                "res_model": "account.move",
                "res_id": invoice.id,
                "res_field": "l10n_it_edi_attachment_file",
            }
        )
        invoice.invalidate_recordset()
        return invoice

    def test_rejection_in_l10n_it_edi_has_the_same_effect(self):
        invoice = self._edi_invoice("IT01234567890_00A01.xml")
        invoice.l10n_it_edi_state = "processing"
        self.assertEqual(invoice.credit_einvoice_state, "sent")
        self.assertEqual(invoice.credit_einvoice_file_name, "IT01234567890_00A01.xml")
        invoice.l10n_it_edi_state = "rejected"
        self.assertEqual(invoice.credit_einvoice_state, "rejected")
        self.assertFalse(invoice.credit_collectible)
        self.assertEqual(
            invoice.activity_ids.activity_type_id,
            self.env.ref("credit_control.mail_activity_type_credit_einvoice_fix"),
        )
        self.assertEqual(invoice.activity_ids.user_id, self.salesperson)
        invoice.l10n_it_edi_state = "being_sent"
        invoice.l10n_it_edi_state = "forwarded"
        self.assertEqual(invoice.credit_einvoice_state, "delivered")
        self.assertTrue(invoice.credit_collectible)

    def test_forward_failed_waits_for_the_notice(self):
        invoice = self._edi_invoice("IT01234567890_00A02.xml")
        invoice.l10n_it_edi_state = "forward_failed"
        self.assertEqual(invoice.credit_einvoice_state, "not_delivered")
        self.assertFalse(invoice.credit_collectible)
        invoice.l10n_it_edi_state = "accepted_by_pa_partner_after_expiry"
        self.assertEqual(invoice.credit_einvoice_state, "expired")
