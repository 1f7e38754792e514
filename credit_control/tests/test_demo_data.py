from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo customers cover every payment profile the credit screens must show."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref("credit_control.demo_customer_reliable_1", raise_if_not_found=False):
            cls.skipTest(cls, "demo data not installed")
        cls.today = fields.Date.context_today(cls.env.user)
        cls.company_it = cls.env.ref("credit_control.demo_company_it")

    def _customer(self, key):
        return self.env.ref(f"credit_control.demo_customer_{key}")

    def _invoices(self, partner):
        return self.env["account.move"].search(
            [
                ("partner_id", "=", partner.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )

    def test_about_thirty_customers_in_two_companies(self):
        customers = self.env["ir.model.data"].search(
            [("module", "=", "credit_control"), ("name", "=like", "demo_customer_%")]
        )
        self.assertGreaterEqual(len(customers), 30)
        partners = self.env["res.partner"].browse(customers.mapped("res_id"))
        self.assertEqual(len(partners.company_id), 2)
        self.assertIn(self.company_it, partners.company_id)
        self.assertTrue(self.company_it.chart_template, "the Italian demo company has a chart")

    def test_history_spans_two_years_relative_to_today(self):
        invoices = self._invoices(self._customer("reliable_1"))
        oldest = min(invoices.mapped("invoice_date"))
        self.assertGreater((self.today - oldest).days, 600)
        self.assertLess((self.today - max(invoices.mapped("invoice_date"))).days, 60)

    def test_reliable_customer_pays_on_time(self):
        invoices = self._invoices(self._customer("reliable_1"))
        overdue = invoices.filtered(
            lambda move: (
                move.payment_state == "not_paid" and move.invoice_date_due < self.today - 10
            )
        )
        self.assertFalse(overdue)
        self.assertTrue(
            invoices.filtered(lambda move: move.payment_state in ("paid", "in_payment"))
        )

    def test_defaulting_customer_has_open_overdue_items_and_a_returned_payment(self):
        partner = self._customer("defaulting_1")
        overdue = self._invoices(partner).filtered(
            lambda move: move.amount_residual and move.invoice_date_due < self.today
        )
        self.assertGreaterEqual(len(overdue), 3)
        reversed_payments = self.env["account.move"].search(
            [("partner_id", "=", partner.id), ("ref", "=like", "Returned:%")]
        )
        self.assertEqual(len(reversed_payments), 1, "one payment came back from the bank")

    def test_partial_payment_credit_note_installments_and_foreign_currency(self):
        partial = self._invoices(self._customer("sometimes_late_2"))
        self.assertIn("partial", partial.mapped("payment_state"))
        credit_notes = self.env["account.move"].search(
            [("partner_id", "=", self._customer("reliable_2").id), ("move_type", "=", "out_refund")]
        )
        self.assertEqual(len(credit_notes), 1)
        installments = self._invoices(self._customer("reliable_3"))[:1]
        receivable_lines = installments.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(len(receivable_lines), 3, "30/60/90 terms: three installments")
        foreign = self._invoices(self._customer("reliable_4"))
        self.assertEqual(foreign.currency_id, self.env.ref("base.EUR"))
        self.assertNotEqual(foreign.company_id.currency_id, foreign.currency_id)

    def test_italian_customers_belong_to_the_italian_company(self):
        partner = self._customer("defaulting_4")
        self.assertEqual(partner.company_id, self.company_it)
        self.assertEqual(self._invoices(partner).company_id, self.company_it)

    def test_italian_customers_read_italian(self):
        self.assertEqual(self._customer("reliable_6").lang, "it_IT")
        self.assertEqual(self._customer("reliable_1").lang, "en_US")

    def test_demo_customers_are_scored_at_install(self):
        reliable = self._customer("reliable_1")
        defaulting = self._customer("defaulting_1")
        self.assertEqual(reliable.credit_profile, "reliable")
        self.assertEqual(defaulting.credit_profile, "defaulting")
        self.assertGreater(reliable.credit_score, defaulting.credit_score)
        self.assertIn(defaulting.credit_band, ("D", "E"))
        italian = self._customer("defaulting_4")
        # scored in its own company: the assessment is per company
        self.assertEqual(italian.with_company(self.company_it).credit_profile, "defaulting")
        self.assertFalse(italian.credit_profile, "the main company has no ledger with it")

    def test_dunning_effectiveness_has_last_months_letters(self):
        """Two customers reminded 40 days before the demo was made, 20 days after their
        invoice fell due: Gialli paid its 1,830.00 ten days later, Marrone half of it
        (915.00) after 35 days."""
        rows = self.env["credit.dunning.letter.analysis"].search(
            [("company_id", "=", self.company_it.id)]
        )
        by_name = {row.partner_id.name: row for row in rows}
        self.assertEqual(set(by_name), {"Gialli Arredamenti Srl", "Marrone Edilizia Srl"})
        gialli, marrone = by_name["Gialli Arredamenti Srl"], by_name["Marrone Edilizia Srl"]
        self.assertEqual(gialli.date - gialli.letter_id.line_ids.due_date, timedelta(days=20))
        self.assertEqual(gialli.currency_id.name, "EUR")
        self.assertEqual(
            (gialli.amount_due, gialli.amount_paid_15, gialli.paid_15_count), (1830.0, 1830.0, 1)
        )
        self.assertEqual(
            (marrone.amount_due, marrone.amount_paid_30, marrone.amount_paid_60),
            (1830.0, 0.0, 915.0),
        )
        self.assertEqual(gialli.letter_id.sent_date.date(), gialli.date)
