"""The review queue: questions the bot could not settle, grouped, for HR to close the loop.

Escalations, 👎 answers and clarifications nobody picked from become items; similar
questions (rapidfuzz over their normalised form) share a group, so HR answers a question
once and sees how many people asked it. The rows live in the store (``faq.store.review``).
"""

from __future__ import annotations

import datetime as dt

from rapidfuzz import fuzz

from faq.errors import NotFound
from faq.normalize import Normalizer
from faq.store import ReviewGroup, ReviewItem, Store

STATUS_LABELS = {"open": "未対応", "in_progress": "対応中", "done": "対応済", "out_of_scope": "対象外"}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


class ReviewQueue:
    def __init__(self, store: Store, normalizer: Normalizer, *, group_similarity: float,
                 abandoned_after_minutes: int):
        self.store = store
        self.normalizer = normalizer
        self.group_similarity = group_similarity
        self.abandoned_after = dt.timedelta(minutes=abandoned_after_minutes)

    def _key(self, text: str) -> str:
        """The normalised form two questions are compared in."""
        return self.normalizer.analyze(text).compact

    def add(self, question_id: int, reason: str) -> int | None:
        """Queue a question (once); it joins the open group it resembles, or starts one."""
        question = self.store.question(question_id)
        if question is None:
            return None
        key = self._key(question.question)
        best = max(((fuzz.ratio(key, self._key(rep)), gid) for gid, rep in self.store.open_group_representatives()),
                   default=None)
        group_id = best[1] if best is not None and best[0] >= self.group_similarity else None
        return self.store.add_review_item(question_id, reason, group_id, question.question)

    def sweep_abandoned(self) -> int:
        """Clarifications nobody picked from, after a while, become review items (a write: call
        it before listing the queue, not from a read)."""
        cutoff = (dt.datetime.now(dt.timezone.utc) - self.abandoned_after).isoformat(timespec="seconds")
        return sum(self.add(qid, "clarify") is not None for qid in self.store.unpicked_clarifications(cutoff))

    def groups(self, status: str | None = None) -> list[ReviewGroup]:
        return self.store.review_groups(status)

    def group(self, group_id: int) -> ReviewGroup:
        found = next((g for g in self.groups() if g.id == group_id), None)
        if found is None:
            raise NotFound(f"no review group {group_id}; `faqbot review list` shows the groups")
        return found

    def item_for_question(self, question_id: int) -> ReviewItem:
        """The question's review item; one is queued first if HR acts on a question without one."""
        item = self.store.review_item_for_question(question_id)
        if item is None:
            if self.store.question(question_id) is None:
                raise NotFound(f"no question {question_id}")
            self.add(question_id, "escalate")
            item = self.store.review_item_for_question(question_id)
        assert item is not None
        return item

    def set_group_status(self, group_id: int, status: str, *, by: str) -> None:
        if status not in STATUS_LABELS:
            raise ValueError(f"unknown status {status!r}; use one of {', '.join(STATUS_LABELS)}")
        self.group(group_id)
        self.store.set_group_status(group_id, status, by=by)

    def start(self, item_id: int, *, by: str) -> None:
        """HR opened the item to answer it: 未対応 becomes 対応中 (item and group)."""
        self.store.start_review_item(item_id, by=by)

    def record_answer(self, item_id: int, text: str, *, by: str) -> bool:
        """HR answered this person directly: the item is closed. False when it already had an
        answer, so a second submission never sends the person a second copy."""
        return self.store.record_review_answer(item_id, text, by=by)

    def withdraw_answer(self, item_id: int, *, by: str) -> None:
        """The answer could not be delivered: the item is HR's to answer again (対応中)."""
        self.store.withdraw_review_answer(item_id, by=by)

    def close_item(self, item_id: int, status: str, *, by: str) -> None:
        self.store.close_review_item(item_id, status, by=by)

    def link_to_entry(self, item_id: int, entry_id: str, *, by: str) -> None:
        """The question now has a FAQ answer: item and group are done, the group knows the entry."""
        self.store.link_review_item(item_id, entry_id, by=by)

    def claim_notification(self, group_id: int, *, by: str) -> bool:
        """True exactly once per group: the right to tell every asker about the FAQ answer."""
        return self.store.claim_group_notification(group_id, by=by)
