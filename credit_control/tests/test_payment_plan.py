"""Payment plans: the contract, every state change, payments filling installments, dunning,
hold and scoring around a plan, bad input."""

import re
from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import html2plaintext

from .test_dunning import TestDunningCommon


class PaymentPlanCommon(TestDunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the ladder climbs one level at a time in these stories
        cls.policy.allow_skip_levels = False
        cls.planner = cls._credit_user(
            "plan_paola",
            "account.group_account_invoice",
            company=cls.company,
            name="Paola Planner",
            email="paola@example.com",
        )
        cls.Plan = cls.env["credit.payment.plan"]

    def _plan(self, invoices, **values):
        values = {
            "partner_id": invoices.partner_id[:1].id,
            "invoice_ids": [Command.set(invoices.ids)],
            "installment_count": 4,
            "first_date": self.today,
            **values,
        }
        return self.Plan.with_user(self.planner).create(values)

    def _active_plan(self, invoices, **values):
        plan = self._plan(invoices, **values)
        plan.action_accept()
        return plan

    def _assert_refused(self, invoices, message, exception=UserError, **values):
        count = self.Plan.search_count([])
        # assertRaises rolls back to a savepoint, as a refused RPC call rolls back
        with self.assertRaises(exception) as catcher:
            self._plan(invoices, **values)
        self.assertRegex(str(catcher.exception), message)
        self.assertEqual(self.Plan.search_count([]), count, "nothing saved")

    def _installments(self, plan):
        return [
            (i.sequence, i.amount, i.amount_paid, i.state)
            for i in plan.installment_ids.sorted("sequence")
        ]


@tagged("post_install", "-at_install")
class TestPaymentPlan(PaymentPlanCommon):
    # ------------------------------------------------------------------
    # Contract
    # ------------------------------------------------------------------

    def test_create_builds_the_installments_to_the_cent(self):
        customer = self._customer("Rate Srl")
        contact = self.env["res.partner"].create({"name": "Anna", "parent_id": customer.id})
        invoices = self._late_invoice(customer, 1000, 60) | self._late_invoice(customer, 500.01, 30)
        # over RPC: plain ids and values; the contact stands for its company
        plan = self.Plan.with_user(self.planner).create(
            {
                "partner_id": contact.id,
                "invoice_ids": [Command.set(invoices.ids)],
                "down_payment_amount": 300,
                "installment_count": 3,
                "first_date": self.today,
            }
        )
        self.assertEqual(plan.partner_id, customer)
        self.assertTrue(plan.name.startswith("PP/"))
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.amount_total, 1500.01)
        self.assertEqual(
            [(i.sequence, i.amount) for i in plan.installment_ids],
            [(0, 300.0), (1, 400.0), (2, 400.0), (3, 400.01)],
        )
        self.assertEqual(plan.installment_ids[0].date_due, self.today)
        self.assertGreater(plan.installment_ids[1].date_due, self.today)
        self.assertAlmostEqual(sum(plan.installment_ids.mapped("amount")), 1500.01, places=2)

    def test_create_from_invoices_alone(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        customer = self._customer("Dollar Srl")
        invoice = self._late_invoice(customer, 600, 30, currency=usd)
        plan = self.Plan.with_user(self.planner).create(
            {"invoice_ids": [Command.set(invoice.ids)], "installment_count": 2}
        )
        self.assertEqual(
            (plan.partner_id, plan.currency_id, plan.company_id, plan.first_date),
            (customer, usd, self.company, self.today),
        )
        self.assertEqual(plan.installment_ids.mapped("amount"), [300.0, 300.0])

    def test_interest_is_shown_apart_and_invoiced_at_acceptance(self):
        customer = self._customer("Interest Srl")
        invoice = self._late_invoice(customer, 1200, 40)
        plan = self._plan(invoice, installment_count=12, interest_rate=6)
        principal = sum(plan.installment_ids.mapped("principal"))
        interest = sum(plan.installment_ids.mapped("interest"))
        self.assertAlmostEqual(principal, 1200.0, places=2)
        # 1,200 at 0.5 % a month over 12 months: 103.28 a month, 39.36 of interest
        self.assertEqual(plan.installment_ids[0].amount, 103.28)
        self.assertAlmostEqual(plan.amount_interest, interest, places=2)
        self.assertAlmostEqual(plan.amount_interest, 39.36, delta=0.05)
        plan.action_accept()
        charge = plan.charge_move_id
        self.assertEqual(charge.state, "posted")
        self.assertAlmostEqual(charge.amount_total, plan.amount_interest, places=2)
        self.assertIn(charge, plan.invoice_ids)
        self.assertEqual(charge.credit_payment_plan_id, plan)
        # paying both invoices pays every installment, interest included
        self._credit_pay(invoice | charge, self.today)
        plan._credit_update_installments()
        self.assertEqual(plan.state, "completed")

    def test_letter_charges_included_when_chosen(self):
        customer = self._customer("Charges Srl")
        invoice = self._late_invoice(customer, 1000, 60)
        self.policy.allow_skip_levels = True  # straight to the formal notice, with charges
        letter = self._letter_of(self._run(self.today - timedelta(days=2)), customer)
        self.assertEqual(letter.level_id, self.notice)
        letter.filtered(lambda item: item.state == "draft").action_approve()
        self._send(letter)
        charges = letter.interest_amount + letter.compensation_amount + letter.fee_amount
        self.assertGreater(charges, 40)
        plain = self._plan(invoice)
        self.assertEqual((plain.amount_charges, plain.amount_total), (0.0, 1000.0))
        plain.action_cancel()
        plan = self._plan(invoice, include_charges=True, installment_count=2)
        self.assertAlmostEqual(plan.amount_charges, charges, places=2)
        self.assertAlmostEqual(plan.amount_total, 1000 + charges, places=2)
        self.assertAlmostEqual(sum(plan.installment_ids.mapped("amount")), 1000 + charges, 2)
        plan.action_accept()
        # the charges are owed in the ledger too: one invoice, in the plan
        self.assertAlmostEqual(plan.charge_move_id.amount_total, charges, places=2)
        self._credit_pay(invoice | plan.charge_move_id, self.today)
        plan._credit_update_installments()
        self.assertEqual(plan.state, "completed")

    def test_installments_by_hand_must_add_up(self):
        customer = self._customer("By Hand Srl")
        invoice = self._late_invoice(customer, 1000, 20)
        self._assert_refused(
            invoice,
            "add up to the cent",
            frequency="manual",
            installment_ids=[
                Command.create({"date_due": self.today, "amount": 500}),
                Command.create({"date_due": self.today + timedelta(30), "amount": 499.99}),
            ],
        )
        plan = self._plan(
            invoice,
            frequency="manual",
            installment_ids=[
                Command.create({"sequence": 1, "date_due": self.today, "amount": 600}),
                Command.create(
                    {"sequence": 2, "date_due": self.today + timedelta(45), "amount": 400}
                ),
            ],
        )
        self.assertEqual([i.amount for i in plan.installment_ids], [600.0, 400.0])
        self.assertEqual(plan.installment_count, 2)
        # dates by hand kept, amounts recomputed evenly
        plan.action_compute_schedule()
        self.assertEqual(
            [(i.date_due, i.amount) for i in plan.installment_ids],
            [(self.today, 500.0), (self.today + timedelta(45), 500.0)],
        )

    def test_compute_schedule_only_in_draft(self):
        customer = self._customer("Redo Srl")
        invoice = self._late_invoice(customer, 900, 20)
        plan = self._plan(invoice, installment_count=3)
        plan.installment_count = 2
        plan.action_compute_schedule()
        self.assertEqual(plan.installment_ids.mapped("amount"), [450.0, 450.0])
        plan.action_accept()
        with self.assertRaisesRegex(UserError, "no draft"):
            plan.action_compute_schedule()

    # ------------------------------------------------------------------
    # State changes
    # ------------------------------------------------------------------

    def test_propose_then_accept_in_the_portal(self):
        customer = self._customer("Portal Srl")
        invoice = self._late_invoice(customer, 800, 20)
        plan = self._plan(invoice)
        with self.assertRaisesRegex(UserError, "cannot be accepted"):
            plan.sudo()._credit_accept("Mario Rossi", method="portal")
        plan.action_propose()
        self.assertEqual(plan.state, "proposed")
        self.assertFalse(invoice.credit_payment_plan_id, "a proposal does not stop dunning")
        portal = self.env.ref("base.public_user")
        plan.with_user(portal).sudo()._credit_accept("Mario Rossi", signature=False)
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.accepted_by, "Mario Rossi")
        self.assertEqual(plan.acceptance_method, "portal")
        self.assertFalse(plan.accepted_user_id)
        self.assertTrue(plan.accepted_on)
        self.assertEqual(invoice.credit_payment_plan_id, plan)
        self.assertIn("Mario Rossi", plan.message_ids[0].body)

    def test_accept_by_hand_logs_who(self):
        customer = self._customer("Paper Srl")
        invoice = self._late_invoice(customer, 800, 20)
        plan = self._plan(invoice)
        plan.action_accept()
        self.assertEqual(
            (plan.state, plan.acceptance_method, plan.accepted_user_id, plan.accepted_by),
            ("active", "manual", self.planner, "Paola Planner"),
        )

    def test_customer_declines(self):
        customer = self._customer("No Thanks Srl")
        invoice = self._late_invoice(customer, 800, 20)
        plan = self._plan(invoice)
        plan.action_propose()
        plan.sudo()._credit_decline("Installments too high")
        self.assertEqual(plan.state, "cancelled")
        self.assertEqual(plan.decline_reason, "Installments too high")
        self.assertTrue(plan.declined_on)
        self.assertEqual(plan.activity_ids.user_id, self.planner)
        with self.assertRaisesRegex(UserError, "not waiting"):
            plan.sudo()._credit_decline("again")

    def test_payments_fill_installments_oldest_first(self):
        customer = self._customer("Partial Srl")
        old = self._late_invoice(customer, 1000, 60)
        new = self._late_invoice(customer, 500, 30)
        plan = self._active_plan(old | new, down_payment_amount=300, installment_count=3)
        # 400 paid on the NEWER invoice: the down payment first, then the first installment
        self._credit_pay(new, self.today, amount=400)
        self.env.cr.precommit.run()  # the plan is brought up to date at commit
        self.assertEqual(
            self._installments(plan),
            [
                (0, 300.0, 300.0, "paid"),
                (1, 400.0, 100.0, "open"),
                (2, 400.0, 0.0, "open"),
                (3, 400.0, 0.0, "open"),
            ],
        )
        self.assertEqual(plan.amount_paid, 400.0)
        self.assertEqual(plan.amount_residual, 1100.0)
        self.assertEqual(plan.next_due_date, plan.installment_ids[1].date_due)
        self.assertEqual(plan.installment_ids[0].date_paid, self.today)
        # the payment is unmatched (a mistake, a returned payment): the plan follows
        payment_line = new.line_ids.matched_credit_ids.credit_move_id
        payment_line.remove_move_reconcile()
        self.env.cr.precommit.run()
        self.assertEqual(plan.amount_paid, 0.0)
        self.assertEqual([i.state for i in plan.installment_ids], ["open"] * 4)
        self.assertFalse(plan.installment_ids[0].date_paid)
        new.js_assign_outstanding_line(payment_line.id)
        self.env.cr.precommit.run()
        self.assertEqual(plan.amount_paid, 400.0)
        # then the older one in full
        self._credit_pay(old, self.today)
        plan._credit_update_installments()
        self.assertEqual(plan.amount_paid, 1400.0)
        self.assertEqual([i.state for i in plan.installment_ids], ["paid", "paid", "paid", "open"])
        self.assertEqual(plan.state, "active")
        self._credit_pay(new, self.today)
        plan._credit_update_installments()
        self.assertEqual(plan.state, "completed")
        self.assertEqual(plan.date_ended, self.today)
        self.assertFalse((old | new).credit_payment_plan_id, "back to normal dunning")

    def test_late_missed_and_broken(self):
        customer = self._customer("Breaker Srl")
        invoice = self._late_invoice(customer, 900, 60)
        plan = self._active_plan(invoice, installment_count=3, grace_days=5, misses_allowed=1)
        first_due = plan.installment_ids[0].date_due
        plan._credit_update_installments(today=first_due + timedelta(days=3))
        self.assertEqual(plan.installment_ids[0].state, "late")
        plan._credit_update_installments(today=first_due + timedelta(days=6))
        self.assertEqual(plan.installment_ids[0].state, "missed")
        self.assertEqual((plan.state, plan.missed_count), ("active", 1))
        # the hold: a missed installment is a reason; the invoice is not overdue
        reasons = customer._credit_hold_reasons(self.company, 100.0)
        self.assertTrue(any(plan.name in reason for reason in reasons), reasons)
        second_due = plan.installment_ids[1].date_due
        plan._credit_update_installments(today=second_due + timedelta(days=6))
        self.assertEqual(plan.state, "broken")
        self.assertEqual(plan.missed_count, 2)
        self.assertFalse(invoice.credit_payment_plan_id)
        self.assertEqual(plan.activity_ids.summary, "Payment plan broken")
        self.assertIn(plan.name, customer.message_ids[0].body)
        # idempotent: a broken plan is no longer updated
        plan._credit_update_installments(today=second_due + timedelta(days=60))
        self.assertEqual(len(plan.activity_ids), 1)

    def test_plans_broken_together_leave_one_note_per_customer(self):
        """The daily update breaks plans in batches: each customer's chatter gets one note
        naming all of its plans that broke, and no other customer's."""
        first, second = self._customer("Doppio Srl"), self._customer("Singolo Srl")
        plans = (
            self._active_plan(self._late_invoice(first, 400, 60))
            | self._active_plan(self._late_invoice(first, 500, 60))
            | self._active_plan(self._late_invoice(second, 600, 60))
        )
        notes_before = {partner: len(partner.message_ids) for partner in (first, second)}
        plans.sudo()._credit_break()  # as the daily update does
        self.assertEqual(set(plans.mapped("state")), {"broken"})
        for partner, own in ((first, plans[:2]), (second, plans[2])):
            self.assertEqual(len(partner.message_ids), notes_before[partner] + 1)
            note = partner.message_ids[0].body
            for plan in own:
                self.assertIn(plan.name, note)
            for plan in plans - own:
                self.assertNotIn(plan.name, note)

    def test_cancel_returns_invoices_to_dunning(self):
        customer = self._customer("Cancel Srl")
        invoice = self._late_invoice(customer, 700, 30)
        plan = self._active_plan(invoice)
        self.assertFalse(self._letter_of(self._run(), customer))
        plan.action_cancel()
        self.assertEqual(plan.state, "cancelled")
        self.assertFalse(invoice.credit_payment_plan_id)
        letter = self._letter_of(self._run(), customer)
        self.assertEqual(letter.level_id, self.first)
        with self.assertRaisesRegex(UserError, "already ended"):
            plan.action_cancel()

    def test_cron_in_batches_is_idempotent(self):
        customer = self._customer("Cron Srl")
        invoices = self._late_invoice(customer, 300, 20) | self._late_invoice(customer, 300, 25)
        first = self._active_plan(invoices[0], installment_count=2)
        second = self._active_plan(invoices[1], installment_count=3)
        self._credit_pay(invoices[0], self.today, amount=150)
        self.Plan._cron_update_plans(batch_size=1)
        snapshot = [self._installments(first), self._installments(second)]
        self.assertEqual(self._installments(first)[0], (1, 150.0, 150.0, "paid"))
        self.Plan._cron_update_plans(batch_size=1)
        self.assertEqual([self._installments(first), self._installments(second)], snapshot)

    # ------------------------------------------------------------------
    # Dunning, hold, scoring
    # ------------------------------------------------------------------

    def test_active_plan_leaves_dunning_with_its_reason(self):
        customer = self._customer("Excluded Srl")
        invoice = self._late_invoice(customer, 1000, 40)
        plan = self._active_plan(invoice)
        self.assertEqual(invoice.credit_dunning_withheld_reason, f"Payment plan {plan.name}")
        run = self._run()
        self.assertFalse(self._letter_of(run, customer))
        self.assertIn("in an active payment plan", run.note or "")
        # nor is the invoice overdue for the hold
        self.company.credit_hold_overdue_days = 10
        _exposure, overdue_days = customer._credit_open_amounts(self.company)[customer]
        self.assertEqual(overdue_days, 0)
        self.assertFalse(customer._credit_hold_reasons(self.company, 100.0))

    def test_broken_plan_resumes_dunning_one_level_up(self):
        customer = self._customer("Resume Srl")
        invoice = self._late_invoice(customer, 1000, 60)
        run = self._run(self.today - timedelta(days=3))
        letter = self._letter_of(run, customer)
        self.assertEqual(letter.level_id, self.first)
        letter.filtered(lambda item: item.state == "draft").action_approve()
        self._send(letter)
        self.assertEqual(letter.state, "sent")
        plan = self._active_plan(invoice, installment_count=2, misses_allowed=0)
        plan._credit_update_installments(today=self.today + timedelta(days=200))
        self.assertEqual(plan.state, "broken")
        # the ladder alone would wait (10 days since the first reminder for the second);
        # back from a broken plan the item climbs one level at once, and no further, even
        # where the policy lets items skip to a formal notice
        self.policy.allow_skip_levels = True
        letter = self._letter_of(self._run(), customer)
        self.assertEqual(letter.level_id, self.second)
        self.assertEqual(letter.line_ids.level_id, self.second)

    def test_broken_plan_never_sent_starts_at_the_first_level(self):
        customer = self._customer("Fresh Break Srl")
        invoice = self._late_invoice(customer, 1000, 100)
        plan = self._active_plan(invoice, installment_count=2, misses_allowed=0)
        plan._credit_update_installments(today=self.today + timedelta(days=200))
        letter = self._letter_of(self._run(), customer)
        self.assertEqual(letter.level_id, self.first)

    def test_invoices_paid_through_a_plan_get_no_interest_statement(self):
        planned = self._customer("Planned Srl")
        invoice = self._late_invoice(planned, 1000, 60)
        plan = self._active_plan(invoice, installment_count=2)
        self._credit_pay(invoice, self.today)
        plan._credit_update_installments()
        self.assertEqual(plan.state, "completed")
        late = self._customer("Just Late Srl")
        self._credit_pay(self._late_invoice(late, 1000, 60), self.today)
        rows = self.env["credit.dunning.letter"]._credit_paid_late_items(
            self.company, planned | late, self.today, 12
        )
        self.assertEqual({row["commercial_partner_id"] for row in rows}, {late.id})

    def test_scoring_counts_broken_and_kept_plans(self):
        broken_customer = self._customer("Broke Promise Srl")
        invoice = self._late_invoice(broken_customer, 1000, 30)
        plan = self._active_plan(invoice, installment_count=2, misses_allowed=0)
        plan._credit_update_installments(today=self.today + timedelta(days=200))
        kept_customer = self._customer("Kept Promise Srl")
        invoice = self._late_invoice(kept_customer, 1000, 30)
        kept = self._active_plan(invoice, installment_count=2)
        self._credit_pay(invoice, self.today)
        kept._credit_update_installments()
        self.assertEqual(kept.state, "completed")
        partners = (broken_customer | kept_customer).with_company(self.company)
        partners._credit_update_scores()
        self.assertIn("1 payment plan(s) broken: took away 10", broken_customer.credit_explanation)
        self.assertIn(
            "1 payment plan(s) kept to the end: a sign of good faith: added 3",
            kept_customer.credit_explanation,
        )

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------

    def test_bad_input(self):
        customer = self._customer("Bad Input Srl")
        other = self._customer("Other Srl")
        invoice = self._late_invoice(customer, 1000, 30)
        self._assert_refused(
            invoice | self._late_invoice(other, 100, 30),
            "not of Bad Input Srl",
            partner_id=customer.id,
        )
        usd = self.env.ref("base.USD")
        usd.active = True
        self._assert_refused(
            invoice | self._late_invoice(customer, 100, 30, currency=usd), "is in USD"
        )
        draft = self._late_invoice(customer, 100, 30, post=False)
        self._assert_refused(draft, "not a posted customer invoice", partner_id=customer.id)
        refund = self._late_invoice(customer, 100, 30, move_type="out_refund")
        self._assert_refused(refund, "not a posted customer invoice")
        paid = self._late_invoice(customer, 100, 30)
        self._credit_pay(paid, self.today)
        self._assert_refused(paid, "nothing left to pay")
        self._assert_refused(invoice, "larger than the amount owed", down_payment_amount=1000.01)
        self._assert_refused(invoice, "pays everything", down_payment_amount=1000)
        self._assert_refused(invoice, "at least 1", installment_count=0)
        self._assert_refused(invoice, "at least 1", installment_count=-3)
        self._assert_refused(invoice, "before today", first_date=self.today - timedelta(1))
        self._assert_refused(
            invoice,
            "must increase",
            frequency="manual",
            installment_ids=[
                Command.create(
                    {"sequence": 1, "date_due": self.today + timedelta(9), "amount": 500}
                ),
                Command.create(
                    {"sequence": 2, "date_due": self.today + timedelta(3), "amount": 500}
                ),
            ],
        )
        self._assert_refused(
            invoice,
            "before today",
            frequency="manual",
            installment_ids=[
                Command.create({"date_due": self.today - timedelta(3), "amount": 1000}),
            ],
        )
        self._assert_refused(
            self.env["account.move"], "Choose the invoices", partner_id=customer.id
        )
        plan = self._active_plan(invoice)
        self._assert_refused(invoice, f"already in payment plan {plan.name}")

    def test_invoice_in_a_collection_case_is_refused(self):
        customer = self._customer("Handed Over Srl")
        invoice = self._late_invoice(customer, 1000, 200)
        agency = self._customer("Recupero Crediti Spa")
        agency.credit_is_collection_agency = True
        case = (
            self.env["credit.collection.case"]
            .sudo()
            .create({"partner_id": customer.id, "agency_id": agency.id, "case_type": "agency"})
        )
        invoice.sudo().credit_collection_case_id = case
        self._assert_refused(invoice, "collection case")


@tagged("post_install", "-at_install")
class TestPaymentPlanReviewFixes(PaymentPlanCommon):
    """What the review of the payment plans found: the agreement, invoices leaving an
    active plan, stale schedules, installments that do not add up, charges claimed twice."""

    def _charged_invoice(self, name):
        """An invoice whose latest letter (sent) claims interest, compensation and a fee."""
        customer = self._customer(name)
        invoice = self._late_invoice(customer, 1000, 60)
        self.policy.allow_skip_levels = True  # straight to the formal notice, with charges
        letter = self._letter_of(self._run(self.today - timedelta(days=2)), customer)
        letter.filtered(lambda item: item.state == "draft").action_approve()
        self._send(letter)
        charges = letter.interest_amount + letter.compensation_amount + letter.fee_amount
        self.assertGreater(charges, 40)
        return invoice, letter, charges

    def _agreement_html(self, plan):
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html("credit_control.action_report_payment_plan", plan.ids)[0]
            .decode()
        )

    def test_signed_agreement_lists_the_invoices_the_customer_saw(self):
        invoice, _letter, charges = self._charged_invoice("Agreement Srl")
        plan = self._plan(invoice, include_charges=True, installment_count=2, interest_rate=6)
        proposed = self._agreement_html(plan)
        plan.action_propose()
        plan.sudo()._credit_accept("Mario Rossi", signature=False)
        charge = plan.charge_move_id
        self.assertIn(charge, plan.invoice_ids)
        signed = self._agreement_html(plan)
        for html in (proposed, signed):
            self.assertIn(invoice.name, html)
            # the charges once, as part of the debt, not again as an invoice "listed below"
            self.assertIn("of which", html)
            self.assertIn(f"{charges:,.2f}", html)
            self.assertIn("of interest, compensation and fees of earlier letters", html)
        self.assertNotIn(charge.name, signed)
        self.assertIn("Mario Rossi", signed)
        # the invoices table of the signed copy is the one of the proposal
        table = re.compile(r'<table[^>]*name="invoices".*?</table>', re.S)
        self.assertEqual(table.search(signed).group(0), table.search(proposed).group(0))

    def test_plan_without_charges_says_no_of_which(self):
        customer = self._customer("Plain Agreement Srl")
        plan = self._plan(self._late_invoice(customer, 600, 20), installment_count=2)
        self.assertNotIn("of which", self._agreement_html(plan))

    def test_invoice_in_an_active_plan_cannot_be_reset_or_cancelled(self):
        customer = self._customer("Reset Srl")
        invoice = self._late_invoice(customer, 800, 20)
        plan = self._active_plan(invoice)
        with self.assertRaisesRegex(UserError, "Cancel the payment plan first"):
            invoice.button_draft()
        with self.assertRaisesRegex(UserError, "Cancel the payment plan first"):
            invoice.button_cancel()
        self.assertEqual(invoice.state, "posted")
        plan._credit_update_installments()
        self.assertEqual(plan.state, "active", "nothing counts as paid")
        self.assertEqual(plan.amount_paid, 0.0)
        plan.action_cancel()
        invoice.button_draft()
        self.assertEqual(invoice.state, "draft")

    def test_changed_terms_rebuild_the_draft_schedule(self):
        customer = self._customer("Terms Srl")
        invoice = self._late_invoice(customer, 1200, 20)
        plan = self._plan(invoice, installment_count=4)
        plan.write({"installment_count": 3})
        self.assertEqual(plan.installment_ids.mapped("amount"), [400.0, 400.0, 400.0])
        plan.write({"down_payment_amount": 300})
        self.assertEqual(
            [(i.sequence, i.amount) for i in plan.installment_ids],
            [(0, 300.0), (1, 300.0), (2, 300.0), (3, 300.0)],
        )
        plan.write({"interest_rate": 6})
        self.assertGreater(plan.amount_interest, 0)
        self.assertTrue(all(i.interest > 0 for i in plan.installment_ids.filtered("sequence")))
        plan.write({"frequency": "quarterly", "first_date": self.today + timedelta(days=3)})
        first, second = plan.installment_ids.sorted("sequence")[:2]
        self.assertEqual(first.date_due, self.today + timedelta(days=3))
        self.assertGreaterEqual((second.date_due - first.date_due).days, 89)
        # installments changed by hand in a plan of regular terms: refused until recomputed
        last = plan.installment_ids.sorted("sequence")[-1]
        last.date_due += timedelta(days=1)
        with self.assertRaisesRegex(UserError, "no longer follow its terms"):
            plan.action_propose()
        with self.assertRaisesRegex(UserError, "no longer follow its terms"):
            plan.action_accept()
        plan.action_compute_schedule()
        plan.action_propose()
        self.assertEqual(plan.state, "proposed")

    def test_installments_by_hand_must_be_consistent(self):
        customer = self._customer("Consistent Srl")
        invoice = self._late_invoice(customer, 1000, 20)
        later = self.today + timedelta(days=30)

        def manual(first, second):
            return {
                "frequency": "manual",
                "installment_ids": [
                    Command.create({"sequence": 1, "date_due": self.today, **first}),
                    Command.create({"sequence": 2, "date_due": later, **second}),
                ],
            }

        self._assert_refused(
            invoice,
            "principal and interest add up to",
            exception=ValidationError,
            **manual(
                {"amount": 600, "principal": 500, "interest": 0},
                {"amount": 500, "principal": 500, "interest": 0},
            ),
        )
        self._assert_refused(
            invoice,
            "interest of an installment cannot be negative",
            exception=ValidationError,
            **manual(
                {"amount": 490, "principal": 500, "interest": -10},
                {"amount": 500, "principal": 500, "interest": 0},
            ),
        )
        self._assert_refused(
            invoice,
            "principal of every installment must be more than zero",
            exception=ValidationError,
            **manual(
                {"amount": 10, "principal": 0, "interest": 10},
                {"amount": 1000, "principal": 1000, "interest": 0},
            ),
        )
        self._assert_refused(
            invoice,
            "must increase",
            exception=ValidationError,
            frequency="manual",
            installment_ids=[
                Command.create({"sequence": 1, "date_due": later, "amount": 500}),
                Command.create({"sequence": 2, "date_due": later, "amount": 500}),
            ],
        )
        # consistent lines pass
        plan = self._plan(
            invoice,
            **manual(
                {"amount": 510, "principal": 500, "interest": 10},
                {"amount": 500, "principal": 500, "interest": 0},
            ),
        )
        self.assertEqual(plan.amount_to_pay, 1010.0)

    def test_charges_invoiced_by_the_latest_letter_are_not_claimed_again(self):
        customer = self._customer("Twice Srl")
        invoice = self._late_invoice(customer, 1000, 90)
        self.policy.allow_skip_levels = True
        first = self._letter_of(self._run(self.today - timedelta(days=40)), customer)
        self.assertEqual(first.level_id, self.notice)
        first.filtered(lambda item: item.state == "draft").action_approve()
        self._send(first)
        latest = self._letter_of(self._run(self.today - timedelta(days=2)), customer)
        self.assertEqual(latest.level_id, self.final)
        latest.filtered(lambda item: item.state == "draft").action_approve()
        self._send(latest)
        self.assertEqual((first.state, latest.state), ("sent", "sent"))
        self.assertGreater(first.interest_amount + first.compensation_amount + first.fee_amount, 0)
        # the latest letter's charges were invoiced: its charges (and the earlier letter's,
        # which it repeats) are in the ledger already
        charges_invoice = self._late_invoice(customer, 50, 0)
        latest.sudo().charge_move_id = charges_invoice
        self.assertEqual(self.Plan._credit_letter_charges(invoice), 0.0)
        plan = self._plan(invoice, include_charges=True, installment_count=2)
        self.assertEqual((plan.amount_charges, plan.amount_total), (0.0, 1000.0))

    def test_cancelling_an_active_plan_reverses_its_unpaid_charges(self):
        invoice, _letter, charges = self._charged_invoice("Withdrawn Srl")
        plan = self._active_plan(invoice, include_charges=True, installment_count=2)
        charge = plan.charge_move_id
        self.assertAlmostEqual(charge.amount_residual, charges, places=2)
        plan.action_cancel()
        self.assertEqual(plan.state, "cancelled")
        self.assertEqual(charge.payment_state, "reversed")
        self.assertTrue(charge.currency_id.is_zero(charge.amount_residual))
        self.assertFalse(invoice.credit_payment_plan_id)

    def test_cancelling_a_plan_with_partly_paid_charges_asks_the_controller(self):
        invoice, _letter, _charges = self._charged_invoice("Half Paid Srl")
        plan = self._active_plan(invoice, include_charges=True, installment_count=2)
        charge = plan.charge_move_id
        self._credit_pay(charge, self.today, amount=10.0)
        plan.action_cancel()
        self.assertEqual(charge.state, "posted")
        self.assertNotEqual(charge.payment_state, "reversed")
        self.assertIn("partly paid", plan.message_ids[0].body)
        self.assertEqual(plan.activity_ids.user_id, self.planner)

    def test_proposal_and_reminders_say_what_is_paid_and_when(self):
        customer = self._customer("Mail Text Srl")
        invoice = self._late_invoice(customer, 1200, 20)
        plan = self._plan(invoice, installment_count=3, down_payment_amount=300, interest_rate=6)
        self.assertGreater(plan.amount_to_pay, plan.amount_total)

        def text(template, record, field="body_html"):
            rendered = self.env.ref(f"credit_control.{template}")._render_field(field, record.ids)[
                record.id
            ]
            return re.sub(r"\s+", " ", html2plaintext(rendered).replace("\xa0", " "))

        proposal = text("mail_template_payment_plan_proposal", plan)
        self.assertNotIn("as agreed", proposal)
        self.assertIn(f"{plan.amount_to_pay:,.2f}", proposal, "with the plan's interest")
        self.assertNotIn(f"{plan.amount_total:,.2f}", proposal)
        self.assertIn("with a down payment of", proposal)
        self.assertIn("300.00", proposal)
        self.assertIn("and 3 installments", proposal)
        down, first = plan.installment_ids.sorted("sequence")[:2]
        for kind in ("before", "after"):
            template = f"mail_template_payment_plan_reminder_{kind}"
            self.assertIn("the down payment of the payment plan", text(template, down))
            self.assertNotIn("installment", text(template, down, "subject"))
            self.assertIn("down payment", text(template, down, "subject"))
            self.assertIn("installment 1 of the payment plan", text(template, first))
            self.assertIn("installment 1", text(template, first, "subject"))

    def test_hold_reads_the_missed_plans_once_for_many_invoices(self):
        customer = self._customer("Missed Hold Srl")
        invoice = self._late_invoice(customer, 900, 60)
        plan = self._active_plan(invoice, installment_count=3, grace_days=0, misses_allowed=1)
        plan._credit_update_installments(today=plan.installment_ids[0].date_due + timedelta(days=1))
        self.assertEqual(plan.missed_count, 1)
        others = [self._customer(f"Clean Hold {index} Srl") for index in range(3)]
        drafts = self.env["account.move"]
        for partner in [customer, *others]:
            drafts |= self._credit_invoice(partner, 100.0, self.today, post=False)
        Plan = self.env.registry["credit.payment.plan"]
        with patch.object(
            Plan, "search_fetch", autospec=True, side_effect=Plan.search_fetch
        ) as spy:
            reasons_by_move, _block = drafts._credit_hold_findings()
        self.assertEqual(spy.call_count, 1, "one read of the plans for the company")
        self.assertEqual(list(reasons_by_move), [drafts[0]])
        self.assertIn(
            f"Payment plan {plan.name}: 1 installment(s) missed.", reasons_by_move[drafts[0]]
        )


@tagged("post_install", "-at_install")
class TestPaymentPlanSecurity(PaymentPlanCommon):
    """As the attacker: users outside the credit team, a credit user writing what only the
    actions write, another company's user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._credit_customer("Secure Srl")
        due = cls.today - timedelta(days=30)
        cls.invoice = cls._credit_invoice(cls.customer, 1000, due - timedelta(30), due_date=due)
        cls.plan = (
            cls.env["credit.payment.plan"]
            .with_user(cls.planner)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "invoice_ids": [Command.set(cls.invoice.ids)],
                    "installment_count": 2,
                    "first_date": cls.today,
                }
            )
        )
        cls.viewer = cls._credit_user(
            "sales_sam", "credit_control.group_credit_viewer", company=cls.company
        )
        cls.portal = cls._credit_user("portal_pia", "base.group_portal", company=cls.company)

    def test_viewer_and_portal_cannot_read_plans(self):
        for user in (self.viewer, self.portal):
            with self.assertRaises(AccessError):
                self.plan.with_user(user).read(["amount_total"])
            with self.assertRaises(AccessError):
                self.env["credit.payment.plan"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.plan.installment_ids.with_user(user).read(["amount"])
            with self.assertRaises(AccessError):
                self.plan.with_user(user).action_accept()

    def test_credit_user_cannot_write_what_the_actions_write(self):
        plan = self.plan.with_user(self.planner)
        for values in (
            {"state": "active"},
            {"amount_paid": 1000},
            {"accepted_by": "Nobody"},
            {"acceptance_method": "portal"},
            {"amount_total": 1.0},
        ):
            with self.assertRaises(AccessError):
                plan.write(values)
        with self.assertRaises(AccessError):
            self.env["credit.payment.plan"].with_user(self.planner).create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(self.invoice.ids)],
                    "state": "active",
                }
            )
        with self.assertRaises(AccessError):
            plan.installment_ids[0].write({"amount_paid": 500})
        with self.assertRaises(AccessError):
            plan.installment_ids[0].write({"state": "paid"})

    def test_nobody_points_an_invoice_at_a_plan(self):
        for user in (self.planner, self.env.ref("base.user_admin")):
            with self.assertRaises(AccessError):
                self.invoice.with_user(user).write({"credit_payment_plan_id": self.plan.id})
        self.assertFalse(self.invoice.credit_payment_plan_id)

    def test_agreed_terms_are_frozen(self):
        plan = self.plan.with_user(self.planner)
        plan.action_accept()
        with self.assertRaisesRegex(UserError, "draft plan's terms"):
            plan.write({"installment_count": 12})
        with self.assertRaisesRegex(UserError, "draft plan's terms"):
            plan.write({"down_payment_amount": 1})
        with self.assertRaisesRegex(UserError, "agreed plan"):
            plan.installment_ids[0].write({"amount": 1})
        with self.assertRaisesRegex(UserError, "agreed plan"):
            plan.installment_ids[0].write({"date_due": self.today + timedelta(400)})
        with self.assertRaisesRegex(UserError, "cancel it first"):
            plan.active = False
        with self.assertRaisesRegex(UserError, "agreed plan"):
            self.env["credit.payment.plan.installment"].with_user(self.planner).create(
                {"plan_id": plan.id, "date_due": self.today + timedelta(500), "amount": 1}
            )
        # a private method is no RPC entry point; the portal's own route guards it
        self.assertTrue(plan._credit_accept.__name__.startswith("_"))

    def test_other_company_cannot_see_the_plan(self):
        other_company = self.env["res.company"].create({"name": "Other Company"})
        outsider = self._credit_user(
            "outsider_otto", "account.group_account_invoice", company=other_company
        )
        self.assertFalse(self.env["credit.payment.plan"].with_user(outsider).search([]))
        with self.assertRaises(AccessError):
            self.plan.with_user(outsider).read(["name"])
        with self.assertRaises(AccessError):
            self.plan.with_user(outsider).action_accept()
        with self.assertRaises(AccessError):
            self.plan.with_user(outsider).action_cancel()
        self.assertEqual(self.plan.state, "draft")
