"""The ladder: no letter states a notice that was never sent (issue 8).

Each test is a small story of one customer, with the days and amounts worked by hand.
The standard policy: pre-due reminder -5 days; first reminder 10 days (7 days after the
previous letter); second reminder 25 (10 days after); formal notice 45 (14 days after,
minimum 50.00); final notice 75 (14 days after); agency 120.
"""

from datetime import timedelta

from odoo.tests import tagged

from .test_dunning import TestDunningCommon


@tagged("post_install", "-at_install")
class TestDunningLadder(TestDunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.allow_skip_levels = False  # climb one level at a time

    def _day(self, days_ago):
        return self.today - timedelta(days=days_ago)

    def _letter_on(self, days_ago, partner):
        return self._letter_of(self._run(self._day(days_ago)), partner)

    def _html(self, letter):
        return (
            self.env["ir.actions.report"]
            ._render_qweb_html("credit_control.report_dunning_letter", letter.ids)[0]
            .decode()
        )

    def test_first_letter_is_the_first_reminder_however_old_the_item(self):
        # go-live: an invoice of 1,000.00 is already 200 days late
        partner = self._customer("Old Debt Srl")
        self._late_invoice(partner, 1000, 200)
        letter = self._letter_of(self._run(), partner)
        self.assertEqual(letter.level_id, self.first, "not a formal or final notice")
        self.assertAlmostEqual(letter.amount_due, 1000.0)
        self.assertAlmostEqual(letter.compensation_amount, 0.0, "no EUR 40 on a reminder")
        self.assertNotIn("Despite our previous reminder", self._html(letter))

    def test_each_letter_one_level_up_after_its_delay_since_the_sent_letter(self):
        # 800.00 due 100 days ago; the customer was never written to
        partner = self._customer("Ladder Srl")
        self._late_invoice(partner, 800, 100)
        # 40 days ago (60 days late): first reminder, sent
        first = self._letter_on(40, partner)
        self.assertEqual(first.level_id, self.first)
        self._send(first)
        # 31 days ago: 9 days after it, the second reminder needs 10
        self.assertFalse(self._letter_on(31, partner))
        # 30 days ago: 10 days after it, one level up: the second reminder, left in review
        second = self._letter_on(30, partner)
        self.assertEqual(second.level_id, self.second)
        # 16 days ago (84 days late, formal notice passed): the second reminder was not
        # sent, so nothing new; then it is sent
        self.assertFalse(self._letter_on(16, partner))
        self._send(second)
        # 15 days ago: 15 days after the second reminder (14 needed), 85 days late: the
        # formal notice
        notice = self._letter_on(15, partner)
        self.assertEqual(notice.level_id, self.notice)
        self._send(notice)
        # 2 days ago: 13 days after the notice, the final notice needs 14
        self.assertFalse(self._letter_on(2, partner))
        # yesterday: 14 days after the notice and 99 days late: the final notice
        final = self._letter_on(1, partner)
        self.assertEqual(final.level_id, self.final)
        self.assertIn("Our formal notice has not been followed by payment", self._html(final))

    def test_a_letter_in_review_or_cancelled_is_no_notice(self):
        partner = self._customer("Unsent Srl")
        self._late_invoice(partner, 500, 90)
        first = self._letter_on(20, partner)
        self.assertEqual(first.level_id, self.first)
        first.action_cancel()
        # 20 days later the first reminder is proposed again: nothing was ever sent
        again = self._letter_of(self._run(), partner)
        self.assertEqual(again.level_id, self.first)

    def test_skipping_allowed_uses_the_wording_without_earlier_notice(self):
        self.policy.allow_skip_levels = True
        partner = self._customer("Skipped Srl", lang="en_US")
        self._late_invoice(partner, 1000, 100)
        # 100 days late, never written to: straight to the final notice, worded for that
        final = self._letter_of(self._run(), partner)
        self.assertEqual(final.level_id, self.final)
        self.assertTrue(final.direct_wording)
        html = self._html(final)
        self.assertIn("The invoices below are still unpaid. Under art. 1454", html)
        self.assertNotIn("Our formal notice", html)
        # the e-mail says the same
        self.assertNotIn("Our formal notice", final.letter_body)
        final.action_cancel()
        # a level without such a text is never skipped to: the formal notice instead
        self.final.letter_text_direct = False
        notice = self._letter_of(self._run(), partner)
        self.assertEqual(notice.level_id, self.notice)

    def test_a_level_suppressed_by_its_minimum_amount_is_not_claimed_later(self):
        # 30.00 due 120 days ago: two reminders sent, the formal notice needs 50.00
        partner = self._customer("Small Debt Srl")
        self._late_invoice(partner, 30, 120)
        self._send(self._letter_on(40, partner))
        self._send(self._letter_on(30, partner))
        for days_ago in (15, 0):
            self.assertFalse(
                self._letter_on(days_ago, partner),
                "no formal notice under 50.00, and no final notice claiming one was sent",
            )

    def test_no_pre_due_reminder_for_an_item_already_past_due(self):
        partner = self._customer("Three Days Late Srl")
        self._late_invoice(partner, 500, 3)
        self.assertFalse(self._letter_of(self._run(), partner))
        # falling due in 3 days: the pre-due reminder
        soon = self._customer("Due Soon Srl")
        self._late_invoice(soon, 500, -3)
        letter = self._letter_of(self._run(), soon)
        self.assertEqual(letter.level_id, self.pre_due)
        self.assertAlmostEqual(letter.amount_due, 500.0)

    def test_a_formal_notice_demands_only_what_is_past_due(self):
        self.policy.allow_skip_levels = True
        partner = self._customer("Not Yet Due Srl", lang="en_US")
        late = self._late_invoice(partner, 1000, 50)
        soon = self._late_invoice(partner, 400, -2)
        letter = self._letter_of(self._run(), partner)
        self.assertEqual(letter.level_id, self.notice)
        # demanded: 1,000.00 and one EUR 40 (the 400.00 falls due in 2 days)
        self.assertAlmostEqual(letter.amount_due, 1000.0)
        self.assertAlmostEqual(letter.compensation_amount, 40.0)
        self.assertAlmostEqual(
            letter.amount_total, 1000.0 + 40.0 + letter.interest_amount + letter.fee_amount
        )
        info = letter.line_ids.filtered("for_information")
        self.assertEqual(info.move_id, soon)
        self.assertEqual(info.interest_amount, 0.0)
        html = self._html(letter)
        self.assertIn("For information: not yet due, not included in the amount demanded", html)
        # the payment reference names the invoice demanded only
        how_to_pay = html[html.index("How to pay") :]
        self.assertIn(late.name, how_to_pay)
        self.assertNotIn(soon.name, how_to_pay)
