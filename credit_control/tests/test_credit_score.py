import importlib.util
from datetime import timedelta
from pathlib import Path

from odoo.tests import tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestCreditScore(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.due = cls.today - timedelta(days=200)

    def test_known_answer_three_invoices_paid_0_10_50_days_late(self):
        customer = self._credit_customer("Known Answer")
        self._credit_history(
            customer, [(1000.0, self.due, 0), (1000.0, self.due, 10), (1000.0, self.due, 50)]
        )
        customer.credit_update_scores()
        self.assertAlmostEqual(customer.credit_avg_days_late, 20.0)
        self.assertEqual(customer.credit_worst_delay, 50)
        self.assertEqual(customer.credit_settled_count, 3)
        self.assertAlmostEqual(customer.credit_share_late, 66.7)
        self.assertAlmostEqual(customer.credit_share_late_30, 33.3)
        self.assertEqual(customer.credit_exposure, 0.0)
        self.assertEqual(customer.credit_profile, "habitually_late")

    def test_partial_payments_weighted_by_amount_and_date(self):
        customer = self._credit_customer("Partial Payer")
        invoice = self._credit_invoice(
            customer, 1000.0, self.due - timedelta(days=30), due_date=self.due
        )
        self._credit_pay(invoice, self.due, amount=250.0)
        self._credit_pay(invoice, self.due + timedelta(days=40), amount=750.0)
        customer.credit_update_scores()
        # 250 on time, 750 forty days late: (250 x 0 + 750 x 40) / 1000 = 30 days
        self.assertAlmostEqual(customer.credit_avg_days_late, 30.0)
        self.assertEqual(customer.credit_worst_delay, 40)

    def test_open_and_overdue_exposure(self):
        customer = self._credit_customer("Owes Money")
        self._credit_invoice(
            customer,
            700.0,
            self.today - timedelta(days=100),
            due_date=self.today - timedelta(days=70),
        )
        self._credit_invoice(customer, 300.0, self.today, due_date=self.today + timedelta(days=30))
        customer.credit_update_scores()
        self.assertEqual(customer.credit_exposure, 1000.0)
        self.assertEqual(customer.credit_overdue, 700.0)
        self.assertEqual(customer.credit_oldest_overdue_days, 70)
        self.assertEqual(customer.credit_profile, "sometimes_late")

    def test_invoices_to_a_contact_count_for_its_company(self):
        """An invoice addressed to a contact (the accounts office) is the company's debt:
        the scoring, of every customer or of the contact alone, and the Credit tab's
        figures count it on the company."""
        company = self._credit_customer("Sede Centrale Srl")
        office = self.env["res.partner"].create(
            {"name": "Ufficio Amministrativo", "parent_id": company.id, "type": "invoice"}
        )
        self._credit_invoice(
            office,
            700.0,
            self.today - timedelta(days=100),
            due_date=self.today - timedelta(days=70),
        )
        self._credit_invoice(company, 300.0, self.today, due_date=self.today + timedelta(days=30))
        self.assertEqual(
            (company.credit_live_exposure, company.credit_live_overdue), (1000.0, 700.0)
        )
        self.assertFalse(company.credit_scored_on)
        office.credit_update_scores()  # rescoring the contact rescores its company
        figures = (
            company.credit_scored_on,
            company.credit_exposure,
            company.credit_overdue,
            company.credit_oldest_overdue_days,
            company.credit_profile,
        )
        self.assertEqual(figures, (self.today, 1000.0, 700.0, 70, "sometimes_late"))
        self.assertFalse(office.credit_scored_on, "the contact has no assessment of its own")
        self.env["res.partner"].credit_update_scores()  # every customer
        self.assertEqual(company.credit_exposure, 1000.0)
        self.assertEqual(company.credit_profile, "sometimes_late")
        self.assertFalse(office.credit_scored_on)

    def test_returned_payment_counts_and_reopens(self):
        customer = self._credit_customer("Bounced")
        invoice = self._credit_invoice(
            customer, 500.0, self.due - timedelta(days=30), due_date=self.due
        )
        payment = self._credit_pay(invoice, self.due)
        self._credit_return_payment(payment, self.due + timedelta(days=5))
        self.assertEqual(payment.move_id.credit_returned_date, self.due + timedelta(days=5))
        customer.credit_update_scores()
        self.assertEqual(customer.credit_returned_count, 1)
        self.assertEqual(customer.credit_overdue, 500.0)
        self.assertIn("1 returned payment", customer.credit_explanation)

    def test_invoice_reset_to_draft_is_no_returned_payment(self):
        customer = self._credit_customer("Corrected")
        invoice = self._credit_invoice(
            customer, 500.0, self.due - timedelta(days=30), due_date=self.due
        )
        payment = self._credit_pay(invoice, self.due)
        invoice.button_draft()
        self.assertFalse(payment.move_id.credit_returned_date)

    def test_credit_note_is_not_a_late_payment(self):
        customer = self._credit_customer("Refunded")
        invoice = self._credit_invoice(
            customer, 500.0, self.due - timedelta(days=30), due_date=self.due
        )
        invoice._reverse_moves([{"date": self.due + timedelta(days=90)}], cancel=True)
        customer.credit_update_scores()
        self.assertEqual(customer.credit_avg_days_late, 0.0)
        self.assertEqual(customer.credit_worst_delay, 0)
        self.assertEqual(customer.credit_exposure, 0.0)

    def test_uncollectible_invoice_is_left_out(self):
        customer = self._credit_customer("Rejected E-invoice")
        invoice = self._credit_invoice(
            customer, 900.0, self.due - timedelta(days=30), due_date=self.due
        )
        invoice.flush_recordset()
        self.env.cr.execute(
            "UPDATE account_move SET credit_collectible = FALSE WHERE id = %s", [invoice.id]
        )
        invoice.invalidate_recordset(["credit_collectible"])
        customer.credit_update_scores()
        self.assertEqual(customer.credit_overdue, 0.0)

    def test_window_leaves_old_settled_invoices_out(self):
        customer = self._credit_customer("Old History")
        self._credit_history(customer, [(1000.0, self.today - timedelta(days=800), 90)])
        customer.credit_update_scores()
        self.assertEqual(customer.credit_settled_count, 0)
        self.env.company.credit_window_months = 36
        customer.credit_update_scores()
        self.assertEqual(customer.credit_settled_count, 1)

    def test_profiles_order_scores_and_bands(self):
        reliable = self._credit_customer("Reliable")
        sometimes = self._credit_customer("Sometimes Late")
        habitual = self._credit_customer("Habitually Late")
        defaulting = self._credit_customer("Defaulting")
        month = timedelta(days=30)
        self._credit_history(reliable, [(1000.0, self.due + i * month, 0) for i in range(5)])
        self._credit_history(
            sometimes, [(1000.0, self.due + i * month, 12 if i == 0 else 0) for i in range(5)]
        )
        self._credit_history(habitual, [(1000.0, self.due + i * month, 25) for i in range(5)])
        self._credit_history(
            defaulting,
            [(1000.0, self.due + i * month, 45) for i in range(2)]
            + [(3000.0, self.due, None), (2000.0, self.due, None)],
        )
        customers = reliable | sometimes | habitual | defaulting
        customers.credit_update_scores()
        self.assertEqual(
            customers.mapped("credit_profile"),
            ["reliable", "sometimes_late", "habitually_late", "defaulting"],
        )
        scores = customers.mapped("credit_score")
        self.assertEqual(scores, sorted(scores, reverse=True), scores)
        self.assertEqual(len(set(scores)), 4, scores)
        self.assertEqual(reliable.credit_band, "A")
        self.assertEqual(defaulting.credit_band, "E")

    def test_empty_recordset_scores_every_customer_and_keeps_history(self):
        customer = self._credit_customer("Everyone")
        self._credit_history(customer, [(1000.0, self.due, 0)])
        updated = self.env["res.partner"]._credit_update_scores()
        self.assertIn(customer, updated)
        self.assertEqual(customer.credit_band, "A")
        self.assertIn("no business report", customer.credit_explanation)
        history = customer.credit_score_history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual((history.score, history.band), (customer.credit_score, "A"))
        self.env["res.partner"].credit_update_scores()
        self.assertEqual(len(customer.credit_score_history_ids), 1, "no change, no new row")
        self._credit_history(customer, [(1000.0, self.due, 60)])
        self.env["res.partner"]._cron_credit_update_scores()
        self.assertEqual(len(customer.credit_score_history_ids), 2)
        self.assertEqual(customer.credit_avg_days_late, 30.0)

    def test_weights_from_settings(self):
        customer = self._credit_customer("Weighted")
        self._credit_history(customer, [(1000.0, self.due, 30)])
        customer.credit_update_scores()
        default_score = customer.credit_score
        self.env.company.credit_weight_days_late = 0
        self.env.company.credit_weight_share_late = 0
        customer.credit_update_scores()
        self.assertGreater(customer.credit_score, default_score)
        self.assertNotIn("days after the due date", customer.credit_explanation)

    def test_recommended_limit_approved_by_manager(self):
        customer = self._credit_customer("Limit")
        self._credit_history(
            customer, [(3000.0, self.due + timedelta(days=30 * i), 0) for i in range(6)]
        )
        customer.credit_update_scores()
        self.assertEqual(customer.credit_band, "A")
        self.assertGreater(customer.credit_recommended_limit, 0)
        customer.action_credit_approve_limit()
        self.assertEqual(customer.credit_limit, customer.credit_recommended_limit)
        self.assertIn("Credit limit approved", customer.message_ids[0].body)

    def test_payment_unmatched_from_its_invoice_is_no_returned_payment(self):
        customer = self._credit_customer("Unmatched")
        invoice = self._credit_invoice(
            customer, 500.0, self.due - timedelta(days=30), due_date=self.due
        )
        payment = self._credit_pay(invoice, self.due)
        # unmatching is a correction of the ledger: the money did not come back
        payment.move_id.line_ids.filtered("reconciled").remove_move_reconcile()
        self.assertFalse(payment.move_id.credit_returned_date)
        customer.credit_update_scores()
        self.assertEqual(customer.credit_returned_count, 0)


@tagged("post_install", "-at_install")
class TestCreditLiveFigures(CreditControlCommon):
    """The Credit tab's exposure and overdue are today's, right after posting or paying:
    read from the ledger when shown, while posting and paying write nothing of ours."""

    def _live(self, partner):
        partner.invalidate_recordset()  # what the next screen does: read them again
        return (
            partner.credit_live_exposure,
            partner.credit_live_overdue,
            partner.credit_live_oldest_overdue_days,
        )

    def test_posting_and_paying_show_at_once_on_the_credit_tab(self):
        customer = self._credit_customer("Live Figures Srl")
        invoice = self._credit_invoice(
            customer,
            1200.0,
            self.today - timedelta(days=60),
            due_date=self.today - timedelta(days=30),
        )
        self.assertEqual(self._live(customer), (1200.0, 1200.0, 30))
        self._credit_pay(invoice, self.today, amount=200.0)
        self.assertEqual(self._live(customer), (1000.0, 1000.0, 30))
        self._credit_invoice(customer, 500.0, self.today, due_date=self.today + timedelta(days=30))
        self.assertEqual(self._live(customer), (1500.0, 1000.0, 30), "not due yet: not overdue")
        self._credit_pay(invoice, self.today, amount=1000.0)
        self.assertEqual(self._live(customer), (500.0, 0.0, 0))
        self.env.cr.flush()  # the commit: posting and paying stored nothing of ours
        self.assertFalse(customer.credit_scored_on)
        self.assertEqual(customer.credit_exposure, 0.0)
        customer.credit_update_scores()
        self.assertEqual(
            (customer.credit_exposure, customer.credit_overdue), (500.0, 0.0), "the snapshot"
        )

    def test_each_company_reads_its_own_ledger(self):
        customer = self._credit_customer("Shared Live Srl")
        self._credit_invoice(
            customer,
            300.0,
            self.today - timedelta(days=40),
            due_date=self.today - timedelta(days=10),
        )
        company_b = self.setup_other_company(name="Live Company B")["company"]
        self.assertEqual(self._live(customer), (300.0, 300.0, 10))
        self.assertEqual(self._live(customer.with_company(company_b)), (0.0, 0.0, 0))

    def test_an_upgraded_italian_database_names_the_snapshot_apart(self):
        """Upgraded in place, the stored exposure (the old "Esposizione") takes its new
        Italian label: the upgrade keeps the translations it finds unless the migration
        drops them."""
        migration = (
            Path(__file__).resolve().parent.parent / "migrations" / "18.0.1.5.0" / "pre-migrate.py"
        )
        self.env["res.lang"]._activate_lang("it_IT")
        modules = self.env["ir.module.module"]
        modules._load_module_terms(["credit_control"], ["it_IT"])
        stored = self.env["ir.model.fields"]._get("res.partner", "credit_exposure")
        self.env.cr.execute(
            "UPDATE ir_model_fields SET field_description = %s WHERE id = %s",
            ['{"en_US": "Exposure", "it_IT": "Esposizione"}', stored.id],
        )
        spec = importlib.util.spec_from_file_location("credit_pre_migrate", migration)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.4.0")
        modules._load_module_terms(["credit_control"], ["it_IT"])
        stored.invalidate_recordset()
        self.assertEqual(
            stored.with_context(lang="it_IT").field_description, "Esposizione al calcolo"
        )
        today = self.env["ir.model.fields"]._get("res.partner", "credit_live_exposure")
        self.assertEqual(today.with_context(lang="it_IT").field_description, "Esposizione")

    def test_a_list_of_customers_is_read_in_one_statement(self):
        customers = self.env["res.partner"]
        for number in range(3):
            customer = self._credit_customer(f"Live List {number} Srl")
            self._credit_invoice(customer, 100.0 * (number + 1), self.today)
            customers |= customer
        self.env.flush_all()
        customers.invalidate_recordset(
            ["credit_live_exposure", "credit_live_overdue", "credit_live_oldest_overdue_days"]
        )
        with self.assertQueryCount(1):  # the ledger, once for all of them
            exposures = customers.mapped("credit_live_exposure")
        self.assertEqual(exposures, [100.0, 200.0, 300.0])
