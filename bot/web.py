"""HTTP mode: Events API, slash commands and interactivity on POST /slack/events, plus
GET /healthz, as one WSGI application that gunicorn serves."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.app import Bot, start_bot
from bot.settings import Settings
from faq.store import Store

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def health(store: Store) -> tuple[int, dict[str, Any]]:
    """200 when the database answers and holds a FAQ; 503 otherwise."""
    try:
        entries = store.db.execute("select count(*) from entries where retired = 0").fetchone()[0]
        return (200 if entries else 503), {"status": "ok" if entries else "empty",
                                           "schema_version": store.schema_version(), "entries": entries}
    except Exception as exc:
        log.error("health check failed: %s", type(exc).__name__)
        return 503, {"status": "error", "error": type(exc).__name__}


def _respond(start_response: Callable[..., Any], status: int, reason: str, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body).encode()
    start_response(f"{status} {reason}", [("Content-Type", "application/json"),
                                          ("Content-Length", str(len(payload)))])
    return [payload]


def wsgi_app(bot: Bot) -> WSGIApp:
    slack = SlackRequestHandler(bot.app, path="/slack/events")

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            status, body = health(bot.service.store)
            return _respond(start_response, status, "OK" if status == 200 else "Service Unavailable", body)
        # Bolt's verifier raises on a non-numeric timestamp; such a request is simply unauthentic.
        if not str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "0")).isdigit():
            return _respond(start_response, 401, "Unauthorized", {"error": "invalid request"})
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
