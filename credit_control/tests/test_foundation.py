from odoo.tests import Form
from odoo.tests import tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestFoundation(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing_user = cls._credit_user("credit_billing", "account.group_account_invoice")
        cls.accounting_admin = cls._credit_user("credit_acc_admin", "account.group_account_manager")
        cls.accounting_admin.groups_id += cls.env.ref("base.group_system")
        cls.salesperson = cls._credit_user("credit_sales", "credit_control.group_credit_viewer")
        cls.employee = cls._credit_user("credit_employee", "base.group_user")

    def test_accounting_roles_get_matching_credit_rights(self):
        self.assertTrue(self.billing_user.has_group("credit_control.group_credit_user"))
        self.assertFalse(self.billing_user.has_group("credit_control.group_credit_manager"))
        self.assertTrue(self.accounting_admin.has_group("credit_control.group_credit_manager"))
        # the chain: a manager is a user, a user is a viewer
        self.assertTrue(self.accounting_admin.has_group("credit_control.group_credit_viewer"))
        self.assertFalse(self.employee.has_group("credit_control.group_credit_viewer"))

    def test_salesperson_is_only_a_viewer(self):
        self.assertTrue(self.salesperson.has_group("credit_control.group_credit_viewer"))
        self.assertFalse(self.salesperson.has_group("credit_control.group_credit_user"))

    def test_credit_menu_is_under_accounting_for_credit_users_only(self):
        root = self.env.ref("credit_control.menu_credit_control")
        self.assertEqual(root.parent_id, self.env.ref("account.menu_finance"))
        config = self.env.ref("credit_control.menu_credit_config")
        visible_to_billing = self.env["ir.ui.menu"].with_user(self.billing_user)._visible_menu_ids()
        visible_to_admin = (
            self.env["ir.ui.menu"].with_user(self.accounting_admin)._visible_menu_ids()
        )
        self.assertNotIn(config.id, visible_to_billing, "configuration is for credit managers")
        self.assertIn(self.env.ref("credit_control.menu_credit_settings").id, visible_to_admin)
        visible_to_employee = self.env["ir.ui.menu"].with_user(self.employee)._visible_menu_ids()
        self.assertNotIn(root.id, visible_to_employee)

    def test_settings_section_sets_the_company_credit_controller(self):
        settings = Form(self.env["res.config.settings"].with_user(self.accounting_admin))
        settings.credit_controller_id = self.billing_user
        settings.save().execute()
        self.assertEqual(self.env.company.credit_controller_id, self.billing_user)

    def test_customer_with_history_fixture(self):
        partner = self._credit_customer("Fixture Customer")
        due = self.today
        invoices = self._credit_history(partner, [(1000.0, due, 10), (500.0, due, None)])
        self.assertEqual(invoices.mapped("payment_state"), ["paid", "not_paid"])
        self.assertEqual(invoices[1].invoice_date_due, due)

    def test_posted_invoice_is_collectible_by_default(self):
        partner = self._credit_customer("Collectible Customer")
        invoice = self._credit_invoice(partner, 100.0, self.today)
        self.assertTrue(invoice.credit_collectible)
        self.assertEqual(invoice._credit_is_collectible(), invoice)

    def test_invoices_enter_only_the_add_on_indexes_they_are_searched_by(self):
        """Posting pays for none of the add-on's indexes on invoices: each is partial and
        holds only the invoices it finds (an answered or rejected e-invoice, a plan, a
        case, an exclusion), so an invoice never sent through the SdI enters none."""
        self.env.cr.execute(
            r"""SELECT indexname FROM pg_indexes
                 WHERE tablename = 'account_move' AND indexdef LIKE '%%credit\_%%'
                   AND indexdef NOT LIKE '%% WHERE %%'"""
        )
        self.assertEqual(self.env.cr.fetchall(), [], "full indexes on account_move")
        self.env.cr.execute(
            "SELECT count(*) FROM pg_indexes"
            " WHERE tablename = 'account_move' AND indexdef LIKE '%%credit_einvoice_state%%'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 1, "the rejected e-invoices keep an index")
