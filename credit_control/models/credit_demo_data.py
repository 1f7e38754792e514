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

from ..core import dates
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

# The Italian company's customers as an Italian credit controller knows them: full address
# (street, postcode, city, province), partita IVA (with its check digit) and PEC address.
ITALIAN_DETAILS = {
    "Acciaierie Bianchi S.p.A.": (
        "Via della Siderurgia 8",
        "25125",
        "Brescia",
        "bs",
        "64330120375",
    ),
    "Bottega Verdi S.n.c.": ("Via Santo Stefano 41", "40125", "Bologna", "bo", "35308290150"),
    "Cantina Colli Euganei": ("Via dei Colli 112", "35038", "Torreglia", "pd", "76240390583"),
    "Distribuzione Esposito S.r.l.": ("Via Argine 310", "80147", "Napoli", "na", "18101110015"),
    "Edilizia Ferraro S.r.l.": ("Corso Francia 215", "10138", "Torino", "to", "22152790170"),
    "Farmacia Gallo": ("Piazza Maggiore 3", "40124", "Bologna", "bo", "99906080280"),
    "Grafiche Romano S.r.l.": ("Via Emilia Ponente 72", "40133", "Bologna", "bo", "25792400480"),
    "Hotel Lago Maggiore": ("Lungolago Cadorna 14", "28838", "Stresa", "vb", "71352410634"),
    "Impianti Colombo S.r.l.": ("Via Lorenteggio 240", "20147", "Milano", "mi", "19730600210"),
    "Laboratori Ricci": ("Via Massarenti 9", "40138", "Bologna", "bo", "95133580233"),
    "Moda Marino S.r.l.": ("Via della Spiga 26", "20121", "Milano", "mi", "46020370121"),
    "Nautica Greco": ("Calata Marinai d'Italia 5", "16128", "Genova", "ge", "16290720362"),
    "Rossetti Forniture Srl": ("Via Ferrarese 155", "40128", "Bologna", "bo", "24419550983"),
    "Bianchi Impianti Snc": ("Via Emilia 88", "41121", "Modena", "mo", "82753670346"),
    "Verdi Logistica SpA": ("Via del Lavoro 17", "43122", "Parma", "pr", "80157640469"),
    "Neri Costruzioni Srl": ("Viale Europa 61", "42124", "Reggio Emilia", "re", "21719790426"),
    "Gialli Arredamenti Srl": ("Via Indipendenza 30", "40121", "Bologna", "bo", "04123450373"),
    "Marrone Edilizia Srl": ("Via Mazzini 144", "40137", "Bologna", "bo", "02987650377"),
}

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
                    "state_id": self.env.ref("base.state_it_bo").id,
                    "vat": "IT01234567890",
                    "email": "amministrazione@rossiforniture.example.com",
                }
            )
        )
        self.env["ir.model.data"]._update_xmlids(
            [
                {"xml_id": "credit_control.demo_company_it", "record": company, "noupdate": True},
                {
                    "xml_id": "credit_control.demo_company_it_partner",
                    "record": company.partner_id,
                    "noupdate": True,
                },
            ]
        )
        admin = self.env.ref("base.user_admin")
        admin.company_ids += company
        # _load, not try_loading: the registry is still loading while demo data installs
        self.env["account.chart.template"]._load("generic_coa", company, install_demo=False)
        self._demo_make_italian(company)
        # the Italian example is the one the product is about: the administrator opens it
        admin.company_id = company
        return company

    def _demo_make_italian(self, company):
        """The generic chart is American (US fiscal country, so USD): make the company
        Italian again, in euros, without installing the Italian localisation (the demo
        must not add modules). Its taxes follow the fiscal country, or invoices could not
        use them; a rate for the US dollar lets it invoice the demo's American customer."""
        italy = self.env.ref("base.it")
        taxes = self.env["account.tax"].with_context(active_test=False)
        taxes = taxes.search([("company_id", "=", company.id)])
        taxes.tax_group_id.country_id = italy
        taxes.country_id = italy
        company.write(
            {"currency_id": self.env.ref("base.EUR").id, "account_fiscal_country_id": italy.id}
        )
        self.env["res.currency.rate"].create(
            {
                "currency_id": self.env.ref("base.USD").id,
                "company_id": company.id,
                "name": add_months(fields.Date.context_today(self), -HISTORY_MONTHS - 2),
                "company_rate": 1.08,
            }
        )

    def _demo_customer(self, env, key, name, company, options):
        italian = company.country_id.code == "IT"
        slug = key.replace("_", "-")
        values = {
            "name": name,
            "is_company": True,
            "company_id": company.id,
            "country_id": company.country_id.id,
            "customer_rank": 1,
            "lang": "it_IT" if italian and self._it_lang() else "en_US",
            "email": f"accounts@{slug}.example.com" if options.get("email", True) else False,
        }
        if italian:
            values.update(self._demo_italian_details(name, email=options.get("email", True)))
        partner = env["res.partner"].create(values)
        self.env["ir.model.data"]._update_xmlids(
            [{"xml_id": f"credit_control.demo_customer_{key}", "record": partner, "noupdate": True}]
        )
        return partner

    @api.model
    def _demo_italian_details(self, name, email=True):
        """Address, VAT number, e-mail and PEC of an Italian demo customer."""
        street, postcode, city, province, vat = ITALIAN_DETAILS[name]
        slug = "-".join(
            word.lower()
            for word in name.replace(".", "").replace("'", " ").split()
            if word.lower() not in ("srl", "spa", "snc", "s", "r", "l", "p", "a", "n", "c")
        )
        return {
            "street": street,
            "zip": postcode,
            "city": city,
            "state_id": self.env.ref(f"base.state_it_{province}").id,
            "country_id": self.env.ref("base.it").id,
            "vat": f"IT{vat}",
            "lang": "it_IT" if self._it_lang() else "en_US",
            "email": f"amministrazione@{slug}.example" if email else False,
            "credit_pec_email": f"{slug}@pec.example",
        }

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

    # ------------------------------------------------------------------
    # E-invoices and dunning, in the Italian company
    # ------------------------------------------------------------------

    @api.model
    def _demo_company(self):
        """The Italian demo company; the main one when it is missing (a partial demo)."""
        return self.env.ref("credit_control.demo_company_it", raise_if_not_found=False) or (
            self.env.ref("base.main_company")
        )

    @api.model
    def _demo_sdi(self, partner_ids):
        """E-invoices and SdI notifications belong to the Italian company (the seller whose
        VAT number names the files)."""
        Notification = self.env["credit.sdi.notification"].with_company(self._demo_company())
        return Notification._credit_demo_load(partner_ids)

    @api.model
    def _demo_dunning(self):
        """Customers with overdue invoices (one without e-mail, one paused, one disputed
        invoice) and today's run of each company with its letters: the Italian ones in
        the Italian company, in euros; an English one in the main company."""
        self.env["res.lang"]._activate_lang("it_IT")
        today = fields.Date.context_today(self)
        Rate = self.env["credit.interest.rate"]
        current = dates.half_year_start(today)
        if not Rate.search_count([("period_start", "=", current)]):
            # the shipped table ends with the last published half-year
            Rate.create(
                {
                    "period_start": current,
                    "ecb_rate": 2.15,
                    "rate": 10.15,
                    "source": "Demo value: replace it with the Ministry's notice",
                }
            )
        italian = [
            # name, e-mail, [(amount, days late)], extra values
            ("Rossetti Forniture Srl", True, [(2440.0, 52), (610.0, 14), (1220.0, -3)], {}),
            ("Bianchi Impianti Snc", False, [(732.0, 12)], {}),
            (
                "Verdi Logistica SpA",
                True,
                [(3050.0, 27)],
                {"credit_dunning_pause_until": today + timedelta(days=10)},
            ),
            ("Neri Costruzioni Srl", True, [(4880.0, 40)], {}),
        ]
        runs = self.env["credit.dunning.run"]
        company = self._demo_company()
        self._demo_dunning_history(company, today)
        partners = self.env["res.partner"]
        for name, email, invoices, extra in italian:
            values = {
                "name": name,
                "is_company": True,
                "customer_rank": 1,
                "company_id": company.id,
                **extra,
            }
            values.update(self._demo_italian_details(name, email=email))
            partner = self.env["res.partner"].create(values)
            self._demo_overdue_invoices(company, partner, invoices, today)
            partners |= partner
        # a disputed invoice: excluded from dunning with its reason
        disputed = self.env["account.move"].search([("partner_id", "=", partners[3].id)], limit=1)
        disputed.write(
            {
                "credit_dunning_excluded": True,
                "credit_dunning_exclusion_reason": "Contestata: merce consegnata danneggiata",
            }
        )
        runs |= self._demo_dunning_run(company, today)

        main = self.env.ref("base.main_company")
        english = self.env["res.partner"].create(
            {
                "name": "Brown & Sons Ltd",
                "lang": "en_US",
                "email": "accounts@brownsons.example",
                "is_company": True,
                "customer_rank": 1,
                "street": "12 Harbour Road",
                "city": "Bristol",
                "zip": "BS1 5TR",
                "country_id": self.env.ref("base.uk").id,
            }
        )
        self._demo_overdue_invoices(main, english, [(1830.0, 80), (915.0, 30)], today)
        return runs | self._demo_dunning_run(main, today)

    def _demo_dunning_history(self, company, today):
        """Last month's letters and what came of them, for the "Dunning Effectiveness"
        report: two customers reminded 40 days ago (printed letters), one paid in full 10
        days later, the other half of it after 35 days."""
        letter_day = today - timedelta(days=40)
        outcomes = {}  # partner: (days after the letter, share paid)
        for name, days_after, share in (
            ("Gialli Arredamenti Srl", 10, 1.0),
            ("Marrone Edilizia Srl", 35, 0.5),
        ):
            values = {"name": name, "is_company": True, "customer_rank": 1}
            values.update(company_id=company.id, **self._demo_italian_details(name))
            partner = self.env["res.partner"].create(values)
            self._demo_overdue_invoices(company, partner, [(1830.0, 60)], today)
            outcomes[partner] = (days_after, share)
        run = self.env["credit.dunning.run"].with_company(company)
        run = run.create({"company_id": company.id, "date": letter_day})
        run.action_compute()
        partners = self.env["res.partner"].browse(partner.id for partner in outcomes)
        # the other customers' letters of that day would tell a story nobody sent
        (run.letter_ids - run.letter_ids.filtered(lambda x: x.partner_id in partners)).unlink()
        letters = run.letter_ids
        letters.write({"send_email": False, "send_pec": False, "print_letter": True})
        letters.action_send()
        letters.flush_recordset()
        self.env.cr.execute(
            "UPDATE credit_dunning_letter SET sent_date = %s WHERE id = ANY(%s)",
            [fields.Datetime.to_datetime(letter_day), letters.ids],
        )
        letters.invalidate_recordset(["sent_date"])
        for letter in letters:
            days_after, share = outcomes[letter.partner_id]
            receivable = letter.line_ids.move_line_id
            self._demo_customer_payment(
                company,
                letter.partner_id,
                letter_day + timedelta(days=days_after),
                sum(receivable.mapped("amount_residual")) * share,
                receivable.move_id.name,
                receivable,
            )

    def _demo_customer_payment(self, company, partner, date, amount, memo, receivables, **values):
        """A posted customer payment into the company's bank, matched with the open
        ``receivables`` in their order (as a bank reconciliation would)."""
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        payment = (
            self.env["account.payment"]
            .with_company(company)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "date": date,
                    "memo": memo,
                    "amount": amount,
                    **values,
                }
            )
        )
        payment.action_post()
        (payment.move_id.line_ids | receivables).filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()
        return payment

    def _demo_overdue_invoices(self, company, partner, invoices, today):
        Move = self.env["account.move"].with_company(company)
        journal = Move.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        moves = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "invoice_date": today - timedelta(days=days_late + 30),
                    "invoice_date_due": today - timedelta(days=days_late),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Forniture / Supplies",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
                for amount, days_late in invoices
            ]
        )
        moves.with_context(credit_hold_checked=True).action_post()
        return moves

    def _demo_dunning_run(self, company, today):
        # letters are proposed, not sent: sending renders PDFs, which needs a running
        # server for the styles (and the user's eye first)
        run = self.env["credit.dunning.run"].with_company(company)
        run = run.create({"company_id": company.id, "date": today})
        run.action_compute()
        return run
