"""Collection screens: the hand-off wizard (what goes, what does not and why), the case and
agency screens, the agency performance pivot and who may set an agency's terms."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tests import TransactionCase
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from ..models.credit_dunning_letter_security import dunning_action
from .test_dunning import TestDunningCommon


@tagged("post_install", "-at_install")
class TestCollectionScreens(TestDunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._credit_user(
            "credit_cases_manager",
            "credit_control.group_credit_manager",
            "account.group_account_invoice",
            company=cls.company,
        )
        cls.billing = cls._credit_user(
            "credit_cases_billing", "account.group_account_invoice", company=cls.company
        )
        cls.salesperson = cls._credit_user(
            "credit_cases_sales",
            "credit_control.group_credit_viewer",
            company=cls.company,
        )
        cls.collector = cls._credit_customer(
            "Recupero Crediti Test Srl",
            email="info@recupero.example",
            credit_is_collection_agency=True,
            credit_collection_email="pratiche@recupero.example",
            credit_collection_commission_percent=15.0,
            credit_collection_commission_fixed=30.0,
            credit_collection_dpa_date=cls.today - timedelta(days=100),
        )
        cls.lawyer = cls._credit_customer(
            "Studio Legale Test",
            credit_is_collection_agency=True,
            credit_collection_dpa_date=cls.today - timedelta(days=100),
        )
        cls.agency_no_dpa = cls._credit_customer(
            "Agenzia Senza Accordo", credit_is_collection_agency=True
        )
        # one debtor with every kind of invoice the wizard must tell apart
        cls.debtor = cls._credit_customer("Debitore Moroso Srl")
        cls.overdue_60 = cls._late_invoice(cls, cls.debtor, 1000.0, 60)
        cls.overdue_10 = cls._late_invoice(cls, cls.debtor, 500.0, 10)
        cls.not_due = cls._late_invoice(cls, cls.debtor, 300.0, -5)
        cls.rejected = cls._late_invoice(cls, cls.debtor, 400.0, 40)
        cls.rejected.credit_einvoice_state = "rejected"
        cls.in_plan = cls._late_invoice(cls, cls.debtor, 250.0, 45)
        plan = cls.env["credit.payment.plan"].create(
            {
                "name": "PLAN/TEST",
                "partner_id": cls.debtor.id,
                "invoice_ids": [Command.set(cls.in_plan.ids)],
            }
        )
        cls.in_plan.sudo().credit_payment_plan_id = plan
        cls.in_case = cls._late_invoice(cls, cls.debtor, 150.0, 90)
        cls.old_case = cls.env["credit.collection.case"].create(
            {
                "partner_id": cls.debtor.id,
                "agency_id": cls.collector.id,
                "move_ids": [Command.set(cls.in_case.ids)],
            }
        )
        cls.old_case.action_hand_off()
        cls.paid = cls._late_invoice(cls, cls.debtor, 200.0, 30)
        cls._credit_pay(cls.paid, cls.today - timedelta(days=1))

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _wizard(self, model, records, user=None, **context):
        Wizard = self.env["credit.collection.handoff.wizard"].with_user(user or self.manager)
        return Form(Wizard.with_context(active_model=model, active_ids=records.ids, **context))

    def _cases_of(self, partners):
        return self.env["credit.collection.case"].search([("partner_id", "in", partners.ids)])

    # ------------------------------------------------------------------
    # screens
    # ------------------------------------------------------------------

    def test_screens_load(self):
        for model, view_types in {
            "credit.collection.case": ["list", "kanban", "form", "search"],
            "credit.collection.agency.analysis": ["pivot", "graph", "search"],
            "credit.collection.handoff.wizard": ["form"],
            "credit.collection.recall.wizard": ["form"],
            "res.partner": ["form"],
            "credit.dunning.letter": ["form"],
        }.items():
            views = (
                self.env[model].with_user(self.manager).get_views([(False, v) for v in view_types])
            )
            self.assertEqual(set(views["views"]), set(view_types), model)
        # the salesperson's partner form shows nothing of the agencies' terms
        arch = self.env["res.partner"].with_user(self.salesperson).get_views([(False, "form")])
        arch = arch["views"]["form"]["arch"]
        self.assertNotIn("credit_collection_commission_percent", arch)
        self.assertNotIn("action_credit_collection_handoff", arch)
        # the billing user sees the terms but not the hand-off
        arch = self.env["res.partner"].with_user(self.billing).get_views([(False, "form")])
        arch = arch["views"]["form"]["arch"]
        self.assertIn("credit_collection_commission_percent", arch)
        self.assertNotIn("action_credit_collection_handoff", arch)

    def test_menus_sit_under_credit_management_collection(self):
        menu = self.env.ref("credit_control.menu_credit_collection")
        self.assertEqual(menu.parent_id, self.env.ref("credit_control.menu_credit_control"))
        self.assertEqual(self.env.ref("credit_control.menu_credit_collection_case").parent_id, menu)
        self.assertEqual(
            self.env.ref("credit_control.menu_credit_collection_agency").parent_id, menu
        )
        agencies = self.env.ref("credit_control.action_credit_collection_agency")
        found = self.env["res.partner"].search(safe_eval(agencies.domain))
        self.assertIn(self.collector, found)
        self.assertNotIn(self.debtor, found)

    # ------------------------------------------------------------------
    # the wizard: what goes, what does not and why
    # ------------------------------------------------------------------

    def test_from_the_customer_only_overdue_collectible_free_invoices_go(self):
        form = self._wizard("res.partner", self.debtor)
        self.assertEqual(form.invoice_count, 2)
        form.agency_id = self.collector
        wizard = form.save()
        to_hand = [line.move_id for line in wizard.line_ids]
        self.assertEqual(to_hand, [self.overdue_60, self.overdue_10])
        self.assertEqual([line.days_overdue for line in wizard.line_ids], [60, 10])
        self.assertEqual(wizard.debtor_count, 1)
        self.assertEqual(wizard.invoice_count, 2)
        self.assertIn("1,500.00", wizard.amount_summary)
        skipped = {line.move_id: line.reason for line in wizard.skipped_line_ids}
        self.assertEqual(
            set(skipped), set(self.not_due | self.rejected | self.in_plan | self.in_case)
        )  # the paid invoice is not even listed
        self.assertEqual(skipped[self.not_due], "Not overdue.")
        self.assertIn("Rejected", skipped[self.rejected])
        self.assertEqual(skipped[self.in_plan], "In the active payment plan PLAN/TEST.")
        self.assertEqual(skipped[self.in_case], f"Already in the open case {self.old_case.name}.")

    def test_confirm_hands_the_debtor_over_in_one_case(self):
        wizard = self._wizard("res.partner", self.debtor)
        wizard.agency_id = self.collector
        action = wizard.save().action_confirm()
        case = self.env["credit.collection.case"].browse(action["res_id"])
        self.assertEqual(case.partner_id, self.debtor)
        self.assertEqual(case.agency_id, self.collector)
        self.assertEqual(case.case_type, "agency")
        self.assertEqual(case.move_ids, self.overdue_60 | self.overdue_10)
        self.assertEqual(case.state, "handed_off")
        self.assertEqual(self.overdue_60.credit_collection_case_id, case)
        # the debtor's form: the smart button counts both cases, the banner names the agency
        debtor = self.debtor.with_user(self.billing)
        self.assertEqual(debtor.credit_collection_case_count, 2)
        self.assertIn("Recupero Crediti Test Srl", debtor.credit_collection_banner)
        opened = self.env["credit.collection.case"].search(
            debtor.action_credit_collection_cases()["domain"]
        )
        self.assertEqual(opened, case | self.old_case)
        self.assertEqual(
            self.collector.with_user(self.billing).credit_collection_agency_case_count, 2
        )
        self.assertFalse(self.collector.with_user(self.billing).credit_collection_banner)
        # the case's smart button opens its invoices
        self.assertEqual(case.move_count, 2)
        invoices = self.env["account.move"].search(case.action_credit_open_invoices()["domain"])
        self.assertEqual(invoices, case.move_ids)
        # and the payments on its items since the hand-off
        self.assertEqual(case.payment_count, 0)
        payment = self._credit_pay(self.overdue_10, self.today)
        case.invalidate_recordset(["payment_count"])
        self.assertEqual(case.payment_count, 1)
        paid = self.env["account.move"].search(case.action_credit_open_payments()["domain"])
        self.assertEqual(paid, payment.move_id)

    def test_an_unticked_invoice_stays_behind(self):
        wizard = self._wizard("res.partner", self.debtor)
        wizard.agency_id = self.collector
        with wizard.line_ids.edit(1) as line:
            line.include = False
        self.assertEqual(wizard.invoice_count, 1)
        action = wizard.save().action_confirm()
        case = self.env["credit.collection.case"].browse(action["res_id"])
        self.assertEqual(case.move_ids, self.overdue_60)
        self.assertFalse(self.overdue_10.credit_collection_case_id)

    def test_from_the_invoice_list_one_case_per_debtor(self):
        debtors = self.env["res.partner"].create(
            [{"name": f"Debitore {n}", "is_company": True} for n in range(4)]
        )
        invoices = self.env["account.move"]
        for debtor in debtors:
            invoices |= self._late_invoice(debtor, 100.0, 20)
        invoices |= self._late_invoice(debtors[0], 50.0, 15)
        invoices |= self.not_due  # selected by mistake: listed as not handed over
        wizard = self._wizard("account.move", invoices)
        self.assertEqual(wizard.debtor_count, 4)
        self.assertEqual(wizard.invoice_count, 5)
        self.assertEqual(len(wizard.skipped_line_ids), 1)
        wizard.agency_id = self.collector
        action = wizard.save().action_confirm()
        cases = self._cases_of(debtors)
        self.assertEqual(self.env["credit.collection.case"].search(action["domain"]), cases)
        self.assertEqual(len(cases), 4)
        self.assertEqual(set(cases.mapped("state")), {"handed_off"})
        first = cases.filtered(lambda case: case.partner_id == debtors[0])
        self.assertEqual(len(first.move_ids), 2)
        self.assertFalse(self.not_due.credit_collection_case_id)

    def test_a_letter_at_the_agency_stage_proposes_the_agency_and_legal_the_lawyer(self):
        letter = self._letter(self.agency)
        wizard = self._wizard("credit.dunning.letter", letter)
        wizard.agency_id = self.collector
        wizard = wizard.save()
        self.assertEqual(wizard.case_type, "agency")
        self.assertEqual(wizard.letter_id, letter)
        self.assertEqual(wizard.line_ids.move_id, self.overdue_60)
        legal = self.agency.copy({"name": "Legal", "stage": "legal", "days": 400})
        wizard = self._wizard("credit.dunning.letter", self._letter(legal))
        self.assertEqual(wizard.case_type, "lawyer")
        wizard.agency_id = self.lawyer
        case = self.env["credit.collection.case"].browse(wizard.save().action_confirm()["res_id"])
        self.assertEqual(case.case_type, "lawyer")
        # the letter form shows the buttons to managers only
        arch = (
            self.env["credit.dunning.letter"].with_user(self.manager).get_views([(False, "form")])
        )
        self.assertIn("Hand Over to Lawyer", arch["views"]["form"]["arch"])
        arch = (
            self.env["credit.dunning.letter"].with_user(self.billing).get_views([(False, "form")])
        )
        self.assertNotIn("Hand Over to Lawyer", arch["views"]["form"]["arch"])

    def _letter(self, level):
        line = self.overdue_60.line_ids.filtered(
            lambda item: item.account_type == "asset_receivable"
        )
        with dunning_action(self.env):
            return self.env["credit.dunning.letter"].create(
                {
                    "company_id": self.company.id,
                    "date": self.today,
                    "partner_id": self.debtor.id,
                    "currency_id": self.currency.id,
                    "policy_id": self.policy.id,
                    "level_id": level.id,
                    "line_ids": [
                        Command.create({"move_line_id": line.id, "due_date": line.date_maturity})
                    ],
                }
            )

    def test_an_agency_without_agreement_gets_nothing(self):
        wizard = self._wizard("res.partner", self.debtor)
        wizard.agency_id = self.agency_no_dpa
        self.assertIn("no data-processing agreement", wizard.agency_warning)
        with self.assertRaisesRegex(UserError, "data-processing agreement"):
            wizard.save().action_confirm()
        self.assertFalse(self.overdue_60.credit_collection_case_id)
        self.assertEqual(self._cases_of(self.debtor), self.old_case)

    def test_a_lawyer_needs_no_processing_agreement(self):
        """A lawyer is bound by professional secrecy, no data processor of the company: the
        agreement is asked of agencies only (as the engine's hand-off does)."""
        lawyer = self._credit_customer("Avv. Senza Accordo", credit_is_collection_agency=True)
        wizard = self._wizard("res.partner", self.debtor)
        wizard.case_type = "lawyer"
        wizard.agency_id = lawyer
        self.assertFalse(wizard.agency_warning)
        wizard.case_type = "agency"
        self.assertTrue(wizard.agency_warning)

    def test_a_partner_that_is_no_agency_is_refused(self):
        wizard = self._wizard("res.partner", self.debtor)
        wizard.agency_id = self.collector
        wizard = wizard.save()
        wizard.agency_id = self.debtor
        with self.assertRaisesRegex(UserError, "is not a collection agency"):
            wizard.action_confirm()

    def test_an_invoice_paid_since_the_preview_is_refused_and_nothing_is_written(self):
        wizard = self._wizard("res.partner", self.debtor)
        wizard.agency_id = self.collector
        wizard = wizard.save()
        self._credit_pay(self.overdue_10, self.today)
        with self.assertRaisesRegex(UserError, "can no longer be handed over"):
            wizard.action_confirm()
        self.assertEqual(self._cases_of(self.debtor), self.old_case)

    def test_nothing_to_hand_over(self):
        other = self._credit_customer("Puntuale Srl")
        self._late_invoice(other, 100.0, -10)
        wizard = self._wizard("res.partner", other)
        self.assertFalse(wizard.line_ids)
        wizard.agency_id = self.collector
        with self.assertRaisesRegex(UserError, "nothing to hand over"):
            wizard.save().action_confirm()

    def test_only_a_credit_manager_hands_over(self):
        for user in (self.billing, self.salesperson):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._wizard("res.partner", self.debtor, user=user)
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.debtor.with_user(user).action_credit_collection_handoff()
        wizard = self._wizard("res.partner", self.debtor)
        wizard.agency_id = self.collector
        wizard = wizard.save()
        with self.assertRaises(AccessError):
            wizard.with_user(self.billing).action_confirm()
        self.assertFalse(self.overdue_60.credit_collection_case_id)

    # ------------------------------------------------------------------
    # the case form
    # ------------------------------------------------------------------

    def test_lawyer_reports_the_injunction_and_the_case_is_recalled_with_a_reason(self):
        case = (
            self.env["credit.collection.case"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "agency_id": self.lawyer.id,
                    "move_ids": [Command.set(self.overdue_60.ids)],
                    "case_type": "lawyer",
                }
            )
        )
        case.action_hand_off()
        form = Form(case)
        form.credit_court_reference = "R.G. 1234/2026"
        form.date_injunction = self.today - timedelta(days=10)
        form.date_injunction_notified = self.today - timedelta(days=2)
        form.save()
        self.assertEqual(case.credit_court_reference, "R.G. 1234/2026")
        with self.assertRaises(AccessError):
            case.with_user(self.billing).credit_court_reference = "R.G. 1/2026"
        recall = Form(
            self.env["credit.collection.recall.wizard"]
            .with_user(self.manager)
            .with_context(default_case_id=case.id)
        )
        recall.reason = "The customer agreed a payment plan"
        recall.save().action_confirm()
        self.assertEqual((case.state, case.close_reason), ("closed", "recalled"))
        self.assertFalse(self.overdue_60.credit_collection_case_id)

    # ------------------------------------------------------------------
    # agency performance, worked by hand
    # ------------------------------------------------------------------

    def test_agency_performance_pivot(self):
        """Agency: case 1 handed over 1,000.00, all recovered 30 days later (commission
        15% + 30.00 = 180.00); case 2 handed over 500.00, 100.00 recovered (15.00 + 30.00
        = 45.00). Handed over 1,500.00, recovered 1,100.00: 73.33 % (not the 60 % average
        of 100 % and 20 %), 30 days to recover (case 2 is not recovered), commission
        225.00. The lawyer: 2,000.00 handed over, nothing yet: 0 %. A draft case does not
        count."""
        Case = self.env["credit.collection.case"]
        debtors = self.env["res.partner"].create(
            [{"name": f"Analisi {n}", "is_company": True} for n in range(4)]
        )
        invoices = [
            self._late_invoice(debtor, amount, 60)
            for debtor, amount in zip(debtors, (1000.0, 500.0, 2000.0, 700.0), strict=True)
        ]
        cases = Case.create(
            [
                {
                    "partner_id": debtor.id,
                    "agency_id": agency.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "case_type": case_type,
                }
                for debtor, invoice, agency, case_type in zip(
                    debtors,
                    invoices,
                    (self.collector, self.collector, self.lawyer, self.collector),
                    ("agency", "agency", "lawyer", "agency"),
                    strict=True,
                )
            ]
        )
        cases[:3].action_hand_off()
        handed_off = self.today - timedelta(days=40)
        self._credit_pay(invoices[0], handed_off + timedelta(days=30))
        self._credit_pay(invoices[1], handed_off + timedelta(days=20), amount=100.0)
        # what the engine books on those payments (as the agency's statement would): only
        # the case's own actions write these, as the superuser
        cases[:3].sudo().write({"date_handed_off": handed_off})
        cases[0].sudo().write(
            {
                "state": "closed",
                "close_reason": "recovered",
                "amount_recovered": 1000.0,
                "commission_amount": 180.0,
            }
        )
        cases[1].sudo().write(
            {"state": "partly_recovered", "amount_recovered": 100.0, "commission_amount": 45.0}
        )
        Analysis = self.env["credit.collection.agency.analysis"].with_user(self.billing)
        domain = [("partner_id", "in", debtors.ids)]
        groups = Analysis.read_group(
            domain,
            [
                "case_count:sum",
                "amount_handed_over:sum",
                "amount_recovered:sum",
                "recovery_rate:avg",
                "days_to_recover:avg",
                "commission_amount:sum",
            ],
            ["agency_id"],
        )
        by_agency = {group["agency_id"][0]: group for group in groups}
        self.assertEqual(set(by_agency), {self.collector.id, self.lawyer.id}, groups)
        agency = by_agency[self.collector.id]
        self.assertEqual(agency["case_count"], 2, "the draft case does not count")
        self.assertAlmostEqual(agency["amount_handed_over"], 1500.0)
        self.assertAlmostEqual(agency["amount_recovered"], 1100.0)
        self.assertAlmostEqual(agency["recovery_rate"], 73.33)
        self.assertAlmostEqual(agency["days_to_recover"], 30.0)
        self.assertAlmostEqual(agency["commission_amount"], 225.0)
        lawyer = by_agency[self.lawyer.id]
        self.assertAlmostEqual(lawyer["amount_handed_over"], 2000.0)
        self.assertAlmostEqual(lawyer["recovery_rate"], 0.0)
        self.assertFalse(lawyer["days_to_recover"])
        # per case, the rate is the case's own
        rows = Analysis.search_read(domain, ["case_id", "recovery_rate"])
        rates = {row["case_id"][0]: row["recovery_rate"] for row in rows}
        self.assertEqual(rates, {cases[0].id: 100.0, cases[1].id: 20.0, cases[2].id: 0.0})
        # another company's controller sees none of it
        other = self.env["res.company"].create({"name": "Altra Società"})
        stranger = self._credit_user(
            "credit_cases_stranger", "credit_control.group_credit_manager", company=other
        )
        Analysis = self.env["credit.collection.agency.analysis"].with_user(stranger)
        self.assertFalse(Analysis.search(domain))
        self.assertFalse(self.env["credit.collection.case"].with_user(stranger).search(domain))

    # ------------------------------------------------------------------
    # an agency's terms, as the attacker
    # ------------------------------------------------------------------

    def test_salesperson_neither_reads_nor_writes_the_terms(self):
        agency = self.collector.with_user(self.salesperson)
        with self.assertRaises(AccessError):
            agency.read(["credit_collection_commission_percent"])
        for field, value in (
            ("credit_collection_commission_percent", 1.0),
            ("credit_collection_dpa_date", self.today),
            ("credit_is_collection_agency", False),
        ):
            with self.subTest(field=field), self.assertRaises(AccessError):
                agency.write({field: value})
        with self.assertRaises(AccessError):
            self.debtor.with_user(self.salesperson).write({"credit_is_collection_agency": True})
        self.assertTrue(self.collector.credit_is_collection_agency)

    def test_billing_user_reads_but_does_not_write_the_terms(self):
        agency = self.collector.with_user(self.billing)
        self.assertEqual(agency.credit_collection_commission_percent, 15.0)
        self.assertEqual(agency._credit_collection_email_to(), "pratiche@recupero.example")
        for field, value in (
            ("credit_collection_commission_percent", 1.0),
            ("credit_collection_commission_fixed", 0.0),
            ("credit_collection_email", "me@evil.example"),
            ("credit_collection_dpa_date", False),
        ):
            with self.subTest(field=field), self.assertRaises(AccessError):
                agency.write({field: value})
        # nor by creating a partner that is an agency already, nor through a form
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.billing).create(
                {"name": "Fake Agency", "credit_is_collection_agency": True}
            )
        self.assertEqual(self.collector.credit_collection_email, "pratiche@recupero.example")

    def test_credit_manager_sets_the_terms_per_company(self):
        Form(self.collector.with_user(self.manager))  # the form opens for the manager
        self.collector.with_user(self.manager).write({"credit_collection_commission_percent": 18.0})
        self.assertEqual(self.collector.credit_collection_commission_percent, 18.0)
        # a manager of another company agrees its own terms, and does not touch ours
        other = self.env["res.company"].create({"name": "Altra Società"})
        stranger = self._credit_user(
            "credit_cases_other_manager", "credit_control.group_credit_manager", company=other
        )
        self.collector.with_user(stranger).write({"credit_collection_commission_percent": 5.0})
        self.assertEqual(
            self.collector.with_company(other).credit_collection_commission_percent, 5.0
        )
        self.assertEqual(
            self.collector.with_company(self.company).credit_collection_commission_percent, 18.0
        )
        self.assertFalse(self.collector.with_company(other).credit_collection_dpa_date)

    def test_ticking_agency_on_the_form_fills_the_dossier_address(self):
        partner = self._credit_customer("Nuova Agenzia Srl", email="info@nuova.example")
        form = Form(partner.with_user(self.manager))
        form.credit_is_collection_agency = True
        self.assertEqual(form.credit_collection_email, "info@nuova.example")
        form.save()
        self.assertTrue(partner.credit_is_collection_agency)


@tagged("post_install", "-at_install")
class TestCollectionDemo(TransactionCase):
    def test_the_italian_demo_has_an_agency_a_lawyer_and_a_case_in_each_state(self):
        company = self.env.ref("credit_control.demo_company_it", raise_if_not_found=False)
        agency = self.env.ref("credit_control.demo_collection_agency", raise_if_not_found=False)
        if not company or not agency:
            # a database upgraded from one made before the collection demo: demo data
            # load at install only (a fresh database, as in CI, has them)
            self.skipTest("collection demo data not installed")
        agency = agency.with_company(company)
        self.assertTrue(agency.credit_is_collection_agency)
        self.assertEqual(agency.country_id.code, "IT")
        self.assertTrue(agency.credit_collection_dpa_date)
        self.assertEqual(agency.credit_collection_commission_percent, 15.0)
        no_dpa = self.env.ref("credit_control.demo_collection_no_dpa").with_company(company)
        self.assertFalse(no_dpa.credit_collection_dpa_date)
        cases = self.env["credit.collection.case"].search([("company_id", "=", company.id)])
        self.assertEqual(
            set(cases.mapped("state")),
            {"draft", "handed_off", "in_progress", "partly_recovered", "closed"},
        )
        self.assertEqual(set(cases.mapped("close_reason")) - {False}, {"recovered", "recalled"})
        lawyer = cases.filtered(lambda case: case.case_type == "lawyer")
        self.assertTrue(lawyer.credit_court_reference and lawyer.date_injunction_notified)
        # the debtor of an open case shows it on its form
        debtor = cases.filtered(lambda case: case.state == "handed_off").partner_id
        self.assertIn(agency.name, debtor.credit_collection_banner)
