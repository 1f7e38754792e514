"""The 13-week cash-in forecast of a small ledger, worked by hand.

The forecast is made on the Wednesday of this week (T, week 0 starts on the Monday
before it), so every date below is T plus days and its week is (2 + days) // 7:

- Puntuale: paid 3 invoices of 1,000.00 0, 0 and 10 days late: median 0, slow (80 %) 10
  days. Open: 2,000.00 due T+10: expected and optimistic T+10 (week 1), pessimistic T+20
  (week 3).
- Ritardataria: paid 4 invoices of 1,000.00 20, 30, 40 and 60 days late: median 30, slow
  60. Open: 1,500.00 due T-10 (overdue, 10 days late, within its usual 30): expected
  T+20 (week 3), optimistic today T (week 0), pessimistic T+50 (week 7). Its e-invoice of
  700.00 rejected by the SdI: nothing.
- Rateale: no payment history (usual 0, slow 30 days); its invoice of 2,000.00 is in an
  active payment plan: not the invoice, but the open installments, 1,000.00 due T+14
  (week 2; pessimistic T+44, week 6) and 1,000.00 of which 400.00 paid due T+42 (600.00,
  week 6; pessimistic T+72, week 10).
- Insolvente: 2,000.00 overdue 100 days, handed to an agency that recovered 400.00 of the
  1,000.00 of its closed case (a recalled case of 5,000.00 does not count): 40 %, 800.00
  in the horizon's last week (week 12) expected and optimistic, nothing pessimistic.
"""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import format_date

from ..core import forecast
from .common import CreditControlCommon

VIEWER = "credit_control.group_credit_viewer"
USER = "credit_control.group_credit_user"


@tagged("post_install", "-at_install")
class TestCashinForecast(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.T = forecast.week_start(cls.today) + timedelta(days=2)
        T = cls.T
        cls.punctual = cls._credit_customer("Puntuale Srl")
        cls._credit_history(
            cls.punctual,
            [(1000.0, T - timedelta(days=d), late) for d, late in ((200, 0), (170, 0), (140, 10))],
        )
        cls.punctual_open = cls._credit_invoice(
            cls.punctual, 2000.0, T - timedelta(days=20), due_date=T + timedelta(days=10)
        )
        cls.late = cls._credit_customer("Ritardataria Srl")
        cls._credit_history(
            cls.late,
            [
                (1000.0, T - timedelta(days=d), late)
                for d, late in ((300, 20), (250, 30), (200, 40), (150, 60))
            ],
        )
        cls.late_open = cls._credit_invoice(
            cls.late, 1500.0, T - timedelta(days=40), due_date=T - timedelta(days=10)
        )
        cls.rejected = cls._credit_invoice(
            cls.late, 700.0, T - timedelta(days=5), due_date=T + timedelta(days=5)
        )
        cls.rejected.sudo().credit_einvoice_state = "rejected"
        cls.planned = cls._credit_customer("Rateale Srl")
        cls.planned_invoice = cls._credit_invoice(
            cls.planned, 2000.0, T - timedelta(days=90), due_date=T - timedelta(days=60)
        )
        # a plan moves by its actions: the state and payment the forecast reads set in SQL
        cls.plan = cls.env["credit.payment.plan"].create(
            {
                "partner_id": cls.planned.id,
                "invoice_ids": [Command.set(cls.planned_invoice.ids)],
                "installment_ids": [
                    Command.create({"date_due": T + timedelta(days=14), "amount": 1000.0}),
                    Command.create({"date_due": T + timedelta(days=42), "amount": 1000.0}),
                ],
            }
        )
        cls.plan.flush_recordset()
        cls.env.cr.execute(
            "UPDATE credit_payment_plan SET state = 'active' WHERE id = %s", [cls.plan.id]
        )
        cls.env.cr.execute(
            "UPDATE credit_payment_plan_installment SET amount_paid = 400.0"
            " WHERE plan_id = %s AND date_due = %s",
            [cls.plan.id, T + timedelta(days=42)],
        )
        cls.env.invalidate_all()
        cls.planned_invoice.sudo().credit_payment_plan_id = cls.plan
        cls.debtor = cls._credit_customer("Insolvente Srl")
        cls.agency = cls._credit_customer("Recupero Crediti Spa", credit_is_collection_agency=True)
        cls.case_invoice = cls._credit_invoice(
            cls.debtor, 2000.0, T - timedelta(days=130), due_date=T - timedelta(days=100)
        )
        cases = cls.env["credit.collection.case"]
        cls.case = cases.create(
            {
                "partner_id": cls.debtor.id,
                "agency_id": cls.agency.id,
                "move_ids": [Command.set(cls.case_invoice.ids)],
                "state": "handed_off",
                "amount_handed_over": 2000.0,
            }
        )
        cls.case_invoice.sudo().credit_collection_case_id = cls.case
        for handed, recovered, reason in ((1000.0, 400.0, "recovered"), (5000.0, 0.0, "recalled")):
            cases.create(
                {
                    "partner_id": cls.debtor.id,
                    "agency_id": cls.agency.id,
                    "state": "closed",
                    "close_reason": reason,
                    "amount_handed_over": handed,
                    "amount_recovered": recovered,
                }
            )
        cls.customers = cls.punctual | cls.late | cls.planned | cls.debtor
        cls.customers.sudo()._credit_update_scores()

    def _rows(self):
        rows = self.company._credit_cashin_rows(today=self.T)
        ours = self.customers.ids
        return sorted(
            (
                self.env["res.partner"].browse(row["partner_id"]).name,
                row["source"],
                row["scenario"],
                (row["date"] - self.T).days if row["date"] else None,
                row["amount"],
            )
            for row in rows
            if row["partner_id"] in ours
        )

    def test_partners_delays_come_from_the_stored_behaviour(self):
        self.assertEqual(self.punctual.credit_median_days_late, 0)
        self.assertEqual(self.punctual.credit_slow_days_late, 10)
        self.assertEqual(self.late.credit_median_days_late, 30)
        self.assertEqual(self.late.credit_slow_days_late, 60)

    def test_rows_of_the_small_ledger(self):
        self.assertEqual(
            self._rows(),
            [
                ("Insolvente Srl", "case", "expected", 82, 800.0),
                ("Insolvente Srl", "case", "optimistic", 82, 800.0),
                ("Insolvente Srl", "case", "pessimistic", None, 800.0),
                ("Puntuale Srl", "invoice", "expected", 10, 2000.0),
                ("Puntuale Srl", "invoice", "optimistic", 10, 2000.0),
                ("Puntuale Srl", "invoice", "pessimistic", 20, 2000.0),
                ("Rateale Srl", "installment", "expected", 14, 1000.0),
                ("Rateale Srl", "installment", "expected", 42, 600.0),
                ("Rateale Srl", "installment", "optimistic", 14, 1000.0),
                ("Rateale Srl", "installment", "optimistic", 42, 600.0),
                ("Rateale Srl", "installment", "pessimistic", 44, 1000.0),
                ("Rateale Srl", "installment", "pessimistic", 72, 600.0),
                ("Ritardataria Srl", "invoice", "expected", 20, 1500.0),
                ("Ritardataria Srl", "invoice", "optimistic", 0, 1500.0),
                ("Ritardataria Srl", "invoice", "pessimistic", 50, 1500.0),
            ],
        )

    def test_cash_already_in_is_not_expected_again(self):
        # Puntuale got a credit note of 500.00 and paid 300.00 on account, neither matched
        # to its invoice of 2,000.00: 1,200.00 is still to come
        self._credit_invoice(
            self.punctual, 500.0, self.T - timedelta(days=2), move_type="out_refund"
        )
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.punctual.id,
                "amount": 300.0,
                "date": self.T - timedelta(days=1),
                "journal_id": bank.id,
            }
        )
        payment.action_post()
        rows = [row for row in self._rows() if row[0] == "Puntuale Srl"]
        self.assertEqual(
            [(scenario, amount) for _name, _source, scenario, _days, amount in rows],
            [("expected", 1200.0), ("optimistic", 1200.0), ("pessimistic", 1200.0)],
        )
        # the other customers' figures do not move
        others = [row for row in self._rows() if row[0] == "Ritardataria Srl"]
        self.assertEqual({row[4] for row in others}, {1500.0})

    def test_weekly_sums_in_the_three_scenarios(self):
        weeks = self.company._credit_cashin_forecast_weeks(today=self.T)
        self.assertEqual(len(weeks), 13)
        self.assertEqual(weeks[0]["week_start"], forecast.week_start(self.today))
        self.assertEqual(weeks[12]["week_start"], weeks[0]["week_start"] + timedelta(weeks=12))
        # the test company's other open items (none) would show here: only ours exist
        expected = {1: 2000.0, 2: 1000.0, 3: 1500.0, 6: 600.0, 12: 800.0}
        optimistic = {0: 1500.0, 1: 2000.0, 2: 1000.0, 6: 600.0, 12: 800.0}
        pessimistic = {3: 2000.0, 6: 1000.0, 7: 1500.0, 10: 600.0}
        for scenario, by_week in (
            ("expected", expected),
            ("optimistic", optimistic),
            ("pessimistic", pessimistic),
        ):
            self.assertEqual(
                [week[scenario] for week in weeks],
                [by_week.get(index, 0.0) for index in range(13)],
                scenario,
            )
        self.assertEqual(sum(week["expected"] for week in weeks), 5900.0)
        self.assertEqual(sum(week["pessimistic"] for week in weeks), 5100.0)

    def test_delivered_e_invoice_counts_again(self):
        self.rejected.sudo().credit_einvoice_state = "delivered"
        rows = [r for r in self._rows() if r[0] == "Ritardataria Srl"]
        # due T+5, within its usual 30 days: T+35 expected, T+5 optimistic, T+65 pessimistic
        self.assertIn(("Ritardataria Srl", "invoice", "expected", 35, 700.0), rows)
        self.assertIn(("Ritardataria Srl", "invoice", "pessimistic", 65, 700.0), rows)

    def test_the_menu_rebuilds_the_rows_and_the_graph_draws_three_lines(self):
        user = self._credit_user("forecast_user", USER)
        action = self.env["credit.cashin.forecast"].with_user(user).action_credit_open()
        self.assertEqual(action["res_model"], "credit.cashin.forecast")
        Forecast = self.env["credit.cashin.forecast"].with_user(user)
        rows = Forecast.search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(len(rows), 15)
        self.assertEqual(rows.company_id, self.company)
        groups = Forecast._read_group(
            [("partner_id", "in", self.customers.ids), ("date", "!=", False)],
            ["scenario"],
            ["amount:sum"],
        )
        self.assertEqual(
            [(scenario, amount) for scenario, amount in groups],
            [("expected", 5900.0), ("optimistic", 5900.0), ("pessimistic", 5100.0)],
        )
        by_profile = Forecast._read_group(
            [("partner_id", "in", self.customers.ids), ("scenario", "=", "expected")],
            ["profile"],
            ["amount:sum"],
        )
        profiles = [profile for profile, _amount in by_profile]
        self.assertEqual(
            profiles,
            sorted(
                profiles,
                key=["reliable", "sometimes_late", "habitually_late", "defaulting", False].index,
            ),
        )
        # opened again: rebuilt, not doubled
        Forecast.action_credit_open()
        self.assertEqual(Forecast.search_count([("partner_id", "in", self.customers.ids)]), 15)
        # an invoice reset to draft and deleted leaves at once
        self.punctual_open.button_draft()
        self.punctual_open.unlink()
        self.assertEqual(Forecast.search_count([("partner_id", "in", self.customers.ids)]), 12)
        self.assertTrue(Forecast.search([]).read(["move_id", "partner_id"]))
        arch = Forecast.get_views([(False, "graph")])["views"]["graph"]["arch"]
        self.assertIn('type="line"', arch)
        self.assertIn('interval="week"', arch)

    def test_each_company_forecasts_its_own_ledger(self):
        other = self.setup_other_company(name="Altra Azienda Spa")["company"]
        invoice = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.punctual.id,
                    "invoice_date": self.T - timedelta(days=5),
                    "invoice_date_due": self.T + timedelta(days=3),
                    "invoice_line_ids": [
                        Command.create({"name": "Consulting", "price_unit": 333.0, "tax_ids": []})
                    ],
                }
            )
        )
        invoice.action_post()
        other_rows = other._credit_cashin_rows(today=self.T)
        self.assertEqual(
            sorted((row["scenario"], row["amount"], row["move_id"]) for row in other_rows),
            [(s, 333.0, invoice.id) for s in ("expected", "optimistic", "pessimistic")],
            "the other company forecasts its own invoice alone",
        )
        # the punctual customer has no history in the other company: paid on the due date
        # (T+3), slow by the default 30 days
        self.assertEqual(sorted((row["date"] - self.T).days for row in other_rows), [3, 3, 33])
        self.assertNotIn(invoice.id, [row["move_id"] for row in self.company._credit_cashin_rows()])
        self.env["credit.cashin.forecast"]._credit_refresh(self.company | other)
        user = self._credit_user("forecast_user_other", USER, company=other)
        Forecast = self.env["credit.cashin.forecast"].with_user(user)
        self.assertEqual(Forecast.search([]).company_id, other)
        self.assertFalse(
            Forecast.search([("company_id", "=", self.company.id)]),
            "a user of another company sees none of this company's rows",
        )
        with self.assertRaises(AccessError, msg="nor prints this company's forecast"):
            self.env["ir.actions.report"].with_user(user)._render_qweb_html(
                "credit_control.report_credit_cashin_forecast", self.company.ids
            )

    def test_viewer_and_portal_cannot_read_the_forecast(self):
        viewer = self._credit_user("forecast_viewer", VIEWER)
        portal = self._credit_user("forecast_portal", "base.group_portal")
        self.env["credit.cashin.forecast"]._credit_refresh(self.company)
        for user in (viewer, portal):
            Forecast = self.env["credit.cashin.forecast"].with_user(user)
            with self.assertRaises(AccessError):
                Forecast.search([])
            with self.assertRaises(AccessError):
                Forecast.action_credit_open()
            with self.assertRaises(AccessError):
                Forecast.action_credit_print()
            with self.assertRaises(AccessError):
                self.env["ir.actions.report"].with_user(user)._render_qweb_html(
                    "credit_control.report_credit_cashin_forecast", self.company.ids
                )

    def test_credit_user_reads_but_cannot_change_rows_nor_reach_other_companies(self):
        user = self._credit_user("forecast_user_rw", USER)
        Forecast = self.env["credit.cashin.forecast"].with_user(user)
        Forecast.action_credit_open()
        row = Forecast.search([("partner_id", "=", self.punctual.id)], limit=1)
        with self.assertRaises(AccessError):
            row.write({"amount": 1.0})
        with self.assertRaises(AccessError):
            row.unlink()
        with self.assertRaises(AccessError):
            Forecast.create({"scenario": "expected", "amount": 1.0})
        other = self.setup_other_company(name="Azienda Estranea Spa")["company"]
        with self.assertRaises(AccessError, msg="a company the user does not work in"):
            Forecast.with_context(
                allowed_company_ids=[self.company.id, other.id]
            ).action_credit_open()

    def test_pdf_in_english_and_italian(self):
        self.env["res.lang"]._activate_lang("it_IT")
        report = self.env["ir.actions.report"]
        html = report._render_qweb_html(
            "credit_control.report_credit_cashin_forecast", self.company.ids
        )[0].decode()
        self.assertIn("Cash-in Forecast: 13 Weeks", html)
        monday = forecast.week_start(self.today)
        for index in range(13):
            self.assertIn(format_date(self.env, monday + timedelta(weeks=index)), html)
        self.assertIn("5,900.00", html, "the expected total")
        self.assertIn("5,100.00", html, "the pessimistic total")
        italian = (
            report.with_context(lang="it_IT")
            ._render_qweb_html("credit_control.report_credit_cashin_forecast", self.company.ids)[0]
            .decode()
        )
        self.assertIn("5.900,00", italian, "amounts written the Italian way")
