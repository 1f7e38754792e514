"""Figures behind the score and the hold (issue 8) and the insolvency band rule (issue 14),
each told as a small story with the numbers worked by hand."""

import importlib.util
from datetime import timedelta
from pathlib import Path

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CreditControlCommon

MIGRATION = (
    Path(__file__).resolve().parent.parent / "migrations" / "18.0.1.1.0" / "post-migration.py"
)


@tagged("post_install", "-at_install")
class TestReturnedPayments(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.due = cls.today - timedelta(days=200)
        cls.bank = cls.company_data["default_journal_bank"]
        # invoicing users are credit users; a salesperson is only a credit viewer
        cls.controller = cls._credit_user(
            "carla.returns", "account.group_account_invoice", email="carla@example.com"
        )
        cls.clerk = cls._credit_user("bruno.returns", "credit_control.group_credit_viewer")

    def _invoice(self, customer, amount=500.0):
        return self._credit_invoice(
            customer, amount, self.due - timedelta(days=30), due_date=self.due
        )

    def test_moving_a_payment_to_the_right_invoice_is_no_returned_payment(self):
        customer = self._credit_customer("Moved Payment")
        wrong, right = self._invoice(customer), self._invoice(customer)
        payment = self._credit_pay(wrong, self.due)
        # the controller unmatches the 500.00 from the wrong invoice and matches the right one
        payment_line = payment.move_id.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        payment_line.remove_move_reconcile()
        (payment_line | right.line_ids.filtered("date_maturity")).reconcile()
        self.assertEqual(right.payment_state, "paid")
        self.assertFalse(payment.move_id.credit_returned_date)
        customer.credit_update_scores()
        self.assertEqual(customer.credit_returned_count, 0)
        self.assertIn("0 returned payment(s)", customer.credit_explanation)

    def test_reversed_payment_is_returned_on_the_day_of_its_reversal(self):
        customer = self._credit_customer("Bounced Transfer")
        payment = self._credit_pay(self._invoice(customer), self.due)
        self._credit_return_payment(payment, self.due + timedelta(days=7))
        self.assertEqual(payment.move_id.credit_returned_date, self.due + timedelta(days=7))
        customer.credit_update_scores()
        self.assertEqual(customer.credit_returned_count, 1)

    def test_returned_item_bank_line_debiting_the_receivable_is_returned(self):
        customer = self._credit_customer("Insoluto RiBa")
        invoice = self._invoice(customer)
        self._credit_pay(invoice, self.due)
        # the bank debits back the 500.00 of the returned bank receipt ("insoluto")
        returned = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.bank.id,
                "date": self.due + timedelta(days=10),
                "line_ids": [
                    Command.create(
                        {
                            "name": "Insoluto RiBa",
                            "account_id": customer.property_account_receivable_id.id,
                            "partner_id": customer.id,
                            "debit": 500.0,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Insoluto RiBa",
                            "account_id": self.bank.default_account_id.id,
                            "credit": 500.0,
                        }
                    ),
                ],
            }
        )
        returned.action_post()
        customer.credit_update_scores()
        self.assertEqual(customer.credit_returned_count, 1)

    def test_credit_note_refunded_by_bank_is_no_returned_payment(self):
        customer = self._credit_customer("Refunded Customer")
        credit_note = self._credit_invoice(
            customer, 200.0, self.due, due_date=self.due, move_type="out_refund"
        )
        self._credit_pay(credit_note, self.due + timedelta(days=3))
        customer.credit_update_scores()
        self.assertEqual(customer.credit_returned_count, 0)

    def test_credit_user_marks_a_payment_returned_and_takes_it_back(self):
        customer = self._credit_customer("Cheque Bounced")
        payment = self._credit_pay(self._invoice(customer), self.due)
        with self.assertRaises(AccessError):
            payment.with_user(self.clerk).action_credit_mark_returned()
        payment.with_user(self.controller).action_credit_mark_returned()
        self.assertEqual(payment.credit_returned_date, self.today)
        customer.credit_update_scores()
        self.assertEqual(customer.credit_returned_count, 1)
        payment.with_user(self.controller).action_credit_unmark_returned()
        self.assertTrue(payment.move_id.credit_return_dismissed)
        customer.credit_update_scores()
        self.assertEqual(customer.credit_returned_count, 0)

    def test_upgrade_keeps_only_reversed_payments_as_returned(self):
        customer = self._credit_customer("Old Database")
        unmatched = self._credit_pay(self._invoice(customer), self.due)
        reversed_payment = self._credit_pay(self._invoice(customer), self.due)
        self._credit_return_payment(reversed_payment, self.due + timedelta(days=4))
        # the old rule had marked the merely unmatched payment too, dated the day it happened
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move SET credit_returned_date = %s WHERE id = %s",
            [self.due + timedelta(days=2), unmatched.move_id.id],
        )
        spec = importlib.util.spec_from_file_location("credit_post_migration", MIGRATION)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertFalse(unmatched.move_id.credit_returned_date)
        self.assertEqual(
            reversed_payment.move_id.credit_returned_date, self.due + timedelta(days=4)
        )
        self.assertEqual(customer.credit_returned_count, 1)


@tagged("post_install", "-at_install")
class TestHoldAndExplanation(CreditControlCommon):
    def test_unmatched_advance_payment_is_not_an_overdue_item(self):
        company = self.env.company
        company.write({"credit_hold_mode": "warn", "credit_hold_overdue_days": 30})
        customer = self._credit_customer("Paid In Advance")
        advance = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": customer.id,
                "amount": 1000.0,
                "date": self.today - timedelta(days=100),
            }
        )
        advance.action_post()
        # 1,000.00 received 100 days ago, nothing invoiced: no item is overdue at all
        reasons = customer._credit_hold_reasons(company, 500.0)
        self.assertFalse([reason for reason in reasons if "overdue" in reason], reasons)
        exposure, overdue_days = customer._credit_open_amounts(company)[customer]
        self.assertEqual((exposure, overdue_days), (-1000.0, 0))
        # an invoice of 300.00 due 40 days ago is overdue by 40 days (not 100)
        self._credit_invoice(
            customer,
            300.0,
            self.today - timedelta(days=70),
            due_date=self.today - timedelta(days=40),
        )
        reasons = customer._credit_hold_reasons(company, 500.0)
        self.assertIn("An item is overdue by 40 days, more than the 30 allowed.", reasons)

    def test_explanation_says_how_late_the_open_items_are(self):
        customer = self._credit_customer("Stopped Paying")
        # one invoice of 1,000.00 paid on its due date, then 2,000.00 open for 289 days
        self._credit_history(customer, [(1000.0, self.today - timedelta(days=320), 0)])
        self._credit_history(customer, [(2000.0, self.today - timedelta(days=289), None)])
        customer.credit_update_scores()
        self.assertEqual(customer.credit_avg_days_late, 0.0)
        explanation = customer.credit_explanation
        self.assertIn("pays on average 0.0 days after the due date; ", explanation)
        self.assertIn("2,000.00 still open, on average 289 days past its due date", explanation)

    def test_clipped_score_says_so(self):
        self.env.company.credit_weight_returned = 0
        customer = self._credit_customer("Worse Every Month")
        # paid 50 days late five months ago, 60 days late 20 days ago, 1,000.00 open 100 days
        earlier = self._credit_invoice(
            customer,
            1000.0,
            self.today - timedelta(days=230),
            due_date=self.today - timedelta(days=200),
        )
        self._credit_pay(earlier, self.today - timedelta(days=150))
        later = self._credit_invoice(
            customer,
            1000.0,
            self.today - timedelta(days=110),
            due_date=self.today - timedelta(days=80),
        )
        self._credit_pay(later, self.today - timedelta(days=20))
        self._credit_invoice(
            customer,
            1000.0,
            self.today - timedelta(days=130),
            due_date=self.today - timedelta(days=100),
        )
        customer.credit_update_scores()
        # days late (50 + 60) / 2 = 55 -> 0; both paid > 30 days late -> 0; all exposure
        # overdue, the oldest 100 days -> 0: the factors make 0; paying 10 days later than
        # before costs 5 more: -5, clipped to 0, and the explanation gives the 5 back
        self.assertEqual(customer.credit_score, 0)
        self.assertIn(
            "paying 10.0 days later than the year before: took away 5.0 points",
            customer.credit_explanation,
        )
        self.assertIn("the score cannot be below 0: added 5.0 points", customer.credit_explanation)


@tagged("post_install", "-at_install")
class TestInsolvencyBand(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env["credit.report.provider"].create(
            {"name": "Bureau File", "kind": "file", "scale": "score_100", "map_vat": "VAT"}
        )

    def _report(self, customer, **values):
        return self.env["credit.business.report"]._credit_create_reports(
            [
                {
                    "partner_id": customer.id,
                    "provider_id": self.provider.id,
                    "score": 80.0,
                    "legal_status": "active",
                    **values,
                }
            ]
        )

    def _perfect_payer(self, name):
        customer = self._credit_customer(name)
        due = self.today - timedelta(days=100)
        self._credit_history(customer, [(1000.0, due, 0), (1000.0, due, 0)])
        return customer

    def test_company_in_liquidation_is_never_better_than_band_e(self):
        customer = self._perfect_payer("Liquidanda S.r.l.")
        self._report(customer, legal_status="liquidation")
        # 75 x 100 from the ledger + 25 x 0 (report of a company not active) = 75, band B;
        # in liquidation: capped at 34, band E
        self.assertEqual((customer.credit_score, customer.credit_band), (34, "E"))
        self.assertIn(
            "the latest business report says the company is In Liquidation: never better "
            "than band E: took away 41.0 points",
            customer.credit_explanation,
        )

    def test_insolvency_event_keeps_an_active_company_in_band_e(self):
        customer = self._perfect_payer("Concordataria S.p.A.")
        self._report(
            customer,
            negative_events="Protesto 2025\nConcordato preventivo 2026",
            negative_event_count=2,
        )
        # 75 x 100 + 25 x (80 - 2 x 10) = 90, band A; the composition with creditors caps it
        self.assertEqual((customer.credit_score, customer.credit_band), (34, "E"))
        self.assertIn(
            "lists an insolvency event (Concordato preventivo 2026): never better than band E",
            customer.credit_explanation,
        )

    def test_protest_alone_does_not_cap(self):
        customer = self._perfect_payer("Protestata S.r.l.")
        self._report(customer, negative_events="Protesto 2025", negative_event_count=1)
        # 75 x 100 + 25 x (80 - 10) = 92.5, rounded half up to 93: band A
        self.assertEqual((customer.credit_score, customer.credit_band), (93, "A"))
