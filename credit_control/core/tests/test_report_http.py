"""The HTTPS JSON client against a real HTTP server on 127.0.0.1."""

import contextlib
import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

import pytest

from core import report_http
from core.report_http import ProviderError


class BureauHandler(BaseHTTPRequestHandler):
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
        type(self).calls.append((vat, self.headers.get("Authorization")))
        if self.headers.get("Authorization") != "Bearer s3cret":
            return self._send(401, b'{"error": "bad token"}')
        if vat == "IT404":
            return self._send(404, b'{"error": "unknown company"}')
        if vat == "IT429" and len([c for c in self.calls if c[0] == "IT429"]) == 1:
            return self._send(429, b"slow down", {"Retry-After": "1"})
        if vat == "IT500":
            return self._send(500, b"boom")
        if vat == "ITSLOW":
            time.sleep(1.5)
        if vat == "ITBAD":
            return self._send(200, b"{not json")
        return self._hostile(vat)

    def _hostile(self, vat):
        """Answers of a broken or hostile bureau."""
        if vat == "ITREDIRECT":
            return self._send(302, b"", {"Location": "http://attacker.example/steal"})
        if vat == "ITRESET":  # close with RST: "connection reset by peer"
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return None
        if vat == "ITSTATUS":
            self.wfile.write(b"HTTP/1.1 TWO-HUNDRED OK\r\n\r\n{}")
            return None
        if vat == "ITDRIP":  # one byte every 0.2 s: never silent long enough to time out
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(100):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            return None
        bodies = {
            "ITNAN": b'{"vat": "IT1", "score": NaN}',
            "ITINF": b'{"vat": "IT1", "score": Infinity}',
            "ITHUGE": b'{"vat": "IT1", "score": 1e999}',
            "ITDEEP": b"[" * 50000 + b"]" * 50000,
            "ITNESTED": b'{"a": ' * 40 + b"1" + b"}" * 40,
        }
        if vat in bodies:
            return self._send(200, bodies[vat])
        return self._send(200, json.dumps({"vat": vat, "score": 77}).encode())


@pytest.fixture(scope="module")
def bureau():
    server = ThreadingHTTPServer(("127.0.0.1", 0), BureauHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/companies/{{vat}}"
    server.shutdown()


AUTH = {"Authorization": "Bearer s3cret"}


def test_200_returns_json(bureau):
    data, raw = report_http.fetch(bureau, "IT1", AUTH)
    assert data == {"vat": "IT1", "score": 77}
    assert raw.startswith(b"{")


def test_401_is_auth_error_not_retried(bureau):
    BureauHandler.calls.clear()
    with pytest.raises(ProviderError, match="refused the credentials") as error:
        report_http.fetch(
            bureau, "IT1", {"Authorization": "wrong"}, retries=3, sleep=lambda s: None
        )
    assert error.value.kind == "auth"
    assert len(BureauHandler.calls) == 1


def test_404_unknown_company(bureau):
    with pytest.raises(ProviderError, match="does not know this company") as error:
        report_http.fetch(bureau, "IT404", AUTH)
    assert not error.value.retry


def test_429_waits_retry_after_then_succeeds(bureau):
    BureauHandler.calls.clear()
    waits = []
    data, _raw = report_http.fetch(bureau, "IT429", AUTH, sleep=waits.append)
    assert data["score"] == 77
    assert waits == [1.0]


def test_500_retried_with_backoff_then_fails(bureau):
    BureauHandler.calls.clear()
    waits = []
    with pytest.raises(ProviderError, match="server failed") as error:
        report_http.fetch(bureau, "IT500", AUTH, retries=2, backoff=0.5, sleep=waits.append)
    assert waits == [0.5, 1.0]
    assert len(BureauHandler.calls) == 3
    assert error.value.retry


def test_timeout(bureau):
    with pytest.raises(ProviderError, match=r"no answer within 0\.3 seconds") as error:
        report_http.fetch(bureau, "ITSLOW", AUTH, timeout=0.3, retries=0)
    assert error.value.kind == "timeout"


def test_malformed_json(bureau):
    with pytest.raises(ProviderError, match="not valid JSON"):
        report_http.fetch(bureau, "ITBAD", AUTH)


def test_redirect_is_not_followed_and_credentials_stay_home(bureau):
    BureauHandler.calls.clear()
    with pytest.raises(ProviderError, match="redirects are not followed") as error:
        report_http.fetch(bureau, "ITREDIRECT", AUTH)
    assert error.value.status == 302
    assert BureauHandler.calls == [("ITREDIRECT", "Bearer s3cret")], "one call, no other"


@pytest.mark.parametrize(
    ("vat", "message"),
    [
        ("ITRESET", "cannot reach the bureau"),
        ("ITSTATUS", "not valid HTTP"),
        ("ITNAN", "NaN is not a number"),
        ("ITINF", "Infinity is not a number"),
        ("ITHUGE", "too large"),
        ("ITDEEP", "nested deeper than 32 levels"),
        ("ITNESTED", "nested deeper than 32 levels"),
    ],
)
def test_broken_answers_are_plain_errors(bureau, vat, message):
    with pytest.raises(ProviderError, match=message):
        report_http.fetch(bureau, vat, AUTH, retries=1, sleep=lambda s: None)


def test_a_dripping_server_is_cut_at_the_deadline(bureau):
    started = time.monotonic()
    with pytest.raises(ProviderError, match="deadline of 1 seconds") as error:
        report_http.fetch(bureau, "ITDRIP", AUTH, timeout=0.5, retries=3, deadline=1.0)
    elapsed = time.monotonic() - started
    assert error.value.kind == "timeout"
    assert elapsed < 1.5, f"cut after {elapsed:.2f} s, not at the 1 s deadline"


def test_retries_stop_at_the_deadline(bureau):
    waits = []
    with pytest.raises(ProviderError, match="no time left for a retry"):
        report_http.fetch(
            bureau, "IT500", AUTH, retries=5, backoff=2.0, sleep=waits.append, deadline=1.0
        )
    assert waits == [], "a 2 s back-off does not fit in a 1 s deadline"
