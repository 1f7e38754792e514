"""Payment plans as the credit controller sees them: the screens, the start wizard and its
preview, the smart buttons, the agreement in Italian and English, the proposal e-mail and
the installment reminders (each sent once)."""

import html
import re
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tests import TransactionCase
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestPaymentPlanScreens(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.env.user.groups_id += cls.env.ref("credit_control.group_credit_manager")
        cls.customer = cls._credit_customer(
            "Piani Rossi S.r.l.", lang="it_IT", email="conti@piani-rossi.example"
        )
        cls.english = cls._credit_customer(
            "Plans Brown Ltd", lang="en_US", email="accounts@plans-brown.example"
        )
        cls.invoices = cls._credit_invoice(
            cls.customer, 1000.0, cls.today - timedelta(days=90)
        ) | cls._credit_invoice(cls.customer, 500.0, cls.today - timedelta(days=60))
        cls.english_invoice = cls._credit_invoice(
            cls.english, 1200.0, cls.today - timedelta(days=80)
        )
        cls.controller = cls._credit_user("plan_controller", "credit_control.group_credit_user")

    def _plan(self, invoices, **values):
        return self.env["credit.payment.plan"].create(
            {
                "partner_id": invoices.commercial_partner_id.id,
                "invoice_ids": [Command.set(invoices.ids)],
                "installment_count": 3,
                "frequency": "monthly",
                "first_date": self.today + timedelta(days=10),
                **values,
            }
        )

    # ------------------------------------------------------------------ screens

    def test_screens_load(self):
        for model, view_types in {
            "credit.payment.plan": ["list", "form", "search", "pivot"],
            "credit.payment.plan.installment": ["list", "calendar", "search"],
            "credit.payment.plan.wizard": ["form"],
        }.items():
            views = self.env[model].get_views([(False, view_type) for view_type in view_types])
            self.assertEqual(set(views["views"]), set(view_types), model)
        menu = self.env.ref("credit_control.menu_credit_payment_plan_root")
        self.assertEqual(menu.parent_id, self.env.ref("credit_control.menu_credit_control"))
        dunning = self.env.ref("credit_control.menu_credit_dunning")
        self.assertEqual(menu.sequence, dunning.sequence + 5, "right after Dunning")
        letter_form = self.env["credit.dunning.letter"].get_views([(False, "form")])
        self.assertIn("Offer a Payment Plan", letter_form["views"]["form"]["arch"])

    def _miss(self, plan, *days_ago):
        """Move the first installments of an accepted plan into the past, unpaid, and run
        the engine's update (as the daily cron does)."""
        for installment, days in zip(
            plan.installment_ids.sorted("sequence")[: len(days_ago)], days_ago, strict=True
        ):
            installment.sudo().date_due = self.today - timedelta(days=days)
        plan._credit_update_installments()

    def test_filters_active_at_risk_and_broken(self):
        active = self._plan(self.invoices[:1])
        active._credit_accept("Mario Rossi", method="manual")
        at_risk = self._plan(self.invoices[1:])
        at_risk._credit_accept("Mario Rossi", method="manual")
        self._miss(at_risk, 30)
        broken = self._plan(self.english_invoice)
        broken._credit_accept("John Brown", method="manual")
        self._miss(broken, 40, 30)
        self.assertEqual((at_risk.state, at_risk.missed_count), ("active", 1))
        self.assertEqual(broken.state, "broken")
        Plan = self.env["credit.payment.plan"]
        mine = [("id", "in", (active | at_risk | broken).ids)]
        search = Plan.get_views([(False, "search")])["views"]["search"]["arch"]
        for name in ("active_plans", "at_risk", "broken"):
            self.assertIn(f'name="{name}"', search)
        self.assertEqual(Plan.search([*mine, ("state", "=", "active")]), active | at_risk)
        at_risk_filter = re.search(r'name="at_risk"[^>]*domain="([^"]+)"', search).group(1)
        at_risk_domain = safe_eval(html.unescape(at_risk_filter))
        self.assertEqual(Plan.search([*mine, *at_risk_domain]), at_risk)
        groups = Plan._read_group(mine, ["state"], ["__count"])
        self.assertEqual(dict(groups), {"active": 2, "broken": 1})

    def test_installments_due_this_week(self):
        plan = self._plan(self.invoices, first_date=self.today)
        plan._credit_accept("Mario Rossi", method="manual")
        action = self.env.ref("credit_control.action_credit_payment_plan_installment")
        self.assertEqual(action.view_mode.split(",")[0], "calendar")
        search = self.env["credit.payment.plan.installment"].get_views([(False, "search")])
        self.assertIn('name="this_week"', search["views"]["search"]["arch"])
        due = self.env["credit.payment.plan.installment"].search(
            [("plan_id", "=", plan.id), ("date_due", "<=", self.today + timedelta(days=6))]
        )
        self.assertEqual(len(due), 1, "the first installment is due today")

    # ------------------------------------------------------------------ wizard

    def test_wizard_from_the_invoice_list_previews_the_schedule(self):
        wizard = Form(
            self.env["credit.payment.plan.wizard"]
            .with_user(self.controller)
            .with_context(active_model="account.move", active_ids=self.invoices.ids)
        )
        self.assertEqual(wizard.partner_id, self.customer)
        self.assertEqual(wizard.amount_total, 1500.0)
        wizard.installment_count = 4
        wizard.down_payment_amount = 300.0
        wizard.first_date = self.today + timedelta(days=1)
        preview = str(wizard.preview_html)
        # 300.00 down, then 1,200.00 in 4: 300.00 each
        self.assertIn("(down payment)", preview)
        self.assertEqual(preview.count("<tr><td>"), 5, "down payment + 4 installments")
        self.assertIn("1,500.00", preview, "the total")
        wizard.installment_count = 0
        self.assertTrue(wizard.preview_error, "0 installments: no schedule")
        self.assertFalse(wizard.preview_html)
        wizard.installment_count = 4
        wizard.first_date = self.today - timedelta(days=1)
        self.assertIn("before today", wizard.preview_error)
        wizard.first_date = self.today + timedelta(days=1)
        self.assertFalse(wizard.preview_error)
        action = wizard.save().action_create_plan()
        plan = self.env["credit.payment.plan"].browse(action["res_id"])
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.invoice_ids, self.invoices)
        self.assertEqual(len(plan.installment_ids), 5)
        self.assertAlmostEqual(sum(plan.installment_ids.mapped("amount")), 1500.0, places=2)

    def test_wizard_from_a_partner_takes_its_overdue_invoices(self):
        wizard = Form(
            self.env["credit.payment.plan.wizard"].with_context(
                active_model="res.partner", active_ids=self.customer.ids
            )
        )
        self.assertEqual(wizard.partner_id, self.customer)
        self.assertEqual(set(wizard.invoice_ids.ids), set(self.invoices.ids))

    def test_wizard_refuses_invoices_of_two_customers(self):
        with self.assertRaisesRegex(UserError, "one customer"):
            self.env["credit.payment.plan.wizard"].with_context(
                active_model="account.move", active_ids=(self.invoices | self.english_invoice).ids
            ).default_get(["partner_id"])

    def test_wizard_from_a_dunning_letter(self):
        policy = self.env["credit.dunning.policy"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        level = policy.level_ids[:1]
        receivable = self.english_invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        letter = (
            self.env["credit.dunning.letter"]
            .sudo()
            .create(
                {
                    "company_id": self.env.company.id,
                    "date": self.today,
                    "partner_id": self.english.id,
                    "currency_id": self.currency.id,
                    "policy_id": policy.id,
                    "level_id": level.id,
                    "amount_due": 1200.0,
                    "line_ids": [
                        Command.create(
                            {
                                "move_line_id": receivable.id,
                                "level_id": level.id,
                                "due_date": receivable.date_maturity,
                                "days_late": 50,
                                "amount": 1200.0,
                                "open_amount": 1200.0,
                            }
                        )
                    ],
                }
            )
        )
        wizard = Form(
            self.env["credit.payment.plan.wizard"].with_context(
                active_model="credit.dunning.letter", active_ids=letter.ids
            )
        )
        self.assertEqual(wizard.letter_id, letter)
        self.assertEqual(wizard.invoice_ids[:], self.english_invoice)
        plan = self.env["credit.payment.plan"].browse(wizard.save().action_create_plan()["res_id"])
        self.assertIn(letter.display_name, plan.message_ids[:1].body)

    def test_wizard_is_for_the_credit_team(self):
        billing = self._credit_user("plan_viewer", "credit_control.group_credit_viewer")
        with self.assertRaises(AccessError):
            self.env["credit.payment.plan.wizard"].with_user(billing).create(
                {"partner_id": self.customer.id}
            )

    # ------------------------------------------------------------------ smart buttons

    def test_smart_buttons_on_partner_and_invoice(self):
        plan = self._plan(self.invoices)
        self.assertEqual(self.customer.credit_payment_plan_count, 1)
        action = self.customer.action_credit_payment_plans()
        self.assertEqual(self.env["credit.payment.plan"].search(action["domain"]), plan)
        plan._credit_accept("Mario Rossi", method="manual")
        action = self.invoices[0].action_credit_open_payment_plan()
        self.assertEqual((action["res_model"], action["res_id"]), ("credit.payment.plan", plan.id))
        self.assertEqual(
            plan.action_credit_view_invoices()["domain"], [("id", "in", plan.invoice_ids.ids)]
        )
        self._credit_pay(self.invoices[0], self.today, amount=200.0)
        self.assertEqual(plan.credit_payment_count, 1, "the invoices' payments")
        self.assertEqual(plan.credit_payment_line_ids.move_id.payment_ids.amount, 200.0)

    # ------------------------------------------------------------------ agreement PDF

    def test_agreement_in_italian_and_english(self):
        italian = self._plan(self.invoices, down_payment_amount=300.0)
        english = self._plan(self.english_invoice)
        report = self.env["ir.actions.report"]
        html_it = report._render_qweb_html(
            "credit_control.action_report_payment_plan", italian.ids
        )[0].decode()
        html_en = report._render_qweb_html(
            "credit_control.action_report_payment_plan", english.ids
        )[0].decode()
        # parties, invoices covered, the schedule's figures and the acknowledgment of debt
        for invoice in self.invoices:
            self.assertIn(invoice.name, html_it)
        self.assertIn(self.english_invoice.name, html_en)
        self.assertIn("1988", html_it)
        self.assertIn("1988", html_en)
        self.assertIn("Piani Rossi S.r.l.", html_it)
        self.assertIn("Acknowledgment of debt", html_en)
        self.assertIn("Riconoscimento di debito", html_it)
        self.assertNotIn("Acknowledgment of debt", html_it)
        # Italian figures: 1.500,00 owed, 300,00 down, then 400,00 x 3
        self.assertIn("1.500,00", html_it)
        self.assertIn("300,00", html_it)
        self.assertIn("400,00", html_it)
        self.assertIn("1,200.00", html_en)
        self.assertIn("400.00", html_en)
        self.assertIn("No interest is charged", html_en)
        self.assertIn(self.env.company.name, html_en)

    # ------------------------------------------------------------------ e-mails

    def test_proposal_mails_the_agreement_with_the_portal_link(self):
        plan = self._plan(self.english_invoice)
        plan.action_propose()
        self.assertEqual(plan.state, "proposed")
        self.assertTrue(plan.access_token)
        message = plan.message_ids.filtered(lambda msg: msg.message_type == "comment")[:1]
        self.assertIn(self.english, message.partner_ids)
        self.assertIn(f"/my/payment_plans/{plan.id}?access_token={plan.access_token}", message.body)
        self.assertEqual(len(message.attachment_ids), 1, "the agreement")
        self.assertTrue(plan.proposal_sent_on)

    def test_proposal_to_a_customer_without_e_mail_says_to_print_it(self):
        nomail = self._credit_customer("No Mail Srl")
        plan = self._plan(self._credit_invoice(nomail, 300.0, self.today - timedelta(days=70)))
        plan.action_propose()
        self.assertEqual(plan.state, "proposed")
        self.assertFalse(plan.proposal_sent_on)
        self.assertIn("print the agreement", " ".join(plan.message_ids.mapped("body")))
        self.assertFalse(plan.message_ids.filtered(lambda msg: msg.message_type == "comment"))

    def test_reminders_before_and_after_the_due_date_are_sent_once(self):
        plan = self._plan(self.english_invoice, first_date=self.today + timedelta(days=2))
        plan._credit_accept("John Brown", method="manual")
        first, second, third = plan.installment_ids.sorted("sequence")
        # first: due 4 days ago, unpaid (reminder after); second: due in 2 days (before)
        first.sudo().date_due = self.today - timedelta(days=4)
        second.sudo().date_due = self.today + timedelta(days=2)
        Installment = self.env["credit.payment.plan.installment"]
        Mail = self.env["mail.mail"]
        before = Mail.search_count([("model", "=", Installment._name)])
        Installment._cron_send_reminders()
        mails = Mail.search([("model", "=", Installment._name)], order="id")[before:]
        self.assertEqual(sorted(mails.mapped("res_id")), sorted([first.id, second.id]))
        self.assertTrue(first.reminder_after_sent)
        self.assertFalse(first.reminder_before_sent, "its date had passed: no reminder before")
        self.assertTrue(second.reminder_before_sent)
        self.assertIn("unpaid", mails.filtered(lambda m: m.res_id == first.id).subject)
        log = " ".join(plan.message_ids.mapped("body"))
        self.assertIn(f"Reminder e-mailed: installment {second.sequence} due", log)
        self.assertIn(f"Overdue reminder e-mailed: installment {first.sequence} due", log)
        # the cron again, the next day: nothing more
        Installment._cron_send_reminders()
        self.assertEqual(Mail.search_count([("model", "=", Installment._name)]), before + 2)
        # a paid installment or a plan no longer active gets nothing
        plan.action_cancel()
        third.sudo().date_due = self.today + timedelta(days=1)
        Installment._cron_send_reminders()
        self.assertFalse(third.reminder_before_sent)


@tagged("post_install", "-at_install")
class TestPaymentPlanDemo(TransactionCase):
    def test_demo_has_an_active_a_completed_and_a_broken_plan(self):
        keys = ("active", "completed", "broken")
        plans = [self.env.ref(f"credit_control.demo_payment_plan_{key}", False) for key in keys]
        if not all(plans):  # a database made before the demo plans existed
            self.env["credit.demo.data"]._demo_payment_plans()
            plans = [self.env.ref(f"credit_control.demo_payment_plan_{key}") for key in keys]
        active, completed, broken = plans
        self.assertEqual([plan.state for plan in plans], list(keys))
        italian = self.env.ref("credit_control.demo_company_it", False)
        if italian:
            self.assertEqual({plan.company_id for plan in plans}, {italian})
        self.assertTrue(all(plan.installment_ids for plan in plans))
        self.assertGreater(active.amount_paid, 0.0, "the installments due so far are paid")
        self.assertTrue(active.next_due_date)
        self.assertEqual(set(completed.installment_ids.mapped("state")), {"paid"})
        self.assertGreater(broken.missed_count, broken.misses_allowed)
        self.assertEqual(active.invoice_ids.credit_payment_plan_id, active)
        self.assertFalse(broken.invoice_ids.credit_payment_plan_id, "dunning took them back")
