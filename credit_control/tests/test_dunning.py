from datetime import date
from datetime import timedelta
from unittest.mock import patch

from psycopg2 import IntegrityError

import odoo
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..core import dates
from ..models.credit_dunning_letter import CreditDunningLetter
from .common import CreditControlCommon


class TestDunningCommon(CreditControlCommon):
    """A company in EUR with the standard policy, rates for every half-year, a controller."""

    @classmethod
    def _create_company(cls, **create_values):
        # a company in EUR, as an Italian one: statutory interest and the EUR 40 apply
        eur = cls.env.ref("base.EUR")
        eur.active = True
        create_values.setdefault("currency_id", eur.id)
        return super()._create_company(**create_values)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.policy = cls.company.credit_dunning_policy_id
        cls.levels = {level.stage + str(level.days): level for level in cls.policy.level_ids}
        cls.pre_due, cls.first, cls.second, cls.notice, cls.final, cls.agency = (
            cls.policy.level_ids.sorted("days")
        )
        # every half-year up to today has a rate (the shipped table stops at 2026-H1)
        Rate = cls.env["credit.interest.rate"]
        known = Rate._credit_rate_table()
        for start in dates_between(date(2024, 1, 1), cls.today):
            if start not in known:
                Rate.create({"period_start": start, "rate": 10.15, "source": "test"})
        cls.controller = cls._credit_user(
            "credit_carla",
            "credit_control.group_credit_user",
            company=cls.company,
            name="Carla Controller",
            email="carla@example.com",
        )
        cls.company.credit_controller_id = cls.controller
        cls.company.email = "credit@example.com"
        # a company in its daily routine: automatic sending switched on by a manager, and
        # a run yesterday (the first run after install or a pause only proposes)
        cls.company.credit_dunning_auto_send = True
        cls.company.credit_dunning_last_run_date = cls.today - timedelta(days=1)
        # most stories want a given level from one run: the standard levels above the
        # first reminder have a text without earlier notice, so they may be skipped to.
        # The ladder's own stories (test_dunning_ladder.py) climb one level at a time.
        cls.policy.allow_skip_levels = True

    def _customer(self, name, **values):
        values.setdefault("email", f"{name.lower().replace(' ', '.')}@example.com")
        return self._credit_customer(name, **values)

    def _late_invoice(self, partner, amount, days_late, **kwargs):
        due = self.today - timedelta(days=days_late)
        return self._credit_invoice(
            partner, amount, due - timedelta(days=30), due_date=due, **kwargs
        )

    def _run(self, run_date=None, compute=True):
        run = self.env["credit.dunning.run"].create(
            {"date": run_date or self.today, "company_id": self.company.id}
        )
        if compute:
            run.action_compute()
        return run

    def _letter_of(self, run, partner):
        return run.letter_ids.filtered(lambda letter: letter.partner_id == partner)

    def _mails_leave(self):
        """The mail queue runs: the queued dunning e-mails leave (Odoo's test mode: the
        SMTP server accepts everything without a connection)."""
        with patch.object(odoo.modules.module, "current_test", True):
            self.env["mail.mail"].search(
                [("state", "=", "outgoing"), ("model", "=", "credit.dunning.letter")]
            ).send()

    def _send(self, records):
        """Send letters (or a run's letters) and let their e-mails leave."""
        records.action_send()
        self._mails_leave()


@tagged("post_install", "-at_install")
class TestDunning(TestDunningCommon):
    # ------------------------------------------------------------------
    # Configuration
    # ------------------------------------------------------------------

    def test_every_company_gets_the_standard_policy(self):
        self.assertEqual(
            self.policy.level_ids.sorted("days").mapped("stage"),
            ["reminder", "reminder", "reminder", "formal_notice", "final_notice", "agency"],
        )
        self.assertEqual(self.pre_due.days, -5)
        self.assertTrue(self.notice.charge_interest and self.notice.charge_compensation)
        self.assertGreaterEqual(self.final.payment_days, 15)
        new_company = self.env["res.company"].create({"name": "Newco Dunning"})
        self.assertEqual(len(new_company.credit_dunning_policy_id.level_ids), 6)
        # the Italian wording is shipped with the levels
        self.env["res.lang"]._activate_lang("it_IT")
        notice_it = self.notice.with_context(lang="it_IT")
        self.assertIn("1219", notice_it.letter_text)
        self.assertIn("costituiamo in mora", notice_it.letter_text)
        self.assertEqual(notice_it.name, "Messa in mora")

    def test_bad_levels_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.first.min_amount = -10
        with self.assertRaisesRegex(ValidationError, "own number of days"):
            self.second.days = 10
        with self.assertRaisesRegex(ValidationError, "1454"):
            self.final.payment_days = 10
        with self.assertRaisesRegex(ValidationError, "charges account"):
            self.notice.post_charges = True

    def test_policy_without_levels_is_reported(self):
        empty = self.env["credit.dunning.policy"].create({"name": "Empty"})
        partner = self._customer("No Levels", credit_dunning_policy_id=empty.id)
        self._late_invoice(partner, 500, 20)
        with self.assertRaisesRegex(UserError, "has no levels"):
            self._run()
        # a company without any policy is told so
        self.env["credit.dunning.policy"].search([("company_id", "=", self.company.id)]).write(
            {"active": False}
        )
        self.company.credit_dunning_policy_id = False
        partner.credit_dunning_policy_id = False
        with self.assertRaisesRegex(UserError, "has no dunning policy"):
            self._run()

    def test_the_database_refuses_a_second_letter_for_the_same_day_and_level(self):
        partner = self._customer("Unique Srl")
        self._late_invoice(partner, 500, 12)
        letter = self._letter_of(self._run(), partner)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            letter.sudo().copy({"line_ids": []})
            self.env.flush_all()

    def test_interest_rates_are_shipped_and_a_missing_half_year_is_warned(self):
        Rate = self.env["credit.interest.rate"]
        self.assertEqual(Rate._credit_rate_table()[date(2024, 7, 1)], 12.25)
        self.assertFalse(Rate._credit_missing_rate_warning())
        Rate.search([("period_start", "=", dates.half_year_start(self.today))]).unlink()
        self.assertIn("No statutory late interest rate", Rate._credit_missing_rate_warning())
        self.assertTrue(self._run(compute=False).rate_warning)
        with self.assertRaisesRegex(ValidationError, "1 January or 1 July"):
            Rate.create({"period_start": date(2030, 3, 1), "rate": 9})

    # ------------------------------------------------------------------
    # Levels and letters
    # ------------------------------------------------------------------

    def test_one_letter_per_customer_at_the_highest_level_listing_every_due_item(self):
        partner = self._customer("Rossi Srl")
        late_50 = self._late_invoice(partner, 1000, 50)
        late_12 = self._late_invoice(partner, 300, 12)
        due_soon = self._late_invoice(partner, 200, -3)
        self._late_invoice(partner, 900, -30)  # not due for a month: not on the letter
        run = self._run()
        letter = self._letter_of(run, partner)
        self.assertEqual(len(letter), 1)
        self.assertEqual(letter.level_id, self.notice)
        self.assertEqual(letter.state, "draft", "a formal notice waits for review")
        self.assertEqual(
            {line.move_id: line.level_id for line in letter.line_ids},
            {late_50: self.notice, late_12: self.first, due_soon: self.pre_due},
        )
        # demanded: 1,000 + 300 past due; the 200 due in 3 days is listed for information
        self.assertAlmostEqual(letter.amount_due, 1300.0)
        self.assertEqual(letter.line_ids.filtered("for_information").move_id, due_soon)
        self.assertAlmostEqual(letter.compensation_amount, 80.0, msg="EUR 40 per late invoice")
        self.assertGreater(letter.interest_amount, 0)
        self.assertEqual(late_50.credit_dunning_level_id, self.notice)
        self.assertEqual(late_50.credit_dunning_last_letter_id, letter)
        self.assertEqual(partner.credit_dunning_letter_count, 1)

    def test_interest_known_answer_with_partial_payment_and_flat_compensation(self):
        partner = self._customer("Bianchi Spa")
        invoice = self._credit_invoice(partner, 1000, date(2024, 5, 1), due_date=date(2024, 5, 31))
        self._credit_pay(invoice, date(2024, 7, 16), amount=600)
        # 61 days late on 31 July 2024: formal notice, across the 1 July boundary
        letter = self._letter_of(self._run(date(2024, 7, 31)), partner)
        # the paid 600.00 runs up to its payment day included (16 Jul - 31 May = 46 days)
        # 1-30 Jun 2024: 30 d x 1,000 x 12.50 % / 365 = 10.27
        # 1-16 Jul 2024: 16 d x 1,000 x 12.25 % / 365 =  5.37
        # 17-31 Jul 2024: 15 d x  400 x 12.25 % / 365 =  2.01
        self.assertEqual(letter.level_id, self.notice)
        self.assertAlmostEqual(letter.amount_due, 400.0)
        self.assertAlmostEqual(letter.interest_amount, 17.65)
        self.assertAlmostEqual(letter.compensation_amount, 40.0)
        self.assertAlmostEqual(letter.amount_total, 457.65)
        self.assertEqual(len(letter.line_ids.interest_detail.splitlines()), 3)
        # the EUR 40 is claimed once per invoice and carried on the final notice: same 40
        letter.action_approve()
        self._send(letter)
        final = self._letter_of(self._run(date(2024, 8, 20)), partner)
        self.assertEqual(final.level_id, self.final)
        self.assertAlmostEqual(final.compensation_amount, 40.0)
        self.assertTrue(final.line_ids.compensation_carried)
        # 17 Jul-20 Aug: 35 d x 400 x 12.25 % / 365 = 4.70; 10.27 + 5.37 + 4.70 = 20.34
        self.assertAlmostEqual(final.interest_amount, 20.34)
        self.assertAlmostEqual(final.amount_total, 400 + 20.34 + 40)

    def test_contractual_rate_of_a_partner_policy(self):
        policy = self.policy.copy(
            {"name": "Contract 5%", "interest_type": "contractual", "contractual_rate": 5.0}
        )
        policy.level_ids.filtered(lambda lv: lv.stage == "reminder").charge_interest = True
        partner = self._customer("Verdi Snc", credit_dunning_policy_id=policy.id)
        self._credit_invoice(partner, 1000, date(2025, 12, 1), due_date=date(2025, 12, 31))
        letter = self._letter_of(self._run(date(2026, 1, 30)), partner)
        self.assertEqual(letter.policy_id, policy)
        # 30 days x 1,000 x 5 % / 365 = 4.11
        self.assertAlmostEqual(letter.interest_amount, 4.11)

    def test_policy_by_credit_band_when_scoring_is_installed(self):
        strict = self.policy.copy({"name": "Strict for band E", "credit_bands": "de"})
        banded = self._customer("Band E Srl")
        own = self.policy.copy({"name": "Own policy"})
        with_own = self._customer("Own Policy Srl", credit_dunning_policy_id=own.id)
        partners = banded | with_own
        # without customer scoring: the company's default
        self.assertEqual(
            partners._credit_dunning_policies(self.company),
            {banded.id: self.policy, with_own.id: own},
        )
        # customer scoring adds res.partner.credit_band (Selection 'A'..'E')
        Partner = type(self.env["res.partner"])
        with (
            patch.dict(Partner._fields, {"credit_band": None}),
            patch.object(Partner, "credit_band", "E", create=True),
        ):
            self.assertEqual(
                partners._credit_dunning_policies(self.company),
                {banded.id: strict, with_own.id: own},
                "the band's policy, unless the customer has its own",
            )

    def test_missing_half_year_rate_puts_the_letter_in_error(self):
        partner = self._customer("Neri Srl")
        self._late_invoice(partner, 1000, 60)
        current = dates.half_year_start(self.today)
        self.env["credit.interest.rate"].search([("period_start", "=", current)]).unlink()
        letter = self._letter_of(self._run(), partner)
        self.assertEqual(letter.state, "error")
        self.assertIn(str(current), letter.error_message)
        self.assertFalse(letter.interest_amount, "a rate is never guessed")
        # the manager adds the rate; back to review computes the interest
        self.env["credit.interest.rate"].create({"period_start": current, "rate": 10.15})
        letter.action_reset_to_review()
        self.assertEqual(letter.state, "draft")
        self.assertGreater(letter.interest_amount, 0)

    def test_currency_without_rate_puts_the_letter_in_error(self):
        gbp = self.env.ref("base.GBP")
        gbp.active = True
        gbp.rate_ids.unlink()
        partner = self._customer("London Ltd")
        self._late_invoice(partner, 1000, 60, currency=gbp)
        letter = self._letter_of(self._run(), partner)
        self.assertEqual(letter.currency_id, gbp)
        self.assertEqual(letter.state, "error")
        self.assertIn("No exchange rate for GBP", letter.error_message)
        # a menu that exists in Community (the app is "Invoicing" there)
        self.assertIn("Invoicing > Configuration > Accounting > Currencies", letter.error_message)

    def test_exclusions(self):
        disputed_customer = self._customer("Disputing Srl")
        disputed = self._late_invoice(disputed_customer, 800, 30)
        with self.assertRaisesRegex(ValidationError, "Say why"):
            disputed.credit_dunning_excluded = True
        disputed.write(
            {"credit_dunning_excluded": True, "credit_dunning_exclusion_reason": "Goods damaged"}
        )
        paused = self._customer("Paused Srl", credit_dunning_pause_until=self.today + timedelta(5))
        self._late_invoice(paused, 800, 30)
        paid_customer = self._customer("Paid Unmatched Srl")
        self._late_invoice(paid_customer, 800, 30)
        payment = self.env["account.payment"].create(
            {
                "partner_id": paid_customer.id,
                "amount": 800,
                "payment_type": "inbound",
                "partner_type": "customer",
                "date": self.today,
            }
        )
        payment.action_post()
        tiny = self._customer("Tiny Residual Srl")
        tiny_invoice = self._late_invoice(tiny, 100, 30)
        self._credit_pay(tiny_invoice, self.today, amount=99.5)
        not_collectible_customer = self._customer("Rejected Einvoice Srl")
        rejected = self._late_invoice(not_collectible_customer, 800, 30)
        rejected.credit_collectible = False
        chased = self._customer("Chased Srl")
        self._late_invoice(chased, 800, 30)
        run = self._run()
        self.assertEqual(
            run.letter_ids.partner_id
            & (
                disputed_customer
                | paused
                | paid_customer
                | tiny
                | not_collectible_customer
                | chased
            ),
            chased,
        )
        self.assertIn("paused", run.note)

    def test_exclusion_hook_lets_other_features_withdraw_items(self):
        partner = self._customer("In A Plan Srl")
        invoice = self._late_invoice(partner, 800, 30)
        Line = type(self.env["account.move.line"])
        original = Line._credit_dunning_excluded_domain

        def with_plan(model):
            return [*original(model), [("move_id", "=", invoice.id)]]

        with patch.object(Line, "_credit_dunning_excluded_domain", with_plan):
            self.assertFalse(self._letter_of(self._run(), partner))

    # ------------------------------------------------------------------
    # Runs: dates, idempotence, concurrency, crash
    # ------------------------------------------------------------------

    def test_run_in_the_future_is_refused(self):
        run = self._run(self.today + timedelta(days=1), compute=False)
        with self.assertRaisesRegex(UserError, "future"):
            run.action_compute()

    def test_second_run_sends_nothing(self):
        partner = self._customer("Twice Srl")
        self._late_invoice(partner, 500, 12)
        first = self._run()
        letter = self._letter_of(first, partner)
        self.assertEqual(letter.state, "to_send", "first reminders are automatic")
        self._send(first)
        self.assertEqual(letter.state, "sent", letter.error_message)
        self.assertTrue(letter.mail_id)
        mails = self.env["mail.mail"].search_count([])
        second = self._run()
        self.assertFalse(self._letter_of(second, partner))
        second.action_send()
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        # next week nothing new happened either
        self.assertFalse(self._letter_of(self._run(compute=False), partner).exists())

    def test_a_cancelled_letter_can_be_proposed_again_and_a_sent_one_not_cancelled(self):
        partner = self._customer("Cancel Srl")
        self._late_invoice(partner, 500, 50)
        letter = self._letter_of(self._run(), partner)
        letter.action_cancel()
        again = self._letter_of(self._run(), partner)
        self.assertEqual(again.level_id, letter.level_id, "the cancelled letter does not count")
        self._send(again)
        self.assertEqual(again.state, "sent")
        with self.assertRaisesRegex(UserError, "already sent"):
            again.action_cancel()

    def test_concurrent_run_of_the_same_company_is_refused(self):
        with self.env.registry.cursor() as other_cr:
            other_cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", (8_230_231, self.company.id))
            with self.assertRaisesRegex(UserError, "Another dunning run"):
                self._run()
            # the daily cron leaves the locked company for its next call
            self.env["credit.dunning.run"]._cron_daily()
            cron_run = self.env["credit.dunning.run"].search(
                [("company_id", "=", self.company.id), ("origin", "=", "cron")]
            )
            self.assertEqual(cron_run.state, "draft")

    def test_crash_mid_run_resumes_without_sending_twice(self):
        first_customer = self._customer("Crash One Srl")
        second_customer = self._customer("Crash Two Srl")
        self._late_invoice(first_customer, 500, 12)
        self._late_invoice(second_customer, 500, 12)
        original = CreditDunningLetter._credit_send

        def crash_on_second(letters):
            if second_customer in letters.partner_id:
                raise RuntimeError("worker killed")
            return original(letters)

        Run = self.env["credit.dunning.run"]
        # not assertRaises: it rolls back, and a crash keeps what was committed before it
        crash = None
        with patch.object(CreditDunningLetter, "_credit_send", crash_on_second):
            try:
                Run._cron_daily(batch_size=1)
            except RuntimeError as error:
                crash = error
        self.assertEqual(str(crash), "worker killed")
        letters = self.env["credit.dunning.letter"].search(
            [("partner_id", "in", (first_customer | second_customer).ids)]
        )
        self.assertEqual(
            {letter.partner_id: letter.state for letter in letters},
            {first_customer: "sending", second_customer: "to_send"},
        )
        first_mail = letters.filtered(lambda lt: lt.partner_id == first_customer).mail_id
        Run._cron_daily(batch_size=1)
        self._mails_leave()
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertEqual(
            letters.filtered(lambda lt: lt.partner_id == first_customer).mail_id, first_mail
        )
        self.assertEqual(
            Run.search_count(
                [
                    ("company_id", "=", self.company.id),
                    ("origin", "=", "cron"),
                    ("date", "=", self.today),
                ]
            ),
            1,
            "the resumed cron reuses today's run",
        )

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def test_sending_logs_calls_and_falls_back_to_letter_without_email(self):
        with_mail = self._customer("Mail Srl")
        invoice = self._late_invoice(with_mail, 500, 30)
        without_mail = self._customer("Nomail Srl", email=False)
        self._late_invoice(without_mail, 500, 30)
        run = self._run()
        (
            run.letter_ids.filtered(
                lambda lt: lt.partner_id in with_mail | without_mail
            ).action_approve()
        )
        self._send(run)
        letter = self._letter_of(run, with_mail)
        fallback = self._letter_of(run, without_mail)
        self.assertEqual(letter.level_id, self.second)
        self.assertEqual((letter.state, fallback.state), ("sent", "sent"))
        self.assertIn(letter.mail_id.attachment_ids[:1], letter.message_ids.attachment_ids)
        self.assertTrue(fallback.print_letter)
        self.assertIn("No e-mail address", fallback.channel_note)
        self.assertIn("printed letter", fallback.partner_id.message_ids[:1].body)
        self.assertIn("Second reminder", invoice.message_ids[:1].body)
        # the second reminder asks the credit controller to call
        call = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", with_mail.id)]
        )
        self.assertEqual(call.user_id, self.controller)
        self.assertEqual(call.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        action = run.action_print_letters()
        self.assertEqual(action["report_name"], "credit_control.report_dunning_letter")
        self.assertIn(fallback.id, action["context"]["active_ids"])

    @mute_logger("odoo.addons.mail.models.mail_render_mixin")
    def test_failing_template_puts_only_that_letter_in_error(self):
        broken = self.env["mail.template"].create(
            {
                "name": "Broken",
                "model_id": self.env["ir.model"]._get_id("credit.dunning.letter"),
                "subject": "{{ object.no_such_field }}",
                "body_html": "<p>x</p>",
            }
        )
        good = self._customer("Good Template Srl")
        bad = self._customer("Bad Template Srl", lang="en_US")
        self._late_invoice(good, 500, 12)
        self._late_invoice(bad, 500, 12)
        run = self._run()
        bad_letter = self._letter_of(run, bad)
        bad_letter.sudo().level_id = bad_letter.level_id.copy(
            {"days": 11, "mail_template_id": broken.id}
        )
        self._send(run)
        self.assertEqual(bad_letter.state, "error")
        self.assertTrue(bad_letter.error_message)
        self.assertEqual(self._letter_of(run, good).state, "sent")
        self.assertEqual(run.state, "done")

    def test_failed_email_is_retried_then_reported(self):
        partner = self._customer("Bounce Srl")
        self._late_invoice(partner, 500, 12)
        run = self._run()
        run.action_send()
        letter = self._letter_of(run, partner)
        self.assertEqual(letter.state, "sending", "not 'Sent' before the e-mail has left")
        # the SMTP server refuses the connection: the mail fails, the letter is in error
        with patch.object(
            type(self.env["ir.mail_server"]),
            "connect",
            side_effect=ConnectionRefusedError("[Errno 111] Connection refused"),
        ):
            self._mails_leave()
        self.assertEqual(letter.state, "error")
        self.assertIn("Connection refused", letter.error_message)
        self.assertIn("Connection refused", partner.message_ids[:1].body)
        self.assertEqual(partner.credit_dunning_error_count, 1)
        self.assertFalse(
            letter.message_ids.filtered(lambda message: "e-mailed" in (message.body or "")),
            "nothing says the letter was e-mailed",
        )
        # the retry (every 15 minutes) queues it again; this time the mail leaves
        Letter = self.env["credit.dunning.letter"]
        Letter._cron_retry_failed_mail()
        self.assertEqual(
            (letter.state, letter.mail_id.state, letter.mail_retry_count),
            ("sending", "outgoing", 1),
        )
        self._mails_leave()
        self.assertEqual(letter.state, "sent")
        self.assertIn("Letter e-mailed to bounce.srl@example.com", letter.message_ids[:1].body)
        # after three tries a failing letter stays in error for a person to look at
        letter.sudo().write({"state": "error", "mail_retry_count": 3})
        letter.mail_id.state = "exception"
        self.assertFalse(Letter._cron_retry_failed_mail())
        self.assertEqual(letter.state, "error")
        retry = self.env.ref("credit_control.ir_cron_credit_dunning_mail_retry")
        self.assertEqual((retry.interval_number, retry.interval_type), (15, "minutes"))

    def test_charges_are_invoiced_when_the_level_says_so(self):
        account = self.company_data["default_account_revenue"]
        self.notice.write(
            {
                "post_charges": True,
                "charge_account_id": account.id,
                "fee_type": "fixed",
                "fee_fixed": 15.0,
            }
        )
        partner = self._customer("Charged Srl")
        self._late_invoice(partner, 1000, 50)
        letter = self._letter_of(self._run(), partner)
        self.assertAlmostEqual(letter.fee_amount, 15.0)
        letter.action_send()
        charges = letter.charge_move_id
        self.assertEqual(charges.state, "posted")
        self.assertAlmostEqual(
            charges.amount_total,
            letter.fee_amount + letter.interest_amount + letter.compensation_amount,
        )
        self.assertTrue(charges.credit_dunning_excluded, "charges are not chased in turn")

    # ------------------------------------------------------------------
    # Letter, screens, analysis
    # ------------------------------------------------------------------

    def test_letter_in_italian_and_english(self):
        self.env["res.lang"]._activate_lang("it_IT")
        english = self._customer("English Ltd", lang="en_US")
        italian = self._customer("Italiano Srl", lang="it_IT")
        for partner in english | italian:
            self._late_invoice(partner, 1000, 50)
        run = self._run()
        report = self.env["ir.actions.report"]
        html_en = report._render_qweb_html(
            "credit_control.report_dunning_letter", self._letter_of(run, english).ids
        )[0].decode()
        html_it = report._render_qweb_html(
            "credit_control.report_dunning_letter", self._letter_of(run, italian).ids
        )[0].decode()
        self.assertIn("place you in default", html_en)
        self.assertIn("costituiamo in mora", html_it)
        for html in (html_en, html_it):
            self.assertIn("1219", html)
            self.assertIn(self.company.name, html)
        # the letter's own wording follows the customer's language too
        self.assertIn("365-day year", html_en)
        self.assertIn("anno di 365 giorni", html_it)
        self.assertNotIn("365-day year", html_it)

    def test_analysis_counts_letters_paid_within_15_days(self):
        partner = self._customer("Quick Payer Srl")
        invoice = self._late_invoice(partner, 500, 17)
        run = self._run(self.today - timedelta(days=5))
        self._send(self._letter_of(run, partner))
        self.assertEqual(self._letter_of(run, partner).state, "sent", run.note)
        self._credit_pay(invoice, self.today)
        self.env.flush_all()
        row = self.env["credit.dunning.letter.analysis"].search([("partner_id", "=", partner.id)])
        self.assertEqual((row.letter_count, row.paid_15_count), (1, 1))

    def test_bulk_insert_keeps_special_characters_and_amounts(self):
        name = "Back\\slash\tTab Srl"
        partner = self._customer(name)
        self._late_invoice(partner, 1234.56, 50)
        letter = self._letter_of(self._run(), partner)
        letter.invalidate_recordset()
        self.assertEqual(letter.name, f"{self.notice.name} - {name} - {self.today}")
        self.assertEqual(letter.partner_id, partner)
        self.assertTrue(letter.print_letter)
        self.assertFalse(letter.error_message)
        self.assertEqual(letter.date, self.today)
        self.assertAlmostEqual(letter.amount_due, 1234.56)
        self.assertAlmostEqual(
            letter.amount_total,
            letter.amount_due + letter.interest_amount + letter.compensation_amount,
        )
        item = letter.line_ids
        self.assertEqual((item.days_late, item.due_date), (50, self.today - timedelta(days=50)))
        self.assertGreater(len(item.interest_detail.splitlines()), 0)
        self.assertIn(" days x 1,234.56 x ", item.interest_detail)
        self.assertEqual(letter.create_uid, self.env.user)


def dates_between(start, end):
    """Half-year starts from ``start`` to ``end``."""
    from ..core.interest import half_years_between

    return half_years_between(start, end)
