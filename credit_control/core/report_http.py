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
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from email.utils import parsedate_to_datetime

__all__ = ["ProviderError", "RateLimiter", "build_url", "fetch"]

MAX_RESPONSE_BYTES = 5 * 1024 * 1024
MAX_RETRY_WAIT = 30.0


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


def _call(url, headers, timeout):
    request = urllib.request.Request(url, headers=headers, method="GET")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read(MAX_RESPONSE_BYTES + 1)
    if len(body) > MAX_RESPONSE_BYTES:
        raise ProviderError("the answer is larger than 5 MB", "malformed")
    return body


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


def fetch(
    url_template,
    vat,
    headers=None,
    timeout=10.0,
    retries=2,
    backoff=1.0,
    limiter=None,
    sleep=time.sleep,
):
    """``(data, raw_bytes)`` of the bureau's JSON answer for ``vat``; ProviderError on failure."""
    url = build_url(url_template, vat)
    if not url.startswith(("https://", "http://")):
        raise ProviderError(f"the URL must start with https:// ({url})", "other")
    headers = {"Accept": "application/json", **(headers or {})}
    attempt = 0
    while True:
        if limiter:
            limiter.wait()
        try:
            body = _call(url, headers, timeout)
            break
        except urllib.error.HTTPError as error:
            failure = _error_for_status(error.code, error.read() or b"")
            wait = _retry_after(error.headers, backoff * 2**attempt)
        except TimeoutError:
            failure = ProviderError(f"no answer within {timeout:g} seconds", "timeout")
            wait = backoff * 2**attempt
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                failure = ProviderError(f"no answer within {timeout:g} seconds", "timeout")
            else:
                failure = ProviderError(f"cannot reach the bureau: {error.reason}", "network")
            wait = backoff * 2**attempt
        if not failure.retry or attempt >= retries:
            raise failure
        attempt += 1
        sleep(wait)
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except ValueError as error:
        raise ProviderError(f"the answer is not valid JSON: {error}", "malformed") from None
    if not isinstance(data, (dict, list)):
        raise ProviderError("the answer is not a JSON object", "malformed")
    return data, body
