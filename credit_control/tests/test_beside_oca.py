"""Living beside Odoo and the OCA: nullable columns on Odoo's tables, names a user can tell
apart, the menu in the order of the day's work, the settings section, and posting with OCA's
``account_financial_risk`` guard on (those tests are skipped unless that module is installed;
``tools/test`` runs them on a database where it is, and checks that they ran)."""

import logging
import re
from datetime import timedelta

from lxml import etree

from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from ..core import sdi_effects
from .common import CreditControlCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestNoNotNullOnOdooTables(CreditControlCommon):
    def test_no_column_of_ours_on_odoo_tables_is_not_null(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", "credit_control"), ("model", "=", "ir.model.fields")]
        )
        fields_ = self.env["ir.model.fields"].browse(data.mapped("res_id"))
        columns = [
            (self.env[f.model]._table, f.name)
            for f in fields_
            if self.env[f.model]._original_module != "credit_control"
            and f.store
            and f.ttype not in ("one2many", "many2many")
        ]
        self.assertIn(("account_move", "credit_einvoice_state"), columns)
        self.assertIn(("res_company", "credit_hold_mode"), columns)
        self.env.cr.execute(
            """SELECT table_name, column_name FROM information_schema.columns
                WHERE is_nullable = 'NO' AND (table_name, column_name) IN %s""",
            [tuple(columns)],
        )
        self.assertEqual(self.env.cr.fetchall(), [], "NOT NULL columns on Odoo's own tables")

    def test_an_empty_hold_mode_reads_as_warn(self):
        company = self.env.company
        self.env.cr.execute(
            "UPDATE res_company SET credit_hold_mode = NULL WHERE id = %s", [company.id]
        )
        company.invalidate_recordset(["credit_hold_mode"])
        self.assertFalse(company.credit_hold_mode)
        self.assertEqual(company._credit_hold_mode(), "warn")
        clerk = self._credit_user(
            "null_clerk", "account.group_account_invoice", email="n@example.com"
        )
        customer = self._credit_customer("Held While Null", credit_hold=True)
        move = self._credit_invoice(customer, 10.0, self.today, post=False)
        action = move.with_user(clerk).action_post()
        self.assertEqual(action["res_model"], "credit.hold.wizard")

    def test_an_empty_einvoice_state_reads_as_not_sent(self):
        customer = self._credit_customer("Null State")
        move = self._credit_invoice(customer, 100.0, self.today)
        self.env.cr.execute(
            "UPDATE account_move SET credit_einvoice_state = NULL WHERE id = %s", [move.id]
        )
        move.invalidate_recordset(["credit_einvoice_state"])
        move._compute_credit_collectible()
        self.assertTrue(move.credit_collectible)
        # a delivery receipt (RC) moves it on, as from "not sent"
        self.assertEqual(sdi_effects.next_state(move.credit_einvoice_state, "RC"), "delivered")


@tagged("post_install", "-at_install")
class TestNamesMenusAndSettings(CreditControlCommon):
    def test_names_differ_from_oca_credit_control(self):
        self.assertEqual(
            self.env.ref("credit_control.menu_credit_control").name, "Credit Management"
        )
        self.assertEqual(
            self.env.ref("credit_control.module_category_credit_control").name,
            "Credit Management",
        )
        manager = self.env.ref("credit_control.group_credit_manager")
        self.assertEqual(manager.full_name, "Credit Management / Manager")
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('title="Credit Management"', arch)
        self.assertNotIn('title="Credit Control"', arch)

    def _children(self, menu_xmlid):
        menu = self.env.ref(menu_xmlid)
        return self.env["ir.ui.menu"].search([("parent_id", "=", menu.id)]).mapped("name")

    def _in_order(self, names, expected):
        """``names`` keeps ``expected`` in that order (other features may add menus)."""
        self.assertEqual([n for n in names if n in expected], expected)

    def test_menu_follows_the_days_work(self):
        self._in_order(
            self._children("credit_control.menu_credit_control"),
            [
                "Credit Watchlist",
                "Dunning",
                "E-invoices (SdI)",
                "Business Reports",
                "Reporting",
                "Configuration",
            ],
        )
        self._in_order(
            self._children("credit_control.menu_credit_dunning"),
            ["Dunning Runs", "Letters to Review", "Dunning Letters"],
        )
        self._in_order(
            self._children("credit_control.menu_credit_sdi"),
            [
                "E-invoices to fix",
                "SdI notifications",
                "Notifications to match",
                "Import notifications",
            ],
        )
        self._in_order(
            self._children("credit_control.menu_credit_report_root"),
            ["Business Reports", "Import Business Reports"],
        )

    def test_settings_menu_opens_the_credit_management_section(self):
        action = self.env.ref("credit_control.menu_credit_settings").action
        self.assertEqual(action._name, "ir.actions.act_url")
        path, anchor = action.url.split("#")
        self.assertEqual(path, "/odoo/action-credit_control.action_credit_control_settings")
        settings_action = self.env.ref("credit_control.action_credit_control_settings")
        self.assertEqual(safe_eval(settings_action.context)["module"], "account")
        # the anchor is a setting of our block, in the Invoicing ("account") tab
        arch = etree.fromstring(
            self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        )
        setting = arch.xpath(f"//app[@name='account']//block//setting[@id='{anchor}']")
        self.assertTrue(setting)
        self.assertEqual(setting[0].getparent().get("title"), "Credit Management")

    def test_sdi_alias_is_shown_and_editable_in_settings(self):
        alias = self.env.ref("credit_control.mail_alias_credit_sdi_notification")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.credit_sdi_alias_name, alias.alias_name)
        settings.credit_sdi_alias_name = "pec-sdi"
        settings.execute()
        self.assertEqual(alias.alias_name, "pec-sdi")
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="credit_sdi_alias_name"', arch)

    def _visible_nodes(self, arch, xpath, values):
        """The nodes of ``xpath`` that show for a record with ``values`` (others False)."""
        visible = []
        for node in etree.fromstring(arch).xpath(xpath):
            hidden = False
            for element in [node, *node.iterancestors()]:
                expression = element.get("invisible")
                if not expression:
                    continue
                names = dict.fromkeys(re.findall(r"[A-Za-z_]\w*", expression), False)
                names.update(values)
                if safe_eval(expression, names):
                    hidden = True
                    break
            if not hidden:
                visible.append(node)
        return visible

    def test_customer_form_shows_the_credit_limit_once(self):
        self.env.company.account_use_credit_limit = True
        clerk = self._credit_user("limit_clerk", "account.group_account_invoice")
        arch = (
            self.env["res.partner"]
            .with_user(clerk)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        values = {
            "parent_id": False,
            "show_credit_limit": True,
            "use_partner_credit_limit": True,
            "is_company": True,
            "True": True,
        }
        shown = self._visible_nodes(arch, "//field[@name='credit_limit']", values)
        self.assertEqual(len(shown), 1, "the credit limit shows once on a customer's form")
        self.assertIn("on the Credit tab", arch)

    def test_new_company_warns_and_the_partner_form_says_when_the_hold_is_off(self):
        company = self.env["res.company"].create({"name": "Fresh Start S.r.l."})
        self.assertEqual(company.credit_hold_mode, "warn")
        customer = self._credit_customer("On Hold", credit_hold=True)
        self.env.company.credit_hold_mode = "off"
        self.assertTrue(customer.credit_hold_ineffective)
        self.env.company.credit_hold_mode = "warn"
        customer.invalidate_recordset(["credit_hold_ineffective"])
        self.assertFalse(customer.credit_hold_ineffective)
        arch = self.env["res.partner"].get_views([(False, "form")])["views"]["form"]["arch"]
        alert = etree.fromstring(arch).xpath("//div[@name='credit_hold_ineffective']")
        self.assertTrue(alert)
        self.assertIn("credit_hold_ineffective", alert[0].get("invisible"))
        self.assertIn("Credit Management", "".join(alert[0].itertext()))


@tagged("post_install", "-at_install")
class TestPostingBesideFinancialRisk(CreditControlCommon):
    """Both guards on the same invoice: ours ("warn" or "block") and OCA
    account_financial_risk's "Partner risk exceeded". Each asks once, about its own facts:
    the credit limit (core ``credit_limit``, read by both) is asked about by theirs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "partner.risk.exceeded.wiz" not in cls.env:
            cls.skipTest(cls, "OCA account_financial_risk is not installed")
        cls.env.company.allow_overrisk_invoice_validation = False
        risk_manager = "account_financial_risk.group_account_financial_risk_manager"
        cls.clerk = cls._credit_user(
            "risk_clerk", "account.group_account_invoice", risk_manager, email="c@example.com"
        )
        cls.boss = cls._credit_user(
            "risk_boss", "account.group_account_manager", risk_manager, email="b@example.com"
        )
        cls.customer = cls._credit_customer("Both Guards S.p.A.", risk_invoice_open_include=True)
        cls.customer.with_company(cls.env.company).credit_limit = 1500.0
        # 1,000.00 open, not yet due; a new invoice of 800.00 makes 1,800.00 > 1,500.00
        opening = cls._credit_invoice(
            cls.customer, 1000.0, cls.today, due_date=cls.today + timedelta(days=30)
        )
        assert opening.state == "posted"
        cls.customer.write({"credit_hold": True, "credit_hold_reason": "Cheque returned"})

    def _draft(self, user, customer=None):
        move = self._credit_invoice(customer or self.customer, 800.0, self.today, post=False)
        return move.with_user(user)

    def _click_through(self, action, user, override_reason=None):
        """What the web client does: open each wizard with its action's context and press
        its confirming button. Returns the wizards met, in order, with what they said."""
        met = []
        while isinstance(action, dict) and action.get("res_model") in (
            "credit.hold.wizard",
            "partner.risk.exceeded.wiz",
        ):
            self.assertLess(len(met), 4, f"posting loops through {met}")
            wizard = (
                self.env[action["res_model"]]
                .with_user(user)
                .with_context(**(action.get("context") or {}))
                .browse(action["res_id"])
            )
            if wizard._name == "credit.hold.wizard":
                met.append((wizard._name, wizard.reasons))
                if wizard.mode == "block":
                    wizard.override_reason = override_reason
                action = wizard.action_confirm()
            else:
                met.append((wizard._name, wizard.exception_msg))
                action = wizard.button_continue()
        return met

    def test_warn_both_guards_each_asked_once(self):
        self.env.company.credit_hold_mode = "warn"
        move = self._draft(self.clerk)
        met = dict(self._click_through(move.action_post(), self.clerk))
        self.assertEqual(sorted(met), ["credit.hold.wizard", "partner.risk.exceeded.wiz"])
        self.assertIn("Cheque returned", met["credit.hold.wizard"])
        # the limit is asked about once, by OCA's guard
        self.assertNotIn("credit limit", met["credit.hold.wizard"])
        self.assertIn("exceeds the financial risk", met["partner.risk.exceeded.wiz"])
        self.assertEqual(move.state, "posted")
        self.assertIn("Credit warning accepted by Risk Clerk", move.message_ids[0].body)
        _logger.info("BESIDE OCA: both guards confirmed once, %s posted", move.name)

    def test_over_the_limit_only_one_question(self):
        """A customer ours has nothing against but the limit: OCA's guard alone asks."""
        self.env.company.credit_hold_mode = "warn"
        customer = self._credit_customer("Limit Only", risk_invoice_open_include=True)
        customer.with_company(self.env.company).credit_limit = 500.0
        move = self._draft(self.clerk, customer)
        met = self._click_through(move.action_post(), self.clerk)
        self.assertEqual([name for name, __ in met], ["partner.risk.exceeded.wiz"])
        self.assertEqual(move.state, "posted")

    def test_our_limit_check_stays_when_oca_lets_invoices_through(self):
        self.env.company.credit_hold_mode = "warn"
        self.env.company.allow_overrisk_invoice_validation = True
        customer = self._credit_customer("Limit Only Too", risk_invoice_open_include=True)
        customer.with_company(self.env.company).credit_limit = 500.0
        move = self._draft(self.clerk, customer)
        met = self._click_through(move.action_post(), self.clerk)
        self.assertEqual([name for name, __ in met], ["credit.hold.wizard"])
        self.assertIn("800.00, over the credit limit of", met[0][1])
        self.assertEqual(move.state, "posted")

    def test_manager_override_survives_the_risk_wizard(self):
        self.env.company.credit_hold_mode = "block"
        move = self._draft(self.boss)
        met = self._click_through(move.action_post(), self.boss, "Guarantee from the bank")
        self.assertEqual(
            sorted(name for name, __ in met), ["credit.hold.wizard", "partner.risk.exceeded.wiz"]
        )
        self.assertEqual(move.state, "posted")
        self.assertIn("overridden by Risk Boss: Guarantee from the bank", move.message_ids[0].body)

    def test_a_clerk_is_not_let_through_a_block_by_the_risk_wizard(self):
        self.env.company.credit_hold_mode = "block"
        move = self._draft(self.clerk)
        with self.assertRaisesRegex(UserError, "Cheque returned"):
            move.with_context(bypass_risk=True, credit_hold_checked=True).action_post()
        self.assertEqual(move.state, "draft")

    def test_our_wizard_keeps_the_risk_confirmation(self):
        """Whichever guard asks first: after OCA's Continue, ours keeps its confirmation."""
        self.env.company.credit_hold_mode = "warn"
        move = self._draft(self.clerk)
        action = move.with_context(bypass_risk=True).action_post()
        self.assertEqual(action["res_model"], "credit.hold.wizard")
        self.assertEqual(action["context"], {"bypass_risk": True})
        met = self._click_through(action, self.clerk)
        self.assertEqual([name for name, __ in met], ["credit.hold.wizard"])
        self.assertEqual(move.state, "posted")

    def _post_from_list(self, move, user):
        return (
            self.env["validate.account.move"]
            .with_user(user)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({})
            .validate_move()
        )

    def test_post_entries_from_the_list_asks_ours_once(self):
        self.env.company.credit_hold_mode = "warn"
        self.env.company.allow_overrisk_invoice_validation = True
        move = self._draft(self.clerk)
        met = self._click_through(self._post_from_list(move, self.clerk), self.clerk)
        self.assertEqual([name for name, __ in met], ["credit.hold.wizard"])
        self.assertEqual(move.state, "posted")
        self.assertIn("Credit warning accepted", move.message_ids[0].body)

    def test_post_entries_from_the_list_then_oca_refuses_without_a_loop(self):
        self.env.company.credit_hold_mode = "warn"
        move = self._draft(self.clerk)
        action = self._post_from_list(move, self.clerk)
        self.assertEqual(action["res_model"], "credit.hold.wizard")
        wizard = self.env["credit.hold.wizard"].with_user(self.clerk).browse(action["res_id"])
        with self.assertRaisesRegex(ValidationError, "form view"):
            wizard.action_confirm()
        self.assertEqual(move.state, "draft")


@tagged("post_install", "-at_install")
class TestHoldConfirmation(CreditControlCommon):
    """Without other guards: the confirmation is logged once the invoice is posted, and the
    context key alone never passes a block."""

    def test_context_key_does_not_pass_a_block_for_a_clerk(self):
        self.env.company.credit_hold_mode = "block"
        clerk = self._credit_user("key_clerk", "account.group_account_invoice")
        customer = self._credit_customer("Blocked", credit_hold=True)
        move = self._credit_invoice(customer, 10.0, self.today, post=False).with_user(clerk)
        with self.assertRaisesRegex(UserError, "credit hold"):
            move.with_context(credit_hold_checked=True).action_post()
        self.assertEqual(move.state, "draft")

    def test_list_confirmation_replays_force_post(self):
        self.env.company.credit_hold_mode = "warn"
        clerk = self._credit_user(
            "list_clerk", "account.group_account_invoice", email="list@example.com"
        )
        customer = self._credit_customer("Future", credit_hold=True)
        future = self.today + timedelta(days=10)
        move = self._credit_invoice(customer, 10.0, future, post=False)
        validate = (
            self.env["validate.account.move"]
            .with_user(clerk)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"force_post": True})
        )
        action = validate.validate_move()
        self.assertEqual(move.state, "draft")
        wizard = self.env["credit.hold.wizard"].with_user(clerk).browse(action["res_id"])
        wizard.action_confirm()
        # forced: posted now although dated in 10 days
        self.assertEqual(move.state, "posted")
        self.assertIn("Credit warning accepted by List Clerk", move.message_ids[0].body)

    def test_hold_asks_nobody_when_code_posts_as_superuser(self):
        self.env.company.credit_hold_mode = "block"
        customer = self._credit_customer("Batch", credit_hold=True)
        move = self._credit_invoice(customer, 10.0, self.today, post=False)
        move.sudo().action_post()
        self.assertEqual(move.state, "posted")


@tagged("post_install", "-at_install")
class TestSettingsMenuInTheBrowser(HttpCase):
    def test_settings_menu_lands_on_the_credit_management_section(self):
        """The Settings menu's address opens the Invoicing tab at our first setting."""
        url = self.env.ref("credit_control.action_credit_control_settings_section").url
        self.browser_js(
            url,
            "console.log('test successful')",
            ready="""document.querySelector('.settings_tab .tab.selected[data-key="account"]')
                && document.querySelector('#credit_controller_setting')
                && window.location.hash === '#credit_controller_setting'""",
            login="admin",
            timeout=120,
        )
