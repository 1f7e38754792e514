"""The Credit Control overview: its figures on the small ledger of test_credit_digest, and
the tour in the browser (static/tests/tours/credit_overview_tour.js)."""

import shutil
import unittest
from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase
from odoo.tests import tagged

from .test_credit_digest import CreditMonitoringCommon


@tagged("post_install", "-at_install")
class TestCreditOverview(CreditMonitoringCommon):
    def _data(self):
        return self.env["credit.overview.card"]._credit_overview_data(self.company)

    def test_overview_numbers(self):
        data = self._data()
        overdue = data["overdue"]
        self.assertEqual(
            (overdue["amount"], overdue["count"], overdue["amount_then"]), (1500.0, 3, 800.0)
        )
        self.assertEqual(overdue["trend"], 87.5)
        self.assertEqual((data["rejections"]["count"], data["rejections"]["days_left"]), (1, 3))
        self.assertEqual((data["letters"]["review"], data["letters"]["error"]), (1, 1))
        self.assertEqual(
            (data["plans"]["at_risk"], data["plans"]["amount"], data["plans"]["broken"]),
            (1, 400.0, 1),
        )
        self.assertEqual((data["cases"]["count"], data["cases"]["amount"]), (1, 3500.0))
        # Viola's report is too old, Bianchi owes money without one; Neri's call failed
        self.assertEqual((data["reports"]["stale"], data["reports"]["failed"]), (2, 1))

    def test_overdue_counts_only_the_invoices_the_card_opens(self):
        """An overdue receivable booked by a journal entry (an opening balance, say) is not
        an invoice: the card would count an item its list does not show."""
        receivable = self.bianchi.property_account_receivable_id
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": self.today - timedelta(days=40),
                "line_ids": [
                    Command.create(
                        {
                            "account_id": receivable.id,
                            "partner_id": self.bianchi.id,
                            "debit": 450.0,
                            "date_maturity": self.today - timedelta(days=10),
                        }
                    ),
                    Command.create(
                        {
                            "account_id": self.company_data["default_account_revenue"].id,
                            "credit": 450.0,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        overdue = self._data()["overdue"]
        self.assertEqual((overdue["amount"], overdue["count"]), (1500.0, 3))

    def test_cards_show_the_figures_and_open_the_filtered_list(self):
        cards = (
            self.env["credit.overview.card"]
            .with_user(self.controller)
            .with_context(lang="en_US")
            .search([("available", "=", True)])
        )
        by_code = {card.code: card for card in cards}
        self.assertEqual(list(by_code)[:1], ["overdue"])
        # without the aged receivables and the forecast of the other features: no such card
        self.assertEqual("dso" in by_code, "credit.aged.receivable" in self.env)
        self.assertIn("+87.5%", by_code["overdue"].subtitle)
        self.assertEqual(by_code["rejections"].value, "1")
        self.assertIn("3 day(s) left", by_code["rejections"].subtitle)
        action = by_code["rejections"].action_open()
        self.assertEqual(self.env["account.move"].search(action["domain"]), self.rejected)
        action = by_code["overdue"].action_open()
        self.assertEqual(
            self.env["account.move"].search(action["domain"]).partner_id,
            self.bianchi | self.verdi,
        )
        action = by_code["reports"].action_open()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]), self.bianchi | self.viola
        )

    def test_cases_and_plans_in_another_currency(self):
        eur = self._credit_eur_at_two()
        plan = self._plan(
            "PP/3",
            self.rossi,
            1000.0,
            "active",
            [(self.today, 500.0), (self.today + timedelta(days=30), 500.0)],
            eur,
        )
        self.env.cr.execute(
            "UPDATE credit_payment_plan_installment SET state = 'late' WHERE id = %s",
            [plan.installment_ids.sorted("date_due")[0].id],
        )
        self.env.invalidate_all()
        data = self._data()
        # CC/1 3,500.00 + CC/2 800.00 EUR (400.00); PP/2 400.00 + PP/3 500.00 EUR (250.00)
        self.assertEqual((data["cases"]["count"], data["cases"]["amount"]), (2, 3900.0))
        self.assertEqual((data["plans"]["at_risk"], data["plans"]["amount"]), (2, 650.0))

    def test_a_dso_not_measurable_reads_n_a(self):
        card = self.env["credit.overview.card"].with_context(lang="en_US")
        card = card.search([("code", "=", "dso")])
        value, subtitle, tone = card._credit_card_texts(
            {"dso": None, "dso_best": 12.0, "days_late_avg": None}
        )
        self.assertEqual((value, tone), ("n/a", "warning"))
        self.assertIn("not measurable", subtitle)
        value, _subtitle, tone = card._credit_card_texts(
            {"dso": 0.0, "dso_best": 0.0, "days_late_avg": 0.0}
        )
        self.assertEqual((value, tone), ("0 days", "muted"))

    def test_the_forecast_card_opens_rows_rebuilt_now(self):
        card = self.env["credit.overview.card"].search([("code", "=", "forecast")])
        if not card.available:
            self.skipTest("no cash-in forecast")
        # a stale row left by an earlier opening
        self.env["credit.cashin.forecast"].flush_model()
        self.env.cr.execute(
            "INSERT INTO credit_cashin_forecast (company_id, scenario, amount, partner_id)"
            " VALUES (%s, 'expected', 999999, %s)",
            [self.company.id, self.bianchi.id],
        )
        action = card.with_user(self.controller).action_open()
        self.assertEqual(action["res_model"], "credit.cashin.forecast")
        rows = self.env["credit.cashin.forecast"].search(action["domain"])
        self.assertTrue(rows)
        self.assertNotIn(999999.0, rows.mapped("amount"))
        self.assertEqual(rows.company_id, self.company)

    def _forecast_row(self, company, scenario, day, amount):
        self.env.cr.execute(
            "INSERT INTO credit_cashin_forecast (company_id, scenario, date, amount, partner_id)"
            " VALUES (%s, %s, %s, %s, %s)",
            [company.id, scenario, day, amount, self.bianchi.id],
        )

    def test_the_forecast_card_reads_the_stored_first_four_weeks(self):
        if "credit.cashin.forecast" not in self.env:
            self.skipTest("no cash-in forecast")
        Forecast = self.env["credit.cashin.forecast"]
        Forecast.flush_model()
        self.env.cr.execute("DELETE FROM credit_cashin_forecast")
        today = fields.Date.context_today(self.env.user)
        monday = today - timedelta(days=today.weekday())
        self._forecast_row(self.company, "expected", today, 100.0)
        self._forecast_row(self.company, "expected", monday + timedelta(days=27), 250.5)
        self._forecast_row(self.company, "expected", monday + timedelta(days=28), 4000.0)  # week 5
        self._forecast_row(self.company, "optimistic", today, 7000.0)
        self._forecast_row(self.company_b, "expected", today, 9000.0)
        self.env.cr.execute(
            "UPDATE res_company SET credit_cashin_forecast_date = %s WHERE id = %s",
            ["2026-11-30 05:10:00", self.company.id],
        )
        self.company.invalidate_recordset(["credit_cashin_forecast_date"])
        data = self._data()["forecast"]
        self.assertEqual(data["amount"], 350.5)  # 100 + 250.50, the fifth week left out
        card = (
            self.env["credit.overview.card"]
            .with_user(self.controller)
            .with_context(lang="en_US", tz="UTC")
            .search([("code", "=", "forecast")])
        )
        self.assertIn("350.50", card.value)
        self.assertIn("forecast of 11/30/26", card.subtitle)
        # company B's rows were never built: no figure rather than a false 0
        data_b = self.env["credit.overview.card"]._credit_overview_data(self.company_b)
        self.assertFalse(data_b["forecast"]["computed_on"])
        card_b = card.with_user(self.user_b).with_company(self.company_b)
        self.assertEqual(card_b.value, "n/a")
        self.assertIn("not computed yet", card_b.subtitle)

    def test_the_nightly_scoring_rebuilds_every_companys_forecast(self):
        if "credit.cashin.forecast" not in self.env:
            self.skipTest("no cash-in forecast")
        self.assertFalse(self.company_b.sudo().credit_cashin_forecast_date)
        self.env["credit.cashin.forecast"].flush_model()
        self._forecast_row(self.company, "expected", None, 999999.0)  # a stale row
        self.env["res.partner"]._cron_credit_update_scores()
        self.assertTrue(self.company_b.sudo().credit_cashin_forecast_date)
        rows = self.env["credit.cashin.forecast"].search([("company_id", "=", self.company.id)])
        self.assertTrue(rows)
        self.assertNotIn(999999.0, rows.mapped("amount"))
        expected = sum(
            row.amount
            for row in rows
            if row.scenario == "expected" and row.date < self._four_weeks_end()
        )
        self.assertGreater(expected, 0)
        self.assertEqual(
            self._data()["forecast"]["amount"], self.company.currency_id.round(expected)
        )

    def _four_weeks_end(self):
        today = fields.Date.context_today(self.env.user)
        return today - timedelta(days=today.weekday()) + timedelta(weeks=4)

    def test_opening_a_card_computes_only_its_figure(self):
        Card = type(self.env["credit.overview.card"])
        card = self.env["credit.overview.card"].search([("code", "=", "rejections")])
        with patch.object(Card, "_credit_data_reports", side_effect=AssertionError("computed")):
            action = card.with_user(self.controller).action_open()
        self.assertEqual(self.env["account.move"].search(action["domain"]), self.rejected)

    def test_company_b_sees_its_own_figures(self):
        cards = (
            self.env["credit.overview.card"]
            .with_user(self.user_b)
            .with_company(self.company_b)
            .search([("code", "=", "overdue")])
        )
        self.assertEqual(cards.subtitle.split(";")[0], "0 items")

    def test_no_figures_of_a_company_the_user_does_not_work_in(self):
        cards = self.env["credit.overview.card"].with_user(self.controller)
        with self.assertRaises(AccessError):
            cards.with_company(self.company_b).search([("code", "=", "overdue")]).mapped("value")

    def test_only_credit_users_open_the_overview(self):
        with self.assertRaises(AccessError):
            self.env["credit.overview.card"].with_user(self.viewer).search([])


@tagged("post_install", "-at_install")
class TestCreditOverviewTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.env.ref("base.user_admin")
        # the browser works in the administrator's company (the Italian one with demo data)
        company = admin.company_id
        env = cls.env(context={"allowed_company_ids": company.ids})
        today = fields.Date.context_today(admin)
        customer = env["res.partner"].create(
            {"name": "Overview Tour S.r.l.", "is_company": True, "customer_rank": 1}
        )
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": today - timedelta(days=40),
                "invoice_date_due": today - timedelta(days=10),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Supplies", "quantity": 1, "price_unit": 900, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.with_context(credit_hold_checked=True).action_post()
        # the SdI outcome is written by the credit code
        invoice.write(
            {
                "credit_einvoice_state": "rejected",
                "credit_einvoice_rejected_date": today,
                "credit_einvoice_fix_deadline": today + timedelta(days=5),
            }
        )

    def test_the_overview_in_the_browser(self):
        # a missing browser must fail this test, not skip it: the tour is the acceptance
        self.assertTrue(
            shutil.which("chromium") or shutil.which("google-chrome"),
            "Chromium is needed for the overview tour (apt install chromium)",
        )
        try:
            self.start_tour("/odoo", "credit_overview_tour", login="admin", timeout=300)
        except unittest.SkipTest as skipped:
            self.fail(f"The overview tour could not run in the browser: {skipped}")
