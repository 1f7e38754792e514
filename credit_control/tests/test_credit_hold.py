from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestCreditHold(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        users = cls.env["res.users"].with_context(no_reset_password=True)
        company = cls.env.company
        common = {"company_id": company.id, "company_ids": [Command.set(company.ids)]}
        cls.clerk = users.create(
            {
                "name": "Billing Clerk",
                "login": "credit_clerk",
                "email": "clerk@example.com",
                "groups_id": [Command.set(cls.env.ref("account.group_account_invoice").ids)],
                **common,
            }
        )
        cls.manager = users.create(
            {
                "name": "Credit Manager",
                "login": "credit_boss",
                "email": "boss@example.com",
                "groups_id": [Command.set(cls.env.ref("account.group_account_manager").ids)],
                **common,
            }
        )
        cls.customer = cls._credit_customer("Over Limit Ltd")
        cls.customer.with_company(company).credit_limit = 1500.0
        cls._credit_invoice(
            cls.customer, 1000.0, cls.today, due_date=cls.today + timedelta(days=30)
        )

    def _draft(self, amount=800.0, user=None):
        move = self._credit_invoice(self.customer, amount, self.today, post=False)
        return move.with_user(user) if user else move

    def test_off_posts_over_limit(self):
        self.env.company.credit_hold_mode = "off"
        move = self._draft(user=self.clerk)
        self.assertFalse(move.action_post())
        self.assertEqual(move.state, "posted")

    def test_within_limit_posts_without_question(self):
        self.env.company.credit_hold_mode = "block"
        move = self._draft(amount=400.0, user=self.clerk)
        move.action_post()
        self.assertEqual(move.state, "posted")

    def test_warn_asks_and_logs_acceptance(self):
        self.env.company.credit_hold_mode = "warn"
        move = self._draft(user=self.clerk)
        action = move.action_post()
        self.assertEqual(action["res_model"], "credit.hold.wizard")
        self.assertEqual(move.state, "draft")
        wizard = self.env["credit.hold.wizard"].with_user(self.clerk).browse(action["res_id"])
        self.assertIn("over the credit limit", wizard.reasons)
        self.assertIn("1,800.00", wizard.reasons)
        wizard.action_confirm()
        self.assertEqual(move.state, "posted")
        self.assertIn("Credit warning accepted by Billing Clerk", move.message_ids[0].body)
        self.assertIn("over the credit limit", self.customer.message_ids[0].body)

    def test_block_stops_a_user_with_reason_and_figures(self):
        self.env.company.credit_hold_mode = "block"
        move = self._draft(user=self.clerk)
        with self.assertRaisesRegex(UserError, r"1,000.00.*800.00.*1,800.00.*1,500.00"):
            move.action_post()
        self.assertEqual(move.state, "draft")

    def test_block_manager_overrides_with_reason(self):
        self.env.company.credit_hold_mode = "block"
        move = self._draft(user=self.manager)
        action = move.action_post()
        wizard = self.env["credit.hold.wizard"].with_user(self.manager).browse(action["res_id"])
        self.assertEqual(wizard.mode, "block")
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_confirm()
        self.assertEqual(move.state, "draft")
        wizard.override_reason = "Bank guarantee received"
        wizard.action_confirm()
        self.assertEqual(move.state, "posted")
        self.assertIn(
            "overridden by Credit Manager: Bank guarantee received", move.message_ids[0].body
        )

    def test_clerk_cannot_use_a_block_wizard(self):
        self.env.company.credit_hold_mode = "block"
        move = self._draft()
        wizard = self.env["credit.hold.wizard"].create(
            {
                "move_ids": [Command.set(move.ids)],
                "mode": "block",
                "reasons": "x",
                "override_reason": "y",
            }
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.clerk).action_confirm()

    def test_band_e_and_hold_flag_are_reasons(self):
        self.env.company.credit_hold_mode = "block"
        small = self._credit_customer("Small Risky")
        small.sudo().write({"credit_band": "E", "credit_score": 20})
        move = self._credit_invoice(small, 10.0, self.today, post=False).with_user(self.clerk)
        with self.assertRaisesRegex(UserError, "band E"):
            move.action_post()
        small.sudo().credit_band = "B"  # as the scoring writes it
        small.write({"credit_hold": True, "credit_hold_reason": "Legal dispute"})
        with self.assertRaisesRegex(UserError, "Legal dispute"):
            move.action_post()

    def test_overdue_threshold(self):
        self.env.company.credit_hold_mode = "block"
        self.env.company.credit_hold_overdue_days = 60
        late = self._credit_customer("Old Debt")
        self._credit_invoice(
            late, 100.0, self.today - timedelta(days=120), due_date=self.today - timedelta(days=90)
        )
        move = self._credit_invoice(late, 10.0, self.today, post=False).with_user(self.clerk)
        with self.assertRaisesRegex(UserError, "overdue by 90 days"):
            move.action_post()

    def test_only_managers_set_the_hold(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.clerk).write({"credit_hold": True})
        self.customer.with_user(self.manager).write({"credit_hold": True})
        self.assertTrue(self.customer.credit_hold)

    def test_first_invoice_requests_a_report(self):
        """Only while a provider of the company refreshes reports on schedule: posting
        follows every change of the providers (it reads them from a cache)."""
        early = self._credit_customer("Early Customer")
        self._credit_invoice(early, 100.0, self.today)
        self.assertFalse(early.credit_report_requested, "no provider refreshes reports yet")
        provider = self.env["credit.report.provider"].create(
            {
                "name": "Bureau",
                "kind": "http",
                "auto_refresh": True,
                "url_template": "https://bureau.example/{vat}",
            }
        )
        newcomer = self._credit_customer("Newcomer", vat="IT00000010215")
        self._credit_invoice(newcomer, 100.0, self.today)
        self.assertTrue(newcomer.credit_report_requested)
        provider.auto_refresh = False
        latecomer = self._credit_customer("Latecomer")
        self._credit_invoice(latecomer, 100.0, self.today)
        self.assertFalse(latecomer.credit_report_requested, "the provider refreshes no more")

    def test_posting_from_the_list_is_held_too(self):
        self.env.company.credit_hold_mode = "block"
        move = self._draft()
        wizard = (
            self.env["validate.account.move"]
            .with_user(self.clerk)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
        )
        with self.assertRaisesRegex(UserError, "over the credit limit"):
            wizard.validate_move()
        self.assertEqual(move.state, "draft")
