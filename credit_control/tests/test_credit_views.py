from datetime import timedelta

from odoo.tests import Form
from odoo.tests import tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestCreditScreens(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._credit_customer("Screen Customer", vat="IT00000000101")
        due = cls.today - timedelta(days=100)
        cls._credit_history(cls.customer, [(1000.0, due, 0), (1000.0, due, 40)])
        cls.customer.credit_update_scores()

    def test_partner_form_shows_credit_tab(self):
        form = Form(self.customer)
        self.assertEqual(form.credit_band, self.customer.credit_band)
        self.assertEqual(form.credit_avg_days_late, 20.0)
        arch = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn('name="credit_management"', arch)  # not OCA's credit_control page
        self.assertIn("action_credit_refresh_now", arch)

    def test_watchlist_groups_customers_by_band_with_exposure(self):
        action = self.env.ref("credit_control.action_credit_watchlist")
        views = self.env["res.partner"].get_views([(action.view_ids[0].view_id.id, "list")])
        self.assertIn("credit_exposure", views["views"]["list"]["arch"])
        groups = self.env["res.partner"].read_group(
            [("credit_band", "!=", False)], ["credit_exposure:sum"], ["credit_band"]
        )
        self.assertIn(self.customer.credit_band, [g["credit_band"] for g in groups])

    def test_watchlist_pivot_by_band_and_profile(self):
        action = self.env.ref("credit_control.action_credit_watchlist")
        pivot = action.view_ids.filtered(lambda v: v.view_mode == "pivot").view_id
        arch = self.env["res.partner"].get_views([(pivot.id, "pivot")])["views"]["pivot"]["arch"]
        self.assertIn("credit_profile", arch)

    def test_daily_score_cron(self):
        other = self._credit_customer("Cron Customer")
        self._credit_history(other, [(1000.0, self.today - timedelta(days=100), 10)])
        self.env.ref("credit_control.ir_cron_credit_update_scores").method_direct_trigger()
        self.assertEqual(other.credit_avg_days_late, 10.0)
        self.assertTrue(other.credit_band)

    def test_search_filters_and_group_by(self):
        arch = self.env["res.partner"].get_view(view_type="search")["arch"]
        for name in (
            "credit_band_risky",
            "credit_on_hold",
            "group_credit_band",
            "group_credit_profile",
        ):
            self.assertIn(name, arch)

    def test_score_history_graph(self):
        action = self.env.ref("credit_control.action_credit_score_history_partner")
        self.assertTrue(action.view_mode.startswith("graph"))
        data = self.env["credit.score.history"].read_group(
            [("partner_id", "=", self.customer.id)], ["score:avg"], ["date:month"]
        )
        self.assertEqual(data[0]["score"], self.customer.credit_score)

    def test_credit_profile_pdf_content(self):
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "credit_control.report_credit_profile", self.customer.ids
        )
        html = html.decode()
        self.assertIn("Customer Credit Profile", html)
        self.assertIn("Screen Customer", html)
        self.assertIn("pays on average 20.0 days after the due date", html)
        self.assertIn("No business report", html)

    def test_settings_and_provider_forms_open(self):
        settings = Form(self.env["res.config.settings"])
        settings.credit_hold_mode = "warn"
        settings.credit_window_months = 12
        settings.save().execute()
        self.assertEqual(self.env.company.credit_hold_mode, "warn")
        self.assertEqual(self.env.company.credit_window_months, 12)
        provider = Form(self.env["credit.report.provider"])
        provider.name = "Cerved file"
        provider.scale = "risk_10"
        self.assertEqual(provider.save().kind, "file")

    def test_credit_profile_pdf_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("it_IT")
        self.customer.lang = "it_IT"
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "credit_control.report_credit_profile", self.customer.ids
        )
        # the figures follow the customer's language: 20,0 days, not 20.0
        self.assertIn("<span>20,0</span>", html.decode())
        self.assertIn("Screen Customer", html.decode())

    def test_salesperson_sees_band_and_hold_only(self):
        viewer = self._credit_user("credit_sales_x", "credit_control.group_credit_viewer")
        partner = self.customer.with_user(viewer)
        self.assertEqual(partner.credit_band, self.customer.credit_band)
        self.assertFalse(partner.credit_hold)
        arch = self.env["res.partner"].with_user(viewer).get_view(view_type="form")["arch"]
        self.assertIn('name="credit_band"', arch)
        self.assertNotIn('name="credit_avg_days_late"', arch)
        self.assertNotIn("action_credit_refresh_now", arch)
