"""Events: DMs, @mentions and App Home. Parse, call the conversation, send."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.conversation import Conversation, Place
from bot.hr_desk import HrDesk


def ignored(event: dict[str, Any]) -> bool:
    """Edits, deletions, joins, bot posts (ours included): never answered."""
    return bool(event.get("subtype") or event.get("bot_id") or not event.get("user"))


def _answer(conversation: Conversation, client: WebClient, event: dict[str, Any], body: dict[str, Any],
            place: Place) -> None:
    """Answer once per event id, where the question was asked."""
    prepared = conversation.prepare(event.get("text", ""), user_id=event["user"], place=place,
                                    event_key=body["event_id"])
    if prepared:
        client.chat_postMessage(channel=place.channel_id, thread_ts=place.thread_ts, blocks=prepared.blocks,
                                text=prepared.text, unfurl_links=False, unfurl_media=False)
        conversation.after_reply(prepared)


def register(app: App, conversation: Conversation, desk: HrDesk) -> None:
    @app.event("app_mention")
    def answer_mention(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if not ignored(event):
            place = Place("mention", event["channel"], event.get("thread_ts") or event["ts"], event["ts"])
            _answer(conversation, client, event, body, place)

    @app.event("message")
    def answer_direct_message(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if not ignored(event) and event.get("channel_type") == "im":
            place = Place("im", event["channel"], event.get("thread_ts"), event["ts"])
            _answer(conversation, client, event, body, place)

    @app.event("app_home_opened")
    def publish_home(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            client.views_publish(user_id=event["user"], view=conversation.home(desk.home_blocks(event["user"])))
