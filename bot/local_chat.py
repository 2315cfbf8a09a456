"""The local chat: the same engine and replies as Slack, in a terminal.

Numbers do what Slack's buttons do: after a clarify, 1–3 picks a candidate and 0 says none fits
(the question then goes to HR, as 「どれにも当てはまらない」 does); after an answer, a number
opens a related question. A short follow-up is read with the previous questions, as in a thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from faq.content import MessageSet
from faq.answerer import FOLLOW_UP_TURNS, follows_from
from faq.models import Origin, Outcome
from faq.replies import Reply
from faq.service import FaqService

NONE_FITS = "0"


@dataclass
class LocalChat:
    """One person's chat session: what the last reply offered, and the conversation so far."""

    service: FaqService
    user: str
    channel_kind: str
    echo: Callable[[str], None]
    offered: list[str] = field(default_factory=list)
    clarified: bool = False
    asked: int | None = None
    language: str = "ja"
    history: list[str] = field(default_factory=list)
    # The entry last shown: what a follow-up that asks what it said is answered with.
    topic: str | None = None

    def handle(self, text: str) -> None:
        """Answer one line typed by the person."""
        pick = text.strip()
        if self.clarified and pick == NONE_FITS and self.asked is not None:
            self._none_fits()
        elif self.offered and pick.isdigit() and 1 <= int(pick) <= len(self.offered) and self.asked is not None:
            self._open(self.offered[int(pick) - 1])
        else:
            self._ask(text)

    def _ask(self, text: str) -> None:
        answered = self.service.ask(text, Origin(self.channel_kind, self.user),
                                    follows=follows_from(self.history, self.topic))
        self.history = (self.history + [text])[-FOLLOW_UP_TURNS:]
        decision = answered.decision
        self.topic = decision.entry_id if decision.outcome is Outcome.ANSWER else None
        self.asked, self.language = answered.question_id, answered.reply.language
        if self.channel_kind != "cli" and self.asked is not None and answered.decision.outcome is Outcome.ESCALATE:
            self.service.review_queue().add(self.asked, "escalate")
        self._show(answered.reply)

    def _open(self, entry_id: str) -> None:
        """A clarify pick is recorded as a labelled example; a related question is just shown."""
        if self.clarified and self.asked is not None:
            self.service.store.record_choice(self.asked, self.user, entry_id)
        reply = self.service.entry_reply(entry_id, self.language)
        if reply is not None:
            self.topic = entry_id
            self._show(reply)

    def _none_fits(self) -> None:
        """None of the candidates: the question is HR's (in the review queue when counted)."""
        if self.channel_kind != "cli" and self.asked is not None:
            self.service.review_queue().add(self.asked, "escalate")
        self.offered, self.clarified = [], False
        # Locally nothing reaches HR's channel: the reply says whom to contact.
        self.echo("\n" + self.service.refusal(self.language, hr_notified=False).as_text())

    def _show(self, reply: Reply) -> None:
        self.clarified = reply.outcome is Outcome.CLARIFY and bool(reply.choices)
        self.offered = [c.entry_id for c in (reply.choices if self.clarified else reply.related)]
        self.echo("\n" + reply.as_text())
        if self.clarified:
            self.echo(f"{NONE_FITS}. {self._messages().clarify_none_button}")
        if self.offered:
            self.echo(self._messages().chat_pick_hint)

    def _messages(self) -> MessageSet:
        return self.service.content.messages.for_language(self.language)
