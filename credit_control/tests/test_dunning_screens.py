from odoo.tests import Form
from odoo.tests import TransactionCase
from odoo.tests import tagged

from .test_dunning import TestDunningCommon


@tagged("post_install", "-at_install")
class TestDunningScreens(TestDunningCommon):
    def test_screens_of_runs_letters_policies_and_analysis_load(self):
        for model, view_types in {
            "credit.dunning.run": ["list", "form"],
            "credit.dunning.letter": ["list", "form", "kanban", "search"],
            "credit.dunning.policy": ["list", "form"],
            "credit.dunning.level": ["form"],
            "credit.interest.rate": ["list"],
            "credit.dunning.letter.analysis": ["pivot", "graph"],
        }.items():
            views = self.env[model].get_views([(False, view_type) for view_type in view_types])
            self.assertEqual(set(views["views"]), set(view_types), model)
        review = self.env.ref("credit_control.action_credit_dunning_letter_review")
        self.assertIn("search_default_to_review", review.context)

    def test_manual_wizard_proposes_the_letters_and_opens_the_run(self):
        partner = self._customer("Wizard Srl")
        self._late_invoice(partner, 700, 12)
        wizard = Form(self.env["credit.dunning.run.wizard"])
        self.assertEqual(wizard.date, self.today)
        action = wizard.save().action_start()
        run = self.env["credit.dunning.run"].browse(action["res_id"])
        self.assertEqual(run.state, "computed")
        self.assertEqual(self._letter_of(run, partner).level_id, self.first)

    def test_partner_history_and_invoice_fields(self):
        partner = self._customer("History Srl")
        invoice = self._late_invoice(partner, 700, 12)
        run = self._run()
        action = partner.action_credit_dunning_letters()
        self.assertEqual(self.env["credit.dunning.letter"].search(action["domain"]), run.letter_ids)
        self.assertEqual(run.action_view_letters()["domain"], [("run_id", "=", run.id)])
        form = Form(invoice)
        self.assertEqual(form.credit_dunning_level_id, self.first)
        form.credit_dunning_excluded = True
        form.credit_dunning_exclusion_reason = "Customer disputes the quantity"
        form.save()
        self.assertFalse(self._letter_of(self._run(compute=True), partner))

    def test_settings_set_the_default_policy_and_tolerance(self):
        settings = Form(self.env["res.config.settings"])
        settings.credit_dunning_tolerance = 25.0
        settings.save().execute()
        self.assertEqual(self.company.credit_dunning_tolerance, 25.0)
        partner = self._customer("Small Residual Srl")
        self._late_invoice(partner, 20, 12)
        self.assertFalse(self._letter_of(self._run(), partner), "20.00 is under the tolerance")

    def test_a_user_of_another_company_does_not_see_the_letters(self):
        partner = self._customer("Private Srl")
        self._late_invoice(partner, 700, 12)
        run = self._run()
        other = self.env["res.company"].create({"name": "Other Dunning Co"})
        user = self._credit_user(
            "credit_other_controller", "credit_control.group_credit_user", company=other
        )
        Letter = self.env["credit.dunning.letter"].with_user(user)
        self.assertFalse(Letter.search([("id", "in", run.letter_ids.ids)]))
        self.assertEqual(
            self.env["credit.dunning.policy"].with_user(user).search([]).company_id, other
        )


@tagged("post_install", "-at_install")
class TestDunningDemo(TransactionCase):
    def test_demo_customers_get_the_expected_letters(self):
        letters = self.env["credit.dunning.letter"].search(
            [
                (
                    "partner_id.name",
                    "in",
                    [
                        "Rossetti Forniture Srl",
                        "Brown & Sons Ltd",
                        "Bianchi Impianti Snc",
                        "Verdi Logistica SpA",
                        "Neri Costruzioni Srl",
                    ],
                )
            ]
        )
        if not letters:
            self.skipTest("installed without demo data")
        by_name = {letter.partner_id.name: letter for letter in letters}
        # the demo's run is the first after install: every customer gets the first
        # reminder however old the invoice (no notice was ever sent), and waits for review
        rossetti = by_name["Rossetti Forniture Srl"]
        self.assertEqual((rossetti.stage, rossetti.level_id.days), ("reminder", 10))
        self.assertEqual(len(rossetti.line_ids), 3)
        # its invoice falling due in 3 days is listed for information, not demanded
        self.assertEqual(len(rossetti.line_ids.filtered("for_information")), 1)
        self.assertAlmostEqual(rossetti.amount_due, 2440.0 + 610.0)
        self.assertEqual(by_name["Brown & Sons Ltd"].level_id.days, 10)
        self.assertEqual(by_name["Bianchi Impianti Snc"].level_id.days, 10)
        self.assertEqual(
            set((letters - letters.filtered(lambda lt: lt.state == "error")).mapped("state")),
            {"draft"},
            "automatic sending is off after install",
        )
        self.assertNotIn("Verdi Logistica SpA", by_name, "paused")
        self.assertNotIn("Neri Costruzioni Srl", by_name, "its only invoice is disputed")
