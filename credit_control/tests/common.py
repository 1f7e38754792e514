"""Shared fixtures for credit scenarios: a customer with a payment history in one call."""

from datetime import date
from datetime import timedelta

from odoo import Command
from odoo import fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CreditControlCommon(AccountTestInvoicingCommon):
    """Invoices with chosen dates and due dates, payments on chosen days, returned payments.

    Amounts are tax-free so that an invoice of 1,000.00 leaves 1,000.00 on the receivable.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.currency = cls.company_data["currency"]

    @classmethod
    def _credit_user(cls, login, *group_xmlids, company=None, **values):
        """An internal user of ``company`` (default: the test company) with these groups."""
        company = company or cls.env.company
        return cls.env["res.users"].create(
            {
                "name": login.replace("_", " ").title(),
                "login": login,
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([cls.env.ref(xmlid).id for xmlid in group_xmlids])],
                **values,
            }
        )

    @classmethod
    def _credit_customer(cls, name, **values):
        return cls.env["res.partner"].create(
            {"name": name, "is_company": True, "customer_rank": 1, **values}
        )

    @classmethod
    def _credit_invoice(
        cls,
        partner,
        amount,
        invoice_date,
        due_date=None,
        currency=None,
        move_type="out_invoice",
        payment_term=None,
        post=True,
    ):
        """A customer invoice (or credit note) of ``amount`` without taxes.

        ``due_date`` defaults to ``invoice_date`` + 30 days unless ``payment_term`` is given.
        """
        values = {
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": invoice_date,
            "date": invoice_date,
            "currency_id": (currency or cls.currency).id,
            "invoice_line_ids": [
                Command.create(
                    {"name": "Consulting", "quantity": 1, "price_unit": amount, "tax_ids": []}
                )
            ],
        }
        if payment_term:
            values["invoice_payment_term_id"] = payment_term.id
        else:
            values["invoice_date_due"] = due_date or invoice_date + timedelta(days=30)
        move = cls.env["account.move"].create(values)
        if post:
            move.action_post()
        return move

    @classmethod
    def _credit_pay(cls, invoices, payment_date, amount=None):
        """Register a customer payment on ``invoices`` dated ``payment_date``.

        Without ``amount`` the invoices are paid in full; a smaller amount leaves them
        partially paid (the difference stays open).
        """
        values = {"payment_date": payment_date}
        if amount is not None:
            values.update(amount=amount, payment_difference_handling="open")
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(values)
        )
        return wizard._create_payments()

    @classmethod
    def _credit_return_payment(cls, payment, return_date):
        """The bank returns ``payment`` (an "insoluto"): reverse its entry, reopen the invoice."""
        reversal = payment.move_id._reverse_moves(
            [{"date": return_date, "ref": f"Returned: {payment.name}"}], cancel=True
        )
        return reversal

    @classmethod
    def _credit_history(cls, partner, items):
        """Invoices paid after given delays: ``items`` is a list of
        ``(amount, due_date, days_late)``; ``days_late`` None leaves the invoice unpaid.

        Each invoice is dated 30 days before its due date. Returns the invoices.
        """
        invoices = cls.env["account.move"]
        for amount, due_date, days_late in items:
            invoice = cls._credit_invoice(
                partner, amount, due_date - timedelta(days=30), due_date=due_date
            )
            if days_late is not None:
                cls._credit_pay(invoice, due_date + timedelta(days=days_late))
            invoices |= invoice
        return invoices


def days_ago(days, today=None):
    return (today or date.today()) - timedelta(days=days)
