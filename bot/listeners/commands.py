"""The /faq slash command: the answer is shown to the asker only."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.conversation import Conversation, Place


def register(app: App, conversation: Conversation) -> None:
    @app.command("/faq")
    def answer_command(ack: Ack, command: dict[str, Any]) -> None:
        text = (command.get("text") or "").strip()
        if not text:
            blocks, fallback = conversation.usage()
            ack(response_type="ephemeral", blocks=blocks, text=fallback)
            return
        place = Place("slash", command.get("channel_id"))
        prepared = conversation.prepare(text, user_id=command.get("user_id"), place=place,
                                        event_key=f"slash:{command.get('trigger_id')}")
        if prepared is None:
            ack()
            return
        ack(response_type="ephemeral", blocks=prepared.blocks, text=prepared.text)
        conversation.after_reply(prepared)
