"""Aged receivables: buckets, statuses, currencies, companies, the printed list, access."""

from datetime import date
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CreditControlCommon

CREDIT_USER = "credit_control.group_credit_user"
VIEWER = "credit_control.group_credit_viewer"

# (days past due, amount): every bucket's first and last day
BOUNDARIES = [
    (0, 100.0),
    (1, 200.0),
    (30, 300.0),
    (31, 400.0),
    (60, 500.0),
    (61, 600.0),
    (90, 700.0),
    (91, 800.0),
    (120, 900.0),
    (121, 1000.0),
]


@tagged("post_install", "-at_install")
class TestCreditAgedReceivable(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the view ages against the UTC date, as fields.Date.today() does
        cls.today = fields.Date.today()
        cls.company_a = cls.env.company
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.Aged = cls.env["credit.aged.receivable"]

        cls.boundary = cls._credit_customer("Boundary Srl")
        cls.boundary_invoices = {
            days: cls._credit_invoice(
                cls.boundary,
                amount,
                cls.today - timedelta(days=days + 30),
                due_date=cls.today - timedelta(days=days),
            )
            for days, amount in BOUNDARIES
        }

        # statuses: one invoice each
        cls.status_customer = cls._credit_customer("Status Spa")
        due = cls.today - timedelta(days=45)
        inv = {
            name: cls._credit_invoice(cls.status_customer, amount, due - timedelta(days=30), due)
            for name, amount in (
                ("normal", 10.0),
                ("rejected", 20.0),
                ("payment_plan", 30.0),
                ("collection", 40.0),
                ("disputed", 50.0),
            )
        }
        cls.status_invoices = inv
        inv["rejected"].sudo().write({"credit_einvoice_state": "rejected"})
        # a plan moves by its actions: its state set in SQL
        plan = cls.env["credit.payment.plan"].create(
            {
                "partner_id": cls.status_customer.id,
                "invoice_ids": [Command.set(inv["payment_plan"].ids)],
                "installment_count": 2,
                "first_date": cls.today + timedelta(days=30),
            }
        )
        plan.action_accept()
        agency = cls._credit_customer("Recupero Crediti Srl", credit_is_collection_agency=True)
        case = (
            cls.env["credit.collection.case"]
            .sudo()
            .create(
                {
                    "partner_id": cls.status_customer.id,
                    "agency_id": agency.id,
                    "state": "handed_off",
                    "move_ids": [Command.set(inv["collection"].ids)],
                }
            )
        )
        inv["payment_plan"].sudo().credit_payment_plan_id = plan
        inv["collection"].sudo().credit_collection_case_id = case
        inv["disputed"].sudo().write(
            {"credit_dunning_excluded": True, "credit_dunning_exclusion_reason": "Goods damaged"}
        )

        # a foreign-currency invoice: 1,000.00 at 2 per company unit is 500.00
        cls.foreign = cls.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        cls.currency_customer = cls._credit_customer("Valuta Sas")
        cls.foreign_invoice = cls._credit_invoice(
            cls.currency_customer,
            1000.0,
            cls.today - timedelta(days=10),
            due_date=cls.today + timedelta(days=20),
            currency=cls.foreign,
        )
        # partly paid: 1,500.00 of 2,000.00 leaves 500.00; paid one before: gone
        cls.partly = cls._credit_invoice(
            cls.currency_customer,
            2000.0,
            cls.today - timedelta(days=70),
            cls.today - timedelta(days=40),
        )
        cls._credit_pay(cls.partly, cls.today - timedelta(days=20), amount=1500.0)
        cls.paid = cls._credit_invoice(
            cls.currency_customer,
            700.0,
            cls.today - timedelta(days=70),
            cls.today - timedelta(days=40),
        )
        cls._credit_pay(cls.paid, cls.today - timedelta(days=5))

        # a customer of both companies: band B in A, band D in B
        cls.shared = cls._credit_customer("Condiviso Srl")
        cls.shared_a = cls._credit_invoice(
            cls.shared, 111.0, cls.today - timedelta(days=40), cls.today - timedelta(days=10)
        )
        invoice_b = cls.env["account.move"].with_company(cls.company_b)
        cls.shared_b = invoice_b.create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.shared.id,
                "invoice_date": cls.today - timedelta(days=100),
                "invoice_date_due": cls.today - timedelta(days=70),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Consulting", "quantity": 1, "price_unit": 222.0, "tax_ids": []}
                    )
                ],
            }
        )
        cls.shared_b.action_post()
        Partner = cls.env["res.partner"]
        columns = [("credit_band", "varchar"), ("credit_profile", "varchar")]
        Partner._credit_write_company_values(
            cls.company_a, columns, [(cls.shared.id, "B", "reliable")]
        )
        Partner._credit_write_company_values(
            cls.company_b, columns, [(cls.shared.id, "D", "habitually_late")]
        )

        cls.credit_user = cls._credit_user("aged_user", CREDIT_USER)
        cls.user_b = cls._credit_user("aged_user_b", CREDIT_USER, company=cls.company_b)

    def _rows(self, partner, env=None):
        aged = (env or self.env)["credit.aged.receivable"]
        return aged.search([("commercial_partner_id", "=", partner.id)])

    def test_buckets_at_their_boundaries(self):
        rows = self._rows(self.boundary)
        by_move = {row.move_id: row for row in rows}
        expected = {
            0: "not_due",
            1: "1_30",
            30: "1_30",
            31: "31_60",
            60: "31_60",
            61: "61_90",
            90: "61_90",
            91: "91_120",
            120: "91_120",
            121: "over_120",
        }
        for days, bucket in expected.items():
            row = by_move[self.boundary_invoices[days]]
            with self.subTest(days=days):
                self.assertEqual((row.days_past_due, row.bucket), (days, bucket))
        # the pivot's cells: one read_group by customer and bucket
        groups = self.Aged._read_group(
            [("commercial_partner_id", "=", self.boundary.id)],
            ["bucket"],
            ["amount_residual:sum"],
        )
        self.assertEqual(
            groups,
            [
                ("not_due", 100.0),
                ("1_30", 500.0),  # 200 + 300
                ("31_60", 900.0),  # 400 + 500
                ("61_90", 1300.0),  # 600 + 700
                ("91_120", 1700.0),  # 800 + 900
                ("over_120", 1000.0),
            ],
        )

    def test_statuses(self):
        rows = self._rows(self.status_customer)
        self.assertEqual(
            {row.move_id: row.status for row in rows},
            {move: status for status, move in self.status_invoices.items()},
        )
        overdue = self.Aged.search_count(
            [("commercial_partner_id", "=", self.status_customer.id), ("days_past_due", ">", 0)]
        )
        self.assertEqual(overdue, 5)
        # a rejected e-invoice sent again stays "rejected" until the SdI answers
        self.status_invoices["rejected"].sudo().write(
            {"credit_einvoice_state": "sent", "credit_einvoice_rejected_date": self.today}
        )
        self.env.flush_all()
        row = self.Aged.search([("move_id", "=", self.status_invoices["rejected"].id)])
        self.assertEqual(row.status, "rejected")

    def test_open_amounts_in_company_currency(self):
        rows = self._rows(self.currency_customer)
        self.assertEqual(
            sorted((row.move_id.id, row.amount_residual, row.currency_id) for row in rows),
            sorted(
                [
                    (self.foreign_invoice.id, 500.0, self.currency),  # 1,000.00 / 2
                    (self.partly.id, 500.0, self.currency),  # 2,000.00 - 1,500.00
                ]
            ),
        )
        self.assertNotIn(self.paid, rows.move_id)

    def test_each_company_sees_its_rows_with_its_band(self):
        as_a = self._rows(self.shared, self.env(user=self.credit_user))
        as_b = self._rows(self.shared, self.env(user=self.user_b))
        self.assertEqual(
            [
                (row.move_id, row.amount_residual, row.credit_band, row.credit_profile)
                for row in as_a
            ],
            [(self.shared_a, 111.0, "B", "reliable")],
        )
        self.assertEqual(
            [(row.move_id, row.bucket, row.credit_band, row.credit_profile) for row in as_b],
            [(self.shared_b, "61_90", "D", "habitually_late")],
        )
        # B's user asking for A's rows explicitly gets none
        rows = self.env(user=self.user_b)["credit.aged.receivable"].search(
            [("company_id", "=", self.company_a.id)]
        )
        self.assertFalse(rows)

    def test_viewer_internal_and_portal_cannot_read(self):
        for login, group in (
            ("aged_viewer", VIEWER),
            ("aged_internal", "base.group_user"),
            ("aged_portal", "base.group_portal"),
        ):
            user = self._credit_user(login, group)
            with self.subTest(user=login):
                with self.assertRaises(AccessError):
                    self.env(user=user)["credit.aged.receivable"].search_read(
                        [], ["amount_residual"]
                    )
                with self.assertRaises(AccessError):
                    self.env(user=user)["credit.aged.receivable.wizard"].create({})
        # a credit user reads but cannot write
        row = self._rows(self.boundary, self.env(user=self.credit_user))[:1]
        with self.assertRaises(AccessError):
            row.write({"amount_residual": 0.0})

    def test_wizard_refuses_other_companies(self):
        wizard = (
            self.env(user=self.credit_user)["credit.aged.receivable.wizard"]
            .sudo()
            .create({"company_ids": [Command.set(self.company_b.ids)]})
            .with_user(self.credit_user)
        )
        with self.assertRaises(AccessError):
            wizard.action_print()


@tagged("post_install", "-at_install")
class TestCreditAgedReceivableList(CreditControlCommon):
    """The printed list, in English and Italian, today and as of a past date."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.customer = cls._credit_customer("Alfa Forniture Srl")
        # 1,234.50 45 days overdue; 2,000.00 not due; 800.00 10 days overdue, paid 5 days ago
        cls._credit_invoice(
            cls.customer, 1234.5, cls.today - timedelta(days=75), cls.today - timedelta(days=45)
        )
        cls._credit_invoice(
            cls.customer, 2000.0, cls.today - timedelta(days=5), cls.today + timedelta(days=25)
        )
        cls.paid = cls._credit_invoice(
            cls.customer, 800.0, cls.today - timedelta(days=40), cls.today - timedelta(days=10)
        )
        cls._credit_pay(cls.paid, cls.today - timedelta(days=5))
        cls.other = cls._credit_customer("Beta Servizi Spa")
        cls._credit_invoice(
            cls.other, 10000.0, cls.today - timedelta(days=200), cls.today - timedelta(days=150)
        )
        cls.credit_user = cls._credit_user("aged_printer", CREDIT_USER)

    def _html(self, lang, **values):
        user = self.credit_user
        user.lang = lang
        wizard = self.env(user=user)["credit.aged.receivable.wizard"].create(values)
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "credit_control.report_credit_aged_receivable")
        report = self.env(user=user, context={"lang": lang})["ir.actions.report"]
        html = report._render_qweb_html("credit_control.report_credit_aged_receivable", wizard.ids)[
            0
        ].decode()
        return " ".join(html.split())

    def test_list_in_english_with_totals(self):
        html = self._html("en_US")
        self.assertIn("Aged Receivables", html)
        self.assertIn("Alfa Forniture Srl", html)
        self.assertLess(html.index("Alfa Forniture Srl"), html.index("Beta Servizi Spa"))
        # Alfa: 2,000.00 not due + 1,234.50 in 31-60 = 3,234.50; Beta 10,000.00 over 120;
        # the company: 13,234.50
        self.assertIn("3,234.50", html)
        self.assertIn("10,000.00", html)
        self.assertIn("13,234.50", html)
        self.assertNotIn("800.00", html)
        self.assertIn("as of today", html)

    def test_list_in_italian_formats_numbers_and_dates(self):
        html = self._html("it_IT")
        self.assertIn("3.234,50", html)
        self.assertIn("13.234,50", html)
        due = self.today - timedelta(days=45)
        self.assertIn(due.strftime("%d/%m/%Y"), html)

    def test_past_date_counts_later_payments_as_open_and_says_so(self):
        # 7 days ago the 800.00 was open (3 days overdue) and the 2,000.00 not yet invoiced
        html = self._html("en_US", date=self.today - timedelta(days=7))
        self.assertIn("payments matched after that date count as not yet received", html)
        # Alfa: 1,234.50 (38 days: 31-60) + 800.00 (3 days: 1-30) = 2,034.50
        self.assertIn("2,034.50", html)
        self.assertIn("12,034.50", html)
        self.assertNotIn("2,000.00", html)

    def test_filters_by_band(self):
        self.env.cr.flush()
        self.env["res.partner"]._credit_write_company_values(
            self.env.company, [("credit_band", "varchar")], [(self.other.id, "E")]
        )
        html = self._html("en_US", credit_band="E")
        self.assertIn("Beta Servizi Spa", html)
        self.assertNotIn("Alfa Forniture Srl", html)


@tagged("post_install", "-at_install")
class TestCreditDso(CreditControlCommon):
    """The worked example of core/dso.py, from the ledger, through the scoring run."""

    def test_dso_of_the_worked_example(self):
        with freeze_time("2026-06-15 09:00:00"):
            customer = self._credit_customer("Gamma Ricambi Srl")
            # newest period (16 May - 15 June, 31 days): 31,000.00 sold, half not yet due
            self._credit_invoice(customer, 15500.0, date(2026, 6, 1), date(2026, 7, 1))
            self._credit_invoice(customer, 15500.0, date(2026, 5, 20), date(2026, 6, 10))
            # the one before (16 April - 15 May, 30 days): 60,000.00, 19,000.00 still open
            may = self._credit_invoice(customer, 60000.0, date(2026, 5, 1), date(2026, 5, 31))
            self._credit_pay(may, date(2026, 6, 5), amount=41000.0)
            # the oldest (16 March - 15 April): 45,000.00, paid
            april = self._credit_invoice(customer, 45000.0, date(2026, 4, 1), date(2026, 5, 1))
            self._credit_pay(april, date(2026, 5, 1))
            # older sales do not count
            old = self._credit_invoice(customer, 99000.0, date(2026, 1, 10), date(2026, 2, 10))
            self._credit_pay(old, date(2026, 2, 10))
            self.env.cr.flush()
            customer.credit_update_scores()
            # 50,000.00 open: 31 days of the newest period's 31,000.00, then 19,000.00 of
            # 60,000.00 over 30 days (9.5): 40.5; not due 15,500.00: half of 31 days
            self.assertEqual(
                (customer.credit_dso, customer.credit_dso_best, customer.credit_days_late_avg),
                (40.5, 15.5, 25.0),
            )
            self.assertEqual(
                self.env.company._credit_dso_figures(),
                {"dso": 40.5, "dso_best": 15.5, "days_late_avg": 25.0},
            )
            rows = self.env["credit.aged.receivable"].search(
                [("commercial_partner_id", "=", customer.id)]
            )
            self.assertEqual(set(rows.mapped("credit_dso")), {40.5})
            # the figures are the company's: another company has none of them
            other = self.setup_other_company(name="Filiale Est")["company"]
            self.assertFalse(customer.with_company(other).credit_dso)
            self.assertEqual(
                other._credit_dso_figures(), {"dso": 0.0, "dso_best": 0.0, "days_late_avg": 0.0}
            )

    def test_nobody_writes_the_dso(self):
        customer = self._credit_customer("Delta Srl")
        manager = self._credit_user("dso_manager", "credit_control.group_credit_manager")
        with self.assertRaises(AccessError):
            customer.with_user(manager).write({"credit_dso": 1.0})
        viewer = self._credit_user("dso_viewer", VIEWER)
        with self.assertRaises(AccessError):
            customer.with_user(viewer).read(["credit_dso"])


@tagged("post_install", "-at_install")
class TestCreditAgedReceivableAttacks(CreditControlCommon):
    """The printed list's data as an attacker would ask for it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.seller = cls._credit_user("aged_seller", CREDIT_USER)
        cls.mine = cls._credit_customer("Cliente Mio Srl", user_id=cls.seller.id)
        cls.theirs = cls._credit_customer("Cliente Altrui Srl")
        cls.my_invoice = cls._credit_invoice(
            cls.mine, 300.0, cls.today - timedelta(days=60), cls.today - timedelta(days=30)
        )
        cls.my_invoice.invoice_user_id = cls.seller
        cls._credit_invoice(
            cls.theirs, 400.0, cls.today - timedelta(days=60), cls.today - timedelta(days=30)
        )
        # partly paid after the as-of date: 1,000.00 invoiced, 600.00 paid 3 days ago
        cls.partly = cls._credit_invoice(
            cls.mine, 1000.0, cls.today - timedelta(days=40), cls.today - timedelta(days=10)
        )
        cls.partly.invoice_user_id = cls.seller
        cls._credit_pay(cls.partly, cls.today - timedelta(days=3), amount=600.0)
        cls.credit_user = cls._credit_user("aged_attacker", CREDIT_USER)

    def _sections(self, user, **values):
        wizard = self.env(user=user)["credit.aged.receivable.wizard"].create(values)
        return wizard._credit_aged_sections()

    def test_salesperson_filter(self):
        (section,) = self._sections(self.credit_user, user_id=self.seller.id)
        self.assertEqual(
            [customer["name"] for customer in section["customers"]], ["Cliente Mio Srl"]
        )
        # 300.00 + the 400.00 left of the partly paid invoice
        self.assertEqual(section["total"], 700.0)

    def test_past_date_restores_the_part_paid_later(self):
        (section,) = self._sections(
            self.credit_user, user_id=self.seller.id, date=self.today - timedelta(days=5)
        )
        (customer,) = section["customers"]
        # 5 days ago: 300.00 25 days overdue and the whole 1,000.00 5 days overdue
        self.assertEqual(
            [(line["amount"], line["days"], line["bucket"]) for line in customer["lines"]],
            [(300.0, 25, "1_30"), (1000.0, 5, "1_30")],
        )
        self.assertEqual(customer["totals"]["1_30"], 1300.0)

    def test_other_company_in_the_context_is_refused(self):
        with self.assertRaises(AccessError):
            self.env(user=self.credit_user, context={"allowed_company_ids": self.company_b.ids})[
                "credit.aged.receivable"
            ].search([])

    def test_salesperson_without_credit_group_cannot_print(self):
        with self.assertRaises(AccessError):
            self.env["credit.aged.receivable.wizard"].create({}).with_user(
                self.seller.copy({"login": "plain_seller", "groups_id": [Command.set([])]})
            ).action_print()
