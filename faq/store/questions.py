"""The question log and what hangs on it: votes, clarify choices, related-question clicks.

Nothing is written unmasked: every question passes through ``privacy.mask_personal_data``
here, whatever the caller did.
"""

from __future__ import annotations

import json
import sqlite3

from faq.models import Decision, Origin
from faq.privacy import mask_personal_data
from faq.store.core import days_ago, now
from faq.store.outbox import OutboxStore
from faq.store.rows import Question

# Question logs are personal data kept only as long as HR needs them to follow up.
DEFAULT_RETENTION_DAYS = 180


class QuestionsStore(OutboxStore):
    """Logging a question may queue its HR post in the same transaction, hence the outbox."""

    def log_question(self, decision: Decision, origin: Origin, *, hr_post_reason: str | None = None) -> int | None:
        """Store one question (masked). Returns its id, or None if ``event_id`` was seen.

        The UNIQUE ``event_id`` is the claim on a Slack delivery: a retry or a replay finds
        the row and does nothing, across processes and restarts (``origin.event_id``). With ``hr_post_reason`` the
        pending HR post is written in the same transaction, so no claim exists without it."""
        row = {
            "asked_at": now(), "channel_kind": origin.channel_kind, "user_id": origin.user_id,
            "question": mask_personal_data(decision.question), "language": decision.language,
            "outcome": decision.outcome.value, "entry_id": decision.entry_id,
            "score": decision.score,
            "candidates": json.dumps([c.model_dump() for c in decision.candidates]),
            "event_id": origin.event_id, "channel_id": origin.channel_id, "thread_ts": origin.thread_ts,
            "message_ts": origin.message_ts,
        }
        try:
            with self.transaction() as db:
                question_id = db["questions"].insert(row).last_pk
                if hr_post_reason:
                    self.enqueue_hr_post(question_id, hr_post_reason)
                return question_id
        except sqlite3.IntegrityError:
            return None

    def question(self, question_id: int) -> Question | None:
        rows = list(self.db.query("select * from questions where id = ?", [question_id]))
        return Question.from_row(rows[0]) if rows else None

    def question_by_event(self, event_id: str) -> Question | None:
        rows = list(self.db.query("select * from questions where event_id = ?", [event_id]))
        return Question.from_row(rows[0]) if rows else None

    def count_questions(self, event_id_prefix: str) -> int:
        """How many questions were logged from events whose id starts with the prefix (bench)."""
        return self.db.execute("select count(*) from questions where event_id like ?",
                               [f"{event_id_prefix}%"]).fetchone()[0]

    def add_feedback(self, question_id: int, user_id: str | None, value: int) -> None:
        """Record a vote; a second click by the same person replaces the first."""
        question = self.question(question_id)
        with self.transaction() as db:
            db.execute(
                "insert into feedback (question_id, user_id, value, entry_id, created_at) "
                "values (?, ?, ?, ?, ?) on conflict (question_id, user_id) do update set "
                "value = excluded.value, created_at = excluded.created_at",
                [question_id, user_id, 1 if value > 0 else -1,
                 question.entry_id if question else None, now()],
            )

    def record_choice(self, question_id: int, user_id: str | None, entry_id: str) -> None:
        """A clarify choice: a labelled example of what the question meant."""
        with self.transaction() as db:
            db["choices"].insert({"question_id": question_id, "user_id": user_id,
                                  "entry_id": entry_id, "created_at": now()})

    def record_related_click(self, question_id: int, user_id: str | None, from_entry_id: str | None,
                             entry_id: str) -> None:
        """A related question opened under an answer: which ones staff follow feeds the stats."""
        with self.transaction() as db:
            db["related_clicks"].insert({"question_id": question_id, "from_entry_id": from_entry_id,
                                         "entry_id": entry_id, "user_id": user_id, "created_at": now()})

    def earlier_turns(self, channel_id: str, thread_ts: str | None, *, since: str | None,
                      limit: int) -> list[tuple[str, str | None]]:
        """The latest questions asked in one thread (or, with ``thread_ts`` None, one DM channel
        outside threads, since ``since``), oldest first, each with the entry the person was
        shown last: a related question or clarify pick they opened, else the answer given."""
        sql = ("select q.question, coalesce((select entry_id from (select entry_id, created_at, id, 1 as src from choices "
               "where question_id = q.id union all select entry_id, created_at, id, 2 from related_clicks "
               "where question_id = q.id) order by created_at desc, src desc, id desc limit 1), "
               "case when q.outcome = 'answer' then q.entry_id end) "
               "from questions q where q.channel_id = ? and q.thread_ts is ? "
               "and (q.event_id is null or q.event_id not like '%#part%') and q.asked_at >= ? "
               "order by q.id desc limit ?")
        rows = self.db.execute(sql, [channel_id, thread_ts, since or "", limit]).fetchall()
        return [(r[0], r[1]) for r in reversed(rows)]

    def labelled_questions(self, limit: int) -> list[tuple[str, str]]:
        """(question, entry id) pairs staff and HR labelled: clarify choices, and questions HR
        linked to an entry; at most ``limit``."""
        return [(q, e) for q, e in self.db.execute(
            "select q.question, c.entry_id from choices c join questions q on q.id = c.question_id "
            "union select q.question, r.linked_entry_id from review_items r join questions q "
            "on q.id = r.question_id where r.linked_entry_id is not null order by 1 limit ?",
            [limit]).fetchall()]

    def purge(self, older_than_days: int) -> int:
        """Delete question logs (and what hangs on them) older than the retention period.

        Entries and their history are kept. Returns the number of questions removed.
        """
        cutoff = days_ago(older_than_days)
        with self.transaction() as db:
            old = "select id from questions where asked_at < ?"
            for table in ("feedback", "choices", "related_clicks", "hr_posts", "review_items"):
                db.execute(f"delete from {table} where question_id in ({old})", [cutoff])
            removed = db.execute("delete from questions where asked_at < ?", [cutoff]).rowcount
            db.execute("delete from review_groups where id not in (select group_id from review_items "
                       "where group_id is not null)")
            # A group's representative is the text of its first question: when that question
            # is purged, the group is shown by its oldest remaining one instead.
            db.execute("update review_groups set representative = (select q.question from review_items i "
                       "join questions q on q.id = i.question_id where i.group_id = review_groups.id "
                       "order by i.id limit 1)")
            db.execute("delete from inbox where received_at < ?", [cutoff])
            return removed
