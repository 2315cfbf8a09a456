"""A local stand-in for Slack's Web API and response_url endpoints, on loopback.

Records every call with its parameters; can be told to answer a method with a 5xx, a 429
with Retry-After, ``ok: false``, or to hang, a given number of times, or to hold a method's
answers until the test releases them.

Like Slack, it answers ``missing_scope`` to a method the bot token's scopes do not cover: the
scopes are those ``manifest.yml`` grants, so a feature that needs a scope the manifest lacks
fails in the tests, not after installation. It returns the granted scopes in the
``x-oauth-scopes`` header, and knows enough of the workspace (channels, members, revoked
tokens) for ``faqbot doctor``'s checks.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlparse

from bot.doctor import manifest_scopes

TEAM_ID = "T0TEST"
BOT_USER_ID = "UBOT0001"
HOLD_LIMIT_SECONDS = 30.0

# The bot-token scope each Web API method needs (api.slack.com/methods); None: no scope.
# A method missing here answers unknown_method, so a new call gets its scope written down.
METHOD_SCOPES: dict[str, str | None] = {
    "auth.test": None,
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.getPermalink": None,
    "views.open": None,
    "views.update": None,
    "views.push": None,
    "views.publish": None,
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "apps.connections.open": None,  # app-level token (connections:write), not a bot scope
    # faqbot doctor; a private channel needs groups:read instead of channels:read
    "conversations.info": "channels:read",
    "conversations.members": "channels:read",
    "users.info": "users:read",
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    answered: bool = False  # a successful answer was written (a hung or failed call never is)
    at: float = field(default_factory=time.monotonic)


@dataclass
class Rule:
    method: str
    times: int
    status: int = 200
    retry_after: int | None = None
    error: str | None = None
    hang: float = 0.0
    when: Callable[[dict[str, Any]], bool] = field(default=lambda params: True)


class StubSlack:
    def __init__(self, scopes: frozenset[str] | None = None) -> None:
        # What the installed app was granted: the manifest's scopes unless a test says otherwise.
        self.scopes = frozenset(manifest_scopes()) if scopes is None else scopes
        self.calls: list[Call] = []
        self.rules: list[Rule] = []
        self.holds: dict[str, threading.Event] = {}
        self.ws_url = "ws://127.0.0.1:9/link"
        self.team_id = TEAM_ID
        self.revoked_tokens: set[str] = set()
        self.channels: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                stub._handle(self)

            def do_POST(self) -> None:
                stub._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base}/response/{name}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- the workspace --------------------------------------------------------------------

    def add_channel(self, channel_id: str, *, private: bool = True, members: tuple[str, ...] = (BOT_USER_ID,)) -> None:
        self.channels[channel_id] = {"private": private, "members": set(members)}

    def add_user(self, user_id: str, *, deleted: bool = False, is_bot: bool = False) -> None:
        self.users[user_id] = {"deleted": deleted, "is_bot": is_bot}

    # -- behaviour ------------------------------------------------------------------------

    def fail(self, method: str, times: int = 1, *, status: int | None = None, retry_after: int | None = None,
             error: str | None = None, hang: float = 0.0,
             when: Callable[[dict[str, Any]], bool] = lambda params: True) -> None:
        """Misbehave on ``method``: HTTP ``status`` (500 by default), or ``ok: false`` with
        ``error`` (HTTP 200), or no answer for ``hang`` seconds; ``times`` calls, then normal."""
        if status is None:
            status = 200 if error or hang else 500
        with self._lock:
            self.rules.append(Rule(method, times, status, retry_after, error, hang, when))

    def hold(self, method: str) -> threading.Event:
        """Keep every answer to ``method`` waiting until the returned event is set (bounded)."""
        gate = threading.Event()
        with self._lock:
            self.holds[method] = gate
        return gate

    def _rule_for(self, method: str, params: dict[str, Any]) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.method == method and rule.times > 0 and rule.when(params):
                    rule.times -= 1
                    return rule
        return None

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        url = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        data = request.rfile.read(length) if length else b""
        if url.path.startswith("/upload/"):
            with self._lock:
                self.calls.append(Call("file_upload", {"file_id": url.path.rsplit("/", 1)[-1], "bytes": data},
                                       dict(request.headers)))
            request.send_response(200)
            request.end_headers()
            request.wfile.write(f"OK - {len(data)}".encode())
            return
        raw = data.decode("utf-8")
        params: dict[str, Any] = dict(parse_qsl(url.query))
        if raw:
            if "json" in (request.headers.get("Content-Type") or ""):
                params.update(json.loads(raw))
            else:
                params.update(dict(parse_qsl(raw)))
        for key in ("blocks", "view", "attachments"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        if url.path.startswith("/response/"):
            method = "response_url"
        else:
            method = url.path.removeprefix("/api/")
        call = Call(method, params, dict(request.headers))
        with self._lock:
            self.calls.append(call)
            gate = self.holds.get(method)
        if gate is not None:
            gate.wait(HOLD_LIMIT_SECONDS)
        rule = self._rule_for(method, params)
        if rule and rule.hang:
            time.sleep(rule.hang)
            return
        if rule and rule.status != 200:
            body = json.dumps({"ok": False, "error": "ratelimited" if rule.status == 429 else "internal_error"})
            request.send_response(rule.status)
            if rule.retry_after is not None:
                request.send_header("Retry-After", str(rule.retry_after))
            request.send_header("Content-Type", "application/json")
            request.end_headers()
            request.wfile.write(body.encode())
            return
        token = (request.headers.get("Authorization") or "").removeprefix("Bearer ")
        if rule and rule.error:
            payload: dict[str, Any] = {"ok": False, "error": rule.error}
        elif token in self.revoked_tokens:
            payload = {"ok": False, "error": "token_revoked"}
        else:
            payload = self._answer(method, params, token)
        data = json.dumps(payload).encode()
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        if token.startswith("xoxb-"):
            request.send_header("x-oauth-scopes", ",".join(sorted(self.scopes)))
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
        call.answered = "error" not in payload

    def clear_failures(self) -> None:
        """Behave normally from now on."""
        with self._lock:
            self.rules.clear()

    def _answer(self, method: str, params: dict[str, Any], token: str) -> dict[str, Any]:
        if method != "response_url":
            if method not in METHOD_SCOPES:
                return {"ok": False, "error": "unknown_method"}
            needed = METHOD_SCOPES[method]
            if method.startswith("conversations.") and self.channels.get(str(params.get("channel")), {}).get("private"):
                needed = "groups:read"
            if needed and needed not in self.scopes:
                return {"ok": False, "error": "missing_scope", "needed": needed,
                        "provided": ",".join(sorted(self.scopes))}
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER_ID, "bot_id": "BBOT0001", "team_id": self.team_id,
                    "team": "test", "url": "https://test.slack.com/"}
        if method in ("conversations.info", "conversations.members"):
            channel = self.channels.get(str(params.get("channel")))
            # A private channel the bot is not in does not exist, as far as the bot can tell.
            if channel is None or (channel["private"] and BOT_USER_ID not in channel["members"]):
                return {"ok": False, "error": "channel_not_found"}
            if method == "conversations.members":
                return {"ok": True, "members": sorted(channel["members"])}
            return {"ok": True, "channel": {"id": params.get("channel"), "is_private": channel["private"],
                                            "is_archived": False, "is_member": BOT_USER_ID in channel["members"]}}
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": {"id": params.get("user"), "team_id": self.team_id, **user}}
        if method == "chat.postMessage":
            channel = str(params.get("channel", ""))
            channel = "D" + channel[1:] if channel.startswith("U") else channel
            return {"ok": True, "channel": channel, "ts": f"1700000000.{next(self._ts):06d}"}
        if method == "chat.getPermalink":
            return {"ok": True, "permalink": f"https://test.slack.com/archives/{params.get('channel')}/p1"}
        if method == "apps.connections.open":
            if not token.startswith("xapp-"):
                return {"ok": False, "error": "not_allowed_token_type"}
            return {"ok": True, "url": self.ws_url}
        if method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": f"{self.base}/upload/F0UPLOAD1", "file_id": "F0UPLOAD1"}
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": "F0UPLOAD1", "title": params.get("files", "")}]}
        return {"ok": True}

    # -- assertions -----------------------------------------------------------------------

    def calls_to(self, method: str, **match: Any) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method
                    and all(c.params.get(k) == v for k, v in match.items())]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0, **match: Any) -> list[Call]:
        """Wait (bounded) until ``count`` matching calls arrived; fail loudly otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method, **match)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} {method} call(s) {match}, got {self.calls_to(method, **match)}")
