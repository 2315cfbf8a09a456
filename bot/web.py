"""HTTP mode: Events API, slash commands and interactivity on POST /slack/events, plus
GET /healthz, as one WSGI application that gunicorn serves."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.app import Bot, start_bot
from bot.settings import Settings
from faq.store import Store

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Slack's largest payloads (a 40,000-character message, a modal's state) are far below this.
MAX_BODY_BYTES = 1_000_000
MAX_CLOCK_SKEW_SECONDS = 5 * 60


def health(store: Store) -> tuple[int, dict[str, Any]]:
    """200 when the database answers, takes a write and holds a FAQ; 503 otherwise.

    The write matters: a full disk or a read-only file still answers reads, while every
    question would fail to be stored."""
    try:
        entries = store.active_entry_count()
        body = {"status": "ok" if entries else "empty", "schema_version": store.schema_version(), "entries": entries}
    except Exception as exc:
        log.error("health check failed: %s", type(exc).__name__)
        return 503, {"status": "error", "error": type(exc).__name__}
    try:
        store.check_writable()
    except sqlite3.Error as exc:
        log.error("health check: database not writable (%s)", exc)
        return 503, {**body, "status": "unwritable", "error": str(exc)}
    return (200 if entries else 503), body


def _respond(start_response: Callable[..., Any], status: int, reason: str, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(f"{status} {reason}", [("Content-Type", "application/json"),
                                          ("Content-Length", str(len(payload)))])
    return [payload]


def is_signed(body: bytes, timestamp: str, signature: str, secret: str) -> bool:
    """Slack's v0 signature over the raw bytes, with a fresh timestamp.

    Computed on bytes, before anything decodes or parses the body: slack_sdk's verifier
    decodes first, so a body that is not UTF-8 raised (500 and a traceback) instead of 401."""
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body,
                                hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _authentic_body(environ: dict[str, Any], secret: str) -> tuple[int, str] | None:
    """Read and check a Slack request before Bolt sees it; (status, reason) when refused.

    On success the body is put back for Bolt, which checks the signature again."""
    length = str(environ.get("CONTENT_LENGTH") or "0")
    if not length.isdigit():
        return 400, "Bad Request"
    if int(length) > MAX_BODY_BYTES:
        return 413, "Payload Too Large"
    body = environ["wsgi.input"].read(int(length)) if int(length) else b""
    if not is_signed(body, str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")),
                     str(environ.get("HTTP_X_SLACK_SIGNATURE", "")), secret):
        return 401, "Unauthorized"
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return 400, "Bad Request"
    environ["wsgi.input"] = io.BytesIO(body)
    return None


def wsgi_app(bot: Bot) -> WSGIApp:
    slack = SlackRequestHandler(bot.app, path="/slack/events")

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            status, body = health(bot.service.store)
            return _respond(start_response, status, "OK" if status == 200 else "Service Unavailable", body)
        if environ.get("REQUEST_METHOD") == "POST":
            refused = _authentic_body(environ, bot.signing_secret)
            if refused:
                return _respond(start_response, refused[0], refused[1], {"error": "invalid request"})
        return slack(environ, start_response)

    return application


def create_http_app(settings: Settings) -> WSGIApp:
    """Build everything for one HTTP worker process (inside the worker, after the fork)."""
    return wsgi_app(start_bot(settings, "http"))


def serve(settings: Settings, workers: int = 1, threads: int = 8) -> None:
    """Run under gunicorn (threaded workers; the app is built inside each worker)."""
    from gunicorn.app.base import BaseApplication

    class FaqbotServer(BaseApplication):
        def load_config(self) -> None:
            for key, value in {"bind": f"0.0.0.0:{settings.port}", "workers": workers, "threads": threads,
                               "worker_class": "gthread", "timeout": 60, "accesslog": None,
                               "proc_name": "faqbot"}.items():
                self.cfg.set(key, value)

        def load(self) -> WSGIApp:
            return create_http_app(settings)

    FaqbotServer().run()
