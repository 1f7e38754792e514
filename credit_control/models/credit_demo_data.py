"""Demo customers with 24 months of invoices and payments, dated from the install day.

Each customer follows a payment profile; a seeded random generator makes the history
the same on every install. Loaded by ``demo/credit_control_demo.xml`` only.
"""

import random
from collections import defaultdict
from datetime import timedelta

from odoo import Command
from odoo import api
from odoo import fields
from odoo import models

from ..core.dates import add_months

HISTORY_MONTHS = 24

# (xml id suffix, name, company, profile, base amount, options)
# options: "partial" leaves the last paid invoice half paid, "credit_note" adds a credit
# note, "installments" uses 30/60/90 terms, "currency" invoices in a foreign currency,
# "returned" has a payment bounce, "email" False leaves the customer without e-mail.
DEMO_CUSTOMERS = [
    ("reliable_1", "Alpine Tools Ltd", "main", "reliable", 2400, {}),
    ("reliable_2", "Brightwater Foods Inc", "main", "reliable", 5200, {"credit_note": True}),
    ("reliable_3", "Cedar Office Supply", "main", "reliable", 800, {"installments": True}),
    ("reliable_4", "Delta Logistics GmbH", "main", "reliable", 3900, {"currency": "EUR"}),
    ("reliable_5", "Evergreen Health Clinics", "main", "reliable", 1500, {}),
    ("sometimes_late_1", "Fjord Marine Supplies", "main", "sometimes_late", 2900, {}),
    ("sometimes_late_2", "Granite Works Co", "main", "sometimes_late", 6100, {"partial": True}),
    ("sometimes_late_3", "Harbor Print Shop", "main", "sometimes_late", 700, {"email": False}),
    (
        "sometimes_late_4",
        "Ironclad Security",
        "main",
        "sometimes_late",
        3300,
        {"installments": True},
    ),
    ("habitually_late_1", "Juniper Events LLC", "main", "habitually_late", 1800, {}),
    ("habitually_late_2", "Keystone Builders", "main", "habitually_late", 7400, {"partial": True}),
    ("habitually_late_3", "Lakeside Restaurants", "main", "habitually_late", 1200, {}),
    ("worsening_1", "Meridian Retail Group", "main", "worsening", 4400, {}),
    ("improving_1", "Northwind Traders", "main", "improving", 2600, {}),
    ("defaulting_1", "Orbit Media Ltd", "main", "defaulting", 3100, {"returned": True}),
    ("defaulting_2", "Pinnacle Fitness", "main", "defaulting", 950, {}),
    ("defaulting_3", "Quartz Gallery", "main", "defaulting", 5600, {"currency": "EUR"}),
    ("new_1", "Redwood Startups Inc", "main", "new", 1900, {}),
    ("reliable_6", "Acciaierie Bianchi S.p.A.", "it", "reliable", 8300, {}),
    ("reliable_7", "Bottega Verdi S.n.c.", "it", "reliable", 650, {"installments": True}),
    ("reliable_8", "Cantina Colli Euganei", "it", "reliable", 2100, {"credit_note": True}),
    ("sometimes_late_5", "Distribuzione Esposito S.r.l.", "it", "sometimes_late", 3700, {}),
    ("sometimes_late_6", "Edilizia Ferraro S.r.l.", "it", "sometimes_late", 9900, {}),
    ("habitually_late_4", "Farmacia Gallo", "it", "habitually_late", 1300, {}),
    (
        "habitually_late_5",
        "Grafiche Romano S.r.l.",
        "it",
        "habitually_late",
        2800,
        {"partial": True},
    ),
    ("worsening_2", "Hotel Lago Maggiore", "it", "worsening", 4200, {}),
    ("defaulting_4", "Impianti Colombo S.r.l.", "it", "defaulting", 6700, {"returned": True}),
    ("defaulting_5", "Laboratori Ricci", "it", "defaulting", 1600, {"email": False}),
    ("reliable_9", "Moda Marino S.r.l.", "it", "reliable", 3500, {"currency": "USD"}),
    ("new_2", "Nautica Greco", "it", "new", 2300, {}),
]

# Days late drawn per profile; None leaves the invoice unpaid.
PROFILE_DELAYS = {
    "reliable": lambda rng, share: rng.randint(-4, 2),
    "sometimes_late": lambda rng, share: (
        rng.randint(6, 25) if rng.random() < 0.3 else rng.randint(-2, 3)
    ),
    "habitually_late": lambda rng, share: rng.randint(25, 75),
    "worsening": lambda rng, share: rng.randint(-2, 3) if share < 0.7 else rng.randint(35, 80),
    "improving": lambda rng, share: rng.randint(30, 60) if share < 0.6 else rng.randint(-3, 2),
    "defaulting": lambda rng, share: rng.randint(20, 70) if share < 0.5 else None,
    "new": lambda rng, share: rng.randint(-2, 5),
}


class CreditDemoData(models.AbstractModel):
    _name = "credit.demo.data"
    _description = "Credit Control Demo Data Generator"

    @api.model
    def _generate(self):
        today = fields.Date.context_today(self)
        self._demo_italian()
        companies = {"main": self.env.ref("base.main_company"), "it": self._demo_company_it()}
        customers = defaultdict(lambda: self.env["res.partner"])
        for key, name, company_key, profile, amount, options in DEMO_CUSTOMERS:
            company = companies[company_key]
            env = self.with_company(company).env
            partner = self._demo_customer(env, key, name, company, options)
            self._demo_history(env, partner, profile, amount, options, today, seed=key)
            customers[company] |= partner
        for company, partners in customers.items():
            partners.with_company(company).credit_update_scores()

    def _demo_italian(self):
        """Italian customers read their letters in Italian: activate the language with the
        installed modules' translations (this add-on's own load at the end of its install)."""
        if not self.env["res.lang"]._activate_lang("it_IT"):
            return
        installed = self.env["ir.module.module"].search([("state", "=", "installed")])
        installed._update_translations(["it_IT"])

    def _demo_company_it(self):
        """An Italian company with the generic chart of accounts.

        Created here rather than in XML: creating a company with a country installs that
        country's localisation, and the demo must not add modules to the database.
        """
        company = (
            self.env["res.company"]
            .with_context(chart_template_load=True)
            .create(
                {
                    "name": "Rossi Forniture S.r.l.",
                    "country_id": self.env.ref("base.it").id,
                    "currency_id": self.env.ref("base.EUR").id,
                    "street": "Via Roma 12",
                    "city": "Bologna",
                    "zip": "40121",
                    "vat": "IT01234567890",
                    "email": "amministrazione@rossiforniture.example.com",
                }
            )
        )
        self.env["ir.model.data"]._update_xmlids(
            [{"xml_id": "credit_control.demo_company_it", "record": company, "noupdate": True}]
        )
        self.env.ref("base.user_admin").company_ids += company
        # _load, not try_loading: the registry is still loading while demo data installs
        self.env["account.chart.template"]._load("generic_coa", company, install_demo=False)
        return company

    def _demo_customer(self, env, key, name, company, options):
        country = self.env.ref("base.it") if company.country_id.code == "IT" else company.country_id
        slug = key.replace("_", "-")
        partner = env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "company_id": company.id,
                "country_id": country.id,
                "customer_rank": 1,
                "lang": "it_IT" if company.country_id.code == "IT" and self._it_lang() else "en_US",
                "email": f"accounts@{slug}.example.com" if options.get("email", True) else False,
            }
        )
        self.env["ir.model.data"]._update_xmlids(
            [{"xml_id": f"credit_control.demo_customer_{key}", "record": partner, "noupdate": True}]
        )
        return partner

    def _it_lang(self):
        return bool(self.env["res.lang"].search([("code", "=", "it_IT"), ("active", "=", True)]))

    def _demo_history(self, env, partner, profile, amount, options, today, seed):
        """An invoice every other month (new customers: every month of the last three) with
        payments after the delays of the profile."""
        rng = random.Random(seed)
        months = 3 if profile == "new" else HISTORY_MONTHS
        currency = env.company.currency_id
        if options.get("currency"):
            currency = self.env.ref(f"base.{options['currency']}")
            currency.active = True
        term = options.get("installments") and self.env.ref(
            "credit_control.demo_payment_term_30_60_90"
        )
        plans = []
        for month in range(months, 0, -1 if profile == "new" else -2):
            invoice_date = add_months(today, -month) + timedelta(days=rng.randint(0, 20))
            share = (months - month) / months  # 0 at the oldest invoice, near 1 at the newest
            plans.append(
                {
                    "invoice_date": invoice_date,
                    "amount": round(amount * rng.uniform(0.6, 1.4), -1),
                    "days_late": PROFILE_DELAYS[profile](rng, share),
                }
            )
        invoices = env["account.move"].create(
            [self._demo_invoice_values(partner, plan, currency, term) for plan in plans]
        )
        invoices.action_post()
        payments = self._demo_payments(env, invoices, plans, today, options)
        if options.get("returned") and payments:
            payment = payments[len(payments) // 2]
            payment.move_id._reverse_moves(
                [{"date": payment.date + timedelta(days=12), "ref": f"Returned: {payment.name}"}],
                cancel=True,
            )
        if options.get("credit_note"):
            self._demo_credit_note(env, invoices[-1], currency)

    def _demo_invoice_values(self, partner, plan, currency, term):
        values = {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": plan["invoice_date"],
            "date": plan["invoice_date"],
            "currency_id": currency.id,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Supplies and services",
                        "quantity": 1,
                        "price_unit": plan["amount"],
                        "tax_ids": [],
                    }
                )
            ],
        }
        if term:
            values["invoice_payment_term_id"] = term.id
        else:
            values["invoice_date_due"] = plan["invoice_date"] + timedelta(days=30)
        return values

    def _demo_payments(self, env, invoices, plans, today, options):
        """Pay each installment on its due date + the invoice's delay, unless that day is
        still to come. Payments are created and posted in one batch, then matched one by one.
        """
        paid = []  # (receivable line, payment day)
        for invoice, plan in zip(invoices, plans, strict=True):
            if plan["days_late"] is None:
                continue
            for line in invoice.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).sorted("date_maturity"):
                day = line.date_maturity + timedelta(days=plan["days_late"])
                if day < today:
                    paid.append((line, day))
        if not paid:
            return env["account.payment"]
        half_paid = paid[-1][0] if options.get("partial") else None
        journal = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1
        )
        payments = env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": line.partner_id.id,
                    "journal_id": journal.id,
                    "currency_id": line.currency_id.id,
                    "date": day,
                    "memo": line.move_id.name,
                    "amount": line.amount_currency / (2 if line == half_paid else 1),
                }
                for line, day in paid
            ]
        )
        payments.action_post()
        for payment, (line, _day) in zip(payments, paid, strict=True):
            (payment.move_id.line_ids | line).filtered(
                lambda item: (
                    item.account_id.account_type == "asset_receivable" and not item.reconciled
                )
            ).reconcile()
        return payments

    def _demo_credit_note(self, env, invoice, currency):
        """A credit note for a tenth of the customer's last invoice, matched against it."""
        credit_note = env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "invoice_date": invoice.invoice_date + timedelta(days=3),
                "currency_id": currency.id,
                "reversed_entry_id": invoice.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Discount for damaged goods",
                            "quantity": 1,
                            "price_unit": currency.round(invoice.amount_total / 10),
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        credit_note.action_post()
        receivables = (invoice | credit_note).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        if invoice.payment_state not in ("paid", "in_payment"):
            receivables.reconcile()
