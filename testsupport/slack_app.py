"""The real HTTP app on loopback, wired to the stand-in Web API, for end-to-end tests."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot.app import Bot, build_bot, make_client
from bot.settings import Settings
from bot.web import wsgi_app
from faq.service import FaqService
from faq.store import Store
from testsupport.slack_requests import FORM, event_callback, post, signed_headers, SIGNING_SECRET
from testsupport.slack_standin import StubSlack

HR_CHANNEL = "C0HRTEAM"
HR_USER = "U0HRSTAFF"


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, with a way to wait until every listener has finished."""

    def __init__(self) -> None:
        super().__init__(max_workers=4)
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait_idle(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._pending:
                    return
            time.sleep(0.01)
        raise AssertionError("listeners did not finish")


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def app_settings(stub: StubSlack, db_path: Path, **overrides: Any) -> Settings:
    values = dict(slack_bot_token="xoxb-test-bot-token-123", slack_signing_secret=SIGNING_SECRET,
                  slack_app_token="xapp-test-app-token-123", hr_channel_id=HR_CHANNEL, hr_user_ids=HR_USER,
                  database_path=db_path, slack_api_url=stub.api_url, slack_api_timeout=1.0,
                  hr_retry_seconds=0.2)
    values.update(overrides)
    return Settings(_env_file=None, **values)


@dataclass
class RunningApp:
    url: str
    base: str
    stub: StubSlack
    bot: Bot
    store: Store
    executor: TrackingExecutor
    server: _Server

    def stop(self) -> None:
        """Everything start_app started: the bot's threads, the HTTP server, the listeners, the store."""
        self.bot.stop()
        self.server.shutdown()
        self.server.server_close()
        self.executor.shutdown(wait=True)
        self.store.close()

    def send(self, body: str, content_type: str = "application/json", *, headers: dict[str, str] | None = None,
             extra: dict[str, str] | None = None, settle: bool = True) -> tuple[int, str]:
        result = post(self.url, body, headers if headers is not None else signed_headers(body), content_type, extra)
        if settle:
            self.settle()
        return result

    def settle(self, timeout: float = 15.0) -> None:
        """Wait (bounded) until the listeners have finished and the HR outbox has nothing due
        or in flight, so a test sees every effect of what it sent."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.executor.wait_idle(timeout)
            if not self.store.hr_posts_in_flight() and not self.store.due_hr_posts() and self.bot.intake.idle():
                return
            time.sleep(0.01)
        raise AssertionError("the inbox or the HR outbox did not settle")

    def event(self, event: dict[str, Any], event_id: str, **kwargs: Any) -> tuple[int, str]:
        return self.send(event_callback(event, event_id), **kwargs)

    def form(self, body: str, **kwargs: Any) -> tuple[int, str]:
        return self.send(body, FORM, **kwargs)

    def rows(self, table: str) -> list[dict[str, Any]]:
        return list(self.store.db.query(f"select * from {table} order by id"))


def start_app(stub: StubSlack, db_path: Path, **overrides: Any) -> tuple[RunningApp, _Server]:
    settings = app_settings(stub, db_path, **overrides)
    store = Store(db_path)
    service = FaqService.open(store)
    executor = TrackingExecutor()
    bot = build_bot(settings, service, mode="http", client=make_client(settings), listener_executor=executor)
    bot.notifier.start(interval=0.1)  # as start_bot does: HR posts are only ever sent by this loop
    bot.intake.start()
    server = make_server("127.0.0.1", 0, wsgi_app(bot), server_class=_Server, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    return RunningApp(f"{base}/slack/events", base, stub, bot, store, executor, server), server
