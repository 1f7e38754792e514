"""A generic HTTPS JSON client for credit bureaus.

``fetch(url_template, vat, ...)`` calls the URL (``{vat}`` replaced, URL-quoted), sends the
auth header, waits at most ``timeout`` seconds, retries 429 and 5xx answers with back-off
(``Retry-After`` when the bureau gives one, capped), and returns the decoded JSON with its
raw bytes. Failures raise :class:`ProviderError` with a plain message and a ``kind``:
``auth`` (401/403), ``not_found`` (404: the bureau does not know the company),
``rate_limited``, ``server``, ``timeout``, ``network``, ``malformed``.

:class:`RateLimiter` spaces calls to at most N per minute (the clock and sleep are
injectable for tests):

>>> clock = [0.0]
>>> def fake_sleep(seconds):
...     clock[0] += seconds
>>> limiter = RateLimiter(60, clock=lambda: clock[0], sleep=fake_sleep)
>>> for _ in range(3):
...     limiter.wait()
>>> clock[0]
2.0
>>> build_url("https://api.example/v1/companies/{vat}?full=1", "IT 0123/4")
'https://api.example/v1/companies/IT%200123%2F4?full=1'

The client is defensive: a redirect is never followed (credentials are never sent to an
address other than the configured one), the whole call, retries and waits included, ends
by a hard ``deadline`` (a slow-dripping server is cut off), and the answer must be plain
JSON: no NaN or infinities, no number too large for a float, at most :data:`MAX_DEPTH`
levels of nesting.

>>> decode_json(b'{"score": 7, "risk": {"class": 3}}')
{'score': 7, 'risk': {'class': 3}}
>>> decode_json(b'{"score": NaN}')
Traceback (most recent call last):
...
core.report_http.ProviderError: the answer is not valid JSON: NaN is not a number
>>> decode_json(b'[' * 100 + b']' * 100)
Traceback (most recent call last):
...
core.report_http.ProviderError: the answer is nested deeper than 32 levels
"""

import contextlib
import http.client
import json
import math
import socket
import ssl
import threading
import time
import urllib.parse
from email.utils import parsedate_to_datetime

__all__ = ["ProviderError", "RateLimiter", "build_url", "decode_json", "fetch"]

MAX_RESPONSE_BYTES = 5 * 1024 * 1024
MAX_RETRY_WAIT = 30.0
MAX_DEPTH = 32
DEFAULT_DEADLINE = 60.0


class ProviderError(Exception):
    """A bureau call failed; ``kind`` says how, ``retry`` whether a later retry may help."""

    def __init__(self, message, kind, status=None):
        super().__init__(message)
        self.kind = kind
        self.status = status

    @property
    def retry(self):
        return self.kind in ("rate_limited", "server", "timeout", "network")


class RateLimiter:
    """At most ``per_minute`` calls per minute, evenly spaced."""

    def __init__(self, per_minute, clock=time.monotonic, sleep=time.sleep):
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock = clock
        self.sleep = sleep
        self.next_call = None

    def wait(self):
        now = self.clock()
        if self.next_call is not None and now < self.next_call:
            self.sleep(self.next_call - now)
            now = self.next_call
        self.next_call = now + self.interval


def build_url(url_template, vat):
    return url_template.replace("{vat}", urllib.parse.quote(vat, safe=""))


def _retry_after(headers, default):
    value = (headers or {}).get("Retry-After")
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return default
    return max(0.0, min(seconds, MAX_RETRY_WAIT))


class _Deadline:
    """Cuts the connection when the whole call's time is up, whatever the server does
    (a server dripping one byte per second never trips the socket timeout)."""

    def __init__(self, seconds, clock=time.monotonic):
        self.clock = clock
        self.seconds = seconds
        self.end = clock() + seconds
        self.expired = False
        self.sock = None

    def remaining(self):
        return self.end - self.clock()

    def _cut(self, connection):
        self.expired = True
        # the response keeps reading from the socket after http.client forgets it
        sock = connection.sock or self.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def guard(self, connection):
        timer = threading.Timer(max(self.remaining(), 0.0), self._cut, (connection,))
        timer.daemon = True
        return timer


def _call(url, headers, timeout, deadline):
    """Status, headers and body of one GET; redirects are returned, never followed."""
    parts = urllib.parse.urlsplit(url)
    socket_timeout = max(min(timeout, deadline.remaining()), 0.001)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=socket_timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=socket_timeout)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    guard = deadline.guard(connection)
    guard.start()
    try:
        connection.connect()
        deadline.sock = connection.sock
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read(MAX_RESPONSE_BYTES + 1)
        return response.status, response.headers, body
    finally:
        guard.cancel()
        connection.close()


def _error_for_status(status, body):
    detail = body[:200].decode("utf-8", "replace").strip()
    if status in (401, 403):
        return ProviderError(
            f"the bureau refused the credentials (HTTP {status}): {detail}", "auth", status
        )
    if status == 404:
        return ProviderError(
            f"the bureau does not know this company (HTTP 404): {detail}", "not_found", status
        )
    if status == 429:
        return ProviderError(
            "the bureau's rate limit was exceeded (HTTP 429)", "rate_limited", status
        )
    if status >= 500:
        return ProviderError(f"the bureau's server failed (HTTP {status})", "server", status)
    return ProviderError(f"unexpected answer HTTP {status}: {detail}", "other", status)


def _reject_constant(name):
    raise ValueError(f"{name} is not a number")


def _finite_float(text):
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"the number {text[:20]} is too large")
    return number


def _depth(data, limit):
    """Nesting depth of decoded JSON, iteratively (no recursion to exhaust)."""
    deepest, todo = 0, [(data, 1)]
    while todo:
        value, level = todo.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            children = value.values() if isinstance(value, dict) else value
            todo.extend((child, level + 1) for child in children)
    return deepest


def decode_json(body, max_depth=MAX_DEPTH):
    """The JSON object or list in ``body``; ProviderError ``malformed`` when it is not plain,
    finite, reasonably nested JSON."""
    try:
        data = json.loads(
            body.decode("utf-8-sig"), parse_constant=_reject_constant, parse_float=_finite_float
        )
    except RecursionError:
        raise ProviderError(
            f"the answer is nested deeper than {max_depth} levels", "malformed"
        ) from None
    except ValueError as error:  # UnicodeDecodeError, JSONDecodeError, too many digits
        raise ProviderError(f"the answer is not valid JSON: {error}", "malformed") from None
    if not isinstance(data, (dict, list)):
        raise ProviderError("the answer is not a JSON object", "malformed")
    if _depth(data, max_depth) > max_depth:
        raise ProviderError(f"the answer is nested deeper than {max_depth} levels", "malformed")
    return data


def _attempt(url, headers, timeout, deadline):
    """The body of a 2xx answer; ProviderError otherwise (with its ``wait`` hint)."""
    try:
        status, answer_headers, body = _call(url, headers, timeout, deadline)
    except TimeoutError:
        raise ProviderError(f"no answer within {timeout:g} seconds", "timeout") from None
    except (http.client.HTTPException, OSError) as error:
        if deadline.expired:
            raise ProviderError(
                f"the call took longer than its deadline of {deadline.seconds:g} seconds",
                "timeout",
            ) from None
        if isinstance(error, http.client.HTTPException):
            raise ProviderError(
                f"the bureau's answer is not valid HTTP: {error!r}", "network"
            ) from None
        raise ProviderError(f"cannot reach the bureau: {error}", "network") from None
    if deadline.expired:
        raise ProviderError(
            f"the call took longer than its deadline of {deadline.seconds:g} seconds", "timeout"
        )
    if 300 <= status < 400:
        target = (answer_headers.get("Location") or "")[:200]
        raise ProviderError(
            f"the bureau redirected the call (HTTP {status}) to {target or 'another address'}; "
            "redirects are not followed: set the final address in the provider",
            "other",
            status,
        )
    if status >= 400:
        failure = _error_for_status(status, body or b"")
        failure.retry_after = answer_headers.get("Retry-After")
        raise failure
    if len(body) > MAX_RESPONSE_BYTES:
        raise ProviderError("the answer is larger than 5 MB", "malformed")
    return body


def fetch(
    url_template,
    vat,
    headers=None,
    timeout=10.0,
    retries=2,
    backoff=1.0,
    limiter=None,
    sleep=time.sleep,
    deadline=None,
):
    """``(data, raw_bytes)`` of the bureau's JSON answer for ``vat``; ProviderError on failure.

    ``deadline`` (seconds) bounds the whole call: connecting, reading, every retry and
    every wait between them."""
    url = build_url(url_template, vat)
    if not url.startswith(("https://", "http://")):
        raise ProviderError(f"the URL must start with https:// ({url})", "other")
    headers = {"Accept": "application/json", **(headers or {})}
    clock = _Deadline(deadline or DEFAULT_DEADLINE)
    attempt = 0
    while True:
        if limiter:
            limiter.wait()
        if clock.remaining() <= 0:
            raise ProviderError(
                f"the call took longer than its deadline of {clock.seconds:g} seconds", "timeout"
            )
        try:
            body = _attempt(url, headers, timeout, clock)
            break
        except ProviderError as error:
            failure = error
            hint = getattr(error, "retry_after", None)
            wait = _retry_after({"Retry-After": hint} if hint else {}, backoff * 2**attempt)
        if not failure.retry or attempt >= retries:
            raise failure
        if wait >= clock.remaining():
            raise ProviderError(
                f"{failure}; no time left for a retry within the deadline of "
                f"{clock.seconds:g} seconds",
                failure.kind,
                failure.status,
            )
        attempt += 1
        sleep(wait)
    return decode_json(body), body
