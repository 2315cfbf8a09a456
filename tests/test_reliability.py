"""Issue 10: nothing lost after the ack, replies that never wait on HR, bounded work per request."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.request

import pytest

from bench.slack_requests import SIGNING_SECRET, signature


def _post_bytes(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


MALFORMED = {
    "broken json": b'{"type": "event_callback", "event": {',
    "invalid utf-8": b'{"type": "event_callback", "text": "\xff\xfe\xc3"}',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "form with invalid utf-8": b"payload=%7B%22a%22%3A\xff",
}


@pytest.mark.parametrize("name", MALFORMED)
@pytest.mark.parametrize("signed_with", ["nothing", "another secret"])
def test_malformed_unauthenticated_requests_get_401_without_a_traceback(slack_app, caplog, name, signed_with):
    caplog.set_level(logging.DEBUG)
    body = MALFORMED[name]
    ts = str(int(time.time()))
    headers = {"X-Slack-Request-Timestamp": ts}
    if signed_with == "another secret":
        headers["X-Slack-Signature"] = signature(body.decode("latin-1"), ts, "not-the-secret")
    status, _ = _post_bytes(slack_app.url, body, headers)
    assert status == 401
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert slack_app.rows("questions") == []


def test_signed_body_that_is_not_utf8_is_a_bad_request_not_a_crash(slack_app, caplog):
    body = MALFORMED["invalid utf-8"]
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    status, _ = _post_bytes(slack_app.url, body, {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig})
    assert status == 400
    assert not [r for r in caplog.records if r.exc_info]


def test_oversized_body_is_refused_before_it_is_read(slack_app):
    """Only the headers are sent: the answer comes without waiting for (or reading) the body."""
    host, port = slack_app.base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("POST", "/slack/events")
    conn.putheader("Content-Length", "50000000")
    conn.putheader("Content-Type", "application/json")
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()
