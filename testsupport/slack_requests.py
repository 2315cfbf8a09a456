"""Correctly signed requests shaped like Slack's documented payloads."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from testsupport.slack_standin import TEAM_ID

SIGNING_SECRET = "test-signing-secret-0123456789"


def signature(body: str, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(body: str, *, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature(body, ts, secret)}


def event_callback(event: dict[str, Any], event_id: str, team_id: str = TEAM_ID) -> str:
    return json.dumps({
        "token": "legacy-verification-token", "team_id": team_id, "api_app_id": "A0TEST",
        "event": event, "type": "event_callback", "event_id": event_id,
        "event_time": int(time.time()), "authorizations": [{"team_id": team_id, "user_id": "UBOT0001",
                                                             "is_bot": True}],
    })


def mention(text: str, *, user: str = "U0ASKER1", channel: str = "C0GENERAL", ts: str = "1700000100.000100",
            thread_ts: str | None = None) -> dict[str, Any]:
    event = {"type": "app_mention", "user": user, "text": f"<@UBOT0001> {text}", "ts": ts,
             "channel": channel, "event_ts": ts, "team": TEAM_ID}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message(text: str, *, user: str = "U0ASKER1", channel: str = "D0ASKER1",
                   ts: str = "1700000200.000100", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts,
            "channel": channel, "event_ts": ts, "team": TEAM_ID, **extra}


def slash_command(text: str, response_url: str, *, user: str = "U0ASKER1", trigger_id: str = "tr-1",
                  team_id: str = TEAM_ID, command: str = "/faq") -> str:
    return urlencode({"token": "legacy", "team_id": team_id, "team_domain": "test", "channel_id": "C0GENERAL",
                      "channel_name": "general", "user_id": user, "user_name": "asker", "command": command,
                      "text": text, "api_app_id": "A0TEST", "response_url": response_url,
                      "trigger_id": trigger_id})


def block_action(action_id: str, value: str, response_url: str, *, user: str = "U0ASKER1",
                 channel: str = "D0ASKER1", message_ts: str = "1700000300.000100",
                 thread_ts: str | None = None, ephemeral: bool = False, trigger_id: str = "tr-a1",
                 container_type: str = "message") -> str:
    container: dict[str, Any] = {"type": container_type, "message_ts": message_ts, "channel_id": channel,
                                 "is_ephemeral": ephemeral}
    if thread_ts:
        container["thread_ts"] = thread_ts
    payload = {
        "type": "block_actions", "team": {"id": TEAM_ID, "domain": "test"},
        "user": {"id": user, "username": "asker", "team_id": TEAM_ID}, "api_app_id": "A0TEST",
        "token": "legacy", "container": container, "trigger_id": trigger_id,
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "ts": message_ts, "text": "…", **({"thread_ts": thread_ts} if thread_ts else {})},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b1", "value": value,
                     "action_ts": str(time.time())}],
    }
    if container_type != "view":  # Slack gives no response_url for clicks in App Home or modals
        payload["response_url"] = response_url
    return urlencode({"payload": json.dumps(payload)})


def view_submission(callback_id: str, values: dict[str, Any], *, private_metadata: str = "",
                    user: str = "U0ASKER1", view_id: str = "V0MODAL1") -> str:
    """A modal's submission; ``values`` maps block id to the input's value (str, list or option)."""
    state: dict[str, Any] = {}
    for block_id, value in values.items():
        if isinstance(value, dict):
            state[block_id] = {"value": {"type": "static_select", "selected_option": value}}
        elif isinstance(value, list):
            state[block_id] = {"value": {"type": "checkboxes", "selected_options": value}}
        else:
            state[block_id] = {"value": {"type": "plain_text_input", "value": value}}
    payload = {
        "type": "view_submission", "team": {"id": TEAM_ID, "domain": "test"},
        "user": {"id": user, "username": "u", "team_id": TEAM_ID}, "api_app_id": "A0TEST", "token": "legacy",
        "trigger_id": f"tr-view-{time.time()}",
        "view": {"id": view_id, "type": "modal", "callback_id": callback_id, "private_metadata": private_metadata,
                 "state": {"values": state}, "hash": "h1", "team_id": TEAM_ID, "app_id": "A0TEST"},
    }
    return urlencode({"payload": json.dumps(payload)})


def view_action(action_id: str, value: str, *, user: str = "U0ASKER1", view_id: str = "V0MODAL1",
                trigger_id: str = "tr-va") -> str:
    """A button pressed inside a modal (no response_url)."""
    payload = {
        "type": "block_actions", "team": {"id": TEAM_ID, "domain": "test"},
        "user": {"id": user, "username": "u", "team_id": TEAM_ID}, "api_app_id": "A0TEST", "token": "legacy",
        "container": {"type": "view", "view_id": view_id}, "trigger_id": trigger_id,
        "view": {"id": view_id, "type": "modal", "hash": "h1", "callback_id": "faq_history",
                 "private_metadata": "", "state": {"values": {}}},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b1", "value": value,
                     "action_ts": str(time.time())}],
    }
    return urlencode({"payload": json.dumps(payload)})


def post(url: str, body: str, headers: dict[str, str], content_type: str = "application/json",
         extra: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body.encode(), method="POST",
                                     headers={"Content-Type": content_type, **headers, **(extra or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


FORM = "application/x-www-form-urlencoded"
