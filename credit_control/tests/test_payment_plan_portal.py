"""The customer's side of a payment plan, in a real browser: the proposal opened from the
e-mail's link (access token), signed and accepted, or declined with a reason; and what the
portal refuses (wrong token, drafts, a second signature, other customers' plans)."""

import json
import re
import shutil
import unittest
from datetime import timedelta

from odoo import Command
from odoo import fields
from odoo.tests import HttpCase
from odoo.tests import new_test_user
from odoo.tests import tagged

# a 1x1 transparent PNG, as the signature widget would send (base64, no data: prefix)
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@tagged("post_install", "-at_install")
class TestPaymentPlanPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.user_admin").company_id
        cls.env = cls.env(context={**cls.env.context, "allowed_company_ids": cls.company.ids})
        cls.today = fields.Date.context_today(cls.env.user)
        cls.customer = cls._customer("Portale Bianchi S.r.l.")
        cls.other = cls._customer("Someone Else Ltd")
        cls.invoices = cls._invoices(cls.customer, (900.0, 600.0))
        cls.portal_user = new_test_user(
            cls.env,
            login="plan_portal",
            groups="base.group_portal",
            name="Carla Bianchi",
            email="carla@portale-bianchi.example",
        )
        cls.portal_user.partner_id.parent_id = cls.customer

    @classmethod
    def _customer(cls, name):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "customer_rank": 1,
                "email": f"accounts@{name.split()[0].lower()}.example",
                "lang": "en_US",
            }
        )

    @classmethod
    def _invoices(cls, partner, amounts):
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": cls.today - timedelta(days=90),
                    "invoice_date_due": cls.today - timedelta(days=60),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Supplies", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                }
                for amount in amounts
            ]
        )
        moves.with_context(credit_hold_checked=True).action_post()
        return moves

    def _plan(self, invoices=None, propose=True):
        invoices = invoices or self.invoices
        plan = self.env["credit.payment.plan"].create(
            {
                "partner_id": invoices.commercial_partner_id.id,
                "company_id": self.company.id,
                "currency_id": invoices.currency_id.id,
                "invoice_ids": [Command.set(invoices.ids)],
                "installment_count": 3,
                "frequency": "monthly",
                "first_date": self.today + timedelta(days=7),
            }
        )
        if propose:
            plan.action_propose()
        return plan

    def _tour(self, plan, tour):
        self.assertTrue(
            shutil.which("chromium") or shutil.which("google-chrome"),
            "Chromium is needed for the portal tour (apt install chromium)",
        )
        try:
            self.start_tour(plan.get_portal_url(), tour, login=None, timeout=180)
        except unittest.SkipTest as skipped:
            self.fail(f"The portal tour could not run in the browser: {skipped}")

    def _accept(self, plan, token=None, name="Mario Rossi", signature=SIGNATURE):
        response = self.url_open(
            f"/my/payment_plans/{plan.id}/accept?access_token={token or plan.access_token}",
            data=json.dumps({"params": {"name": name, "signature": signature}}),
            headers={"Content-Type": "application/json"},
        )
        return response.json()["result"]

    # ------------------------------------------------------------------ in the browser

    def test_customer_signs_and_accepts_the_proposal(self):
        plan = self._plan()
        self._tour(plan, "credit_payment_plan_portal_accept")
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.accepted_by, "Mario Rossi")
        self.assertTrue(plan.accepted_on)
        self.assertEqual(plan.acceptance_method, "portal")
        self.assertTrue(plan.signature)
        logged = plan.message_ids.filtered(lambda msg: "signed in the customer portal" in msg.body)
        self.assertEqual(len(logged), 1)
        self.assertIn("Mario Rossi", logged.body)
        self.assertEqual(logged.author_id, self.customer, "the customer behind the link")
        self.assertEqual(len(logged.attachment_ids), 1, "the signed agreement")
        self.assertEqual(self.invoices.credit_payment_plan_id, plan)

    def test_customer_declines_the_proposal_with_a_reason(self):
        plan = self._plan()
        self._tour(plan, "credit_payment_plan_portal_decline")
        self.assertNotIn(plan.state, ("proposed", "active"))
        logged = plan.message_ids.filtered(
            lambda msg: "declined in the customer portal" in msg.body
        )
        self.assertEqual(len(logged), 1)
        self.assertIn("first installment in December", logged.body)
        self.assertFalse(self.invoices.credit_payment_plan_id)

    # ------------------------------------------------------------------ what is refused

    def test_the_page_needs_the_token_and_a_proposal(self):
        plan = self._plan()
        response = self.url_open(plan.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.invoices[0].name, response.text)
        wrong = self.url_open(f"/my/payment_plans/{plan.id}?access_token=not-the-token")
        self.assertNotIn(self.invoices[0].name, wrong.text)
        self.assertTrue(wrong.url.endswith("/web/login?redirect=%2Fmy%3F") or "/my" in wrong.url)
        draft = self._plan(self._invoices(self.customer, (100.0,)), propose=False)
        draft._portal_ensure_token()
        response = self.url_open(draft.get_portal_url())
        self.assertNotIn(draft.invoice_ids.name, response.text, "a draft is not shown")

    def test_accept_refuses_a_wrong_token_no_name_and_a_second_signature(self):
        plan = self._plan()
        self.assertIn("error", self._accept(plan, token="not-the-token"))
        self.assertIn("error", self._accept(plan, name="  "))
        self.assertIn("error", self._accept(plan, signature="not base64!"))
        self.assertEqual(plan.state, "proposed", "nothing accepted")
        result = self._accept(plan)
        self.assertTrue(result.get("force_refresh"), result)
        self.assertEqual(plan.state, "active")
        self.assertIn("error", self._accept(plan, name="Someone Else"))
        self.assertEqual(plan.accepted_by, "Mario Rossi")

    def test_decline_needs_a_reason(self):
        plan = self._plan()
        page = self.url_open(plan.get_portal_url()).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.url_open(
            f"/my/payment_plans/{plan.id}/decline?access_token={plan.access_token}",
            data={"decline_message": "  ", "csrf_token": csrf},
        )
        self.assertEqual(plan.state, "proposed")
        self.url_open(
            f"/my/payment_plans/{plan.id}/decline?access_token=not-the-token",
            data={"decline_message": "No", "csrf_token": csrf},
        )
        self.assertEqual(plan.state, "proposed", "a wrong token declines nothing")

    def test_portal_user_lists_the_plans_of_its_company_only(self):
        mine = self._plan()
        draft = self._plan(self._invoices(self.customer, (50.0,)), propose=False)
        theirs = self._plan(self._invoices(self.other, (700.0,)))
        self.authenticate("plan_portal", "plan_portal")
        page = self.url_open("/my/payment_plans").text
        self.assertIn(mine.get_portal_url(), page.replace("&amp;", "&"))
        self.assertNotIn(f"/my/payment_plans/{theirs.id}?", page)
        self.assertNotIn(f"/my/payment_plans/{draft.id}?", page)
        home = self.url_open(
            "/my/counters",
            data=json.dumps({"params": {"counters": ["credit_payment_plan_count"]}}),
            headers={"Content-Type": "application/json"},
        ).json()["result"]
        self.assertEqual(home["credit_payment_plan_count"], 1)
        # the portal user reads no plan outside the portal
        Plan = self.env["credit.payment.plan"].with_user(self.portal_user)
        with self.assertRaises(Exception):  # noqa: B017 - AccessError, whatever the wording
            Plan.search([])

    def test_the_page_shows_what_the_customer_pays_and_only_the_invoices_owed(self):
        """With interest the customer pays more than the invoices' 1,500.00: 1% a month on
        the balance, French payment 1,500 / (1/1.01 + 1/1.01^2 + 1/1.01^3) = 510.03;
        interest 15.00 + 10.05 (on 1,004.97) + 5.05 (on 504.99) = 30.10. The headline and
        the list say 1,530.10; the invoice of that interest, posted at acceptance, is part
        of the schedule, not one of the invoices owed."""
        plan = self._plan(propose=False)
        plan.interest_rate = 12.0
        plan.action_propose()
        self.assertEqual((plan.amount_total, plan.amount_to_pay), (1500.0, 1530.10))
        self.assertIn("redirect_url", self._accept(plan))
        self.assertEqual(plan.charge_move_id.amount_total, 30.10)
        page = self.url_open(plan.get_portal_url()).text
        headline = page.split("o_portal_sidebar", 1)[1].split("</h2>", 1)[0]
        self.assertIn("1,530.10", headline)
        invoices = page.split("<h4>Invoices</h4>", 1)[1].split("<h4>Schedule</h4>", 1)[0]
        for invoice in self.invoices:
            self.assertIn(invoice.name, invoices)
        self.assertNotIn(plan.charge_move_id.name, invoices)
        self.authenticate("plan_portal", "plan_portal")
        listing = self.url_open("/my/payment_plans").text
        self.assertIn("Total to Pay", listing)
        self.assertIn("1,530.10", listing)

    def test_another_customers_portal_user_needs_the_token(self):
        theirs = self._plan(self._invoices(self.other, (800.0,)))
        self.authenticate("plan_portal", "plan_portal")
        page = self.url_open(f"/my/payment_plans/{theirs.id}").text
        self.assertNotIn(theirs.invoice_ids.name, page)
        result = self.url_open(
            f"/my/payment_plans/{theirs.id}/accept",
            data=json.dumps({"params": {"name": "Intruder", "signature": SIGNATURE}}),
            headers={"Content-Type": "application/json"},
        ).json()["result"]
        self.assertIn("error", result)
        self.assertEqual(theirs.state, "proposed")
