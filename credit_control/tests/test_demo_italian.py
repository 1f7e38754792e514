"""The Italian demo company looks Italian: euros, Italy as fiscal country, Italian-speaking
customers with full addresses, VAT numbers and PEC, its e-invoices and letters."""

from datetime import datetime
from datetime import time
from datetime import timedelta

from odoo.tests import TransactionCase
from odoo.tests import tagged


def partita_iva_is_valid(vat):
    """The check digit of an Italian VAT number (11 digits): digits in odd places add up,
    digits in even places are doubled (less 9 above 9); the last digit completes the sum
    to a multiple of 10. IT00743110157: 0+0+4+2+1+2+0 ... gives 7."""
    digits = vat.removeprefix("IT")
    if len(digits) != 11 or not digits.isdigit():
        return False
    total = 0
    for position, digit in enumerate(int(d) for d in digits[:10]):
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return (10 - total % 10) % 10 == int(digits[10])


@tagged("post_install", "-at_install")
class TestItalianDemo(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("credit_control.demo_company_it", raise_if_not_found=False)
        if not cls.company:
            cls.skipTest(cls, "demo data not installed")

    def _italian_customers(self):
        names = [
            "Acciaierie Bianchi S.p.A.",
            "Impianti Colombo S.r.l.",
            "Laboratori Ricci",
            "Officine Puntuali S.r.l.",
            "Edilizia Insolvente S.r.l.",
            "Bianchi Arredamenti Srl",
            "Rossetti Forniture Srl",
            "Bianchi Impianti Snc",
        ]
        partners = self.env["res.partner"].search([("name", "in", names)])
        self.assertEqual(len(partners), len(names))
        return partners

    def test_the_check_digit_rule_itself(self):
        self.assertTrue(partita_iva_is_valid("IT00743110157"))
        self.assertFalse(partita_iva_is_valid("IT00743110158"))

    def test_the_company_is_italian_and_in_euros(self):
        self.assertEqual(self.company.currency_id, self.env.ref("base.EUR"))
        self.assertEqual(self.company.country_id.code, "IT")
        self.assertEqual(self.company.account_fiscal_country_id.code, "IT")
        self.assertEqual(self.company.city, "Bologna")

    def test_the_administrator_lands_in_the_italian_company(self):
        self.assertEqual(self.env.ref("base.user_admin").company_id, self.company)

    def test_customers_speak_italian_with_full_address_vat_and_pec(self):
        for partner in self._italian_customers():
            with self.subTest(partner=partner.name):
                self.assertEqual(partner.lang, "it_IT")
                self.assertEqual(partner.country_id.code, "IT")
                self.assertTrue(partner.street and partner.zip and partner.city)
                self.assertEqual(partner.state_id.country_id.code, "IT")
                self.assertTrue(partita_iva_is_valid(partner.vat or ""), partner.vat)
                self.assertRegex(partner.credit_pec_email or "", r"^[^@\s]+@[^@\s]*pec[^@\s]*$")

    def test_invoices_letters_and_e_invoices_belong_to_the_italian_company(self):
        for name in (
            "Bianchi Arredamenti Srl",
            "Officine Puntuali S.r.l.",
            "Rossetti Forniture Srl",
        ):
            moves = self.env["account.move"].search(
                [("partner_id.name", "=", name), ("move_type", "=", "out_invoice")]
            )
            self.assertTrue(moves, name)
            self.assertEqual(moves.company_id, self.company, name)
            self.assertEqual(moves.currency_id, self.env.ref("base.EUR"), name)
        rejected = self.env["account.move"].search([("credit_einvoice_state", "=", "rejected")])
        self.assertTrue(rejected)
        self.assertEqual(rejected.company_id, self.company)

    def test_italian_letters_claim_forty_euros_not_dollars(self):
        letter = self.env["credit.dunning.letter"].search(
            [("partner_id.name", "=", "Rossetti Forniture Srl")]
        )
        self.assertEqual(letter.company_id, self.company)
        self.assertEqual(letter.currency_id, self.env.ref("base.EUR"))
        # the first run proposes a first reminder: the ladder claims the EUR 40 from the
        # formal notice on
        self.assertEqual(letter.level_id.name, "First reminder")
        self.assertEqual(letter.compensation_amount, 0.0)
        # climb the ladder: each letter sent (recorded as the sending would, and dated back
        # so that the next run, today, may follow it), until the formal notice
        today = letter.date
        for back in (45, 30, 15):
            sent_on = today - timedelta(days=back)
            letter.sudo().write(
                {"state": "sent", "date": sent_on, "sent_date": datetime.combine(sent_on, time())}
            )
            wizard = (
                self.env["credit.dunning.run.wizard"]
                .with_company(self.company)
                .create({"date": today, "company_id": self.company.id})
            )
            run = self.env["credit.dunning.run"].browse(wizard.action_start()["res_id"])
            letter = run.letter_ids.filtered(
                lambda x: x.partner_id.name == "Rossetti Forniture Srl"
            )
            if letter.level_id.charge_compensation:
                break
        self.assertEqual(letter.level_id.name, "Formal notice")
        self.assertEqual(letter.currency_id, self.env.ref("base.EUR"))
        # two of its three invoices are past due (52 and 14 days at install): EUR 40 each,
        # in euros (the company's currency), not converted into dollars
        self.assertEqual(letter.compensation_amount, 80.0)

    def test_the_english_example_stays_in_the_main_company(self):
        letter = self.env["credit.dunning.letter"].search(
            [("partner_id.name", "=", "Brown & Sons Ltd")]
        )
        self.assertEqual(letter.company_id, self.env.ref("base.main_company"))
        self.assertEqual(letter.partner_id.lang, "en_US")

    def test_no_demo_letter_is_in_error(self):
        errors = self.env["credit.dunning.letter"].search([("state", "=", "error")])
        self.assertFalse(errors, errors.mapped("error_message"))
