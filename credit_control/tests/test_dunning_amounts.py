"""Amounts on letters, each rule as a small story with the numbers worked by hand.

Most stories use a contractual rate of 36.5 % a year: on 1,000.00 that is exactly
1.00 a day (1,000 x 36.5 % / 365), so every figure can be checked at a glance.
"""

from datetime import date
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_dunning import TestDunningCommon

DUE = date(2025, 9, 30)


def day(days_late):
    """The day ``days_late`` days after the due date of the stories."""
    return DUE + timedelta(days=days_late)


@tagged("post_install", "-at_install")
class TestDunningAmounts(TestDunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.daily = cls._story_policy("One a day", "contractual", 36.5)
        cls.statutory = cls._story_policy("Statutory", "statutory")

    @classmethod
    def _story_policy(cls, name, interest_type, rate=0.0):
        """Three levels a letter climbs one at a time: a formal notice at 10 days (interest
        and EUR 40), a final notice at 20 (interest only), an agency hand-off at 30."""
        common = {"charge_interest": True, "review": True, "min_days_since_last": 0}
        return cls.env["credit.dunning.policy"].create(
            {
                "name": name,
                "interest_type": interest_type,
                "contractual_rate": rate,
                "level_ids": [
                    Command.create(
                        {
                            **common,
                            "name": "Notice",
                            "days": 10,
                            "stage": "formal_notice",
                            "charge_compensation": True,
                            "letter_text": "<p>Formal notice: interest under D.Lgs. 231/2002 "
                            "art. 5 and EUR 40 under art. 6.</p>",
                        }
                    ),
                    Command.create(
                        {
                            **common,
                            "name": "Final",
                            "days": 20,
                            "stage": "final_notice",
                            "payment_days": 15,
                            "send_letter": True,
                        }
                    ),
                    Command.create(
                        {
                            **common,
                            "name": "Agency",
                            "days": 30,
                            "stage": "agency",
                            "send_email": False,
                            "send_letter": True,
                        }
                    ),
                ],
            }
        )

    def _levels(self, policy):
        return policy.level_ids.sorted("days")

    def _story_customer(self, name, policy=None, **values):
        return self._customer(name, credit_dunning_policy_id=(policy or self.daily).id, **values)

    def _story_invoice(self, partner, amount=1000.0):
        return self._credit_invoice(partner, amount, DUE - timedelta(days=30), due_date=DUE)

    def _html(self, letter):
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html("credit_control.report_dunning_letter", letter.ids)[0]
            .decode()
        )

    def _receivable(self, moves):
        return moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    # ------------------------------------------------------------------
    # Who owes what
    # ------------------------------------------------------------------

    def test_debtor_type_follows_what_odoo_knows_and_only_a_manager_changes_it(self):
        Partner = self.env["res.partner"]
        shop = Partner.create({"name": "Negozio Srl", "is_company": True})
        plumber = Partner.create({"name": "Idraulico Rossi", "vat": "IT01234567897"})
        mario = Partner.create({"name": "Mario Bianchi"})
        self.assertEqual(shop.credit_debtor_type, "business")
        self.assertEqual(plumber.credit_debtor_type, "business", "a person with a VAT number")
        self.assertEqual(mario.credit_debtor_type, "consumer")
        # a contact of a company owes as its company
        contact = Partner.create({"name": "Anna", "parent_id": shop.id})
        self.assertEqual(contact._credit_debtor_type(), "business")

        controller = self._credit_user(
            "credit_ugo", "credit_control.group_credit_user", "base.group_partner_manager"
        )
        with self.assertRaisesRegex(AccessError, "Only a credit manager"):
            mario.with_user(controller).write({"credit_debtor_type": "business"})
        # a form that only follows the company flag is not a change of debtor type
        mario.with_user(controller).write({"is_company": True, "credit_debtor_type": "business"})
        self.assertEqual(mario.credit_debtor_type, "business")

        manager = self._credit_user(
            "credit_maria", "credit_control.group_credit_manager", "base.group_partner_manager"
        )
        shop.with_user(manager).credit_debtor_type = "public_administration"
        self.assertEqual(shop.credit_debtor_type, "public_administration")

    def test_a_consumer_never_gets_the_decree_and_legal_interest_only_by_choice(self):
        consumer = self._story_customer("Mario Rossi", self.statutory, is_company=False)
        business = self._story_customer("Rossi Srl", self.statutory)
        for partner in consumer | business:
            self._story_invoice(partner)
        run = self._run(day(15))
        consumer_letter, business_letter = (
            self._letter_of(run, consumer),
            self._letter_of(run, business),
        )
        self.assertEqual(consumer_letter.debtor_type, "consumer")
        # business: 15 d x 1,000 x 10.15 % (H2 2025) / 365 = 4.17, and the EUR 40
        self.assertAlmostEqual(business_letter.interest_amount, 4.17)
        self.assertAlmostEqual(business_letter.compensation_amount, 40.0)
        # consumer: neither, and no word of the decree on the letter
        self.assertAlmostEqual(consumer_letter.interest_amount, 0.0)
        self.assertAlmostEqual(consumer_letter.compensation_amount, 0.0)
        self.assertAlmostEqual(consumer_letter.amount_total, 1000.0)
        html = self._html(consumer_letter)
        self.assertNotIn("231/2002", html)
        self.assertIn("1219", html)

        # the policy claims legal interest from consumers: 2025's legal rate is 2.00 %
        consumer_letter.action_cancel()
        self.statutory.consumer_legal_interest = True
        letter = self._letter_of(self._run(day(15)), consumer)
        # 15 d x 1,000 x 2.00 % / 365 = 0.82
        self.assertAlmostEqual(letter.interest_amount, 0.82)
        self.assertAlmostEqual(letter.compensation_amount, 0.0)
        self.assertAlmostEqual(letter.amount_total, 1000.82)
        html = self._html(letter)
        self.assertIn("1284", html)
        self.assertNotIn("231/2002", html)

    def test_legal_rates_are_shipped_editable_and_a_missing_year_is_warned(self):
        Legal = self.env["credit.legal.interest.rate"]
        self.assertEqual(Legal._credit_rate_table()[date(2013, 7, 1)], 2.5, "2012's rate held")
        self.assertEqual(Legal._credit_rate_table()[date(2026, 1, 1)], 1.6)
        self.assertFalse(Legal._credit_missing_rate_warning(date(2026, 5, 1)))
        warning = Legal._credit_missing_rate_warning(date(2031, 2, 1))
        self.assertIn("No legal interest rate", warning)
        self.statutory.consumer_legal_interest = True
        Legal.search([("year_start", "=", date(2026, 1, 1))]).unlink()
        self.assertIn("2026", self.statutory.legal_rate_warning or "")

    def test_the_statutory_rate_is_never_called_legal(self):
        notice_it = self.notice.with_context(lang="it_IT").letter_text
        self.assertIn("al tasso previsto dall'art. 5 del D.Lgs. 231/2002", notice_it)
        self.assertNotIn("tasso legale", notice_it)
        # an upgrade fixes the sentence shipped by earlier versions, if left as shipped
        old = (
            "<p>Ai sensi del D.Lgs. 231/2002 decorrono dal giorno successivo a ciascuna "
            "scadenza gli interessi moratori al tasso legale (art. 5) ed è dovuto l'importo "
            "forfettario di 40 euro per fattura a titolo di risarcimento dei costi di "
            "recupero (art. 6), come calcolato di seguito.</p>"
        )
        self.notice.with_context(lang="it_IT").letter_text = old
        self.env["credit.dunning.policy"]._credit_fix_shipped_wording()
        fixed = self.notice.with_context(lang="it_IT").letter_text
        self.assertNotIn("tasso legale", fixed)
        self.assertIn("tasso previsto dall'art. 5 del D.Lgs. 231/2002", fixed)

    # ------------------------------------------------------------------
    # Interest days, credit notes, payments
    # ------------------------------------------------------------------

    def test_the_paid_part_runs_up_to_its_payment_day_included(self):
        partner = self._story_customer("Verdi Spa")
        invoice = self._story_invoice(partner)
        self._credit_pay(invoice, day(5), amount=600)
        letter = self._letter_of(self._run(day(15)), partner)
        # 1,000 for days 1-5 (5 = payment day - due date) = 5.00; 400 for days 6-15 = 4.00
        self.assertAlmostEqual(letter.interest_amount, 9.0)
        self.assertAlmostEqual(letter.amount_due, 400.0)
        self.assertEqual(len(letter.line_ids.interest_detail.splitlines()), 2)

    def test_a_credit_note_corrects_the_debt_from_the_due_date_a_payment_does_not(self):
        corrected = self._story_customer("Corretta Srl")
        invoice = self._story_invoice(corrected)
        refund = self._credit_invoice(corrected, 300, day(10), move_type="out_refund")
        self._receivable(invoice | refund).reconcile()
        paying = self._story_customer("Pagante Srl")
        self._credit_pay(self._story_invoice(paying), day(10), amount=300)
        run = self._run(day(15))
        # net 700 for 15 days = 10.50
        self.assertAlmostEqual(self._letter_of(run, corrected).interest_amount, 10.5)
        # 1,000 for days 1-10 = 10.00, then 700 for days 11-15 = 3.50
        self.assertAlmostEqual(self._letter_of(run, paying).interest_amount, 13.5)

    # ------------------------------------------------------------------
    # The EUR 40
    # ------------------------------------------------------------------

    def test_eur_40_claimed_once_a_letter_is_sent_then_carried_until_waived(self):
        partner = self._story_customer("Carry Srl")
        invoice = self._story_invoice(partner)
        notice, final, agency = self._levels(self.daily)
        first = self._letter_of(self._run(day(15)), partner)
        self.assertEqual(first.level_id, notice)
        self.assertAlmostEqual(first.compensation_amount, 40.0)
        # cancelled in review: it claimed nothing, the next letter claims it anew
        first.action_cancel()
        second = self._letter_of(self._run(day(16)), partner)
        self.assertAlmostEqual(second.compensation_amount, 40.0)
        self.assertFalse(second.line_ids.compensation_carried)
        self._send(second)
        self.assertEqual(second.state, "sent")
        # the final notice does not claim the EUR 40 itself: it carries the one claimed
        third = self._letter_of(self._run(day(25)), partner)
        self.assertEqual(third.level_id, final)
        self.assertAlmostEqual(third.compensation_amount, 40.0)
        self.assertTrue(third.line_ids.compensation_carried)
        # 1,000 + 25 days x 1.00 + 40 = 1,065.00
        self.assertAlmostEqual(third.amount_total, 1065.0)
        self.assertIn("already claimed in our earlier letter", self._html(third))
        self._send(third)
        # and so does the agency hand-off
        fourth = self._letter_of(self._run(day(35)), partner)
        self.assertEqual(fourth.level_id, agency)
        self.assertAlmostEqual(fourth.amount_total, 1000 + 35 + 40)
        # waived: no longer on the letter
        invoice.credit_compensation_waived = True
        # the charges computed again by the dunning code (a letter is never written by hand)
        fourth.sudo()._credit_compute_charges()
        self.assertAlmostEqual(fourth.compensation_amount, 0.0)
        self.assertAlmostEqual(fourth.amount_total, 1035.0)

    def test_charge_invoices_never_bill_the_same_days_twice(self):
        account = self.company_data["default_account_revenue"]
        self._levels(self.daily)[:2].write({"post_charges": True, "charge_account_id": account.id})
        partner = self._story_customer("Charges Srl")
        self._story_invoice(partner)
        notice = self._letter_of(self._run(day(15)), partner)
        self._send(notice)
        # 15 days x 1.00 and the EUR 40
        self.assertEqual(
            sorted(notice.charge_move_id.invoice_line_ids.mapped("price_unit")), [15.0, 40.0]
        )
        final = self._letter_of(self._run(day(25)), partner)
        # the letter claims all 25 days; the EUR 40 is on the first charges invoice
        self.assertAlmostEqual(final.interest_amount, 25.0)
        self.assertAlmostEqual(final.compensation_amount, 0.0)
        self._send(final)
        # the second charges invoice bills days 16-25 only
        self.assertEqual(final.charge_move_id.invoice_line_ids.mapped("price_unit"), [10.0])
        self.assertEqual(final.line_ids.charged_until, day(25))

    # ------------------------------------------------------------------
    # Unapplied credits, final notice, rounding, language
    # ------------------------------------------------------------------

    def test_unapplied_credits_are_deducted_and_a_covered_customer_is_named(self):
        partly = self._story_customer("Parziale Srl")
        self._story_invoice(partly)
        credit_note = self._credit_invoice(partly, 400, day(5), move_type="out_refund")
        covered = self._story_customer("Coperto Srl")
        self._story_invoice(covered, 500)
        self._credit_invoice(covered, 600, day(5), move_type="out_refund")
        run = self._run(day(15))
        letter = self._letter_of(run, partly)
        # 1,000 + 15.00 interest + 40 - 400 = 655.00
        self.assertAlmostEqual(letter.unapplied_credit_amount, 400.0)
        self.assertEqual(letter.unapplied_credit_line_ids, self._receivable(credit_note))
        self.assertAlmostEqual(letter.amount_total, 655.0)
        self.assertIn(credit_note.name, self._html(letter))
        self.assertFalse(self._letter_of(run, covered))
        self.assertIn("Coperto Srl left out", run.note)

    def test_final_notice_date_counts_fifteen_days_from_receipt(self):
        partner = self._story_customer("Diffida Srl")
        self._story_invoice(partner)
        self._send(self._letter_of(self._run(day(15)), partner))
        final = self._letter_of(self._run(day(25)), partner)
        self.assertEqual(final.stage, "final_notice")
        # e-mail (0 days) and post (5 days by default): the slower copy counts
        self.assertEqual(final.pay_by, day(25) + timedelta(days=15 + 5))
        self.company.credit_dunning_post_delivery_days = 7
        final.invalidate_recordset(["pay_by"])
        self.assertEqual(final.pay_by, day(25) + timedelta(days=22))
        html = self._html(final)
        self.assertIn("fifteen days of art. 1454 c.c.", html)
        self.assertIn("counting <span>7</span> day(s)", html)
        # by e-mail only: fifteen days
        final.print_letter = False
        self.assertEqual(final.pay_by, day(25) + timedelta(days=15))

    def test_money_is_stored_rounded_to_the_currency(self):
        partner = self._story_customer("Arrotonda Srl")
        self._story_invoice(partner, 1000.07)
        letter = self._letter_of(self._run(day(15)), partner)
        # 1,000.07 x 15 / 1,000 = 15.00105 -> 15.00; in floats 1000.07 + 15.0 + 40.0 is
        # 1055.0700000000002: the database must hold 1055.07
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT amount_total::text, interest_amount::text FROM credit_dunning_letter "
            "WHERE id = %s",
            [letter.id],
        )
        self.assertEqual(self.env.cr.fetchone(), ("1055.07", "15.0"))

    def test_numbers_and_dates_follow_the_letter_language(self):
        italian = self._story_customer("Formato Srl", lang="it_IT")
        english = self._story_customer("Format Ltd", lang="en_US")
        for partner in italian | english:
            self._story_invoice(partner, 1234.56)
        run = self._run(day(15))
        # 15 d x 1,234.56 x 36.5 % / 365 = 18.5184 -> 18.52
        detail_it = self._letter_of(run, italian).line_ids.interest_detail
        detail_en = self._letter_of(run, english).line_ids.interest_detail
        self.assertTrue(detail_it.startswith("01/10/2025 - 15/10/2025: 15 "), detail_it)
        self.assertIn(" x 1.234,56 x 36,50% / 365 = 18,52", detail_it)
        self.assertTrue(detail_en.startswith("10/01/2025 - 10/15/2025: 15 days"), detail_en)
        self.assertIn(" x 1,234.56 x 36.50% / 365 = 18.52", detail_en)
        html_it = self._html(self._letter_of(run, italian))
        self.assertIn("1.234,56", html_it)
        self.assertIn("15/10/2025", html_it)

    # ------------------------------------------------------------------
    # Interest statement
    # ------------------------------------------------------------------

    def test_interest_statement_for_invoices_paid_late_and_never_claimed(self):
        account = self.company_data["default_account_revenue"]
        self.daily.write({"interest_statement": True, "interest_statement_invoice": True})
        self._levels(self.daily)[0].charge_account_id = account
        partner = self._story_customer("Ritardataria Srl")
        late = self._story_invoice(partner)
        self._credit_pay(late, day(12))
        on_time = self._story_invoice(partner, 500)
        self._credit_pay(on_time, DUE)
        chased = self._story_invoice(partner, 2000)
        # the run chases the open 2,000 and states the interest of the invoice paid late
        run = self._run(day(15))
        notice = run.letter_ids.filtered(lambda letter: letter.kind == "dunning")
        statement = run.letter_ids - notice
        self.assertIn("1 interest statement(s) proposed.", run.note)
        self.assertEqual(notice.line_ids.move_id, chased)
        # only the invoice paid 12 days late: 12 days x 1.00 = 12.00, and the EUR 40
        self.assertEqual(statement.kind, "interest_statement")
        self.assertEqual(statement.line_ids.move_id, late)
        self.assertEqual(statement.line_ids.days_late, 12)
        self.assertEqual(statement.line_ids.paid_date, day(12))
        self.assertAlmostEqual(statement.interest_amount, 12.0)
        self.assertAlmostEqual(statement.compensation_amount, 40.0)
        self.assertAlmostEqual(statement.amount_total, 52.0)
        self.assertEqual(statement.pay_by, day(15) + timedelta(days=15))
        html = self._html(statement)
        self.assertIn("Interest statement", html)
        self.assertIn("up to and including the day of payment", html)
        self._send(statement)
        self.assertEqual(statement.state, "sent")
        # invoiced once: 12.00 of interest and the EUR 40
        self.assertEqual(
            sorted(statement.charge_move_id.invoice_line_ids.mapped("price_unit")), [12.0, 40.0]
        )
        # the 2,000 chased with interest, then paid late: its interest was claimed
        self._send(notice)
        self._credit_pay(chased, day(18))
        # claimed: neither the next run nor the button propose either again
        next_run = self._run(day(60))
        self.assertFalse(next_run.letter_ids)
        self.daily.interest_statement_months = 24  # the button works from today
        with self.assertRaisesRegex(UserError, "No invoice of Ritardataria Srl"):
            partner.action_credit_interest_statement()

    def test_interest_statement_button_and_consumers(self):
        self.statutory.interest_statement_months = 24  # the button works from today
        consumer = self._story_customer("Luigi Verdi", self.statutory, is_company=False)
        invoice = self._story_invoice(consumer)
        self._credit_pay(invoice, day(30))
        # the policy claims no legal interest from consumers: nothing to state
        with self.assertRaisesRegex(UserError, "No invoice of Luigi Verdi"):
            consumer.action_credit_interest_statement()
        self.statutory.consumer_legal_interest = True
        # a viewer may not propose one (nothing is written); the controller may
        viewer = self._credit_user(
            "credit_vera", "credit_control.group_credit_viewer", company=self.company
        )
        with self.assertRaisesRegex(AccessError, "Only a credit user"):
            consumer.with_user(viewer).action_credit_interest_statement()
        self.assertFalse(
            self.env["credit.dunning.letter"].search([("partner_id", "=", consumer.id)])
        )
        action = consumer.with_user(self.controller).action_credit_interest_statement()
        statement = self.env["credit.dunning.letter"].browse(action["res_id"])
        self.assertEqual(statement.kind, "interest_statement")
        # 30 days x 1,000 x 2.00 % (legal rate 2025) / 365 = 1.64; never the EUR 40
        self.assertAlmostEqual(statement.interest_amount, 1.64)
        self.assertAlmostEqual(statement.compensation_amount, 0.0)
        self.assertNotIn("231/2002", self._html(statement))
