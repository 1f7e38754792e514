"""A credit controller's round in the browser: the Credit Control menu, a customer's
Credit tab, a dunning letter and the e-invoices to fix (static/tests/tours/)."""

import shutil
import unittest
from datetime import timedelta

from odoo import Command
from odoo import fields
from odoo.tests import HttpCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestCreditControlTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.env.ref("base.user_admin")
        # the browser works in the administrator's company (the Italian one with demo data)
        cls.company = admin.company_id
        env = cls.env(context={"allowed_company_ids": cls.company.ids})
        today = fields.Date.context_today(admin)
        cls.customer = env["res.partner"].create(
            {"name": "Tour Customer S.r.l.", "is_company": True, "customer_rank": 1}
        )
        invoices = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.customer.id,
                    "invoice_date": today - timedelta(days=days + 30),
                    "invoice_date_due": today - timedelta(days=days),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Supplies", "quantity": 1, "price_unit": 500, "tax_ids": []}
                        )
                    ],
                }
                for days in (60, 20, 0)
            ]
        )
        invoices.with_context(credit_hold_checked=True).action_post()
        invoices[2].write(
            {
                "credit_einvoice_file_name": "IT01234567890_TOUR1.xml",
                "credit_einvoice_state": "rejected",
            }
        )
        # the assessment is written by the scoring alone (as superuser)
        # scored today, without the history a trend needs
        cls.customer.sudo().write(
            {"credit_band": "E", "credit_score": 20, "credit_scored_on": today}
        )
        policy = env["credit.dunning.policy"].search([("company_id", "=", cls.company.id)], limit=1)
        level = policy.level_ids.sorted("days")[-1]
        receivable = invoices[0].line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        # a letter proposed yesterday, written as the dunning run would (as superuser)
        env["credit.dunning.letter"].sudo().create(
            {
                "company_id": cls.company.id,
                "date": today - timedelta(days=1),
                "partner_id": cls.customer.id,
                "currency_id": invoices[0].currency_id.id,
                "policy_id": policy.id,
                "level_id": level.id,
                "amount_due": 500,
                "line_ids": [
                    Command.create(
                        {
                            "move_line_id": receivable.id,
                            "level_id": level.id,
                            "due_date": receivable.date_maturity,
                            "days_late": 59,
                            "amount": 500,
                            "open_amount": 500,
                        }
                    )
                ],
            }
        )

    def test_credit_controller_round(self):
        # a missing browser must fail this test, not skip it: the tour is the acceptance
        self.assertTrue(
            shutil.which("chromium") or shutil.which("google-chrome"),
            "Chromium is needed for the credit control tour (apt install chromium)",
        )
        try:
            self.start_tour("/odoo", "credit_control_tour", login="admin", timeout=300)
        except unittest.SkipTest as skipped:
            self.fail(f"The credit control tour could not run in the browser: {skipped}")
