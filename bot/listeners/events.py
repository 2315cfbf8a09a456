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


def _send(client: WebClient, conversation: Conversation, prepared, place: Place) -> None:
    client.chat_postMessage(channel=place.channel_id, thread_ts=place.thread_ts, blocks=prepared.blocks,
                            text=prepared.text, unfurl_links=False, unfurl_media=False)
    conversation.after_reply(prepared)


def register(app: App, conversation: Conversation, desk: HrDesk) -> None:
    @app.event("app_mention")
    def answer_mention(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if ignored(event):
            return
        place = Place("mention", event["channel"], event.get("thread_ts") or event["ts"], event["ts"])
        prepared = conversation.prepare(event.get("text", ""), user_id=event["user"], place=place,
                                        event_key=body["event_id"])
        if prepared:
            _send(client, conversation, prepared, place)

    @app.event("message")
    def answer_direct_message(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if ignored(event) or event.get("channel_type") != "im":
            return
        place = Place("im", event["channel"], event.get("thread_ts"), event["ts"])
        prepared = conversation.prepare(event.get("text", ""), user_id=event["user"], place=place,
                                        event_key=body["event_id"])
        if prepared:
            _send(client, conversation, prepared, place)

    @app.event("app_home_opened")
    def publish_home(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            client.views_publish(user_id=event["user"], view=conversation.home(desk.home_blocks(event["user"])))
