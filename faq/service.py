"""The engine as one object: the database's entries, the decision, the reply, the log.

The bot, the CLI and the tests hold one FaqService. Entries live in the database (the
shipped files are imported on first start); when any process changes an entry, the
others notice the new ``entries_version`` on their next question and rebuild the matcher.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from faq.answerer import Answerer
from faq.content import CONTENT_DIR, ContentError, FaqContent, load_content
from faq.models import Decision, Earlier, Origin, Outcome
from faq.privacy import MY_NUMBER_MASK, cut_text
from faq.replies import Reply, compose
from faq.review import ReviewQueue
from faq.store import Store

log = logging.getLogger(__name__)

SYNONYMS_DOCUMENT = "synonyms"


@dataclass(frozen=True)
class Answered:
    decision: Decision
    reply: Reply
    question_id: int | None
    # Parts of a several-question message the notices do not answer, each logged for HR alone.
    refused_ids: list[int] = field(default_factory=list)


class FaqService:
    """Answers questions from the entries in ``store`` and keeps itself current."""

    def __init__(self, store: Store, content: FaqContent):
        self.store = store
        self._base = content
        self._lock = threading.Lock()
        self._version = -1
        self._answerer: Answerer | None = None
        self.answerer()

    @classmethod
    def open(cls, store: Store, content_dir: Path = CONTENT_DIR) -> FaqService:
        """Import the shipped FAQ and start; broken entry files never stop a working FAQ.

        When the entry files are invalid but the database already holds entries, the problems
        are logged and the last good FAQ (the database's) is served.
        """
        try:
            content = load_content(content_dir)
        except ContentError as exc:
            if not store.entries():
                raise
            log.error("shipped FAQ files are invalid; serving the FAQ in the database:\n%s", exc)
            content = load_content(content_dir, with_entries=False)
        else:
            for entry_id in store.sync_shipped(content.entries):
                log.info("kept HR's edit of entry %s over the shipped version", entry_id)
        return cls(store, content)

    def answerer(self) -> Answerer:
        """The current answerer, rebuilt when entries changed since the last question."""
        version = self.store.entries_version()
        if version != self._version or self._answerer is None:
            with self._lock:
                if version != self._version or self._answerer is None:
                    stored = self.store.document(SYNONYMS_DOCUMENT)
                    content = replace(self._base, entries=self.store.entries(),
                                      synonyms=stored[0] if stored else self._base.synonyms)
                    self._answerer = Answerer(content)
                    self._version = version
        return self._answerer

    def review_queue(self) -> ReviewQueue:
        answerer = self.answerer()
        matching = answerer.content.matching
        return ReviewQueue(self.store, answerer.normalizer, group_similarity=matching.review_group_similarity,
                           abandoned_after_minutes=matching.review_abandoned_minutes)

    @property
    def content(self) -> FaqContent:
        return self.answerer().content

    def entry_reply(self, entry_id: str, language: str) -> Reply | None:
        """The answer of one entry, as if the engine had chosen it (clarify picks, examples)."""
        answerer = self.answerer()
        if answerer.content.entry(entry_id) is None:
            return None
        decision = Decision(question="", language="en" if language == "en" else "ja",
                            outcome=Outcome.ANSWER, entry_id=entry_id)
        return compose(decision, answerer.content)

    def refusal(self, language: str, *, hr_notified: bool = True) -> Reply:
        """The escalation reply for 「どれにも当てはまらない」 after a clarify: HR has the question
        (``hr_notified``), or, where nothing reaches HR's channel, whom to contact."""
        decision = Decision(question="", language="en" if language == "en" else "ja", outcome=Outcome.ESCALATE)
        return compose(decision, self.answerer().content, hr_notified=hr_notified)

    def ask(self, question: str, origin: Origin, *, log_question: bool = True, tell_hr: bool = False,
            follows: Earlier | None = None) -> Answered:
        """Decide, compose the reply and (unless told not to) log the masked question.

        ``follows`` is what came before in the conversation, for follow-ups. With ``tell_hr``, an
        escalation's HR post is queued in the same write as the log row; in a message asking
        several things, each part the notices do not answer is logged and sent to HR alone.
        The question is cut to ``MAX_TEXT_CHARS`` first, so no message costs unbounded work."""
        answerer = self.answerer()
        decision = answerer.decide(cut_text(question), follows)
        if MY_NUMBER_MASK in question and not decision.contains_my_number:
            # Masked already on the way in (the durable inbox stores nothing unmasked): the
            # person still has to be told to delete their message.
            decision = decision.model_copy(update={"contains_my_number": True})
        told = tell_hr and log_question
        refused = [p for p in decision.parts if p.outcome is Outcome.ESCALATE]
        reply = compose(decision, answerer.content,
                        hr_notified=told and (decision.outcome is Outcome.ESCALATE or bool(refused)))
        question_id = None
        refused_ids: list[int] = []
        if log_question:
            # One write: a crash can never leave the message's claim without its refused parts.
            with self.store.transaction():
                question_id = self.store.log_question(
                    decision, origin,
                    hr_post_reason="escalate" if told and decision.outcome is Outcome.ESCALATE else None)
                if question_id is not None and told:
                    for i, part in enumerate(refused, 1):
                        part_origin = replace(origin, event_id=f"{origin.event_id}#part{i}" if origin.event_id else None)
                        part_id = self.store.log_question(part, part_origin, hr_post_reason="escalate")
                        if part_id is not None:
                            refused_ids.append(part_id)
        return Answered(decision, reply, question_id, refused_ids)
