"""Demo collection cases in the Italian company: an agency and a lawyer with their
data-processing agreement, an agency without one, and a case in each state.

Loaded by ``demo/credit_collection_demo.xml`` only. The cases go through the engine's own
steps (create from the invoices, hand-off, payments, recall, close); where a step leaves
the case short of the state the demo shows (the agency reporting its work), the demo sets
it as the agency's statement would.
"""

from datetime import timedelta

from odoo import api
from odoo import fields
from odoo import models

# name, street, postcode, city, province, VAT (without its check digit), e-mail
DEMO_AGENCIES = {
    "agency": (
        "Recupero Crediti Emilia S.r.l.",
        "Via Guglielmo Marconi 30",
        "40122",
        "Bologna",
        "bo",
        "0412755037",
        "pratiche@recuperocreditiemilia.example",
    ),
    "lawyer": (
        "Studio Legale Avv. Chiara Conti",
        "Via Farini 10",
        "40124",
        "Bologna",
        "bo",
        "0298412037",
        "segreteria@studiolegaleconti.example",
    ),
    "no_dpa": (
        "Agenzia Nord Recuperi S.r.l.",
        "Corso Buenos Aires 77",
        "20124",
        "Milano",
        "mi",
        "0734120096",
        "info@nordrecuperi.example",
    ),
}

# key, debtor, (street, postcode, city, province, VAT without check digit),
# [(amount, days overdue)], what happens to the case
DEMO_DEBTORS = [
    (
        "draft",
        "Ceramiche Lombardi S.r.l.",
        ("Via Radici 21", "41049", "Sassuolo", "mo", "0281734036"),
        [(3660.0, 125)],
        "draft",
    ),
    (
        "handed_off",
        "Trasporti Moretti S.r.l.",
        ("Via Emilia Est 900", "41126", "Modena", "mo", "0367219036"),
        [(5490.0, 160), (1830.0, 130)],
        "handed_off",
    ),
    (
        "in_progress",
        "Serramenti Galli Snc",
        ("Via dell'Industria 5", "42015", "Correggio", "re", "0185623035"),
        [(2928.0, 190)],
        "in_progress",
    ),
    (
        "partly",
        "Ristorante Da Bruno",
        ("Via del Pratello 44", "40122", "Bologna", "bo", "0315549037"),
        [(1464.0, 210), (976.0, 180)],
        "partly_recovered",
    ),
    (
        "recovered",
        "Tessuti Marchetti S.p.A.",
        ("Via Roma 180", "59100", "Prato", "po", "0221076097"),
        [(7320.0, 240)],
        "recovered",
    ),
    (
        "recalled",
        "Mobilificio Rinaldi Srl",
        ("Via Nazionale 12", "61122", "Pesaro", "pu", "0267450041"),
        [(2440.0, 150)],
        "recalled",
    ),
    (
        "lawyer",
        "Elettronica Fontana S.r.l.",
        ("Via Stalingrado 60", "40128", "Bologna", "bo", "0349876037"),
        [(12200.0, 270)],
        "lawyer",
    ),
]


def partita_iva(first_ten):
    """The 11-digit Italian VAT number: the check digit completes the first ten.

    >>> partita_iva("0074311015")
    '00743110157'
    """
    total = 0
    for position, digit in enumerate(int(d) for d in first_ten):
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return first_ten + str((10 - total % 10) % 10)


class CreditDemoData(models.AbstractModel):
    _inherit = "credit.demo.data"

    @api.model
    def _demo_collection(self):
        company = self.env.ref("credit_control.demo_company_it", raise_if_not_found=False)
        if not company:
            return self.env["credit.collection.case"]
        today = fields.Date.context_today(self)
        agencies = {
            key: self._demo_collection_partner(company, key, values, today)
            for key, values in DEMO_AGENCIES.items()
        }
        cases = self.env["credit.collection.case"]
        for key, name, address, invoices, outcome in DEMO_DEBTORS:
            debtor = self._demo_collection_partner(
                company, f"debtor_{key}", (name, *address, None), today
            )
            moves = self._demo_overdue_invoices(company, debtor, invoices, today)
            agency = agencies["lawyer" if outcome == "lawyer" else "agency"]
            cases |= self._demo_collection_case(company, debtor, agency, moves, outcome, today)
        return cases

    def _demo_collection_partner(self, company, key, values, today):
        name, street, postcode, city, province, vat, email = values
        slug = "-".join(
            word.lower()
            for word in name.replace(".", "").replace("'", " ").split()
            if word.lower() not in ("srl", "spa", "snc", "s", "r", "l", "p", "a", "n", "c")
        )
        partner_values = {
            "name": name,
            "is_company": True,
            "company_id": company.id,
            "street": street,
            "zip": postcode,
            "city": city,
            "state_id": self.env.ref(f"base.state_it_{province}").id,
            "country_id": self.env.ref("base.it").id,
            "vat": f"IT{partita_iva(vat)}",
            "lang": "it_IT" if self._it_lang() else "en_US",
            "email": email or f"amministrazione@{slug}.example",
            "credit_pec_email": f"{slug}@pec.example",
        }
        if key in DEMO_AGENCIES:
            partner_values.update(
                credit_is_collection_agency=True,
                credit_collection_email=email,
                supplier_rank=1,
            )
        else:
            partner_values["customer_rank"] = 1
        partner = self.env["res.partner"].create(partner_values)
        self.env["ir.model.data"]._update_xmlids(
            [
                {
                    "xml_id": f"credit_control.demo_collection_{key}",
                    "record": partner,
                    "noupdate": True,
                }
            ]
        )
        if key in DEMO_AGENCIES:
            # the terms are agreed per company
            terms = {
                "agency": (15.0, 30.0, today - timedelta(days=400)),
                "lawyer": (0.0, 450.0, today - timedelta(days=700)),
                "no_dpa": (12.0, 0.0, False),
            }[key]
            partner.with_company(company).write(
                {
                    "credit_collection_commission_percent": terms[0],
                    "credit_collection_commission_fixed": terms[1],
                    "credit_collection_dpa_date": terms[2],
                }
            )
        return partner

    def _demo_collection_case(self, company, debtor, agency, moves, outcome, today):
        Case = self.env["credit.collection.case"].with_company(company)
        case = Case.create(
            {
                "partner_id": debtor.id,
                "agency_id": agency.id,
                "move_ids": [fields.Command.set(moves.ids)],
                "case_type": "lawyer" if outcome == "lawyer" else "agency",
            }
        )
        if outcome == "draft":
            return case
        case.action_hand_off()
        case.date_handed_off = today - timedelta(days=75)
        if outcome == "in_progress" and case.state == "handed_off":
            # the agency acknowledged the case and is working on it
            case.state = "in_progress"
        elif outcome == "partly_recovered":
            self._demo_collection_pay(company, moves[:1], today - timedelta(days=20))
            self._demo_collection_settle(case, "partly_recovered")
        elif outcome == "recovered":
            self._demo_collection_pay(company, moves, today - timedelta(days=15))
            if case.state != "closed":
                case.action_close_recovered()
            self._demo_collection_settle(case, "closed")
        elif outcome == "recalled":
            case.action_recall("Il cliente ha proposto un piano di rientro: pratica ritirata.")
        elif outcome == "lawyer":
            case.write(
                {
                    "state": "in_progress" if case.state == "handed_off" else case.state,
                    "credit_court_reference": "R.G. 4512/2026 - Tribunale di Bologna",
                    "date_injunction": today - timedelta(days=30),
                    "date_injunction_notified": today - timedelta(days=18),
                }
            )
        return case

    def _demo_collection_pay(self, company, moves, day):
        Register = self.env["account.payment.register"].with_company(company)
        Register.with_context(active_model="account.move", active_ids=moves.ids).create(
            {"payment_date": day}
        )._create_payments()

    def _demo_collection_settle(self, case, state):
        """What the engine books on a payment (the recovered amount, the commission), for a
        case it left untouched."""
        if case.amount_recovered:
            return
        recovered = sum(case.move_ids.mapped("amount_total")) - sum(
            case.move_ids.mapped("amount_residual")
        )
        agency = case.agency_id.with_company(case.company_id)
        commission = (
            recovered * agency.credit_collection_commission_percent / 100
            + agency.credit_collection_commission_fixed
        )
        values = {
            "amount_recovered": case.currency_id.round(recovered),
            "commission_amount": case.currency_id.round(commission),
        }
        if case.state != state:
            values["state"] = state
        case.write(values)
