"""The HR-post outbox: posts are stored as pending before Slack is called, and claimed with a
fenced lease so two senders never both record an outcome."""

from __future__ import annotations

import uuid

from faq.store.core import Connections, in_seconds, now
from faq.store.rows import HrPost

HR_POST_LEASE_SECONDS = 60


class OutboxStore(Connections):
    def enqueue_hr_post(self, question_id: int, reason: str) -> int | None:
        """Store an HR post as pending before Slack is called; None if it already exists."""
        with self.transaction() as db:
            if db.execute("select 1 from hr_posts where question_id = ? and reason = ?",
                          [question_id, reason]).fetchone():
                return None
            return db["hr_posts"].insert(
                {"question_id": question_id, "reason": reason, "status": "pending",
                 "attempts": 0, "next_attempt_at": now(), "created_at": now()}
            ).last_pk

    def hr_post_id(self, question_id: int, reason: str) -> int | None:
        row = self.db.execute("select id from hr_posts where question_id = ? and reason = ?",
                              [question_id, reason]).fetchone()
        return row[0] if row else None

    def claim_hr_post(self, post_id: int, lease_seconds: float = HR_POST_LEASE_SECONDS) -> HrPost | None:
        """Take a due post for sending; None if it is not due or another worker holds it.

        The row's ``claim`` is a fresh token: only its holder may mark the post sent or
        failed, so a sender whose lease ran out cannot overwrite the next holder's outcome."""
        at = now()
        claim = uuid.uuid4().hex
        with self.transaction() as db:
            cursor = db.execute(
                "update hr_posts set status = 'sending', lease_until = ?, claim = ?, attempts = attempts + 1 "
                "where id = ? and ((status = 'pending' and next_attempt_at <= ?) "
                "or (status = 'sending' and lease_until < ?))",
                [in_seconds(lease_seconds), claim, post_id, at, at],
            )
            if cursor.rowcount != 1:
                return None
        row = next(self.db.query("select * from hr_posts where id = ?", [post_id]))
        return HrPost(id=row["id"], question_id=row["question_id"], reason=row["reason"],
                      attempts=row["attempts"], claim=row["claim"])

    def hr_post_claim_held(self, post_id: int, claim: str) -> bool:
        """True while ``claim`` still holds the post and its lease has not run out."""
        return self.db.execute("select 1 from hr_posts where id = ? and claim = ? and status = 'sending' "
                               "and lease_until >= ?", [post_id, claim, now()]).fetchone() is not None

    def due_hr_posts(self) -> list[int]:
        at = now()
        return [r[0] for r in self.db.execute(
            "select id from hr_posts where (status = 'pending' and next_attempt_at <= ?) "
            "or (status = 'sending' and lease_until < ?) order by id", [at, at]).fetchall()]

    def hr_posts_in_flight(self) -> int:
        """Posts a sender holds right now (tests and the benchmark wait for none)."""
        return self.db.execute("select count(*) from hr_posts where status = 'sending'").fetchone()[0]

    def mark_hr_post_sent(self, post_id: int, claim: str, channel_id: str, ts: str) -> bool:
        """Record the delivery; False when ``claim`` no longer holds the post."""
        with self.transaction() as db:
            return db.execute("update hr_posts set status = 'sent', channel_id = ?, ts = ?, sent_at = ?, "
                              "last_error = null, lease_until = null where id = ? and claim = ?",
                              [channel_id, ts, now(), post_id, claim]).rowcount == 1

    def mark_hr_post_failed(self, post_id: int, claim: str, error: str, retry_in_seconds: float | None) -> bool:
        """Back to pending for a retry, or given up (status 'failed') when ``retry_in_seconds`` is None.

        False (nothing changed) when ``claim`` no longer holds the post."""
        status, retry_at = ("failed", None) if retry_in_seconds is None else ("pending", in_seconds(retry_in_seconds))
        with self.transaction() as db:
            return db.execute("update hr_posts set status = ?, last_error = ?, "
                              "next_attempt_at = coalesce(?, next_attempt_at), lease_until = null "
                              "where id = ? and claim = ? and status = 'sending'",
                              [status, error[:500], retry_at, post_id, claim]).rowcount == 1
