"""Screens that read in order: badges where people sell and invoice, group rows that
average averages, columns and profiles in the order of the work, amounts in the dunning
analysis, names and numbers in the reader's language, a clean rates table."""

import csv
import json
from datetime import timedelta

from lxml import etree

from odoo import Command
from odoo.tests import Form
from odoo.tests import tagged
from odoo.tools import file_open

from .test_dunning import TestDunningCommon


@tagged("post_install", "-at_install")
class TestCreditScreens(TestDunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")

    def _arch(self, model, view_type, xmlid=None):
        view_id = self.env.ref(xmlid).id if xmlid else None
        arch = self.env[model].get_views([(view_id, view_type)])["views"][view_type]["arch"]
        return etree.fromstring(arch)

    # ---- band and hold where people sell and invoice --------------------------------------

    def test_invoice_form_shows_band_and_hold_as_soon_as_the_customer_is_picked(self):
        risky = self._customer("Rischiosa Srl")
        # the assessment is written by the scoring alone (as superuser)
        risky.sudo().write({"credit_band": "D", "credit_hold": True})
        invoice = Form(self.env["account.move"].with_context(default_move_type="out_invoice"))
        invoice.partner_id = risky
        # before saving: the form filled the badges from the customer just picked
        self.assertEqual(invoice.credit_partner_band, "D")
        self.assertTrue(invoice.credit_partner_hold)
        arch = self._arch("account.move", "form")
        badges = arch.xpath("//div[@name='credit_partner_badges']")
        self.assertEqual(len(badges), 1)
        self.assertEqual(
            badges[0].xpath(".//field[@name='credit_partner_band']")[0].get("widget"), "badge"
        )

    def test_customer_kanban_and_list_show_the_band_badge(self):
        kanban = self._arch("res.partner", "kanban", "base.res_partner_kanban_view")
        band = kanban.xpath("//div[@name='credit_badges']/field[@name='credit_band']")
        self.assertEqual(band[0].get("widget"), "badge")
        self.assertIn("On credit hold", etree.tostring(kanban, encoding="unicode"))
        listing = self._arch("res.partner", "list", "base.view_partner_tree")
        self.assertEqual(listing.xpath("//field[@name='credit_band']")[0].get("widget"), "badge")
        self.assertEqual(listing.xpath("//field[@name='credit_hold']")[0].get("optional"), "show")

    # ---- group rows ------------------------------------------------------------------------

    def test_group_rows_average_the_averages(self):
        first = self._customer("Media Uno Srl")
        second = self._customer("Media Due Srl")
        # the assessment is written by the scoring alone (as superuser)
        first.sudo().write(
            {
                "credit_band": "E",
                "credit_avg_days_late": 10.0,
                "credit_share_late": 20.0,
                "credit_share_late_30": 10.0,
                "credit_trend": 4.0,
                "credit_worst_delay": 30,
                "credit_oldest_overdue_days": 12,
                "credit_score": 30,
            }
        )
        second.sudo().write(
            {
                "credit_band": "E",
                "credit_avg_days_late": 30.0,
                "credit_share_late": 60.0,
                "credit_share_late_30": 50.0,
                "credit_trend": -2.0,
                "credit_worst_delay": 90,
                "credit_oldest_overdue_days": 40,
                "credit_score": 20,
            }
        )
        fields_ = [
            "credit_avg_days_late",
            "credit_share_late",
            "credit_share_late_30",
            "credit_trend",
            "credit_worst_delay",
            "credit_oldest_overdue_days",
            "credit_score",
        ]
        (group,) = self.env["res.partner"].read_group(
            [("id", "in", (first | second).ids)], fields_, ["credit_band"]
        )
        # (10 + 30) / 2, (20 + 60) / 2, (10 + 50) / 2, (4 - 2) / 2, not their sums
        self.assertEqual(group["credit_avg_days_late"], 20.0)
        self.assertEqual(group["credit_share_late"], 40.0)
        self.assertEqual(group["credit_share_late_30"], 30.0)
        self.assertEqual(group["credit_trend"], 1.0)
        # the worst of the worst, the oldest of the oldest
        self.assertEqual(group["credit_worst_delay"], 90)
        self.assertEqual(group["credit_oldest_overdue_days"], 40)
        self.assertEqual(group["credit_score"], 25)

    # ---- order of the work -----------------------------------------------------------------

    def test_letter_kanban_columns_follow_the_work(self):
        groups = self.env["credit.dunning.letter"].web_read_group(
            [("id", "=", 0)], ["state"], ["state"]
        )["groups"]
        self.assertEqual(
            [group["state"] for group in groups],
            ["draft", "to_send", "sending", "sent", "error"],
        )

    def test_payment_profiles_read_from_reliable_to_defaulting(self):
        partners = self.env["res.partner"]
        for name, profile in [
            ("Profilo D", "defaulting"),
            ("Profilo H", "habitually_late"),
            ("Profilo R", "reliable"),
            ("Profilo S", "sometimes_late"),
        ]:
            partner = self._customer(name)
            partner.sudo().write({"credit_profile": profile, "credit_band": "C"})
            partners |= partner
        groups = self.env["res.partner"].read_group(
            [("id", "in", partners.ids)], ["credit_exposure:sum"], ["credit_profile"], lazy=False
        )
        self.assertEqual(
            [group["credit_profile"] for group in groups],
            ["reliable", "sometimes_late", "habitually_late", "defaulting"],
        )
        # a pivot with bands as rows and profiles as columns keeps both orders
        groups = self.env["res.partner"].read_group(
            [("id", "in", partners.ids)],
            ["credit_exposure:sum"],
            ["credit_band", "credit_profile"],
            lazy=False,
        )
        self.assertEqual(groups[0]["credit_profile"], "reliable")
        self.assertEqual(groups[-1]["credit_profile"], "defaulting")

    def test_dunning_policy_and_pause_are_on_the_credit_tab(self):
        arch = self._arch("res.partner", "form", "base.view_partner_form")
        page = arch.xpath("//page[@name='credit_management']")[0]
        self.assertTrue(page.xpath(".//field[@name='credit_dunning_policy_id']"))
        self.assertTrue(page.xpath(".//field[@name='credit_dunning_pause_until']"))

    def test_policy_changes_are_tracked_in_its_chatter(self):
        arch = self._arch("credit.dunning.policy", "form")
        self.assertTrue(arch.xpath("//chatter"))
        # records created in this transaction are not tracked: end their creation first
        self.env.flush_all()
        self.env.cr.precommit.run()
        policy = self.policy.with_context(tracking_disable=False, mail_notrack=False)
        policy.write({"interest_type": "contractual", "contractual_rate": 9.0})
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking messages are written before commit
        tracked = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", "credit.dunning.policy"),
                    ("mail_message_id.res_id", "=", self.policy.id),
                ]
            )
            .field_id.mapped("name")
        )
        self.assertIn("interest_type", tracked)

    # ---- runs that propose nothing -----------------------------------------------------------

    def test_a_run_that_proposes_nothing_says_so_and_leaves_no_run(self):
        quiet = self.env["res.company"].create({"name": "Quiet Company Srl"})
        wizard = Form(self.env["credit.dunning.run.wizard"])
        wizard.company_id = quiet
        action = wizard.save().action_start()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("No customer of Quiet Company Srl", action["params"]["message"])
        self.assertFalse(self.env["credit.dunning.run"].search([("company_id", "=", quiet.id)]))

    # ---- dunning effectiveness -----------------------------------------------------------------

    def _sent_letter(self, invoice, letter_day, amount):
        """A letter for ``invoice`` sent on ``letter_day``: history, written as the dunning
        run would (superuser)."""
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        return (
            self.env["credit.dunning.letter"]
            .sudo()
            .create(
                {
                    "company_id": self.company.id,
                    "date": letter_day,
                    "partner_id": invoice.partner_id.id,
                    "currency_id": invoice.currency_id.id,
                    "policy_id": self.policy.id,
                    "level_id": self.notice.id,
                    "amount_due": amount,
                    "state": "sent",
                    "line_ids": [
                        Command.create(
                            {
                                "move_line_id": receivable.id,
                                "level_id": self.notice.id,
                                "due_date": receivable.date_maturity,
                                "days_late": 20,
                                "amount": amount,
                                "open_amount": amount,
                            }
                        )
                    ],
                }
            )
        )

    def test_dunning_effectiveness_shows_demanded_and_collected_amounts(self):
        partner = self._customer("Pagatore Lento Srl")
        invoice = self._late_invoice(partner, 1000.0, 100)
        letter_day = self.today - timedelta(days=80)
        letter = self._sent_letter(invoice, letter_day, 1000.0)
        # 300 ten days after the letter, 200 after 25 days, 100 after 50, 50 after 70
        for days, amount in ((10, 300.0), (25, 200.0), (50, 100.0), (70, 50.0)):
            self._credit_pay(invoice, letter_day + timedelta(days=days), amount=amount)
        self.env.flush_all()
        row = self.env["credit.dunning.letter.analysis"].search([("letter_id", "=", letter.id)])
        self.assertEqual(row.stage, "formal_notice")
        self.assertEqual(row.amount_due, 1000.0)
        self.assertEqual(row.amount_paid_15, 300.0)
        self.assertEqual(row.amount_paid_30, 500.0)
        self.assertEqual(row.amount_paid_60, 600.0)
        (group,) = self.env["credit.dunning.letter.analysis"].read_group(
            [("letter_id", "=", letter.id)],
            ["amount_due:sum", "amount_paid_30:sum"],
            ["stage"],
        )
        self.assertEqual((group["amount_due"], group["amount_paid_30"]), (1000.0, 500.0))
        # the stages of the ladder in their order, reminder first (not alphabetically)
        reminder = letter.copy({"level_id": self.first.id, "date": letter_day - timedelta(days=30)})
        reminder.sudo().state = "sent"
        self.env.flush_all()
        groups = self.env["credit.dunning.letter.analysis"].read_group(
            [("letter_id", "in", (letter | reminder).ids)], ["amount_due:sum"], ["stage"]
        )
        self.assertEqual([group["stage"] for group in groups], ["reminder", "formal_notice"])

    def test_dunning_effectiveness_adds_up_letters_in_the_company_currency(self):
        """A letter of GBP 800.00 (1 company unit = GBP 0.80) demanded 1,000.00; the
        customer paid GBP 400.00 after 10 days (500.00) and the rest after 40: half
        collected within 15 days, so the letter is not "paid within 15 days", and all of
        it within 60. Beside a letter of 1,000.00 in the company's currency, the stage
        demanded 2,000.00, not 1,800 of mixed currencies."""
        gbp = self.setup_other_currency("GBP", rates=[("2000-01-01", 0.8)])
        letter_day = self.today - timedelta(days=80)
        foreign = self._late_invoice(self._customer("Londra Ltd"), 800.0, 100, currency=gbp)
        in_gbp = self._sent_letter(foreign, letter_day, 800.0)
        self._credit_pay(foreign, letter_day + timedelta(days=10), amount=400.0)
        self._credit_pay(foreign, letter_day + timedelta(days=40))
        home = self._late_invoice(self._customer("Casa Srl"), 1000.0, 100)
        in_company_currency = self._sent_letter(home, letter_day, 1000.0)
        self._credit_pay(home, letter_day + timedelta(days=5))
        self.env.flush_all()
        Analysis = self.env["credit.dunning.letter.analysis"]
        row = Analysis.search([("letter_id", "=", in_gbp.id)])
        self.assertEqual((row.currency_id, row.letter_currency_id), (self.company.currency_id, gbp))
        self.assertEqual(
            (row.amount_due, row.amount_paid_15, row.amount_paid_60, row.paid_15_count),
            (1000.0, 500.0, 1000.0, 0),
        )
        (group,) = Analysis.read_group(
            [("letter_id", "in", (in_gbp | in_company_currency).ids)],
            ["amount_due:sum", "amount_paid_15:sum", "paid_15_count:sum"],
            ["stage"],
        )
        self.assertEqual(
            (group["amount_due"], group["amount_paid_15"], group["paid_15_count"]),
            (2000.0, 1500.0, 1),
        )

    # ---- the reader's language ------------------------------------------------------------------

    def test_letter_and_run_names_follow_the_readers_language(self):
        partner = self._customer("Lettore Srl")
        self._late_invoice(partner, 800.0, 15)
        run = self._run()
        letter = self._letter_of(run, partner)
        day = self.today
        self.assertEqual(
            letter.with_context(lang="it_IT").display_name,
            f"Primo sollecito - Lettore Srl - {day.strftime('%d/%m/%Y')}",
        )
        self.assertEqual(
            letter.with_context(lang="en_US").display_name,
            f"First reminder - Lettore Srl - {day.strftime('%m/%d/%Y')}",
        )
        self.assertTrue(
            run.with_context(lang="it_IT").display_name.startswith(
                f"Solleciti {day.strftime('%d/%m/%Y')}"
            )
        )

    def test_explanation_decimals_follow_the_readers_language(self):
        partner = self._customer("Decimali Srl")
        # the explanation is stored as JSON text by the scoring alone (as superuser)
        partner.sudo().credit_explanation_data = json.dumps(
            [
                ["days_late", {"days": 53.8}, -12],
                ["share_late", {"share": 40.0, "share_30": 12.5}, -3],
            ]
        )
        italian = partner.with_context(lang="it_IT").credit_explanation
        english = partner.with_context(lang="en_US").credit_explanation
        self.assertIn("53,8", italian)
        self.assertIn("12,5%", italian)
        self.assertIn("53.8", english)
        self.assertIn("40.0%", english)
        # points too: "took away 2.5 points", "ha tolto 2,5 punti"
        partner.sudo().credit_explanation_data = json.dumps([["days_late", {"days": 53.8}, -2.5]])
        self.assertIn("2,5", partner.with_context(lang="it_IT").credit_explanation)
        self.assertIn("took away 2.5 points", partner.with_context(lang="en_US").credit_explanation)
        partner.sudo().credit_explanation_data = json.dumps([["days_late", {"days": 53.8}, -30.0]])
        self.assertIn("ha tolto 30,0 punti", partner.with_context(lang="it_IT").credit_explanation)

    # ---- the credit profile PDF -----------------------------------------------------------------

    def test_credit_profile_uses_the_company_layout_with_every_field(self):
        self.company.partner_id.write({"street": "Via dei Mille 7", "city": "Bologna"})
        partner = self._customer("Profilo Stampato Srl")
        # the assessment is written by the scoring alone (as superuser)
        partner.sudo().write(
            {"credit_band": "C", "credit_trend_label": "worsening", "credit_trend": 4.5}
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("credit_control.report_credit_profile", partner.ids)[0]
            .decode()
        )
        self.assertEqual(html.count("Via dei Mille 7"), 1, "the address once, from the layout")
        self.assertIn("Worsening", html)
        self.assertIn("4.5", html)
        partner.sudo().write({"credit_trend_label": False, "credit_trend": 0.0})
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("credit_control.report_credit_profile", partner.ids)[0]
            .decode()
        )
        self.assertIn("Not enough history", html)

    # ---- the interest-rate table ---------------------------------------------------------------

    def test_interest_rates_name_the_ministrys_notice(self):
        with file_open("credit_control/data/late_interest_rates_it.csv") as handle:
            rows = {row["period_start"]: row for row in csv.DictReader(handle)}
        Rate = self.env["credit.interest.rate"]
        rate = Rate.search([("period_start", "=", "2026-01-01")])
        self.assertEqual(rate.source, "MEF notice, Gazzetta Ufficiale n. 15 of 20/01/2026")
        # a database that showed the research trail gets the notice at the next upgrade
        rate.source = rows["2026-01-01"]["source"]
        Rate._credit_load_shipped_rates()
        self.assertEqual(rate.source, "MEF notice, Gazzetta Ufficiale n. 15 of 20/01/2026")
        # a source a manager wrote stays
        rate.source = "Comunicato MEF letto in G.U."
        Rate._credit_load_shipped_rates()
        self.assertEqual(rate.source, "Comunicato MEF letto in G.U.")
        shipped = Rate.search([("period_start", "in", list(rows))])
        for text in ("VERIFIED", "DERIVED", "DEMO VALUE", "http", ".it"):
            self.assertFalse(shipped.filtered(lambda r, t=text: t in (r.source or "")), text)

    # ---- letters in the formal register ---------------------------------------------------------

    def test_italian_letter_email_uses_the_formal_future(self):
        template = self.env.ref("credit_control.mail_template_dunning_letter")
        body = template.with_context(lang="it_IT").body_html
        self.assertIn("Troverà i dettagli", body)
        self.assertNotIn("Trova i dettagli", body)

    # ---- companies of different currencies -------------------------------------------------

    def test_nightly_scores_cover_a_company_of_another_currency(self):
        """An Italian company in euros beside an American one in dollars (the demo): the
        nightly run scores each company's own customers from its own ledger."""
        other = self.setup_other_company(
            name="Dollar Company", currency_id=self.env.ref("base.USD").id
        )["company"]
        self.env.user.company_ids |= other
        customer = self._customer("Dollar Customer", company_id=other.id)
        invoice = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": self.today - timedelta(days=70),
                    "invoice_date_due": self.today - timedelta(days=40),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "quantity": 1, "price_unit": 1250.0, "tax_ids": []}
                        )
                    ],
                }
            )
        )
        invoice.with_context(credit_hold_checked=True).action_post()
        self.env["res.partner"]._cron_credit_update_scores()
        # the assessment is per company: read it in the dollar company
        customer = customer.with_company(other)
        self.assertEqual(customer.credit_exposure, 1250.0)
        self.assertEqual(customer.credit_overdue, 1250.0)
        self.assertEqual(customer.credit_oldest_overdue_days, 40)
