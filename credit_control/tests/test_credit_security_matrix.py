"""Who may do what, tried as the attacker would over XML-RPC/JSON-RPC: each call is the
model method an RPC client reaches (``read``, ``write``, ``create``, public methods) made
``with_user`` the user in question, and the expected refusal or result."""

import xmlrpc.client
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CreditControlCommon

VIEWER = "credit_control.group_credit_viewer"
CREDIT_USER = "credit_control.group_credit_user"
CREDIT_MANAGER = "credit_control.group_credit_manager"
BILLING = "account.group_account_invoice"
CONTACTS = "base.group_partner_manager"
INTERNAL = "base.group_user"
# the fields a Credit viewer (salesperson) reads: nothing else of the credit file
VIEWER_FIELDS = {"credit_band", "credit_hold", "credit_hold_reason"}


@tagged("post_install", "-at_install")
class TestCreditSecurityMatrix(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.customer = cls._credit_customer("Shared Customer")  # shared: no company
        # company A: 3,000.00 unpaid for 200 days -> defaulting, band E
        cls._credit_invoice(
            cls.customer,
            3000.0,
            cls.today - timedelta(days=230),
            due_date=cls.today - timedelta(days=200),
        )
        cls.customer.credit_update_scores()
        cls.customer.with_company(cls.company_a).sudo().write(
            {"credit_hold": True, "credit_hold_reason": "Legal dispute"}
        )
        make = cls._credit_user
        cls.users = {
            "portal": make("m_portal", "base.group_portal"),
            "internal": make("m_internal", INTERNAL),
            "viewer": make("m_viewer", VIEWER),
            "viewer_contacts": make("m_viewer_contacts", VIEWER, CONTACTS),
            "billing": make("m_billing", BILLING),
            "billing_contacts": make("m_billing_contacts", BILLING, CONTACTS),
            "credit_user": make("m_credit_user", CREDIT_USER),
            "credit_manager": make("m_credit_manager", CREDIT_MANAGER),
            "other_company": make("m_other_company", CREDIT_MANAGER, company=cls.company_b),
        }
        # the portal user is a contact of the customer: its own company's credit file
        cls.users["portal"].partner_id.parent_id = cls.customer
        fields = cls.env["res.partner"]._fields
        cls.credit_fields = sorted(
            name
            for name, field in fields.items()
            if field._module == "credit_control" and name.startswith("credit_")
        )

    def _as(self, name, record):
        return record.with_user(self.users[name]).with_company(self.users[name].company_id)

    # ------------------------------------------------------------------ reading

    def test_read_matrix_of_every_credit_field(self):
        self.assertIn("credit_score", self.credit_fields)
        self.assertIn("credit_hold_reason", self.credit_fields)
        readers = {
            "portal": set(),
            "internal": set(),
            "viewer": VIEWER_FIELDS,
            "viewer_contacts": VIEWER_FIELDS,
            "billing": set(self.credit_fields),
            "billing_contacts": set(self.credit_fields),
            "credit_user": set(self.credit_fields),
            "credit_manager": set(self.credit_fields),
            "other_company": set(self.credit_fields),
        }
        for user, readable in readers.items():
            for field in self.credit_fields:
                with self.subTest(user=user, field=field):
                    partner = self._as(user, self.customer)
                    if field in readable:
                        partner.read([field])
                    else:
                        with self.assertRaises(AccessError):
                            partner.read([field])
                        with self.assertRaises(AccessError):
                            partner.search_read([("id", "=", self.customer.id)], [field])

    def test_viewer_reads_band_hold_and_reason_of_its_company(self):
        values = self._as("viewer", self.customer).read(sorted(VIEWER_FIELDS))[0]
        self.assertEqual(
            (values["credit_band"], values["credit_hold"], values["credit_hold_reason"]),
            ("E", True, "Legal dispute"),
        )

    def test_read_matrix_of_every_credit_model(self):
        report = self._business_report(self.company_a)
        models = {
            "credit.business.report": report,
            "credit.score.history": self.customer.credit_score_history_ids[:1],
            "credit.dunning.letter": self.env["credit.dunning.letter"],
            "credit.dunning.run": self.env["credit.dunning.run"],
            "credit.sdi.notification": self.env["credit.sdi.notification"],
            "credit.report.provider": report.provider_id,
        }
        self.assertTrue(models["credit.score.history"], "scoring wrote a history row")
        allowed = {"billing", "billing_contacts", "credit_user", "credit_manager"}
        for user in self.users:
            for model, record in models.items():
                with self.subTest(user=user, model=model):
                    records = self._as(user, self.env[model])
                    if user in allowed:
                        found = records.search([("id", "in", record.ids)])
                        self.assertEqual(found.ids, record.ids)
                    elif user == "other_company":
                        # company B's manager does not see company A's records
                        self.assertFalse(records.search([("id", "in", record.ids)]))
                    else:
                        with self.assertRaises(AccessError):
                            records.search([("id", "in", record.ids)])

    # ------------------------------------------------------------------ writing

    def test_nobody_writes_the_computed_assessment(self):
        for user in self.users:
            for field, value in (
                ("credit_band", "A"),
                ("credit_score", 99),
                ("credit_recommended_limit", 1_000_000.0),
                ("credit_exposure", 0.0),
            ):
                with self.subTest(user=user, field=field), self.assertRaises(AccessError):
                    self._as(user, self.customer).write({field: value})
        self.assertEqual(self.customer.with_company(self.company_a).credit_band, "E")
        self.assertEqual(self.customer.with_company(self.company_a).credit_exposure, 3000.0)

    def test_a_new_partner_cannot_be_created_with_a_band_or_limit(self):
        for values in ({"credit_band": "A"}, {"credit_limit": 10_000_000.0}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                self._as("billing_contacts", self.env["res.partner"]).create(
                    {"name": "Self-rated Ltd", **values}
                )

    def test_only_the_credit_manager_sets_limit_pause_and_hold(self):
        pause = self.today + timedelta(days=30)
        for field, value in (
            ("credit_limit", 10_000_000.0),
            ("credit_dunning_pause_until", pause),
            ("credit_hold", False),
            ("credit_hold_reason", "Paid in cash"),
        ):
            for user in self.users:
                if user in ("credit_manager", "other_company"):
                    continue
                with self.subTest(user=user, field=field), self.assertRaises(AccessError):
                    self._as(user, self.customer).write({field: value})
        partner = self.customer.with_company(self.company_a)
        self.assertEqual(partner.credit_limit, 0.0)
        self.assertFalse(partner.credit_dunning_pause_until)
        self.assertTrue(partner.credit_hold)
        self._as("credit_manager", self.customer).write(
            {"credit_limit": 5000.0, "credit_dunning_pause_until": pause}
        )
        self.assertEqual(partner.credit_limit, 5000.0)
        self.assertEqual(partner.credit_dunning_pause_until, pause)

    # ------------------------------------------------------------------ public methods

    def test_rescoring_is_for_the_credit_team_only(self):
        partner = self.customer.with_company(self.company_a)
        partner.sudo().credit_exposure = 1.0  # stale: a rescore would bring back 3,000.00
        for user in ("portal", "internal", "viewer", "viewer_contacts"):
            with self.subTest(user=user), self.assertRaises(AccessError):
                self._as(user, self.customer).credit_update_scores()
            with self.subTest(user=user), self.assertRaises(AccessError):
                self._as(user, self.env["res.partner"]).credit_update_scores()
        self.assertEqual(partner.credit_exposure, 1.0, "nothing changed")
        result = self._as("credit_user", self.customer).credit_update_scores()
        # what the RPC layer sends back must marshal
        xmlrpc.client.dumps((result,), allow_none=True)
        self.assertEqual(partner.credit_exposure, 3000.0)

    def test_public_partner_actions_check_the_caller(self):
        for user in ("portal", "internal", "viewer"):
            with self.subTest(user=user), self.assertRaises(AccessError):
                self._as(user, self.customer).action_credit_refresh_now()
        for user in ("viewer", "billing", "credit_user"):
            with self.subTest(user=user), self.assertRaises(AccessError):
                self._as(user, self.customer).action_credit_approve_limit()

    def test_a_recommended_limit_of_zero_is_no_credit_not_no_limit(self):
        partner = self.customer.with_company(self.company_a)
        self.assertEqual(partner.credit_band, "E")
        self.assertEqual(partner.credit_recommended_limit, 0.0)
        with self.assertRaisesRegex(UserError, "no credit at all"):
            self._as("credit_manager", self.customer).action_credit_approve_limit()
        self.assertEqual(partner.credit_limit, 0.0)

    # ------------------------------------------------------------------ the hold

    def _held_draft(self, user):
        self.company_a.credit_hold_mode = "block"
        move = self._credit_invoice(self.customer, 100.0, self.today, post=False)
        return move.with_user(self.users[user] if isinstance(user, str) else user)

    def test_hold_cannot_be_dodged_by_a_context_key(self):
        move = self._held_draft("billing")
        with self.assertRaisesRegex(UserError, "Legal dispute"):
            move.with_context(credit_hold_checked=True).action_post()
        self.assertEqual(move.state, "draft")

    def test_hold_cannot_be_dodged_by_a_self_made_wizard(self):
        move = self._held_draft("billing")
        wizard = (
            self.env["credit.hold.wizard"]
            .with_user(self.users["billing"])
            .create(
                {
                    "move_ids": [Command.set(move.ids)],
                    "mode": "warn",
                    "reasons": "nothing to see",
                }
            )
        )
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertEqual(move.state, "draft")

    def test_hold_cannot_be_dodged_from_the_list(self):
        move = self._held_draft("billing")
        wizard = (
            self.env["validate.account.move"]
            .with_user(self.users["billing"])
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
        )
        with self.assertRaisesRegex(UserError, "credit hold"):
            wizard.with_context(credit_hold_checked=True).validate_move()
        self.assertEqual(move.state, "draft")

    def test_manager_override_is_explicit_and_logged(self):
        manager = self._credit_user(
            "m_hold_manager", BILLING, CREDIT_MANAGER, email="boss@example.com"
        )
        move = self._held_draft(manager)
        action = move.action_post()
        self.assertEqual(move.state, "draft")
        wizard = self.env["credit.hold.wizard"].with_user(manager)
        wizard = wizard.browse(action["res_id"])
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_confirm()
        wizard.override_reason = "Bank guarantee received"
        wizard.action_confirm()
        self.assertEqual(move.state, "posted")
        self.assertIn(
            "overridden by M Hold Manager: Bank guarantee received", move.message_ids[0].body
        )

    # ------------------------------------------------------------------ multi-company

    def test_each_company_assesses_the_customer_on_its_own(self):
        b_user = self.users["other_company"]
        customer_b = self.customer.with_user(b_user).with_company(self.company_b)
        # company B has no ledger with this customer: it reads its own (empty) figures
        self.assertFalse(customer_b.credit_band)
        self.assertEqual(customer_b.credit_exposure, 0.0)
        self.assertEqual(customer_b.credit_live_exposure, 0.0, "nor company A's ledger today")
        self.assertFalse(customer_b.credit_hold)
        # company B rescoring does not lift company A's band E
        customer_b.credit_update_scores()
        self.assertEqual(customer_b.credit_exposure, 0.0)
        self.assertEqual(customer_b.credit_band, "C", "neutral: no history, no report")
        customer_a = self.customer.with_company(self.company_a)
        self.assertEqual(customer_a.credit_band, "E")
        self.assertEqual(customer_a.credit_exposure, 3000.0)
        self.assertEqual(customer_a.credit_live_exposure, 3000.0)
        self.assertTrue(customer_a.credit_hold)

    def test_a_company_b_report_is_not_company_a_latest(self):
        report_b = self._business_report(self.company_b, score=95.0)
        customer_b = self.customer.with_company(self.company_b)
        customer_a = self.customer.with_company(self.company_a)
        self.assertEqual(customer_b.credit_latest_report_id, report_b)
        self.assertFalse(customer_a.credit_latest_report_id)
        self.assertEqual(customer_a.credit_band, "E")
        # and company A's users don't see company B's report at all
        reports = self._as("credit_manager", self.env["credit.business.report"])
        self.assertFalse(reports.search([("id", "=", report_b.id)]))

    def test_hold_reads_the_invoice_company_assessment(self):
        # held in company A, not in company B: B's clerk posts for the same customer
        self.company_b.credit_hold_mode = "block"
        clerk_b = self._credit_user("m_clerk_b", BILLING, company=self.company_b)
        move = (
            self.env["account.move"]
            .with_company(self.company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": self.today,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "quantity": 1, "price_unit": 50.0, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        move.with_user(clerk_b).with_company(self.company_b).action_post()
        self.assertEqual(move.state, "posted")

    # ------------------------------------------------------------------ letters

    def _letter(self):
        policy = self.env["credit.dunning.policy"].search(
            [("company_id", "=", self.company_a.id)], limit=1
        )
        return (
            self.env["credit.dunning.letter"]
            .sudo()
            .create(
                {
                    "company_id": self.company_a.id,
                    "date": self.today,
                    "partner_id": self.customer.id,
                    "currency_id": self.currency.id,
                    "policy_id": policy.id,
                    "level_id": policy.level_ids[:1].id,
                    "amount_due": 3000.0,
                }
            )
        )

    def test_letters_change_only_through_their_actions(self):
        letter = self._letter()
        as_user = letter.with_user(self.users["credit_user"])
        for values in ({"amount_due": 1.0}, {"fee_amount": 500.0}, {"state": "sent"}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                as_user.write(values)
        with self.assertRaises(AccessError):
            self.env["credit.dunning.letter"].with_user(self.users["credit_user"]).create(
                {"partner_id": self.customer.id}
            )
        as_user.write({"phone_call": True})  # the channels stay the reviewer's choice
        as_user.action_cancel()
        self.assertEqual(letter.state, "cancelled")
        with self.assertRaises(AccessError):
            as_user.write({"phone_call": False})
        self.assertEqual((letter.amount_due, letter.fee_amount), (3000.0, 0.0))
        for user in ("viewer", "portal"):
            with self.subTest(user=user), self.assertRaises(AccessError):
                letter.with_user(self.users[user]).action_reset_to_review()

    # ------------------------------------------------------------------ helpers

    def _business_report(self, company, score=40.0):
        provider = self.env["credit.report.provider"].create(
            {"name": f"Bureau {company.name}", "kind": "file", "company_id": company.id}
        )
        return self.env["credit.business.report"]._credit_create_reports(
            [
                {
                    "partner_id": self.customer.id,
                    "provider_id": provider.id,
                    "company_id": company.id,
                    "score": score,
                    "legal_status": "active",
                    "raw_payload": b"{}",
                }
            ]
        )
