"""The review queue's tables: groups of similar questions and one item per question.

Which group a question joins is decided by ``faq.review.ReviewQueue`` (it compares texts);
this module only reads and writes the rows."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from faq.store.core import Connections, now
from faq.store.rows import Question, ReviewGroup, ReviewItem


_ITEMS = ("select q.*, r.id as item_id, r.reason as item_reason, r.group_id as item_group_id, "
          "r.status as item_status, r.linked_entry_id as item_linked_entry_id, r.hr_answer as item_hr_answer, "
          "r.answered_by as item_answered_by from review_items r join questions q on q.id = r.question_id ")


def _item(row: dict[str, Any]) -> ReviewItem:
    return ReviewItem(id=row["item_id"], question_id=row["id"], reason=row["item_reason"],
                      group_id=row["item_group_id"], status=row["item_status"],
                      linked_entry_id=row["item_linked_entry_id"], hr_answer=row["item_hr_answer"],
                      answered_by=row["item_answered_by"], question=Question.from_row(row))


class ReviewStore(Connections):
    def open_group_representatives(self) -> list[tuple[int, str]]:
        """(group id, representative text) of every group still open or in progress."""
        return [(gid, rep) for gid, rep in self.db.execute(
            "select id, representative from review_groups where status in ('open', 'in_progress')").fetchall()]

    def add_review_item(self, question_id: int, reason: str, group_id: int | None, representative: str) -> int | None:
        """Queue a question once, into ``group_id`` or (None) a new group shown by ``representative``."""
        with self.transaction() as db:
            if db.execute("select 1 from review_items where question_id = ?", [question_id]).fetchone():
                return None
            if group_id is None:
                group_id = db["review_groups"].insert(
                    {"representative": representative, "status": "open", "created_at": now(),
                     "updated_at": now()}).last_pk
            return db["review_items"].insert(
                {"question_id": question_id, "reason": reason, "group_id": group_id, "status": "open",
                 "created_at": now(), "updated_at": now()}).last_pk

    def unpicked_clarifications(self, asked_before: str) -> list[int]:
        """Clarify questions from staff nobody picked from, asked before the moment, not yet queued."""
        return [qid for (qid,) in self.db.execute(
            "select q.id from questions q where q.outcome = 'clarify' and q.asked_at < ? "
            "and q.channel_kind != 'cli' and not exists (select 1 from choices c where c.question_id = q.id) "
            "and not exists (select 1 from review_items r where r.question_id = q.id)", [asked_before]).fetchall()]

    def review_groups(self, status: str | None = None) -> list[ReviewGroup]:
        """Groups with at least one item (oldest first), optionally only those with ``status``."""
        where, args = ("where status = ?", [status]) if status else ("", [])
        rows = list(self.db.query(f"select * from review_groups {where} order by id", args))
        items: dict[int, list[ReviewItem]] = {row["id"]: [] for row in rows}
        for row in self.db.query(_ITEMS + "order by r.id"):
            if row["item_group_id"] in items:
                items[row["item_group_id"]].append(_item(row))
        return [ReviewGroup(id=r["id"], representative=r["representative"], status=r["status"],
                            entry_id=r["entry_id"], notified_at=r["notified_at"], items=items[r["id"]])
                for r in rows if items[r["id"]]]

    def review_item(self, item_id: int) -> ReviewItem | None:
        rows = list(self.db.query(_ITEMS + "where r.id = ?", [item_id]))
        return _item(rows[0]) if rows else None

    def review_item_for_question(self, question_id: int) -> ReviewItem | None:
        rows = list(self.db.query(_ITEMS + "where r.question_id = ?", [question_id]))
        return _item(rows[0]) if rows else None

    def open_review_item_count(self) -> int:
        return self.db.execute(
            "select count(*) from review_items where status in ('open', 'in_progress')").fetchone()[0]

    def set_group_status(self, group_id: int, status: str, *, by: str) -> None:
        with self.transaction() as db:
            db.execute("update review_groups set status = ?, updated_at = ?, updated_by = ? where id = ?",
                       [status, now(), by, group_id])
            db.execute("update review_items set status = ?, updated_at = ?, updated_by = ? where group_id = ?",
                       [status, now(), by, group_id])

    def start_review_item(self, item_id: int, *, by: str) -> None:
        """未対応 becomes 対応中 (item and group)."""
        with self.transaction() as db:
            db.execute("update review_items set status = 'in_progress', updated_at = ?, updated_by = ? "
                       "where id = ? and status = 'open'", [now(), by, item_id])
            db.execute("update review_groups set status = 'in_progress', updated_at = ?, updated_by = ? "
                       "where id = (select group_id from review_items where id = ?) and status = 'open'",
                       [now(), by, item_id])

    def record_review_answer(self, item_id: int, text: str, *, by: str) -> bool:
        """Close the item with HR's answer; False when it already had one."""
        with self.transaction() as db:
            claimed = db.execute("update review_items set status = 'done', hr_answer = ?, answered_by = ?, "
                                 "updated_at = ?, updated_by = ? where id = ? and hr_answer is null",
                                 [text, by, now(), by, item_id]).rowcount == 1
            if claimed:
                self._settle_group(db, item_id, by)
            return claimed

    def withdraw_review_answer(self, item_id: int, *, by: str) -> None:
        """The item is HR's to answer again (対応中)."""
        with self.transaction() as db:
            db.execute("update review_items set status = 'in_progress', hr_answer = null, answered_by = null, "
                       "updated_at = ?, updated_by = ? where id = ?", [now(), by, item_id])
            db.execute("update review_groups set status = 'in_progress', updated_at = ?, updated_by = ? "
                       "where id = (select group_id from review_items where id = ?)", [now(), by, item_id])

    def close_review_item(self, item_id: int, status: str, *, by: str) -> None:
        with self.transaction() as db:
            db.execute("update review_items set status = ?, updated_at = ?, updated_by = ? where id = ?",
                       [status, now(), by, item_id])
            self._settle_group(db, item_id, by)

    def link_review_item(self, item_id: int, entry_id: str, *, by: str) -> None:
        """Item and group are done; the group knows the entry that answers it."""
        with self.transaction() as db:
            db.execute("update review_items set status = 'done', linked_entry_id = ?, updated_at = ?, "
                       "updated_by = ? where id = ?", [entry_id, now(), by, item_id])
            db.execute("update review_groups set entry_id = ?, updated_at = ?, updated_by = ? where id = "
                       "(select group_id from review_items where id = ?)", [entry_id, now(), by, item_id])
            self._settle_group(db, item_id, by)

    def _settle_group(self, db: sqlite_utils.Database, item_id: int, by: str) -> None:
        """A group is done when none of its items is still open."""
        db.execute(
            "update review_groups set status = 'done', updated_at = ?, updated_by = ? where id = "
            "(select group_id from review_items where id = ?) and not exists (select 1 from review_items "
            "where group_id = review_groups.id and status in ('open', 'in_progress'))", [now(), by, item_id])

    def claim_group_notification(self, group_id: int, *, by: str) -> bool:
        """True exactly once per group: the right to tell every asker about the FAQ answer."""
        with self.transaction() as db:
            cursor = db.execute("update review_groups set notified_at = ?, updated_by = ? where id = ? "
                                "and notified_at is null and entry_id is not null", [now(), by, group_id])
            return cursor.rowcount == 1
