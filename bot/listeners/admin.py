"""HR's commands, buttons and modals. Parse, call the HR desk (which checks HR every time), send."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import admin_blocks as ab
from bot.conversation import Conversation
from bot.hr_desk import HrDesk, NotHr

log = logging.getLogger(__name__)


def _user(body: dict[str, Any]) -> str:
    return body["user"]["id"]


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value", ""))


def _reply(body: dict[str, Any], respond: Respond, client: WebClient, *, text: str,
           blocks: list[dict[str, Any]] | None = None) -> None:
    """Ephemeral where the click happened; in App Home (no response_url), a DM."""
    if body.get("response_url"):
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
    else:
        client.chat_postMessage(channel=_user(body), text=text, blocks=blocks)


def register(app: App, conversation: Conversation, desk: HrDesk) -> None:
    refused = lambda: desk.msg.refused_not_hr  # noqa: E731 - read at use, messages can change

    def hr_action(handler: Callable[[dict[str, Any], Respond, WebClient], None]) -> Callable[..., None]:
        """Ack, run, and answer a non-HR click with a polite refusal (nothing changes)."""
        def listener(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
            ack()
            try:
                handler(body, respond, client)
            except NotHr:
                log.info("refused an HR action to a non-HR user")
                _reply(body, respond, client, text=refused())
        return listener

    def hr_view(handler: Callable[[str, dict[str, Any], str], dict[str, Any] | None], first_block: str,
                then: Callable[[str, str], None] | None = None) -> Callable[..., None]:
        """Check and store the submission, acknowledge, and only then call ``then`` for the
        Web API work: Slack waits at most 3 s for the acknowledgement."""
        def listener(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
            metadata = view.get("private_metadata", "")
            try:
                response = handler(_user(body), view["state"]["values"], metadata)
            except NotHr:
                response = {"response_action": "errors", "errors": {first_block: refused()}}
            ack(**response) if response else ack()
            if then is not None and response is None:
                then(_user(body), metadata)
        return listener

    @app.command("/faq-admin")
    def admin_command(ack: Ack, command: dict[str, Any]) -> None:
        try:
            blocks = desk.menu(command.get("user_id", ""), command.get("text") or "")
        except NotHr:
            ack(response_type="ephemeral", text=refused())
            return
        ack(response_type="ephemeral", blocks=blocks, text="FAQ管理")

    def open_modal(make: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[..., None]:
        return hr_action(lambda body, respond, client: client.views_open(trigger_id=body["trigger_id"],
                                                                          view=make(body)))

    app.action(ab.ADMIN_NEW)(open_modal(lambda b: desk.entry_modal(_user(b), None)))
    app.action(ab.ADMIN_EDIT)(open_modal(lambda b: desk.entry_modal(_user(b), _value(b))))
    app.action(ab.ADMIN_HISTORY)(open_modal(lambda b: desk.history(_user(b), _value(b))))
    app.action(ab.ADMIN_SYNONYMS)(open_modal(lambda b: desk.synonyms_modal(_user(b))))
    app.action(ab.REVIEW_ANSWER)(open_modal(lambda b: desk.answer_modal(_user(b), int(_value(b)))))
    app.action(ab.REVIEW_ADD)(open_modal(lambda b: desk.add_modal(_user(b), int(_value(b)))))

    @app.action(re.compile(f"^({ab.ADMIN_RETIRE}|{ab.ADMIN_RESTORE})$"))
    def toggle_retired(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        hr_action(lambda b, r, c: _reply(b, r, c, text=desk.set_retired(
            _user(b), _value(b), b["actions"][0]["action_id"] == ab.ADMIN_RETIRE)))(ack, body, respond, client)

    app.action(ab.ADMIN_ROLLBACK)(hr_action(lambda b, r, c: c.views_update(
        view_id=b["view"]["id"], hash=b["view"].get("hash"), view=desk.rollback(_user(b), _value(b)))))
    app.action(ab.ADMIN_REVIEW)(hr_action(lambda b, r, c: _reply(
        b, r, c, text="確認待ちの質問", blocks=desk.review(_user(b)))))
    app.action(ab.ADMIN_LIST)(hr_action(lambda b, r, c: _reply(
        b, r, c, text="FAQエントリ", blocks=desk.menu(_user(b), ""))))
    app.action(ab.REVIEW_DISMISS)(hr_action(lambda b, r, c: _reply(
        b, r, c, text=desk.dismiss(_user(b), int(_value(b))))))
    app.action(ab.REVIEW_NOTIFY)(hr_action(lambda b, r, c: _reply(
        b, r, c, text=desk.notify_group(_user(b), int(_value(b))))))

    app.view(ab.ENTRY_MODAL)(hr_view(desk.submit_entry, "question"))
    app.view(ab.ANSWER_MODAL)(hr_view(desk.submit_answer, "answer", then=desk.deliver_answer))
    app.view(ab.ADD_MODAL)(hr_view(desk.submit_add, "target"))
    app.view(ab.SYNONYMS_MODAL)(hr_view(desk.submit_synonyms, "synonyms"))
