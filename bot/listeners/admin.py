"""HR's commands, buttons and modals. Parse, call the HR desk (which checks HR every time), send.

Two wrappers do what every HR listener needs: ``hr_action`` acknowledges a click first and
answers a refusal or a domain error politely (never silence after the ack); ``hr_view``
validates a submission before acknowledging it, so errors land on the modal's field."""

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
from faq.errors import FaqError

log = logging.getLogger(__name__)

Body = dict[str, Any]
ActionHandler = Callable[[Body, Respond, WebClient], None]


def _user(body: Body) -> str:
    return body["user"]["id"]


def _value(body: Body) -> str:
    return str(body["actions"][0].get("value", ""))


def _reply(body: Body, respond: Respond, client: WebClient, *, text: str,
           blocks: list[dict[str, Any]] | None = None) -> None:
    """Ephemeral where the click happened; in App Home (no response_url), a DM."""
    if body.get("response_url"):
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
    else:
        client.chat_postMessage(channel=_user(body), text=text, blocks=blocks)


def slack_error(desk: HrDesk, exc: Exception) -> str:
    """The one mapping of a refusal or a domain error to what HR reads in Slack."""
    if isinstance(exc, NotHr):
        return desk.msg.refused_not_hr
    return desk.msg.text("action_failed", reason=str(exc).splitlines()[0][:200])


def register(app: App, conversation: Conversation, desk: HrDesk) -> None:
    def hr_action(handler: ActionHandler) -> Callable[..., None]:
        """Ack, run, and answer a non-HR click or a domain error with a polite reply (nothing changes)."""
        def listener(ack: Ack, body: Body, respond: Respond, client: WebClient) -> None:
            ack()
            try:
                handler(body, respond, client)
            except (NotHr, FaqError) as exc:
                log.info("refused an HR action (%s)", type(exc).__name__)
                _reply(body, respond, client, text=slack_error(desk, exc))
        return listener

    def hr_view(handler: Callable[[str, dict[str, Any], str], dict[str, Any] | None], first_block: str,
                then: Callable[[str, str], None] | None = None) -> Callable[..., None]:
        """Check and store the submission, acknowledge, and only then call ``then`` for the
        Web API work: Slack waits at most 3 s for the acknowledgement."""
        def listener(ack: Ack, body: Body, view: dict[str, Any]) -> None:
            metadata = view.get("private_metadata", "")
            try:
                response = handler(_user(body), view["state"]["values"], metadata)
            except (NotHr, FaqError) as exc:
                response = {"response_action": "errors", "errors": {first_block: slack_error(desk, exc)}}
            ack(**response) if response else ack()
            if then is not None and response is None:
                then(_user(body), metadata)
        return listener

    @app.command("/faq-admin")
    def admin_command(ack: Ack, command: dict[str, Any]) -> None:
        try:
            blocks = desk.menu(command.get("user_id", ""), command.get("text") or "")
        except (NotHr, FaqError) as exc:
            ack(response_type="ephemeral", text=slack_error(desk, exc))
            return
        ack(response_type="ephemeral", blocks=blocks, text=desk.hr_msg.admin_menu_text)

    def modal(make: Callable[[Body], dict[str, Any]]) -> ActionHandler:
        """A button that opens a modal built from the click."""
        def open_view(body: Body, respond: Respond, client: WebClient) -> None:
            client.views_open(trigger_id=body["trigger_id"], view=make(body))
        return open_view

    def new_entry(body: Body) -> dict[str, Any]:
        return desk.entry_modal(_user(body), None)

    def edit_entry(body: Body) -> dict[str, Any]:
        return desk.entry_modal(_user(body), _value(body))

    def entry_history(body: Body) -> dict[str, Any]:
        return desk.history(_user(body), _value(body))

    def synonyms(body: Body) -> dict[str, Any]:
        return desk.synonyms_modal(_user(body))

    def answer_asker(body: Body) -> dict[str, Any]:
        return desk.answer_modal(_user(body), int(_value(body)))

    def add_to_faq(body: Body) -> dict[str, Any]:
        return desk.add_modal(_user(body), int(_value(body)))

    def toggle_retired(body: Body, respond: Respond, client: WebClient) -> None:
        retire = body["actions"][0]["action_id"] == ab.ADMIN_RETIRE
        _reply(body, respond, client, text=desk.set_retired(_user(body), _value(body), retire))

    def roll_back(body: Body, respond: Respond, client: WebClient) -> None:
        client.views_update(view_id=body["view"]["id"], hash=body["view"].get("hash"),
                            view=desk.rollback(_user(body), _value(body)))

    def show_review(body: Body, respond: Respond, client: WebClient) -> None:
        _reply(body, respond, client, text=desk.hr_msg.review_button, blocks=desk.review(_user(body)))

    def show_entries(body: Body, respond: Respond, client: WebClient) -> None:
        _reply(body, respond, client, text=desk.hr_msg.entries_text, blocks=desk.menu(_user(body), ""))

    def dismiss(body: Body, respond: Respond, client: WebClient) -> None:
        _reply(body, respond, client, text=desk.dismiss(_user(body), int(_value(body))))

    def notify_askers(body: Body, respond: Respond, client: WebClient) -> None:
        _reply(body, respond, client, text=desk.notify_group(_user(body), int(_value(body))))

    actions: dict[str | re.Pattern[str], ActionHandler] = {
        ab.ADMIN_NEW: modal(new_entry), ab.ADMIN_EDIT: modal(edit_entry), ab.ADMIN_HISTORY: modal(entry_history),
        ab.ADMIN_SYNONYMS: modal(synonyms), ab.REVIEW_ANSWER: modal(answer_asker), ab.REVIEW_ADD: modal(add_to_faq),
        re.compile(f"^({ab.ADMIN_RETIRE}|{ab.ADMIN_RESTORE})$"): toggle_retired, ab.ADMIN_ROLLBACK: roll_back,
        ab.ADMIN_REVIEW: show_review, ab.ADMIN_LIST: show_entries, ab.REVIEW_DISMISS: dismiss,
        ab.REVIEW_NOTIFY: notify_askers,
    }
    for action_id, handler in actions.items():
        app.action(action_id)(hr_action(handler))

    app.view(ab.ENTRY_MODAL)(hr_view(desk.submit_entry, "question"))
    app.view(ab.ANSWER_MODAL)(hr_view(desk.submit_answer, "answer", then=desk.deliver_answer))
    app.view(ab.ADD_MODAL)(hr_view(desk.submit_add, "target"))
    app.view(ab.SYNONYMS_MODAL)(hr_view(desk.submit_synonyms, "synonyms"))
