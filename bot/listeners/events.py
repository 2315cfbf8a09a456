"""Events: DMs, @mentions and App Home (opening it, and clicking an example question there).
Parse, call the conversation, send.

The deliveries the bot answers are taken into the durable inbox (``bot.intake``) before Slack
gets its 200, masked and cut; the inbox workers call ``handle``. Bolt only sees the events
the bot ignores, and acknowledges them. An example question clicked in App Home is a question
like a DM (its answer goes to the person's DM), so it takes the same durable path.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks import EXAMPLE_QUESTION
from bot.conversation import Conversation, Place
from bot.hr_desk import HrDesk
from faq.privacy import cut_text, mask_personal_data

# What ``handle`` needs of an event; nothing else is stored.
_KEPT_FIELDS = ("type", "user", "text", "ts", "thread_ts", "channel", "channel_type", "tab")
_EXAMPLE = re.compile(rf"{EXAMPLE_QUESTION}_\d+")
# The stored event of an example question clicked in App Home.
HOME_EXAMPLE = "home_example"


def ignored(event: dict[str, Any]) -> bool:
    """Edits, deletions, joins, bot posts (ours included): never answered."""
    return bool(event.get("subtype") or event.get("bot_id") or not event.get("user"))


def answered(event: dict[str, Any]) -> bool:
    """The events the bot acts on: mentions, DMs and opening the App Home tab."""
    kind = event.get("type")
    if kind == "app_home_opened":
        return bool(event.get("user")) and event.get("tab", "home") == "home"
    if ignored(event) or not event.get("channel") or not event.get("ts"):
        return False
    return kind == "app_mention" or (kind == "message" and event.get("channel_type") == "im")


def take(body: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """(delivery key, masked payload) of an event to answer; None for everything else."""
    if body.get("type") == "block_actions":
        return _take_example(body)
    event = body.get("event")
    if body.get("type") != "event_callback" or not isinstance(event, dict) or not body.get("event_id"):
        return None
    if not answered(event):
        return None
    kept = {k: event[k] for k in _KEPT_FIELDS if k in event}
    if "text" in kept:
        kept["text"] = mask_personal_data(cut_text(str(kept["text"])))
    return f"event:{body['event_id']}", {"event_id": body["event_id"], "event": kept}


def _take_example(body: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """An example question clicked in App Home, as a stored event; other clicks go to Bolt."""
    actions = body.get("actions")
    user = body.get("user")
    trigger = body.get("trigger_id")
    if not isinstance(actions, list) or len(actions) != 1 or not isinstance(actions[0], dict):
        return None
    if not _EXAMPLE.fullmatch(str(actions[0].get("action_id", ""))) or not isinstance(user, dict):
        return None
    if not user.get("id") or not trigger:
        return None
    key = f"action:{trigger}"
    text = mask_personal_data(cut_text(str(actions[0].get("value", ""))))
    return key, {"event_id": key, "event": {"type": HOME_EXAMPLE, "user": str(user["id"]), "text": text}}


def handle(conversation: Conversation, desk: HrDesk, client: WebClient, payload: dict[str, Any],
           redelivery: bool) -> None:
    """Answer one stored event (``redelivery``: an earlier attempt may have logged it)."""
    event = payload["event"]
    if event["type"] == "app_home_opened":
        client.views_publish(user_id=event["user"], view=conversation.home(desk.home_blocks(event["user"])))
        return
    if event["type"] == HOME_EXAMPLE:
        place = Place("home")
    elif event["type"] == "app_mention":
        place = Place("mention", event["channel"], event.get("thread_ts") or event["ts"], event["ts"])
    else:
        place = Place("im", event["channel"], event.get("thread_ts"), event["ts"])
    prepared = conversation.prepare(event.get("text", ""), user_id=event["user"], place=place,
                                    event_key=payload["event_id"], redelivery=redelivery)
    if prepared:
        # App Home has no channel: the answer goes to the person's DM with the bot.
        client.chat_postMessage(channel=place.channel_id or event["user"], thread_ts=place.thread_ts,
                                blocks=prepared.blocks, text=prepared.text, unfurl_links=False, unfurl_media=False)
        conversation.after_reply(prepared)


def register(app: App) -> None:
    """Acknowledge the events the bot ignores (the answered ones never reach Bolt)."""

    @app.event("app_mention")
    @app.event("message")
    @app.event("app_home_opened")
    def acknowledge(event: dict[str, Any]) -> None:
        """Nothing to do: an edit, a bot's post, a message in a channel, another tab."""
