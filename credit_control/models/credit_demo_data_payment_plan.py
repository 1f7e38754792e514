"""Demo payment plans in the Italian company: one active (first installments paid), one
completed and one broken. Loaded by ``demo/credit_payment_plan_demo.xml``."""

from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models

from ..core.dates import add_months

# (customer, [(amount, days overdue today)], installments, months back of the first date)
DEMO_PLANS = {
    "active": ("Edilizia Conti S.r.l.", [(3600.0, 95), (2400.0, 65)], 6, 2),
    "completed": ("Tipografia Marchetti S.n.c.", [(1800.0, 200)], 3, 5),
    "broken": ("Ristorante Da Bruno", [(4200.0, 160)], 6, 4),
}
DEMO_DETAILS = {
    "Edilizia Conti S.r.l.": ("Via dei Mille 21", "40121", "Bologna", "bo", "31459800378"),
    "Tipografia Marchetti S.n.c.": ("Via Saragozza 88", "40123", "Bologna", "bo", "22190450372"),
    "Ristorante Da Bruno": ("Via Indipendenza 7", "40121", "Bologna", "bo", "41833250373"),
}


class CreditDemoData(models.AbstractModel):
    _inherit = "credit.demo.data"

    @api.model
    def _demo_payment_plans(self):
        company = self._demo_company()
        today = fields.Date.context_today(self)
        # as the engine's own actions and daily update would write it (as superuser)
        Plan = self.env["credit.payment.plan"].sudo().with_company(company)
        plans = Plan.browse()
        for key, (name, invoices, count, months_back) in DEMO_PLANS.items():
            street, postcode, city, province, vat = DEMO_DETAILS[name]
            slug = name.split()[0].lower() + "-" + name.split()[1].lower().strip(".")
            partner = self.env["res.partner"].create(
                {
                    "name": name,
                    "is_company": True,
                    "customer_rank": 1,
                    "company_id": company.id,
                    "street": street,
                    "zip": postcode,
                    "city": city,
                    "state_id": self.env.ref(f"base.state_it_{province}").id,
                    "country_id": self.env.ref("base.it").id,
                    "vat": f"IT{vat}",
                    "lang": "it_IT" if self._it_lang() else "en_US",
                    "email": f"amministrazione@{slug}.example",
                }
            )
            moves = self._demo_overdue_invoices(company, partner, invoices, today)
            plan = Plan.create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "currency_id": company.currency_id.id,
                    "invoice_ids": [fields.Command.set(moves.ids)],
                    "installment_count": count,
                    "frequency": "monthly",
                    "first_date": today,
                    "grace_days": 10,
                    "misses_allowed": 1,
                }
            )
            plan._credit_accept(partner.name, method="manual")
            # the plan was agreed months ago: its schedule starts back then
            for installment in plan.installment_ids:
                installment.date_due = add_months(installment.date_due, -months_back)
            plan.accepted_on = fields.Datetime.to_datetime(add_months(today, -months_back))
            self.env["ir.model.data"]._update_xmlids(
                [
                    {
                        "xml_id": f"credit_control.demo_payment_plan_{key}",
                        "record": plan,
                        "noupdate": True,
                    }
                ]
            )
            # the customer paid the installments due so far (all of them when completed;
            # only the first when broken)
            paid = plan.installment_ids.filtered(lambda item: item.date_due <= today)
            if key == "broken":
                paid = paid[:1]
            if key == "completed":
                paid = plan.installment_ids
            for installment in paid:
                self._demo_plan_payment(company, moves, installment)
            plans |= plan
        # the engine's daily update: installments filled oldest first, states
        plans._credit_update_installments()
        self.env["credit.payment.plan.installment"].flush_model()
        return plans

    def _demo_plan_payment(self, company, moves, installment):
        """A customer payment of one installment, on its due date, matched with the
        invoices oldest first (as a bank reconciliation would)."""
        open_lines = moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        ).sorted(lambda line: (line.date_maturity, line.id))
        self._demo_customer_payment(
            company,
            installment.partner_id,
            min(installment.date_due, fields.Date.context_today(self)) - timedelta(days=1),
            installment.amount,
            installment.plan_id.name,
            open_lines,
            currency_id=installment.currency_id.id,
        )
