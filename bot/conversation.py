"""What the bot does with a question, whatever Slack surface it came from.

Listeners parse a request into text, user and place, call this, and send the blocks it
returns. The claim on a delivery (the UNIQUE event key in the question log) is taken here,
before anything is sent, and an escalation is queued for HR before the reply goes out.

When the database cannot be written (disk full, read-only), the person still gets the reply
(with the HR line wherever the bot cannot answer), and the question is kept in memory and
written as soon as the database takes writes again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

from bot.blocks import ask_hr_blocks, fallback_text, home_view, reply_blocks, slack_to_plain
from bot.hr_notify import HrNotifier
from faq.answerer import FOLLOW_UP_TURNS, follows_from
from faq.content import MessageSet
from faq.models import Earlier, Origin, Outcome
from faq.replies import Reply
from faq.service import FaqService
from faq.store import Question

log = logging.getLogger(__name__)

HOME_EXAMPLES = ("my-number", "leak", "precautions", "suspicious-contact", "contact-hr")
USAGE_ENTRY = "smalltalk-help"


@dataclass(frozen=True)
class Place:
    """Where a question was asked and where its reply goes."""

    kind: str  # im | mention | slash | home
    channel_id: str | None = None
    thread_ts: str | None = None
    message_ts: str | None = None


@dataclass(frozen=True)
class Prepared:
    """A reply ready to send, and the HR post to try right after it."""

    question_id: int | None  # None: answered while the database refused writes
    blocks: list[dict[str, Any]]
    text: str
    hr_post_id: int | None


class Conversation:
    """The bot's behaviour, independent of how Slack delivered the request."""

    def __init__(self, service: FaqService, notifier: HrNotifier, retention_days: int):
        self.service = service
        self.notifier = notifier
        self.retention_days = retention_days
        # Questions answered while the database refused writes, by event key, to write later.
        self._unsaved: dict[str, tuple[str, str | None, Place]] = {}
        self._unsaved_lock = threading.Lock()

    def messages(self, language: str) -> MessageSet:
        return self.service.content.messages.for_language(language)

    def prepare(self, text: str, *, user_id: str | None, place: Place, event_key: str,
                redelivery: bool = False) -> Prepared | None:
        """Answer a question once per ``event_key``; None when this delivery was seen before.

        ``text`` is Slack's message text; it is stored and matched as plain text. With
        ``redelivery`` (an inbox row a dead process had taken), a question already logged under
        ``event_key`` is answered again from its log row: that process may have died between
        logging it and sending the reply."""
        try:
            answered = self._ask(text, user_id, place, event_key)
        except sqlite3.Error as exc:
            return self._answer_unsaved(text, user_id, place, event_key, exc)
        question_id = answered.question_id
        if question_id is None:
            logged = self.service.store.question_by_event(event_key) if redelivery else None
            if logged is None:
                return None
            question_id = logged.id
        hr_post_id = None
        if answered.decision.outcome is Outcome.ESCALATE:
            hr_post_id = self.service.store.hr_post_id(question_id, "escalate")
            self.service.review_queue().add(question_id, "escalate")
        for part_id in answered.refused_ids:  # parts of a several-question message, HR's alone
            hr_post_id = self.service.store.hr_post_id(part_id, "escalate")
            self.service.review_queue().add(part_id, "escalate")
        msg = self.messages(answered.reply.language)
        reply = answered.reply
        if reply.warning and place.kind == "slash":
            # Nothing was posted in the channel: there is no message to delete.
            reply = reply.model_copy(update={"warning": msg.text("my_number_warning_private")})
        blocks = reply_blocks(reply, msg, question_id)
        return Prepared(question_id, blocks, fallback_text(reply), hr_post_id)

    def _ask(self, text: str, user_id: str | None, place: Place, event_key: str):
        origin = Origin(place.kind, user_id, event_key, place.channel_id, place.thread_ts, place.message_ts)
        return self.service.ask(slack_to_plain(text), origin, tell_hr=True, follows=self._follows(place))

    def _follows(self, place: Place) -> Earlier | None:
        """What came before in this conversation: the same thread, or the same DM outside
        threads within ``follow_up_minutes``. A slash command or App Home click has none."""
        if place.kind not in ("im", "mention") or not place.channel_id:
            return None
        since = None
        if place.thread_ts is None:
            minutes = self.service.content.matching.follow_up_minutes
            since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes)).isoformat(timespec="seconds")
        turns = self.service.store.earlier_turns(place.channel_id, place.thread_ts, since=since,
                                                 limit=FOLLOW_UP_TURNS)
        return follows_from([q for q, _ in turns], turns[-1][1] if turns else None)

    def _answer_unsaved(self, text: str, user_id: str | None, place: Place, event_key: str,
                        exc: sqlite3.Error) -> Prepared | None:
        """The reply without the log: nothing to vote on, the question kept for ``write_unsaved``."""
        with self._unsaved_lock:
            if event_key in self._unsaved:
                return None
            self._unsaved[event_key] = (text, user_id, place)
            held = len(self._unsaved)
        log.error("database not writable (%s): question %s answered and kept in memory until it can be "
                  "written (%d held)", exc, event_key, held)
        answered = self.service.ask(slack_to_plain(text), Origin(place.kind), log_question=False)
        msg = self.messages(answered.reply.language)
        return Prepared(None, reply_blocks(answered.reply, msg, None), fallback_text(answered.reply), None)

    def write_unsaved(self) -> int:
        """Write the questions kept in memory (and queue their HR posts); returns how many."""
        with self._unsaved_lock:
            waiting = list(self._unsaved.items())
        written = 0
        for event_key, (text, user_id, place) in waiting:
            try:
                answered = self._ask(text, user_id, place, event_key)
                if answered.question_id is not None and answered.decision.outcome is Outcome.ESCALATE:
                    self.service.review_queue().add(answered.question_id, "escalate")
                    self.notifier.wake()
            except sqlite3.Error:
                break
            with self._unsaved_lock:
                self._unsaved.pop(event_key, None)
            written += 1
        if written:
            log.warning("database writable again: wrote %d question(s) kept in memory", written)
        return written

    def after_reply(self, prepared: Prepared) -> None:
        """Wake the outbox for the HR post (queued with the question); its own thread sends it,
        so neither this reply nor the next person's waits on the HR channel."""
        if prepared.hr_post_id is not None:
            self.notifier.wake()

    def usage(self, language: str = "ja") -> tuple[list[dict[str, Any]], str]:
        reply = self.service.entry_reply(USAGE_ENTRY, language)
        return self._render(reply, None) if reply else ([], "")

    def choose(self, payload_value: str, user_id: str | None) -> tuple[list[dict[str, Any]], str, Question] | None:
        """A clarify button: record the choice (a labelled example) and show that answer."""
        return self._open(payload_value, user_id, related=False)

    def open_related(self, payload_value: str, user_id: str | None) -> tuple[list[dict[str, Any]], str, Question] | None:
        """A related-question button under an answer: count the click (stats) and show that answer."""
        return self._open(payload_value, user_id, related=True)

    def _open(self, payload_value: str, user_id: str | None, *,
              related: bool) -> tuple[list[dict[str, Any]], str, Question] | None:
        """Only an entry the bot offered for that question is accepted (its stored candidates, or
        its answer's related entries); the question's stored row (returned) says where the
        answer goes, never the payload."""
        try:
            value = json.loads(payload_value)
            question_id, entry_id = int(value["q"]), str(value["e"])
        except (ValueError, KeyError, TypeError):
            return None
        question = self.service.store.question(question_id)
        if question is None:
            return None
        if related:
            answered = self.service.content.entry(question.entry_id or "")
            offered = set(answered.related) if answered and question.outcome == "answer" else set()
        else:
            offered = set(question.candidate_ids)
        if entry_id not in offered:
            return None
        if related:
            self.service.store.record_related_click(question_id, user_id, question.entry_id, entry_id)
        else:
            self.service.store.record_choice(question_id, user_id, entry_id)
        reply = self.service.entry_reply(entry_id, question.language)
        return (*self._render(reply, question_id), question) if reply else None

    def none_fits(self, question_id: int, user_id: str | None) -> tuple[list[dict[str, Any]], str]:
        """「どれにも当てはまらない」 under a clarify: the question goes to HR like one the notices do
        not answer (only the asker can send it; anyone else is told so)."""
        msg = self.messages(self._language(question_id))
        question = self.service.store.question(question_id)
        if question is None or question.outcome != "clarify" or not self._asked_by(question_id, user_id):
            text = msg.text("ask_hr_not_yours")
            return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}], text
        self.service.review_queue().add(question_id, "escalate")
        self.notifier.notify(question_id, "escalate")
        return self._render(self.service.refusal(self._language(question_id)), None)

    def may_vote(self, question_id: int, user_id: str | None) -> bool:
        """A button's question id is checked against the stored question, not trusted: anyone
        may vote on an answer posted in a channel thread, only the asker on a private one."""
        question = self.service.store.question(question_id)
        return question is not None and (question.channel_kind == "mention"
                                         or self._asked_by(question_id, user_id))

    def feedback(self, question_id: int, user_id: str | None, positive: bool) -> tuple[list[dict[str, Any]], str]:
        self.service.store.add_feedback(question_id, user_id, 1 if positive else -1)
        msg = self.messages(self._language(question_id))
        if positive:
            text = msg.feedback_thanks
            return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}], text
        self.service.review_queue().add(question_id, "downvote")
        if not self._asked_by(question_id, user_id):
            text = msg.text("feedback_thanks")
            return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}], text
        return ask_hr_blocks(msg, question_id), msg.text("feedback_sorry")

    def ask_hr(self, question_id: int, user_id: str | None) -> str:
        """After a 👎: hand the question to HR (once, however often the button is pressed).

        Only the asker can: in a channel, everyone sees the answer and its buttons."""
        msg = self.messages(self._language(question_id))
        if not self._asked_by(question_id, user_id):
            return msg.text("ask_hr_not_yours")
        self.notifier.notify(question_id, "downvote")
        return msg.text("ask_hr_done")

    def home(self, extra_blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        content = self.service.content
        examples = [e.question for i in HOME_EXAMPLES if (e := content.active_entry(i)) is not None]
        view = home_view(content.messages.ja, examples, self.retention_days)
        view["blocks"] = (view["blocks"] + (extra_blocks or []))[:100]
        return view

    def _asked_by(self, question_id: int, user_id: str | None) -> bool:
        row = self.service.store.question(question_id)
        return bool(row and user_id and row.user_id == user_id)

    def _language(self, question_id: int) -> str:
        row = self.service.store.question(question_id)
        return row.language if row else "ja"

    def _render(self, reply: Reply, question_id: int | None) -> tuple[list[dict[str, Any]], str]:
        msg = self.messages(reply.language)
        return reply_blocks(reply, msg, question_id), fallback_text(reply)
