"""Bureau connector and report files tried as a broken or hostile bureau would answer."""

import base64
import contextlib
import json
import socket
import struct
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

from odoo.tests import tagged

from .common import CreditControlCommon


class HostileBureau(BaseHTTPRequestHandler):
    """127.0.0.1 bureau; ``calls`` records (path, auth header) of every request."""

    calls = []

    def log_message(self, *args):
        pass

    def _send(self, status, body, headers=None):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def do_GET(self):
        vat = self.path.rsplit("/", 1)[-1]
        type(self).calls.append((self.path, self.headers.get("X-Api-Key")))
        if vat == "IT00000000301":
            target = f"http://127.0.0.1:{self.server.elsewhere}/steal/{vat}"
            return self._send(302, b"", {"Location": target})
        if vat == "IT00000000302":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return self.connection.close()
        if vat == "IT00000000303":
            return self.wfile.write(b"HTTP/1.1 TWO-HUNDRED OK\r\n\r\n{}")
        if vat == "IT00000000304":  # one byte every 0.2 s, never silent long enough
            self.send_response(200)
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(50):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            return None
        bodies = {
            "IT00000000305": b'{"score": NaN}',
            "IT00000000306": b'{"score": Infinity}',
            "IT00000000307": b'{"score": 1e999}',
            "IT00000000308": b"[" * 100000 + b"]" * 100000,
            "IT00000000309": b'{"score": {"value": {"value": 80}}}',
            "IT00000000310": b'{"score": 70, "limit": 1e300}',
            "IT00000000311": b'{"score": 70, "date": "2099-01-01"}',
            "IT00000000312": b'{"score": ' + b"9" * 5000 + b"}",
        }
        return self._send(200, bodies.get(vat, b'{"score": 70, "limit": 15000}'))


@tagged("post_install", "-at_install")
class TestBureauConnectorTrust(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elsewhere = ThreadingHTTPServer(("127.0.0.1", 0), HostileBureau)
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), HostileBureau)
        cls.server.elsewhere = cls.elsewhere.server_address[1]
        for server in (cls.server, cls.elsewhere):
            threading.Thread(target=server.serve_forever, daemon=True).start()
            cls.addClassCleanup(server.server_close)
            cls.addClassCleanup(server.shutdown)
        cls.bureau = cls.env["credit.report.provider"].create(
            {
                "name": "Hostile Bureau",
                "kind": "http",
                "scale": "score_100",
                "url_template": f"http://127.0.0.1:{cls.server.server_address[1]}/v1/{{vat}}",
                "auth_header_name": "X-Api-Key",
                "auth_secret": "s3cret",
                "timeout": 0.5,
                "call_deadline": 1.0,
                "rate_limit": 0,
                "max_retries": 1,
                "map_vat": "",
                "map_score": "score",
                "map_recommended_limit": "limit",
                "map_report_date": "date",
            }
        )

    def _customer_with_a_good_report(self, vat):
        partner = self._credit_customer(f"Company {vat}", vat=vat)
        good = self.env["credit.business.report"]._credit_create_reports(
            [{"partner_id": partner.id, "provider_id": self.bureau.id, "score": 64.0}]
        )
        self.assertEqual(partner.credit_latest_report_id, good)
        return partner, good

    def _fetch(self, partner):
        return self.bureau._credit_fetch_reports(partner, sleep=lambda s: None)

    def test_a_redirect_is_not_followed_and_the_secret_stays_home(self):
        partner, good = self._customer_with_a_good_report("IT00000000301")
        HostileBureau.calls.clear()
        report = self._fetch(partner)
        self.assertEqual(report.state, "error")
        self.assertIn("redirects are not followed", report.error_message)
        self.assertEqual(HostileBureau.calls, [("/v1/IT00000000301", "s3cret")])
        self.assertFalse([c for c in HostileBureau.calls if c[0].startswith("/steal")])
        self.assertEqual(partner.credit_latest_report_id, good, "previous report kept")

    def test_every_broken_answer_is_an_error_report_and_the_previous_one_is_kept(self):
        cases = {
            "IT00000000302": "cannot reach the bureau",
            "IT00000000303": "not valid HTTP",
            "IT00000000305": "NaN is not a number",
            "IT00000000306": "Infinity is not a number",
            "IT00000000307": "too large",
            "IT00000000308": "nested deeper than 32 levels",
            "IT00000000309": "is not a number",
            "IT00000000310": "must be between 0 and 1,000,000,000,000",
            "IT00000000311": "in the future: refused",
            "IT00000000312": "not valid JSON",
        }
        for vat, message in cases.items():
            with self.subTest(vat=vat):
                partner, good = self._customer_with_a_good_report(vat)
                report = self._fetch(partner)
                self.assertEqual(report.state, "error")
                self.assertIn(message, report.error_message)
                self.assertEqual(partner.credit_latest_report_id, good)
                self.assertEqual(partner.credit_latest_report_id.score, 64.0)

    def test_a_dripping_bureau_is_cut_at_the_deadline(self):
        partner, good = self._customer_with_a_good_report("IT00000000304")
        started = time.monotonic()
        report = self._fetch(partner)
        elapsed = time.monotonic() - started
        self.assertEqual(report.state, "error")
        self.assertIn("deadline of 1 seconds", report.error_message)
        self.assertLess(elapsed, 2.0, "1 s deadline, not 10 s of dripping")
        self.assertEqual(partner.credit_latest_report_id, good)

    def test_the_refresh_goes_on_and_a_failed_customer_waits_its_turn(self):
        self.bureau.auto_refresh = True
        failing = self._credit_customer("Failing", vat="IT00000000302")
        healthy = self._credit_customer("Healthy", vat="IT00000000320")
        (failing | healthy).credit_report_requested = True
        self.env["credit.report.provider"]._cron_credit_refresh_reports(batch_size=1, commit=False)
        self.assertEqual(failing.credit_latest_report_id.state or "none", "none")
        self.assertEqual(healthy.credit_latest_report_id.state, "done", "the next one went on")
        # two days later the failed customer is due again, behind the others
        failed = self.env["credit.business.report"].search(
            [("partner_id", "=", failing.id), ("state", "=", "error")]
        )
        self.assertEqual(len(failed), 1)
        self.env.cr.execute(
            "UPDATE credit_business_report SET create_date = %s WHERE id = %s",
            [failed.create_date - timedelta(days=2), failed.id],
        )
        newcomer = self._credit_customer("Newcomer", vat="IT00000000321")
        newcomer.credit_report_requested = True
        due = self.bureau._credit_partners_due()
        self.assertIn(failing, due)
        self.assertLess(list(due).index(newcomer), list(due).index(failing))
        self.assertEqual(due[-1], failing, "last in line")


@tagged("post_install", "-at_install")
class TestReportFileTrust(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env["credit.report.provider"].create(
            {
                "name": "Bureau File",
                "kind": "file",
                "scale": "score_100",
                "map_vat": "VAT",
                "map_score": "Score",
                "map_recommended_limit": "Limit",
                "map_report_date": "Date",
                "map_rating": "",
                "map_legal_status": "",
                "map_negative_events": "",
            }
        )
        for number in range(1, 9):
            cls._credit_customer(f"Customer {number}", vat=f"IT0000000040{number}")

    def _import(self, content, filename):
        wizard = self.env["credit.report.import.wizard"].create(
            {
                "provider_id": self.provider.id,
                "file": base64.b64encode(content),
                "filename": filename,
            }
        )
        wizard.action_import()
        return wizard

    def test_a_bad_value_fails_its_row_not_the_file(self):
        tomorrow = self.today + timedelta(days=1)
        in_two_days = self.today + timedelta(days=2)
        content = (
            "VAT;Score;Limit;Date\n"
            f"IT00000000401;80;20000;{self.today.isoformat()}\n"
            "IT00000000402;NaN;20000;\n"
            "IT00000000403;80;inf;\n"
            "IT00000000404;80;-1;\n"
            f"IT00000000405;80;1000;{in_two_days.isoformat()}\n"
            "IT00000000406;80;1000;soon\n"
            "IT00000000407;101;1000;\n"
            f"IT00000000408;55;1000;{tomorrow.isoformat()}\n"
        ).encode()
        wizard = self._import(content, "reports.csv")
        self.assertEqual(wizard.imported_count, 2, wizard.error_report)
        self.assertEqual(wizard.error_count, 6)
        for expected in (
            "Row 3: score 'NaN' is not a finite number",
            "Row 4: recommended limit 'inf' is not a finite number",
            "Row 5: recommended limit '-1' must be between 0 and 1,000,000,000,000",
            f"Row 6: the report is dated {in_two_days.isoformat()}, in the future: refused",
            "Row 7: report date 'soon' is not a date",
            "Row 8: score '101' is outside the scale",
        ):
            self.assertIn(expected, wizard.error_report)
        partner = self.env["res.partner"].search([("vat", "=", "IT00000000408")])
        self.assertEqual(partner.credit_latest_report_id.report_date, tomorrow, "a day ahead: ok")

    def test_nested_and_huge_json_values_fail_their_row(self):
        records = [
            {"VAT": "IT00000000401", "Score": 75, "Limit": 5000},
            {"VAT": "IT00000000402", "Score": {"nested": 75}},
            {"VAT": "IT00000000403", "Score": 75, "Limit": [1, 2]},
            {"VAT": {"deep": "IT00000000404"}, "Score": 75},
        ]
        text = json.dumps(records)[:-1] + ', {"VAT": "IT00000000405", "Score": 1e999}]'
        wizard = self._import(text.encode(), "reports.json")
        self.assertEqual(wizard.imported_count, 1, wizard.error_report)
        self.assertEqual(wizard.error_count, 4)
        self.assertIn("Row 2: score {'nested': 75} is not a number", wizard.error_report)
        self.assertIn("Row 3: recommended limit [1, 2] is not a number", wizard.error_report)
        self.assertIn("Row 4: {'deep': 'IT00000000404'} is not a plain value", wizard.error_report)
        self.assertIn("Row 5: score inf is not a finite number", wizard.error_report)
