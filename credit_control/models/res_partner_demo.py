"""Demo data helper: payment histories that give every profile."""

from datetime import timedelta

from odoo import Command
from odoo import api
from odoo import fields
from odoo import models

from .account_move_hold import hold_checked


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _credit_demo_histories(self, histories):
        """Demo data: for each ``(partner xml id, [(amount, days ago due, days late or
        None, returned)])`` post invoices due that many days ago and pay them that late
        (None: unpaid; returned: the payment comes back), then score everyone.

        These customers are Italian: their invoices belong to the Italian demo company
        (the main company when it is missing)."""
        company = self.env.ref("credit_control.demo_company_it", raise_if_not_found=False)
        self = self.with_company(company or self.env.company)
        today = fields.Date.context_today(self)
        partners = self.browse()
        for xml_id, items in histories:
            partner = self.env.ref(xml_id)
            partners |= partner
            for amount, due_days_ago, days_late, returned in items:
                due = today - timedelta(days=due_days_ago)
                invoice = self.env["account.move"].create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": due - timedelta(days=30),
                        "invoice_date_due": due,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Consulting",
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "tax_ids": [],
                                }
                            )
                        ],
                    }
                )
                with hold_checked(invoice):
                    invoice.action_post()
                if days_late is None:
                    continue
                payments = (
                    self.env["account.payment.register"]
                    .with_context(active_model="account.move", active_ids=invoice.ids)
                    .create({"payment_date": min(today, due + timedelta(days=days_late))})
                    ._create_payments()
                )
                if returned:
                    payments.move_id._reverse_moves(
                        [{"date": min(today, due + timedelta(days=days_late + 5))}], cancel=True
                    )
        partners.credit_update_scores()
        return True
