"""Buttons: feedback, hand-over to HR, clarify choices (and 'none of these') and related questions.
App Home's example questions are questions, answered from the durable inbox (``events``)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks import ASK_HR, CLARIFY_NONE, CLARIFY_PICK, FEEDBACK_DOWN, FEEDBACK_UP, RELATED_PICK
from bot.conversation import Conversation
from faq.store import Question


def _question_id(action: dict[str, Any]) -> int | None:
    value = str(action.get("value", ""))
    return int(value) if value.isdigit() else None


def _answer_in_place(body: dict[str, Any], respond: Respond, client: WebClient, blocks: list[dict[str, Any]],
                     text: str, question: Question) -> None:
    """Post an answer where its question was asked (its thread), from the stored question, not
    the payload; an ephemeral reply (after /faq) is replaced instead."""
    if body.get("container", {}).get("is_ephemeral"):
        respond(blocks=blocks, text=text, replace_original=True)
        return
    client.chat_postMessage(channel=question.channel_id or question.user_id,
                            thread_ts=question.thread_ts, blocks=blocks, text=text, unfurl_links=False)


def register(app: App, conversation: Conversation) -> None:
    @app.action(FEEDBACK_UP)
    @app.action(FEEDBACK_DOWN)
    def record_feedback(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        question_id = _question_id(action)
        if question_id is None or not conversation.may_vote(question_id, body["user"]["id"]):
            return
        blocks, text = conversation.feedback(question_id, body["user"]["id"], action["action_id"] == FEEDBACK_UP)
        respond(blocks=blocks, text=text, response_type="ephemeral", replace_original=False)

    @app.action(ASK_HR)
    def hand_over_to_hr(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        question_id = _question_id(action)
        if question_id is not None:
            respond(text=conversation.ask_hr(question_id, body["user"]["id"]), response_type="ephemeral",
                    replace_original=True)

    @app.action(re.compile(rf"^(?:{CLARIFY_PICK}|{RELATED_PICK})_\d+$"))
    def show_offered_answer(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
                            client: WebClient) -> None:
        """A clarify candidate (recorded as a labelled example) or a related question (counted)."""
        ack()
        open_entry = conversation.choose if action["action_id"].startswith(CLARIFY_PICK) else conversation.open_related
        opened = open_entry(str(action.get("value", "")), body["user"]["id"])
        if opened is not None:
            _answer_in_place(body, respond, client, *opened)

    @app.action(CLARIFY_NONE)
    def hand_unmatched_question_to_hr(ack: Ack, body: dict[str, Any], action: dict[str, Any],
                                      respond: Respond) -> None:
        ack()
        question_id = _question_id(action)
        if question_id is not None:
            blocks, text = conversation.none_fits(question_id, body["user"]["id"])
            respond(blocks=blocks, text=text, response_type="ephemeral", replace_original=False)

