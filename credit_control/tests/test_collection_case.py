"""Collection cases: hand-off, dossier, recoveries and commission, recall, write-off."""

import base64
import csv
import hashlib
import io
import json
import zipfile
from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo import fields
from odoo.api import call_kw
from odoo.exceptions import AccessError
from odoo.exceptions import UserError
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CreditControlCommon


class CollectionCaseCommon(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.vat = "IT01234567890"
        cls.manager = cls._credit_user(
            "case_manager",
            "credit_control.group_credit_manager",
            "account.group_account_invoice",
            email="manager@example.com",
        )
        cls.controller = cls._credit_user("case_controller", "credit_control.group_credit_user")
        cls.agency = cls.env["res.partner"].create(
            {
                "name": "Recuperi Emilia S.r.l.",
                "is_company": True,
                "email": "info@recuperi.example.com",
                "credit_is_collection_agency": True,
                "credit_collection_commission_percent": 10.0,
                "credit_collection_commission_fixed": 50.0,
                "credit_collection_dpa_date": cls.today - timedelta(days=100),
                "credit_collection_email": "dossier@recuperi.example.com",
            }
        )
        cls.debtor = cls._credit_customer(
            "Bianchi Costruzioni S.p.A.",
            vat="IT09876543210",
            street="Via Roma 1",
            zip="40100",
            city="Bologna",
            phone="+39 051 000000",
            email="amministrazione@bianchi.example.com",
            comment="<p>Internal: the owner is difficult</p>",
        )
        due = cls.today - timedelta(days=120)
        cls.inv1 = cls._credit_invoice(cls.debtor, 1000.0, due - timedelta(days=30), due_date=due)
        cls.inv2 = cls._credit_invoice(cls.debtor, 500.0, due - timedelta(days=20), due_date=due)
        cls.other = cls._credit_customer("Another Customer")
        cls.other_invoice = cls._credit_invoice(cls.other, 700.0, due - timedelta(days=30), due)
        cls.loss_account = cls.company_data["default_account_expense"]

    def _case(self, moves=None, **values):
        moves = moves or (self.inv1 | self.inv2)
        return (
            self.env["credit.collection.case"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "agency_id": self.agency.id,
                    "move_ids": [Command.set(moves.ids)],
                    **values,
                }
            )
        )

    def _handed_off(self, moves=None, **values):
        case = self._case(moves, **values)
        case.action_hand_off()
        return case

    def _statement(self, case, text, filename="statement.csv"):
        return (
            self.env["credit.collection.statement.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "case_id": case.id,
                    "file": base64.b64encode(text.encode("utf-8")),
                    "filename": filename,
                }
            )
        )


@tagged("post_install", "-at_install")
class TestCollectionCase(CollectionCaseCommon):
    def test_create_derives_items_amounts_and_claims_from_the_latest_letters(self):
        policy = self.company.credit_dunning_policy_id
        level = policy.level_ids.sorted("days")[-1]
        letter = (
            self.env["credit.dunning.letter"]
            .sudo()
            .create(
                {
                    "company_id": self.company.id,
                    "date": self.today - timedelta(days=10),
                    "partner_id": self.debtor.id,
                    "currency_id": self.currency.id,
                    "policy_id": policy.id,
                    "level_id": level.id,
                    "state": "sent",
                    "fee_amount": 15.0,
                    "line_ids": [
                        Command.create(
                            {
                                "move_line_id": self.inv1.line_ids.filtered(
                                    lambda line: line.account_type == "asset_receivable"
                                ).id,
                                "due_date": self.inv1.invoice_date_due,
                                "interest_amount": 23.45,
                                "compensation_amount": 40.0,
                            }
                        )
                    ],
                }
            )
        )
        self.assertEqual(letter.state, "sent")
        case = self._case()
        self.assertEqual(case.state, "draft")
        self.assertTrue(case.name.startswith("CASE/"))
        self.assertEqual(case.line_ids.move_id, self.inv1 | self.inv2)
        self.assertEqual(case.amount_handed_over, 1500.0)
        self.assertEqual(case.line_ids.mapped("date_maturity"), [self.inv1.invoice_date_due] * 2)
        self.assertEqual(case.interest_claimed, 23.45)
        self.assertEqual(case.fees_claimed, 55.0)
        self.assertEqual(case.company_id, self.company)
        self.assertEqual(case.currency_id, self.currency)

    def test_hand_off_takes_items_out_of_dunning_holds_the_debtor_and_scores_defaulting(self):
        case = self._handed_off()
        self.assertEqual(case.state, "handed_off")
        self.assertEqual(case.date_handed_off, self.today)
        self.assertEqual(self.inv1.credit_collection_case_id, case)
        lines = self.env["account.move.line"]
        excluded = lines.search(
            [("move_id", "in", (self.inv1 | self.inv2 | self.other_invoice).ids)]
            + [("account_type", "=", "asset_receivable")]
            + ["|"] * (len(lines._credit_dunning_excluded_domain()) - 1)
            + [term for domain in lines._credit_dunning_excluded_domain() for term in domain]
        )
        self.assertEqual(excluded.move_id, self.inv1 | self.inv2)
        debtor = self.debtor.with_company(self.company)
        self.assertTrue(debtor.credit_hold)
        self.assertIn(case.name, debtor.credit_hold_reason)
        self.assertEqual(debtor.credit_collection_case_id, case)
        self.assertEqual(debtor.credit_profile, "defaulting")
        self.assertIn(case.name, debtor.credit_explanation)
        self.assertIn("Handed over to", case.message_ids[0].body)

    def test_a_dunning_run_leaves_the_items_handed_over_alone(self):
        self._handed_off()
        run = self.env["credit.dunning.run"].create(
            {"date": self.today, "company_id": self.company.id}
        )
        run.action_compute()
        chased = run.letter_ids.line_ids.move_id
        self.assertIn(self.other_invoice, chased)
        self.assertFalse(chased & (self.inv1 | self.inv2))

    def test_a_billing_user_without_credit_rights_registers_a_payment_on_a_case(self):
        case = self._handed_off()
        clerk = self._credit_user("case_clerk", "account.group_account_invoice")
        wizard = (
            self.env["account.payment.register"]
            .with_user(clerk)
            .with_context(active_model="account.move", active_ids=self.inv2.ids)
            .create({"payment_date": self.today})
        )
        wizard._create_payments()
        self.assertEqual(case.amount_recovered, 500.0)
        self.assertEqual(case.state, "partly_recovered")

    def test_the_recall_gives_the_items_back_to_dunning_and_releases_the_hold(self):
        case = self._handed_off()
        with self.assertRaises(UserError):
            case.with_user(self.manager).action_recall("  ")
        case.with_user(self.manager).action_recall("The debtor proposed a plan")
        self.assertEqual((case.state, case.close_reason), ("closed", "recalled"))
        self.assertEqual(case.recall_reason, "The debtor proposed a plan")
        self.assertFalse(self.inv1.credit_collection_case_id)
        debtor = self.debtor.with_company(self.company)
        self.assertFalse(debtor.credit_hold)
        # the hand-off taken back no longer counts (the items are still 120 days late)
        self.assertNotEqual(debtor.credit_dunning_stage_reached, "agency")
        self.assertNotIn(case.name, debtor.credit_explanation)
        with self.assertRaises(UserError):
            case.with_user(self.manager).action_recall("again")

    def test_a_hold_someone_else_set_stays_after_the_case(self):
        debtor = self.debtor.with_company(self.company)
        debtor.write({"credit_hold": True, "credit_hold_reason": "Disputed deliveries"})
        case = self._handed_off()
        self.assertEqual(debtor.credit_hold_reason, "Disputed deliveries")
        case.with_user(self.manager).action_recall("Mistake")
        self.assertTrue(debtor.credit_hold)
        self.assertEqual(debtor.credit_hold_reason, "Disputed deliveries")

    def test_bad_input_is_refused_and_nothing_is_written(self):
        cases = self.env["credit.collection.case"].with_context(active_test=False)
        before = cases.search_count([])
        # two debtors in one case
        with self.assertRaisesRegex(UserError, "one debtor"):
            self._case(self.inv1 | self.other_invoice)
        # another currency
        usd_invoice = self._credit_invoice(
            self.debtor,
            100.0,
            self.today - timedelta(days=90),
            currency=self.setup_other_currency("CHF"),
        )
        with self.assertRaisesRegex(UserError, "one currency"):
            self._case(self.inv1 | usd_invoice)
        # in an active payment plan
        plan = (
            self.env["credit.payment.plan"]
            .sudo()
            .create(
                {
                    "partner_id": self.debtor.id,
                    "invoice_ids": [Command.set(self.inv2.ids)],
                    "installment_count": 2,
                    "first_date": self.today + timedelta(days=30),
                }
            )
        )
        self.inv2.sudo().credit_payment_plan_id = plan
        with self.assertRaisesRegex(UserError, "payment plan"):
            self._case()
        self.inv2.sudo().credit_payment_plan_id = False
        # a paid invoice
        paid = self._credit_invoice(self.debtor, 80.0, self.today - timedelta(days=60))
        self._credit_pay(paid, self.today)
        with self.assertRaisesRegex(UserError, "nothing left to pay"):
            self._case(paid)
        # one invoice in two cases of one call
        with self.assertRaisesRegex(UserError, "two cases"):
            self.env["credit.collection.case"].with_user(self.manager).create(
                [
                    {"agency_id": self.agency.id, "move_ids": [Command.set(self.inv1.ids)]},
                    {"agency_id": self.agency.id, "move_ids": [Command.set(self.inv1.ids)]},
                ]
            )
        # not an agency
        with self.assertRaises(ValidationError):
            self._case(agency_id=self.other.id)
        self.assertEqual(cases.search_count([]), before)
        # already in an open case
        self._handed_off(self.inv1)
        with self.assertRaisesRegex(UserError, "already in the open case"):
            self._case(self.inv1)

    def test_an_agency_without_data_processing_agreement_gets_nothing(self):
        self.agency.credit_collection_dpa_date = False
        case = self._case()
        with self.assertRaisesRegex(UserError, "GDPR"):
            case.action_hand_off()
        with self.assertRaisesRegex(UserError, "GDPR"):
            case.with_user(self.manager).action_build_dossier()
        self.assertEqual(case.state, "draft")
        self.assertFalse(case.export_ids)
        self.assertFalse(self.inv1.credit_collection_case_id)

    def test_payments_update_the_case_and_book_commission_as_draft_vendor_bills(self):
        case = self._handed_off()
        self._credit_pay(self.inv1, self.today, amount=400.0)
        self.assertEqual(case.amount_recovered, 400.0)
        self.assertEqual(case.state, "partly_recovered")
        bill = case.commission_move_ids
        self.assertEqual(len(bill), 1)
        self.assertEqual(
            (bill.move_type, bill.state, bill.partner_id), ("in_invoice", "draft", self.agency)
        )
        # 10 % of 400.00 + the fixed fee of 50.00 once
        self.assertEqual(bill.amount_untaxed, 90.0)
        self.assertEqual(case.commission_amount, 90.0)
        self._credit_pay(self.inv1 | self.inv2, self.today)
        self.assertEqual((case.state, case.close_reason), ("closed", "recovered"))
        self.assertEqual(case.amount_recovered, 1500.0)
        # one bill per recovery: 10 % of 600.00 and of 500.00
        self.assertEqual(case.commission_move_ids.mapped("state"), ["draft"] * 3)
        self.assertEqual(case.commission_amount, 90.0 + 60.0 + 50.0)
        self.assertFalse(self.inv1.credit_collection_case_id)
        self.assertFalse(self.debtor.with_company(self.company).credit_hold)

    def test_a_payment_undone_takes_the_recovery_back(self):
        case = self._handed_off()
        payment = self._credit_pay(self.inv2, self.today, amount=200.0)
        self.assertEqual(case.state, "partly_recovered")
        payment.move_id.line_ids.remove_move_reconcile()
        self.assertEqual(case.amount_recovered, 0.0)
        self.assertEqual(case.state, "in_progress")
        # commission already billed is not billed twice when the money comes again
        self._credit_pay(self.inv2, self.today, amount=200.0)
        self.assertEqual(case.commission_amount, 70.0)

    def test_close_as_recovered(self):
        case = self._handed_off()
        case.with_user(self.manager).action_close_recovered()
        self.assertEqual((case.state, case.close_reason), ("closed", "recovered"))
        self.assertEqual(case.date_closed, self.today)

    def test_write_off_books_a_balanced_entry_matched_to_the_items(self):
        case = self._handed_off()
        self._credit_pay(self.inv2, self.today, amount=100.0)
        with self.assertRaisesRegex(UserError, "loss account"):
            case.with_user(self.manager).action_write_off()
        self.assertEqual(case.state, "partly_recovered")
        self.company.credit_collection_loss_account_id = self.loss_account
        case.with_user(self.manager).action_write_off()
        self.assertEqual((case.state, case.close_reason), ("closed", "written_off"))
        entry = case.writeoff_move_id
        self.assertEqual(entry.state, "posted")
        self.assertAlmostEqual(sum(entry.line_ids.mapped("balance")), 0.0)
        loss = entry.line_ids.filtered(lambda line: line.account_id == self.loss_account)
        self.assertEqual(loss.debit, 1400.0)
        self.assertTrue(all(case.line_ids.move_line_id.mapped("reconciled")))
        self.assertEqual((self.inv1 | self.inv2).mapped("payment_state"), ["paid", "paid"])
        # the write-off is no recovery: no commission on it
        self.assertEqual(case.amount_recovered, 100.0)
        self.assertEqual(case.commission_amount, 60.0)
        self.assertFalse(self.debtor.with_company(self.company).credit_hold)

    def test_legal_action_records_the_court_and_scores_legal(self):
        case = self._handed_off(case_type="lawyer")
        case.with_user(self.manager).write(
            {
                "credit_court_reference": "R.G. 1234/2026 Trib. Bologna",
                "date_injunction": self.today,
                "date_injunction_notified": self.today,
            }
        )
        self.assertEqual(case.state, "in_progress")
        debtor = self.debtor.with_company(self.company)
        self.assertEqual(debtor.credit_dunning_stage_reached, "legal")
        self.assertIn("lawyer", debtor.credit_explanation)

    def test_even_a_manager_changes_amounts_and_state_only_through_the_actions(self):
        case = self._handed_off().with_user(self.manager)
        for values in (
            {"amount_recovered": 1500.0},
            {"state": "closed", "close_reason": "recovered"},
            {"commission_amount": 0.0},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                case.write(values)
        self.assertEqual((case.state, case.amount_recovered), ("handed_off", 0.0))
        case.write({"interest_claimed": 12.5})
        self.assertEqual(case.interest_claimed, 12.5)

    def test_items_of_another_company_are_refused(self):
        other = self.setup_other_company()["company"]
        self.manager.company_ids = [Command.link(other.id)]
        day = self.today - timedelta(days=90)
        foreign = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.debtor.id,
                    "invoice_date": day,
                    "date": day,
                    "invoice_date_due": day,
                    "invoice_line_ids": [
                        Command.create({"name": "Work", "price_unit": 100.0, "tax_ids": []})
                    ],
                }
            )
        )
        foreign.action_post()
        self.assertEqual(foreign.company_id, other)
        with self.assertRaisesRegex(UserError, "one company"):
            self._case(self.inv1 | foreign)

    def test_cases_are_never_deleted(self):
        case = self._handed_off()
        with self.assertRaises(UserError):
            case.sudo().unlink()
        case.with_user(self.manager).action_recall("done")
        case.with_user(self.manager).active = False
        self.assertFalse(case.active)


@tagged("post_install", "-at_install")
class TestCollectionDossier(CollectionCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo kept the PDF of invoice 1 when it was sent: the dossier uses it
        cls.env["ir.attachment"].create(
            {
                "name": "INV-1.pdf",
                "res_model": "account.move",
                "res_id": cls.inv1.id,
                "res_field": "invoice_pdf_report_file",
                "raw": b"%PDF-1.4 stored invoice",
            }
        )
        cls.env["credit.sdi.notification"].sudo().create(
            {
                "name": "RC",
                "company_id": cls.company.id,
                "message_type": "RC",
                "move_id": cls.inv1.id,
                "sdi_identifier": "123456",
                "file_name": "IT01234567890_00001_RC_001.xml",
                "attachment_id": cls.env["ir.attachment"]
                .create({"name": "IT01234567890_00001_RC_001.xml", "raw": b"<RicevutaConsegna/>"})
                .id,
                "delivery_date": fields.Datetime.now(),
            }
        )
        # a formal notice sent by PEC, its PDF kept with the letter
        policy = cls.company.credit_dunning_policy_id
        cls.letter = (
            cls.env["credit.dunning.letter"]
            .sudo()
            .create(
                {
                    "company_id": cls.company.id,
                    "date": cls.today - timedelta(days=20),
                    "partner_id": cls.debtor.id,
                    "currency_id": cls.currency.id,
                    "policy_id": policy.id,
                    "level_id": policy.level_ids.sorted("days")[-2].id,
                    "state": "sent",
                    "sent_by_pec": True,
                    "line_ids": [
                        Command.create(
                            {
                                "move_line_id": cls.inv2.line_ids.filtered(
                                    lambda line: line.account_type == "asset_receivable"
                                ).id,
                                "due_date": cls.inv2.invoice_date_due,
                            }
                        )
                    ],
                }
            )
        )
        cls.env["ir.attachment"].create(
            {
                "name": "letter.pdf",
                "res_model": "credit.dunning.letter",
                "res_id": cls.letter.id,
                "mimetype": "application/pdf",
                "raw": b"%PDF-1.4 the formal notice",
            }
        )
        cls.case = cls._handed_off_class()
        # the invoice without a stored PDF is rendered (as HTML in tests: a real
        # wkhtmltopdf call needs an HTTP worker free to serve the styles)
        cls.attachment = cls.case.with_user(cls.manager).action_build_dossier()
        cls.zip = zipfile.ZipFile(io.BytesIO(cls.attachment.raw))

    @classmethod
    def _handed_off_class(cls):
        case = (
            cls.env["credit.collection.case"]
            .with_user(cls.manager)
            .create(
                {
                    "partner_id": cls.debtor.id,
                    "agency_id": cls.agency.id,
                    "move_ids": [Command.set((cls.inv1 | cls.inv2).ids)],
                }
            )
        )
        case.action_hand_off()
        return case

    def test_the_dossier_holds_the_invoices_receipts_and_data(self):
        names = self.zip.namelist()
        self.assertEqual(names[:2], ["case.json", "items.csv"])
        self.assertIn("invoices/INV-1.pdf", names)
        self.assertEqual(self.zip.read("invoices/INV-1.pdf"), b"%PDF-1.4 stored invoice")
        rendered = [
            name for name in names if name.startswith("invoices/") and name != "invoices/INV-1.pdf"
        ]
        self.assertEqual(len(rendered), 1)
        self.assertIn(self.inv2.name.encode(), self.zip.read(rendered[0]))
        self.assertIn("sdi/IT01234567890_00001_RC_001.xml", names)
        self.assertEqual(names[-1], "SHA256SUMS")
        data = json.loads(self.zip.read("case.json"))
        self.assertEqual(data["case"]["reference"], self.case.name)
        self.assertEqual(data["case"]["amount_handed_over"], "1500.00")
        self.assertEqual(data["debtor"]["vat"], "IT09876543210")
        self.assertEqual(data["debtor"]["city"], "Bologna")
        rows = list(
            csv.DictReader(
                io.StringIO(self.zip.read("items.csv").decode("utf-8-sig")), delimiter=";"
            )
        )
        self.assertEqual([row["number"] for row in rows], [self.inv1.name, self.inv2.name])
        self.assertEqual(rows[0]["open_amount"], "1000.00")
        self.assertIn("RC", rows[0]["sdi_delivery"])
        self.assertIn("123456", rows[0]["sdi_delivery"])
        # the letter that put the debtor in default: its date, channel, and its PDF
        self.assertIn("PEC", rows[1]["letters"])
        self.assertIn(str(self.today - timedelta(days=20)), rows[1]["letters"])
        letters = [name for name in names if name.startswith("letters/")]
        self.assertEqual(len(letters), 1)
        self.assertEqual(self.zip.read(letters[0]), b"%PDF-1.4 the formal notice")
        self.assertEqual(data["items"][1]["letters"][0]["file"], letters[0])

    def test_only_the_data_the_agency_needs(self):
        everything = b"".join(
            self.zip.read(name) for name in self.zip.namelist() if not name.endswith(".pdf")
        )
        self.assertNotIn(b"difficult", everything)
        self.assertNotIn(b"Another Customer", everything)
        self.assertNotIn(self.other_invoice.name.encode(), everything)
        data = json.loads(self.zip.read("case.json"))
        for secret in ("credit_score", "credit_band", "credit_profile", "comment"):
            self.assertNotIn(secret, json.dumps(data))
        # the PEC is the debtor's address for the agency, not the plain e-mail
        self.assertNotIn(b"amministrazione@bianchi", everything)
        self.assertNotIn("email", data["debtor"])

    def test_a_credit_user_cannot_download_the_dossier(self):
        # the export log and its zip are the managers': a credit user reads the case only
        self.assertEqual(self.case.with_user(self.controller).export_count, 1)
        with self.assertRaises(AccessError):
            self.case.export_ids.with_user(self.controller).read(["sha256"])
        self.env.invalidate_all()
        attachment = self.attachment.with_user(self.controller)
        Attachment = self.env["ir.attachment"].with_user(self.controller)
        self.assertFalse(Attachment.search([("id", "=", self.attachment.id)]))
        with self.assertRaises(AccessError):
            attachment.read(["raw"])
        with self.assertRaises(AccessError):
            attachment.check("read")
        self.assertEqual(self.attachment.with_user(self.manager).read(["raw"])[0]["raw"][:2], b"PK")

    def test_every_export_is_logged_with_the_sha256_of_each_file(self):
        export = self.case.export_ids
        self.assertEqual(len(export), 1)
        self.assertEqual(export.user_id, self.manager)
        self.assertEqual(export.attachment_id, self.attachment)
        self.assertEqual(export.sha256, hashlib.sha256(self.attachment.raw).hexdigest())
        self.assertEqual(export.manifest, self.zip.read("SHA256SUMS").decode())
        for line in export.manifest.splitlines():
            digest, name = line.split("  ", 1)
            self.assertEqual(hashlib.sha256(self.zip.read(name)).hexdigest(), digest)
        self.assertEqual(
            (self.attachment.res_model, self.attachment.res_id), (export._name, export.id)
        )
        with self.assertRaises(UserError):
            export.sudo().unlink()
        with self.assertRaises(UserError):
            export.with_user(self.manager).write({"sha256": "0"})

    def test_over_rpc_the_dossier_is_the_attachment_id(self):
        result = call_kw(
            self.env["credit.collection.case"].with_user(self.manager),
            "action_build_dossier",
            [[self.case.id]],
            {},
        )
        self.assertEqual(result, self.case.export_ids[0].attachment_id.id)
        with self.assertRaises(AccessError):
            call_kw(
                self.env["credit.collection.case"].with_user(self.controller),
                "action_build_dossier",
                [[self.case.id]],
                {},
            )

    def test_the_dossier_is_e_mailed_to_the_agency(self):
        self.case.with_user(self.manager).action_send_dossier()
        export = self.case.export_ids[0]
        self.assertEqual(export.sent_to, "dossier@recuperi.example.com")
        mail = export.mail_id
        self.assertEqual(mail.email_to, "dossier@recuperi.example.com")
        self.assertEqual(mail.attachment_ids, export.attachment_id)
        self.assertEqual(len(self.case.export_ids), 2)


@tagged("post_install", "-at_install")
class TestCollectionStatement(CollectionCaseCommon):
    def test_preview_then_import_then_the_same_statement_changes_nothing(self):
        case = self._handed_off()
        text = (
            "Fattura;Importo recuperato;Data;Spese\n"
            f"{self.inv1.name};300,00;{self.today:%d/%m/%Y};25,00\n"
        )
        wizard = self._statement(case, text)
        wizard.action_preview()
        self.assertEqual((wizard.state, wizard.new_count, wizard.amount_new), ("preview", 1, 300.0))
        self.assertFalse(case.recovery_ids)
        wizard.action_import()
        self.assertEqual(case.amount_recovered, 300.0)
        self.assertEqual(case.agency_costs, 25.0)
        self.assertEqual(case.state, "partly_recovered")
        self.assertEqual(case.commission_amount, 80.0)
        again = self._statement(case, text)
        again.action_preview()
        self.assertEqual((again.new_count, again.skipped_count), (0, 1))
        again.action_import()
        self.assertEqual(len(case.recovery_ids), 1)
        self.assertEqual(case.amount_recovered, 300.0)
        self.assertEqual(case.commission_amount, 80.0)
        # the debtor's payment to us later: the larger of the two counts, not both
        self._credit_pay(self.inv1, self.today, amount=300.0)
        self.assertEqual(case.amount_recovered, 300.0)

    def test_bad_statements_are_refused_with_every_reason(self):
        case = self._handed_off()
        day = f"{self.today:%Y-%m-%d}"
        bad = {
            f"invoice;amount;date\nNOPE/1;10;{day}\n": "not in case",
            f"invoice;amount;date\n{self.inv2.name};500,01;{day}\n": "more than",
            f"invoice;amount;date\n{self.inv2.name};-5;{day}\n": "negative",
            f"invoice;amount;date\n{self.inv2.name};5;31/02/2026\n": "not a date",
            f"invoice;value\n{self.inv2.name};5\n": "Columns missing",
        }
        for text, message in bad.items():
            with self.subTest(text=text), self.assertRaisesRegex(UserError, message):
                self._statement(case, text).action_preview()
        wizard = (
            self.env["credit.collection.statement.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "case_id": case.id,
                    "file": base64.b64encode(
                        "invoice;amount;date\nà;1;2026-01-01\n".encode("latin-1")
                    ),
                }
            )
        )
        with self.assertRaisesRegex(UserError, "UTF-8"):
            wizard.action_import()
        self.assertFalse(case.recovery_ids)
        self.assertEqual(case.state, "handed_off")


@tagged("post_install", "-at_install")
class TestCollectionCaseSecurity(CollectionCaseCommon):
    def test_a_credit_user_reads_but_cannot_create_hand_off_or_close(self):
        case = self._case()
        as_user = case.with_user(self.controller)
        self.assertEqual(as_user.name, case.name)
        with self.assertRaises(AccessError):
            self.env["credit.collection.case"].with_user(self.controller).create(
                {
                    "partner_id": self.debtor.id,
                    "agency_id": self.agency.id,
                    "move_ids": [Command.set(self.inv1.ids)],
                }
            )
        for method, args in (
            ("action_hand_off", ()),
            ("action_build_dossier", ()),
            ("action_send_dossier", ()),
            ("action_write_off", ()),
            ("action_close_recovered", ()),
            ("action_recall", ("x",)),
        ):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(as_user, method)(*args)
        with self.assertRaises(AccessError):
            as_user.write({"amount_recovered": 1500.0})
        with self.assertRaises(AccessError):
            self.env["credit.collection.statement.wizard"].with_user(self.controller).create(
                {"case_id": case.id, "file": base64.b64encode(b"invoice;amount;date\n")}
            )
        self.assertEqual(case.state, "draft")

    def test_viewers_portal_and_other_companies_see_nothing(self):
        case = self._handed_off()
        viewer = self._credit_user("case_viewer", "credit_control.group_credit_viewer")
        portal = self._credit_user("case_portal", "base.group_portal")
        for user in (viewer, portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                case.with_user(user).read(["name"])
        other_company = self.company_data_2["company"] if hasattr(self, "company_data_2") else None
        if other_company is None:
            other_company = self.setup_other_company()["company"]
        stranger = self._credit_user(
            "case_stranger", "credit_control.group_credit_manager", company=other_company
        )
        Case = self.env["credit.collection.case"].with_user(stranger)
        self.assertFalse(Case.search([]))
        self.assertFalse(self.env["credit.collection.export"].with_user(stranger).search([]))
        with self.assertRaises(AccessError):
            case.with_user(stranger).action_recall("not mine")
        self.assertEqual(case.state, "handed_off")


@tagged("post_install", "-at_install")
class TestCollectionCaseReview(CollectionCaseCommon):
    """What the review found: recoveries, access, frozen parties, hand-off checks."""

    def _receivable(self, move):
        return move.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def test_a_credit_note_is_no_recovery_and_bills_no_commission(self):
        case = self._handed_off()
        refund = self._credit_invoice(self.debtor, 300.0, self.today, move_type="out_refund")
        (self._receivable(self.inv1) | self._receivable(refund)).reconcile()
        self.assertEqual(self.inv1.amount_residual, 700.0)
        self.assertEqual(case.amount_recovered, 0.0)
        self.assertFalse(case.commission_move_ids)
        self.assertEqual(case.state, "handed_off")
        # the money that comes afterwards is a recovery: 10 % of 200.00 + the fixed 50.00
        self._credit_pay(self.inv1, self.today, amount=200.0)
        self.assertEqual(case.amount_recovered, 200.0)
        self.assertEqual(case.commission_amount, 70.0)
        # settled by a credit note: closed, nothing recovered on it
        refund2 = self._credit_invoice(self.debtor, 500.0, self.today, move_type="out_refund")
        (self._receivable(self.inv1) | self._receivable(refund2)).reconcile()
        self._credit_pay(self.inv2, self.today)
        # 700.00 of 1,500.00 recovered, the rest credited: not a recovery
        self.assertEqual((case.state, case.close_reason), ("closed", "settled"))
        self.assertEqual(case.amount_recovered, 700.0)
        self.assertEqual(case.commission_amount, 120.0)

    def test_a_manager_forges_no_items_exports_or_recoveries(self):
        case = self._handed_off()
        line = case.line_ids[0]
        forgeries = (
            (
                "credit.collection.case.line",
                {
                    "case_id": case.id,
                    "move_line_id": self._receivable(self.other_invoice).id,
                    "amount_at_handoff": 700.0,
                },
            ),
            ("credit.collection.export", {"case_id": case.id, "user_id": self.manager.id}),
            (
                "credit.collection.recovery",
                {
                    "case_id": case.id,
                    "case_line_id": line.id,
                    "date": self.today,
                    "amount": 1000.0,
                    "row_key": "forged",
                },
            ),
        )
        for model, values in forgeries:
            with self.subTest(model=model), self.assertRaises(AccessError):
                call_kw(self.env[model].with_user(self.manager), "create", [values], {})
        with self.assertRaises(AccessError):
            call_kw(
                self.env["credit.collection.case.line"].with_user(self.manager),
                "write",
                [line.ids, {"amount_at_handoff": 1.0}],
                {},
            )
        self.assertEqual(len(case.line_ids), 2)
        self.assertFalse(case.recovery_ids)
        self.assertEqual(case.amount_recovered, 0.0)

    def test_a_manager_changes_the_invoices_of_a_draft(self):
        case = self._case().with_user(self.manager)
        case.write({"move_ids": [Command.set(self.inv1.ids)]})
        self.assertEqual(case.line_ids.move_id, self.inv1)
        self.assertEqual(case.amount_handed_over, 1000.0)
        case.write({"move_ids": [Command.set((self.inv1 | self.inv2).ids)]})
        self.assertEqual(case.amount_handed_over, 1500.0)

    def test_debtor_agency_currency_and_type_are_fixed_once_handed_over(self):
        other_agency = self.agency.copy(
            {"name": "Other Agency", "credit_collection_dpa_date": False}
        )
        draft = self._case().with_user(self.manager)
        # a draft takes only the invoices' debtor
        with self.assertRaisesRegex(UserError, "not Another Customer's"):
            draft.write({"partner_id": self.other.id})
        self.assertEqual(draft.partner_id, self.debtor)
        draft.write({"case_type": "lawyer"})
        self.assertEqual(draft.case_type, "lawyer")
        case = self._handed_off(self.inv1 | self.inv2, case_type="agency").with_user(self.manager)
        for values in (
            {"partner_id": self.other.id},
            {"agency_id": other_agency.id},
            {"currency_id": self.setup_other_currency("CHF").id},
            {"case_type": "lawyer"},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "draft"):
                case.write(values)
        self.assertEqual((case.partner_id, case.agency_id), (self.debtor, self.agency))
        self.assertEqual(case.case_type, "agency")

    def test_hand_off_refuses_empty_cases_not_overdue_not_collectible_and_shared_items(self):
        empty = (
            self.env["credit.collection.case"]
            .with_user(self.manager)
            .create({"partner_id": self.debtor.id, "agency_id": self.agency.id})
        )
        with self.assertRaisesRegex(UserError, "without invoices"):
            empty.action_hand_off()
        not_due = self._credit_invoice(
            self.debtor, 100.0, self.today, due_date=self.today + timedelta(days=30)
        )
        with self.assertRaisesRegex(UserError, "not overdue"):
            self._case(not_due)
        draft = self._case(self.inv2)
        self.inv2.sudo().write({"credit_einvoice_state": "rejected"})
        self.assertFalse(self.inv2.credit_collectible)
        with self.assertRaisesRegex(UserError, "not collectible"):
            draft.action_hand_off()
        self.assertEqual(draft.state, "draft")
        first, second = self._case(self.inv1), self._case(self.inv1)
        with self.assertRaisesRegex(UserError, "two cases"):
            (first | second).action_hand_off()
        self.assertEqual((first | second).mapped("state"), ["draft", "draft"])
        self.assertFalse(self.inv1.credit_collection_case_id)

    def test_the_fixed_fee_is_converted_to_the_case_currency(self):
        chf = self.setup_other_currency("CHF")
        rate = self.company.currency_id._convert(1.0, chf, self.company, self.today, round=False)
        invoice = self._credit_invoice(
            self.debtor,
            200.0,
            self.today - timedelta(days=90),
            due_date=self.today - timedelta(days=60),
            currency=chf,
        )
        case = self._handed_off(invoice)
        self.assertEqual(case.currency_id, chf)
        self._credit_pay(invoice, self.today)
        # 10 % of CHF 200.00, and the EUR 50.00 fee in CHF
        self.assertEqual(case.commission_amount, chf.round(20.0 + 50.0 * rate))
        self.assertNotEqual(rate, 1.0)

    def test_paying_an_invoice_without_a_case_looks_for_no_case(self):
        CaseLine = type(self.env["credit.collection.case.line"])
        with patch.object(CaseLine, "search_fetch", side_effect=AssertionError("searched")):
            self._credit_pay(self.other_invoice, self.today, amount=100.0)
        self.assertEqual(self.other_invoice.amount_residual, 600.0)
        Partner = type(self.env["res.partner"])
        if not self.env["res.partner"]._credit_company_has_collection_cases(self.company.id):
            with patch.object(
                Partner,
                "_credit_fetch_collection_cases",
                side_effect=AssertionError("searched"),
            ):
                self._credit_pay(self.other_invoice, self.today, amount=100.0)
        case = self._handed_off()
        self.assertTrue(
            self.env["res.partner"]._credit_company_has_collection_cases(self.company.id)
        )
        self._credit_pay(self.inv2, self.today, amount=100.0)
        self.assertEqual(case.amount_recovered, 100.0)
