"""The daily credit digest and the Credit Control overview, on a small ledger worked by hand.

Company A, today T:
- Bianchi: 1,000.00 due T-1 (new overdue) and 200.00 due T-5 (overdue before the last digest);
  exposure 1,200.00 and no business report (out of date).
- Verdi: 300.00 due T-1 (new overdue).
- Neri: 700.00 rejected by the SdI today, to resubmit by T+3 (not collectible: no overdue);
  its bureau call failed today.
- Rossi: 800.00 due T-60, paid on T-10: overdue 30 days ago, not today. Band B -> D.
- Gialli: band D -> C; plan PP/1 broken (2,400.00).
- Plan PP/2 of Verdi, active, installment of 500.00 missed (100.00 paid).
- Case CC/1 of Rossi in progress: 5,000.00 handed over, 1,500.00 recovered.
- Viola: band A, exposure 5,000.00, latest report of T-181: out of date since today (A-B: 180 days).
- Letters: Bianchi's to review (1,000.00), Verdi's in error (300.00).

Overdue today: 1,000 + 200 + 300 = 1,500.00 (Neri's rejected invoice is not collectible);
30 days ago: Rossi's 800.00 alone; trend (1,500 - 800) / 800 = +87.5 %.
"""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CreditControlCommon

USER = "credit_control.group_credit_user"
VIEWER = "credit_control.group_credit_viewer"


class CreditMonitoringCommon(CreditControlCommon):
    """The small ledger of the module's docstring, and who receives what."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        T = cls.today
        cls.company = cls.env.company
        cls.company_b = cls.setup_other_company(name="Filiale B")["company"]
        Partner = cls.env["res.partner"]
        cls.bianchi = cls._credit_customer("Bianchi Srl")
        cls.verdi = cls._credit_customer("Verdi Spa")
        cls.neri = cls._credit_customer("Neri Snc")
        cls.rossi = cls._credit_customer("Rossi Srl")
        cls.gialli = cls._credit_customer("Gialli Srl")
        cls.viola = cls._credit_customer("Viola Srl")
        cls.agency = Partner.create(
            {"name": "Recupero Srl", "is_company": True, "credit_is_collection_agency": True}
        )
        inv = cls._credit_invoice
        cls.new_bianchi = inv(cls.bianchi, 1000.0, T - timedelta(days=31), T - timedelta(days=1))
        inv(cls.bianchi, 200.0, T - timedelta(days=35), T - timedelta(days=5))
        cls.new_verdi = inv(cls.verdi, 300.0, T - timedelta(days=31), T - timedelta(days=1))
        cls.rejected = inv(cls.neri, 700.0, T - timedelta(days=2), T + timedelta(days=28))
        # the SdI outcome is written by the credit code (as superuser)
        cls.rejected.sudo().write(
            {
                "credit_einvoice_state": "rejected",
                "credit_einvoice_rejected_date": T,
                "credit_einvoice_fix_deadline": T + timedelta(days=3),
            }
        )
        paid = inv(cls.rossi, 800.0, T - timedelta(days=90), T - timedelta(days=60))
        cls._credit_pay(paid, T - timedelta(days=10))
        cls.env.flush_all()
        # credit records and the assessment are written by the credit code (as superuser)
        provider = cls.env["credit.report.provider"].sudo().create({"name": "Bureau"})
        old_report = (
            cls.env["credit.business.report"]
            .sudo()
            .create(
                {
                    "partner_id": cls.viola.id,
                    "provider_id": provider.id,
                    "report_date": T - timedelta(days=181),
                }
            )
        )
        cls.viola.sudo().write(
            {
                "credit_band": "A",
                "credit_exposure": 5000.0,
                "credit_latest_report_id": old_report.id,
            }
        )
        cls.bianchi.sudo().write({"credit_band": "C", "credit_exposure": 1200.0})
        cls.env["credit.business.report"].sudo().create(
            {
                "partner_id": cls.neri.id,
                "provider_id": provider.id,
                "state": "error",
                "error_message": "timeout",
            }
        )
        History = cls.env["credit.score.history"].sudo()
        before = History.create(
            [
                {
                    "partner_id": cls.rossi.id,
                    "date": T - timedelta(days=40),
                    "band": "B",
                    "score": 70,
                },
                {
                    "partner_id": cls.gialli.id,
                    "date": T - timedelta(days=40),
                    "band": "D",
                    "score": 35,
                },
            ]
        )
        History.create(
            [
                {"partner_id": cls.rossi.id, "date": T, "band": "D", "score": 38},
                {"partner_id": cls.gialli.id, "date": T, "band": "C", "score": 52},
            ]
        )
        History.flush_model()
        cls.env.cr.execute(
            "UPDATE credit_score_history SET create_date = create_date - interval '40 days'"
            " WHERE id = ANY(%s)",
            [before.ids],
        )
        # plans are made from invoices (due later: nothing overdue of their own) and move
        # by their actions; the state the digest reads is set in SQL
        cls.pp1 = cls._plan("PP/1", cls.gialli, 2400.0, "broken", [(T, 2400.0)])
        cls.pp2 = cls._plan(
            "PP/2", cls.verdi, 1000.0, "active", [(T, 500.0), (T + timedelta(days=27), 500.0)]
        )
        first = cls.pp2.installment_ids.sorted("date_due")[0]
        cls.env.cr.execute(
            "UPDATE credit_payment_plan_installment"
            " SET date_due = %s, amount_paid = 100.0, state = 'missed' WHERE id = %s",
            [T - timedelta(days=3), first.id],
        )
        cls.env.invalidate_all()
        cls.env["credit.collection.case"].sudo().create(
            {
                "name": "CC/1",
                "partner_id": cls.rossi.id,
                "agency_id": cls.agency.id,
                "state": "in_progress",
                "amount_handed_over": 5000.0,
                "amount_recovered": 1500.0,
            }
        )
        cls._letter(cls.new_bianchi, "draft")
        cls._letter(cls.new_verdi, "error")
        cls.env.flush_all()

        # who receives what
        cls.controller = cls._credit_user(
            "controller_en", USER, credit_digest=True, email="en@example.com"
        )
        cls.controllo = cls._credit_user(
            "controllo_it", USER, credit_digest=True, lang="it_IT", email="it@example.com"
        )
        cls.silent = cls._credit_user("silent", USER, email="silent@example.com")
        cls.viewer = cls._credit_user(
            "viewer", VIEWER, credit_digest=True, email="viewer@example.com"
        )
        cls.user_b = cls._credit_user(
            "controller_b", USER, company=cls.company_b, credit_digest=True, email="b@example.com"
        )
        # company B: one failed bureau call, nothing else
        provider_b = (
            cls.env["credit.report.provider"]
            .sudo()
            .create({"name": "Bureau B", "company_id": cls.company_b.id})
        )
        cls.env["credit.business.report"].sudo().create(
            {
                "partner_id": cls.verdi.id,
                "provider_id": provider_b.id,
                "company_id": cls.company_b.id,
                "state": "error",
                "error_message": "quota exceeded",
            }
        )

    @classmethod
    def _plan(cls, name, partner, amount, state, installments, currency=None):
        invoice = cls._credit_invoice(
            partner,
            amount,
            cls.today - timedelta(days=5),
            cls.today + timedelta(days=30),
            currency=currency,
        )
        plan = (
            cls.env["credit.payment.plan"]
            .sudo()
            .create(
                {
                    "name": name,
                    "partner_id": partner.id,
                    "currency_id": invoice.currency_id.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "installment_ids": [
                        Command.create({"date_due": day, "amount": part})
                        for day, part in installments
                    ],
                }
            )
        )
        plan.flush_recordset()
        cls.env.cr.execute(
            "UPDATE credit_payment_plan SET state = %s WHERE id = %s", [state, plan.id]
        )
        plan.invalidate_recordset()
        return plan

    @classmethod
    def _letter(cls, invoice, state):
        policy = cls.company.credit_dunning_policy_id or cls.env["credit.dunning.policy"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        level = policy.level_ids.sorted("days")[:1]
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        # letters are written by the dunning run (as superuser)
        letter = (
            cls.env["credit.dunning.letter"]
            .sudo()
            .create(
                {
                    "company_id": cls.company.id,
                    "date": cls.today,
                    "partner_id": invoice.partner_id.id,
                    "currency_id": invoice.currency_id.id,
                    "policy_id": policy.id,
                    "level_id": level.id,
                    "amount_due": invoice.amount_residual,
                    "line_ids": [
                        Command.create(
                            {
                                "move_line_id": receivable.id,
                                "level_id": level.id,
                                "due_date": receivable.date_maturity,
                                "days_late": 1,
                                "amount": invoice.amount_residual,
                                "open_amount": invoice.amount_residual,
                            }
                        )
                    ],
                }
            )
        )
        if state != "draft":
            cls.env.cr.execute(
                "UPDATE credit_dunning_letter SET state = %s WHERE id = %s", [state, letter.id]
            )
            letter.invalidate_recordset()
        return letter

    def _credit_eur_at_two(self):
        """EUR at 2 for 1 of the company's currency, and an open case CC/2 in EUR (1,000.00
        handed over, 200.00 recovered)."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {
                "name": self.today - timedelta(days=30),
                "rate": 2.0,
                "currency_id": eur.id,
                "company_id": self.company.id,
            }
        )
        self.env["credit.collection.case"].sudo().create(
            {
                "name": "CC/2",
                "partner_id": self.gialli.id,
                "agency_id": self.agency.id,
                "currency_id": eur.id,
                "state": "in_progress",
                "amount_handed_over": 1000.0,
                "amount_recovered": 200.0,
            }
        )
        return eur

    def _send(self, today=None):
        # as the scheduled action does (superuser)
        Log = self.env["credit.digest.log"].sudo()
        pending = Log._credit_digest_pending(today or self.today)
        ours = [(u, c) for u, c in pending if u in self._users()]
        return Log._credit_send_digests(ours, today or self.today)

    def _users(self):
        return self.controller | self.controllo | self.silent | self.viewer | self.user_b

    def _log(self, logs, user, company=None):
        return logs.filtered(
            lambda log: log.user_id == user and log.company_id == (company or self.company)
        )

    def _section(self, log, key):
        return next(s for s in log.payload["sections"] if s["key"] == key)


@tagged("post_install", "-at_install")
class TestCreditDigest(CreditMonitoringCommon):
    # ---- the digest's content ------------------------------------------------------------

    def test_each_section_with_its_numbers(self):
        log = self._log(self._send(), self.controller)
        keys = [section["key"] for section in log.payload["sections"]]
        self.assertEqual(
            keys,
            [
                "overdue",
                "rejections",
                "letters_review",
                "letters_error",
                "plans_broken",
                "plans_at_risk",
                "cases",
                "reports_failed",
                "reports_stale",
                "bands_down",
                "bands_up",
                "exposures",
            ],
        )
        overdue = self._section(log, "overdue")
        # due yesterday: Bianchi 1,000 and Verdi 300; Bianchi's 200 was overdue before
        self.assertEqual(overdue["total"], 1300.0)
        self.assertEqual(
            [(i["partner"], i["amount"], i["count"]) for i in overdue["items"]],
            [("Bianchi Srl", 1000.0, 1), ("Verdi Spa", 300.0, 1)],
        )
        rejection = self._section(log, "rejections")["items"][0]
        self.assertEqual((rejection["name"], rejection["days_left"]), (self.rejected.name, 3))
        self.assertEqual(self._section(log, "letters_review")["total"], 1000.0)
        self.assertEqual(self._section(log, "letters_error")["total"], 300.0)
        self.assertEqual(self._section(log, "plans_broken")["total"], 2400.0)
        at_risk = self._section(log, "plans_at_risk")["items"][0]
        self.assertEqual(
            (at_risk["name"], at_risk["amount"], at_risk["installments"]), ("PP/2", 400.0, 1)
        )
        case = self._section(log, "cases")["items"][0]
        self.assertEqual(
            (case["name"], case["state"], case["recovered"]), ("CC/1", "in_progress", 1500.0)
        )
        failed = self._section(log, "reports_failed")["items"]
        # company B's failed call is not company A's news
        self.assertEqual([(i["partner"], i["error"]) for i in failed], [("Neri Snc", "timeout")])
        stale = self._section(log, "reports_stale")["items"]
        self.assertEqual([(i["partner"], i["band"]) for i in stale], [("Viola Srl", "A")])
        self.assertEqual(
            self._section(log, "bands_down")["items"],
            [{"partner": "Rossi Srl", "old": "B", "new": "D", "steps": 2}],
        )
        self.assertEqual(
            self._section(log, "bands_up")["items"],
            [{"partner": "Gialli Srl", "old": "D", "new": "C", "steps": 1}],
        )
        self.assertEqual(
            [(i["partner"], i["amount"]) for i in self._section(log, "exposures")["items"]],
            [("Viola Srl", 5000.0), ("Bianchi Srl", 1200.0)],
        )
        # 2 customers overdue and one item in each other section
        self.assertEqual(log.news_count, 12)

    def test_the_mail_goes_to_the_user_in_english(self):
        log = self._log(self._send(), self.controller)
        mail = log.mail_id
        self.assertTrue(mail)
        self.assertEqual(mail.recipient_ids, self.controller.partner_id)
        self.assertIn("credit digest of", mail.subject)
        body = mail.body_html
        self.assertIn("New overdue items", body)
        self.assertIn("Bianchi Srl", body)
        self.assertIn("1,300.00", body)
        self.assertIn("3 day(s) left", body)
        self.assertIn("Rossi Srl: B → D", body)

    def test_an_italian_user_gets_it_in_italian(self):
        log = self._log(self._send(), self.controllo)
        body = log.mail_id.body_html
        self.assertIn("riepilogo crediti", log.mail_id.subject)
        self.assertIn("Nuove partite scadute", body)
        self.assertIn("ecco che cosa è cambiato", body)
        self.assertIn("Totale: $\xa01.300,00", body)
        self.assertIn(self.today.strftime("%d/%m/%Y"), log.mail_id.subject)

    # ---- who gets what, and when ---------------------------------------------------------

    def test_only_credit_users_who_opted_in(self):
        logs = self._send()
        self.assertEqual(logs.user_id, self.controller | self.controllo | self.user_b)

    def test_a_user_without_e_mail_gets_no_digest(self):
        self.controllo.partner_id.email = False
        logs = self._send()
        self.assertEqual(logs.user_id, self.controller | self.user_b)

    def test_a_user_of_company_b_gets_nothing_of_company_a(self):
        logs = self._send()
        log_b = self._log(logs, self.user_b, self.company_b)
        self.assertEqual(self._log(logs, self.user_b, self.company), self.env["credit.digest.log"])
        self.assertEqual([s["key"] for s in log_b.payload["sections"]], ["reports_failed"])
        self.assertNotIn("Bianchi", log_b.mail_id.body_html)
        self.assertIn("quota exceeded", log_b.mail_id.body_html)
        self.assertIn("Filiale B", log_b.mail_id.subject)

    def test_a_user_of_two_companies_gets_one_digest_each(self):
        self.controller.company_ids = [Command.link(self.company_b.id)]
        sent = self._send()
        logs = self._log(sent, self.controller, self.company) | self._log(
            sent, self.controller, self.company_b
        )
        self.assertEqual(len(logs.mail_id), 2)
        self.assertNotIn("quota exceeded", logs[0].mail_id.body_html)

    def test_a_rerun_the_same_day_sends_nothing_twice(self):
        Log = self.env["credit.digest.log"].sudo()
        mails_before = self.env["mail.mail"].search_count([])
        Log._cron_credit_send_digests()
        Log._cron_credit_send_digests()
        logs = Log.search([("user_id", "in", self._users().ids)])
        self.assertEqual(len(logs), 3)
        self.assertEqual(self.env["mail.mail"].search_count([]) - mails_before, 3)

    def test_the_cron_works_in_batches_and_resumes(self):
        Log = self.env["credit.digest.log"].sudo()
        ours = [("user_id", "in", self._users().ids)]
        pending = len(Log._credit_digest_pending(self.today))
        self.assertGreaterEqual(pending, 3)
        self.assertEqual(Log._cron_credit_send_digests(batch_size=2), 2)
        self.assertEqual(Log.search_count(ours), 2)
        # the next call (the scheduler calls again while some remain) does the rest
        while Log._cron_credit_send_digests(batch_size=2):
            pass
        self.assertEqual(Log.search_count(ours), 3)
        self.assertFalse(Log._credit_digest_pending(self.today))

    def test_nothing_new_the_next_day_sends_no_mail(self):
        self._send()
        tomorrow = self.today + timedelta(days=1)
        logs = self._send(tomorrow)
        log = self._log(logs, self.controller)
        self.assertEqual(log.news_count, 0)
        self.assertFalse(log.mail_id)
        self.assertFalse(log.payload)

    def test_the_next_day_reports_only_what_is_new(self):
        self._send()
        tomorrow = self.today + timedelta(days=1)
        # due today: overdue tomorrow
        self._credit_invoice(self.gialli, 450.0, self.today - timedelta(days=30), self.today)
        log = self._log(self._send(tomorrow), self.controller)
        self.assertEqual([s["key"] for s in log.payload["sections"]], ["overdue", "exposures"])
        self.assertEqual(self._section(log, "overdue")["total"], 450.0)

    def test_users_opt_in_themselves(self):
        self.silent.with_user(self.silent).write({"credit_digest": True})
        self.assertTrue(self.silent.credit_digest)
        view = self.env.ref("base.view_users_form_simple_modif")
        arch = self.env["res.users"].with_user(self.silent).get_views([(view.id, "form")])
        self.assertIn('name="credit_digest"', arch["views"]["form"]["arch"])

    def test_the_log_is_for_managers_only(self):
        self._send()
        with self.assertRaises(AccessError):
            self.env["credit.digest.log"].with_user(self.controller).search([])

    # ---- rejections imported late, and beyond the section's limit --------------------------

    def _reject(self, partner, rejected_on, notification=True, after=None):
        invoice = self._credit_invoice(
            partner, 100.0, self.today - timedelta(days=10), self.today + timedelta(days=20)
        )
        invoice.sudo().write(
            {
                "credit_einvoice_state": "rejected",
                "credit_einvoice_rejected_date": rejected_on,
                "credit_einvoice_fix_deadline": rejected_on + timedelta(days=5),
            }
        )
        if notification:
            sdi = (
                self.env["credit.sdi.notification"]
                .sudo()
                .create(
                    {
                        "name": f"NS {invoice.name}",
                        "company_id": self.company.id,
                        "message_type": "NS",
                        "state": "matched",
                        "applied": True,
                        "move_id": invoice.id,
                    }
                )
            )
            sdi.flush_recordset()
            # imported a minute after ``after`` (the last digest's check)
            self.env.cr.execute(
                "UPDATE credit_sdi_notification SET create_date = %s, write_date = %s"
                " WHERE id = %s",
                [after + timedelta(minutes=1), after + timedelta(minutes=1), sdi.id],
            )
        return invoice

    def test_a_rejection_imported_late_is_reported_the_next_day(self):
        first = self._log(self._send(), self.controller)
        # the SdI rejected it 4 days ago; its notification reached Odoo after the digest
        late = self._reject(self.bianchi, self.today - timedelta(days=4), after=first.checked_at)
        log = self._log(self._send(self.today + timedelta(days=1)), self.controller)
        rejections = self._section(log, "rejections")
        self.assertEqual([item["name"] for item in rejections["items"]], [late.name])
        # and not again the day after
        log = self._log(self._send(self.today + timedelta(days=2)), self.controller)
        self.assertFalse(log.payload)

    def test_rejections_beyond_the_limit_are_not_reported_twice(self):
        extra = [self._reject(self.verdi, self.today, notification=False) for _i in range(11)]
        log = self._log(self._send(), self.controller)
        rejections = self._section(log, "rejections")
        self.assertEqual((rejections["count"], rejections["more"]), (12, 2))
        self.assertEqual(
            set(log.payload["rejection_ids"]), {move.id for move in extra} | {self.rejected.id}
        )
        # the next day (rejected "today": from the last digest's day) nothing is new
        log = self._log(self._send(self.today + timedelta(days=1)), self.controller)
        self.assertFalse(log.payload)

    # ---- amounts in another currency ---------------------------------------------------------

    def test_plans_and_cases_in_another_currency_count_in_the_company_currency(self):
        eur = self._credit_eur_at_two()
        # 1,000.00 EUR, 400.00 paid: 600.00 EUR left to pay, 300.00 in the company's currency
        plan = self._plan("PP/3", self.rossi, 1000.0, "broken", [(self.today, 1000.0)], eur)
        plan.sudo().write({"amount_paid": 400.0})
        self.assertEqual(plan.amount_residual, 600.0)
        log = self._log(self._send(), self.controller)
        broken = self._section(log, "plans_broken")
        self.assertEqual(
            sorted((item["name"], item["amount"]) for item in broken["items"]),
            [("PP/1", 2400.0), ("PP/3", 300.0)],
        )
        self.assertEqual(broken["total"], 2700.0)
        cases = self._section(log, "cases")["items"]
        self.assertEqual(
            sorted((item["name"], item["amount"], item["recovered"]) for item in cases),
            [("CC/1", 5000.0, 1500.0), ("CC/2", 500.0, 100.0)],
        )
