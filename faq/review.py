"""The review queue: questions the bot could not settle, grouped, for HR to close the loop.

Escalations, 👎 answers and clarifications nobody picked from become items; similar
questions (rapidfuzz over their normalised form) share a group, so HR answers a question
once and sees how many people asked it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from faq.normalize import Normalizer
from faq.store import Store, now

STATUS_LABELS = {"open": "未対応", "in_progress": "対応中", "done": "対応済", "out_of_scope": "対象外"}
GROUP_SIMILARITY = 75.0
ABANDONED_AFTER = dt.timedelta(minutes=30)


@dataclass
class Group:
    id: int
    representative: str
    status: str
    entry_id: str | None
    notified_at: str | None
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


class ReviewQueue:
    def __init__(self, store: Store, normalizer: Normalizer):
        self.store = store
        self.normalizer = normalizer

    def _key(self, text: str) -> str:
        """The normalised form two questions are compared in."""
        return self.normalizer.analyze(text).compact

    def add(self, question_id: int, reason: str) -> int | None:
        """Queue a question (once); it joins the open group it resembles, or starts one."""
        question = self.store.question(question_id)
        if question is None:
            return None
        text = question["question"]
        groups = self.store.db.execute(
            "select id, representative from review_groups where status in ('open', 'in_progress')").fetchall()
        key = self._key(text)
        best = max(((fuzz.ratio(key, self._key(rep)), gid) for gid, rep in groups), default=None)
        with self.store.transaction() as db:
            if db.execute("select 1 from review_items where question_id = ?", [question_id]).fetchone():
                return None
            if best is not None and best[0] >= GROUP_SIMILARITY:
                group_id = best[1]
            else:
                group_id = db["review_groups"].insert(
                    {"representative": text, "status": "open", "created_at": now(), "updated_at": now()}).last_pk
            return db["review_items"].insert(
                {"question_id": question_id, "reason": reason, "group_id": group_id, "status": "open",
                 "created_at": now(), "updated_at": now()}).last_pk

    def sweep_abandoned(self) -> int:
        """Clarifications nobody picked from, after a while, become review items."""
        cutoff = (dt.datetime.now(dt.timezone.utc) - ABANDONED_AFTER).isoformat(timespec="seconds")
        rows = self.store.db.execute(
            "select q.id from questions q where q.outcome = 'clarify' and q.asked_at < ? "
            "and q.channel_kind != 'cli' and not exists (select 1 from choices c where c.question_id = q.id) "
            "and not exists (select 1 from review_items r where r.question_id = q.id)", [cutoff]).fetchall()
        return sum(self.add(qid, "clarify") is not None for (qid,) in rows)

    def groups(self, status: str | None = None) -> list[Group]:
        self.sweep_abandoned()
        where, args = ("where g.status = ?", [status]) if status else ("", [])
        groups = {row["id"]: Group(row["id"], row["representative"], row["status"], row["entry_id"],
                                   row["notified_at"])
                  for row in self.store.db.query(f"select * from review_groups g {where} order by g.id", args)}
        for item in self.store.db.query(
            "select r.*, q.user_id, q.channel_id, q.thread_ts, q.channel_kind, q.question, q.asked_at, q.candidates "
            "from review_items r join questions q on q.id = r.question_id order by r.id"):
            if item["group_id"] in groups:
                groups[item["group_id"]].items.append(item)
        return [g for g in groups.values() if g.items]

    def group(self, group_id: int) -> Group | None:
        return next((g for g in self.groups() if g.id == group_id), None)

    def item(self, item_id: int) -> dict[str, Any] | None:
        rows = list(self.store.db.query(
            "select r.*, q.user_id, q.channel_id, q.thread_ts, q.message_ts, q.channel_kind, q.question, "
            "q.language, q.candidates from review_items r join questions q on q.id = r.question_id "
            "where r.id = ?", [item_id]))
        return rows[0] if rows else None

    def item_for_question(self, question_id: int) -> dict[str, Any] | None:
        row = self.store.db.execute("select id from review_items where question_id = ?", [question_id]).fetchone()
        return self.item(row[0]) if row else None

    def set_group_status(self, group_id: int, status: str, *, by: str) -> None:
        if status not in STATUS_LABELS:
            raise ValueError(f"unknown status {status!r}; use one of {', '.join(STATUS_LABELS)}")
        with self.store.transaction() as db:
            db.execute("update review_groups set status = ?, updated_at = ?, updated_by = ? where id = ?",
                       [status, now(), by, group_id])
            db.execute("update review_items set status = ?, updated_at = ?, updated_by = ? where group_id = ?",
                       [status, now(), by, group_id])

    def start(self, item_id: int, *, by: str) -> None:
        """HR opened the item to answer it: 未対応 becomes 対応中 (item and group)."""
        with self.store.transaction() as db:
            db.execute("update review_items set status = 'in_progress', updated_at = ?, updated_by = ? "
                       "where id = ? and status = 'open'", [now(), by, item_id])
            db.execute("update review_groups set status = 'in_progress', updated_at = ?, updated_by = ? "
                       "where id = (select group_id from review_items where id = ?) and status = 'open'",
                       [now(), by, item_id])

    def record_answer(self, item_id: int, text: str, *, by: str) -> bool:
        """HR answered this person directly: the item is closed. False when it already had an
        answer, so a second submission never sends the person a second copy."""
        with self.store.transaction() as db:
            claimed = db.execute("update review_items set status = 'done', hr_answer = ?, answered_by = ?, "
                                 "updated_at = ?, updated_by = ? where id = ? and hr_answer is null",
                                 [text, by, now(), by, item_id]).rowcount == 1
            if claimed:
                self._settle_group(db, item_id, by)
            return claimed

    def withdraw_answer(self, item_id: int, *, by: str) -> None:
        """The answer could not be delivered: the item is HR's to answer again (対応中)."""
        with self.store.transaction() as db:
            db.execute("update review_items set status = 'in_progress', hr_answer = null, answered_by = null, "
                       "updated_at = ?, updated_by = ? where id = ?", [now(), by, item_id])
            db.execute("update review_groups set status = 'in_progress', updated_at = ?, updated_by = ? "
                       "where id = (select group_id from review_items where id = ?)", [now(), by, item_id])

    def close_item(self, item_id: int, status: str, *, by: str) -> None:
        with self.store.transaction() as db:
            db.execute("update review_items set status = ?, updated_at = ?, updated_by = ? where id = ?",
                       [status, now(), by, item_id])
            self._settle_group(db, item_id, by)

    def link_to_entry(self, item_id: int, entry_id: str, *, by: str) -> None:
        """The question now has a FAQ answer: item and group are done, the group knows the entry."""
        with self.store.transaction() as db:
            db.execute("update review_items set status = 'done', linked_entry_id = ?, updated_at = ?, "
                       "updated_by = ? where id = ?", [entry_id, now(), by, item_id])
            db.execute("update review_groups set entry_id = ?, updated_at = ?, updated_by = ? where id = "
                       "(select group_id from review_items where id = ?)", [entry_id, now(), by, item_id])
            self._settle_group(db, item_id, by)

    def _settle_group(self, db, item_id: int, by: str) -> None:
        """A group is done when none of its items is still open."""
        db.execute(
            "update review_groups set status = 'done', updated_at = ?, updated_by = ? where id = "
            "(select group_id from review_items where id = ?) and not exists (select 1 from review_items "
            "where group_id = review_groups.id and status in ('open', 'in_progress'))", [now(), by, item_id])

    def claim_notification(self, group_id: int, *, by: str) -> bool:
        """True exactly once per group: the right to tell every asker about the FAQ answer."""
        with self.store.transaction() as db:
            cursor = db.execute("update review_groups set notified_at = ?, updated_by = ? where id = ? "
                                "and notified_at is null and entry_id is not null", [now(), by, group_id])
            return cursor.rowcount == 1
