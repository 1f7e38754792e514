import base64
import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CreditControlCommon


class BureauHandler(BaseHTTPRequestHandler):
    """A bureau on 127.0.0.1: the answer depends on the VAT number asked for."""

    calls = []

    def log_message(self, *args):
        pass

    def _send(self, status, body, headers=None):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):  # the client gave up (timeout test)
            self.wfile.write(body)

    def do_GET(self):
        vat = self.path.rsplit("/", 1)[-1]
        type(self).calls.append(vat)
        if self.headers.get("X-Api-Key") != "s3cret":
            return self._send(401, b'{"error": "invalid key"}')
        if vat == "IT00000000404":
            return self._send(404, b'{"error": "company not found"}')
        if vat == "IT00000000429" and type(self).calls.count(vat) == 1:
            return self._send(429, b"", {"Retry-After": "0"})
        if vat == "IT00000000500":
            return self._send(500, b"internal error")
        if vat == "IT00000000408":
            time.sleep(1.0)
        if vat == "IT00000000666":
            return self._send(200, b"<html>not json")
        score = 12 if vat == "IT00000000012" else 3
        body = {
            "company": {"vat": vat},
            "risk": {"class": score, "rating": "B2"},
            "limit": 20000,
            "status": "active",
            "events": ["protest 2025-03"],
        }
        return self._send(200, json.dumps(body).encode())


@tagged("post_install", "-at_install")
class TestCreditReports(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), BureauHandler)
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        port = cls.server.server_address[1]
        cls.bureau = cls.env["credit.report.provider"].create(
            {
                "name": "Local Bureau",
                "kind": "http",
                "scale": "risk_10",
                "url_template": f"http://127.0.0.1:{port}/v1/companies/{{vat}}",
                "auth_header_name": "X-Api-Key",
                "auth_secret": "s3cret",
                "timeout": 0.5,
                "rate_limit": 0,
                "max_retries": 1,
                "map_vat": "company.vat",
                "map_score": "risk.class",
                "map_rating": "risk.rating",
                "map_recommended_limit": "limit",
                "map_legal_status": "status",
                "map_negative_events": "events",
            }
        )
        cls.file_provider = cls.env["credit.report.provider"].create(
            {
                "name": "Bureau File",
                "kind": "file",
                "scale": "score_100",
                "map_vat": "VAT",
                "map_score": "Score",
                "map_rating": "Rating",
                "map_recommended_limit": "Limit",
                "map_legal_status": "Status",
                "map_negative_events": "",
            }
        )
        cls.alpha = cls._credit_customer("Alpha", vat="IT00000000001")
        cls.beta = cls._credit_customer("Beta", vat="IT00000000002")

    def _fetch(self, vat):
        partner = self._credit_customer(f"Company {vat}", vat=vat)
        return partner, self.bureau._credit_fetch_reports(partner, sleep=lambda s: None)

    # HTTPS connector ---------------------------------------------------------------

    def test_200_creates_normalised_report_with_payload(self):
        partner, report = self._fetch("IT00000000003")
        self.assertEqual(report.state, "done")
        self.assertEqual(report.raw_score, "3")
        self.assertAlmostEqual(report.score, 77.8)
        self.assertEqual(report.rating, "B2")
        self.assertEqual(report.recommended_limit, 20000.0)
        self.assertEqual(report.negative_event_count, 1)
        self.assertEqual(json.loads(report.attachment_id.raw)["risk"]["class"], 3)
        self.assertEqual(partner.credit_latest_report_id, report)
        self.assertIn("business report: score 77.8", partner.credit_explanation)

    def test_401_keeps_error_with_message(self):
        self.bureau.auth_secret = "wrong"
        _partner, report = self._fetch("IT00000000003")
        self.assertEqual(report.state, "error")
        self.assertIn("refused the credentials (HTTP 401)", report.error_message)

    def test_404_unknown_company(self):
        _partner, report = self._fetch("IT00000000404")
        self.assertEqual(report.state, "error")
        self.assertIn("does not know this company", report.error_message)

    def test_429_retried_after_retry_after(self):
        _partner, report = self._fetch("IT00000000429")
        self.assertEqual(report.state, "done")
        self.assertEqual(BureauHandler.calls.count("IT00000000429"), 2)

    def test_500_keeps_previous_report(self):
        partner, good = self._fetch("IT00000000003")
        partner.vat = "IT00000000500"
        failed = self.bureau._credit_fetch_reports(partner, sleep=lambda s: None)
        self.assertEqual(failed.state, "error")
        self.assertIn("server failed (HTTP 500)", failed.error_message)
        self.assertEqual(partner.credit_latest_report_id, good)
        self.assertEqual(len(partner.with_context(active_test=False).credit_report_ids), 2)

    def test_timeout(self):
        _partner, report = self._fetch("IT00000000408")
        self.assertEqual(report.state, "error")
        self.assertIn("no answer within 0.5 seconds", report.error_message)

    def test_malformed_json(self):
        _partner, report = self._fetch("IT00000000666")
        self.assertIn("not valid JSON", report.error_message)

    def test_score_out_of_scale(self):
        _partner, report = self._fetch("IT00000000012")
        self.assertEqual(report.state, "error")
        self.assertIn("outside the scale 1-10", report.error_message)

    def test_refresh_now_button_and_secret_hidden(self):
        partner = self._credit_customer("Button", vat="IT00000000007")
        action = partner.action_credit_refresh_now()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(partner.credit_latest_report_id.state, "done")
        self.assertTrue(partner.credit_scored_on)
        clerk = self._credit_user("credit_viewer_x", "credit_control.group_credit_user")
        self.assertNotIn("auth_secret", self.bureau.with_user(clerk).fields_get())

    def test_refresh_now_says_what_the_new_report_brought(self):
        partner = self._credit_customer("Refreshed", vat="IT00000000003")
        action = partner.action_credit_refresh_now()
        # risk class 3 of 10 normalises to 77.8; one protest takes 10 points off the report
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn(
            "Refreshed: new business report, score 77.8 of 100, Active.",
            action["params"]["message"],
        )
        self.assertIn(
            f"Credit score now {partner.credit_score} (band {partner.credit_band}).",
            action["params"]["message"],
        )

    def test_refresh_now_says_the_bureau_error_in_plain_words(self):
        partner = self._credit_customer("Unknown To Bureau", vat="IT00000000404")
        action = partner.action_credit_refresh_now()
        params = action["params"]
        self.assertEqual((params["type"], params["sticky"]), ("warning", True))
        self.assertIn(
            "Unknown To Bureau: no new report. The bureau has no report on this VAT number.",
            params["message"],
        )
        self.assertIn("The customer still has no business report.", params["message"])
        error_row = partner.credit_report_ids
        self.assertEqual(error_row.state, "error")
        self.assertIn("(the bureau does not know this company (HTTP 404)", error_row.error_message)

    def test_error_rows_show_blanks_not_zero(self):
        for xmlid in (
            "credit_control.view_credit_business_report_list",
            "credit_control.view_partner_form_credit",
        ):
            view = self.env.ref(xmlid)
            arch = view.arch_db
            for name in ("score", "recommended_limit", "legal_status"):
                self.assertIn(f'<field name="{name}" invisible="state == \'error\'"/>', arch)

    def test_cron_refreshes_requested_and_retries_errors_later(self):
        self.bureau.auto_refresh = True
        requested = self._credit_customer("Requested", vat="IT00000000009")
        requested.credit_report_requested = True
        failing = self._credit_customer("Failing", vat="IT00000000500")
        failing.credit_report_requested = True
        cron = self.env.ref("credit_control.ir_cron_credit_refresh_reports")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        done = (
            self.env["credit.report.provider"]
            .with_context(ir_cron_progress_id=progress.id)
            ._cron_credit_refresh_reports(batch_size=1, commit=False)
        )
        self.assertEqual((progress.done, progress.remaining), (done, 0))
        self.assertGreaterEqual(done, 2)  # demo customers owing money may be due too
        self.assertEqual(requested.credit_latest_report_id.state, "done")
        self.assertFalse(requested.credit_report_requested)
        self.assertTrue(failing.credit_report_requested, "retried at a later run")
        self.assertNotIn(failing, self.bureau._credit_partners_due(), "not again the same day")

    # File import -------------------------------------------------------------------

    def _import(self, content, filename="reports.csv", provider=None):
        wizard = self.env["credit.report.import.wizard"].create(
            {
                "provider_id": (provider or self.file_provider).id,
                "file": base64.b64encode(content),
                "filename": filename,
            }
        )
        wizard.action_import()
        return wizard

    def test_import_good_rows_and_row_errors(self):
        content = (
            b"VAT;Score;Rating;Limit;Status\n"
            b"IT00000000001;82;A;50000;active\n"
            b"IT99999999999;50;C;1000;active\n"
            b"IT00000000002;high;B;1000;active\n"
            b"IT00000000001;80;A;1000;active\n"
            b"IT00000000002;35;C;2000;liquidation\n"
        )
        wizard = self._import(content)
        self.assertEqual(wizard.imported_count, 2)
        self.assertEqual(wizard.error_count, 3)
        self.assertIn(
            "Row 3: no customer has the VAT number or fiscal code IT99999999999",
            wizard.error_report,
        )
        self.assertIn("Row 4: score 'high' is not a number", wizard.error_report)
        self.assertIn("Row 5: IT00000000001 appears more than once", wizard.error_report)
        self.assertEqual(self.alpha.credit_latest_report_id.score, 82.0)
        self.assertEqual(self.beta.credit_latest_report_id.legal_status, "liquidation")
        self.assertIn("In Liquidation", self.beta.credit_explanation)

    def test_import_windows_1252(self):
        content = "VAT,Score,Rating,Limit,Status\nIT00000000001,70,Società solida,0,active\n"
        wizard = self._import(content.encode("cp1252"))
        self.assertEqual(wizard.imported_count, 1)
        self.assertEqual(self.alpha.credit_latest_report_id.rating, "Società solida")

    def test_import_refuses_whole_files_and_writes_nothing(self):
        reports = self.env["credit.business.report"]
        before = reports.search_count([])
        cases = [
            (b"\x00\x01\x02binary", "not a text file"),
            (b"VAT;Points\nIT00000000001;3\n", "missing column"),
            (
                b"VAT,Score\n" + b"IT00000000001,50\n" * (50 * 1024 * 1024 // 17 + 1),
                "more than the limit",
            ),
        ]
        for content, message in cases:
            with self.subTest(message=message), self.assertRaisesRegex(UserError, message):
                self._import(content)
        self.assertEqual(reports.search_count([]), before)

    def test_import_json_file(self):
        provider = self.file_provider.copy(
            {
                "file_format": "json",
                "records_path": "data",
                "map_vat": "id.vat",
                "map_score": "score",
                "scale": "paydex",
            }
        )
        content = json.dumps({"data": [{"id": {"vat": "IT00000000002"}, "score": 80}]}).encode()
        wizard = self._import(content, filename="reports.json", provider=provider)
        self.assertEqual(wizard.imported_count, 1)
        self.assertAlmostEqual(self.beta.credit_latest_report_id.score, 79.8)

    def test_other_company_sees_no_reports(self):
        partner, report = self._fetch("IT00000000003")
        other = self.setup_other_company()["company"]
        user = self._credit_user("credit_other_co", "account.group_account_invoice", company=other)
        reports = self.env["credit.business.report"].with_user(user)
        self.assertFalse(reports.search([("id", "=", report.id)]))
        self.assertFalse(self.env["credit.report.provider"].with_user(user).search([]))
        self.assertTrue(
            self.env["credit.score.history"].search([("partner_id", "=", partner.id)]),
        )
        self.assertFalse(
            self.env["credit.score.history"]
            .with_user(user)
            .search([("partner_id", "=", partner.id)])
        )

    def test_credit_user_imports_and_refreshes(self):
        user = self._credit_user("credit_controller_x", "account.group_account_invoice")
        content = b"VAT;Score;Rating;Limit;Status\nIT00000000001;82;A;50000;active\n"
        wizard = (
            self.env["credit.report.import.wizard"]
            .with_user(user)
            .create(
                {
                    "provider_id": self.file_provider.id,
                    "file": base64.b64encode(content),
                    "filename": "r.csv",
                }
            )
        )
        wizard.action_import()
        self.assertEqual(wizard.imported_count, 1)
        partner = self._credit_customer("Refreshed by a user", vat="IT00000000003")
        partner.with_user(user).action_credit_refresh_now()
        self.assertEqual(partner.credit_latest_report_id.state, "done")
