"""Durable intake: each Slack delivery is stored (masked) before it is acknowledged, then
claimed by one worker at a time."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from typing import Any

from faq.store.core import Connections, in_seconds, now
from faq.store.rows import Delivery


class InboxStore(Connections):
    def take_delivery(self, key: str, kind: str, payload: dict[str, Any]) -> int | None:
        """Store one delivery before it is acknowledged; None when ``key`` was taken before
        (a Slack retry). The payload must already be masked: it is written as given."""
        try:
            with self.transaction() as db:
                return db["inbox"].insert(
                    {"delivery_key": key, "kind": kind, "payload": json.dumps(payload, ensure_ascii=False),
                     "status": "pending", "attempts": 0, "received_at": now()}).last_pk
        except sqlite3.IntegrityError:
            return None

    def claim_delivery(self, owner: str, lease_seconds: float,
                       is_abandoned: Callable[[str], bool]) -> Delivery | None:
        """Take the oldest pending delivery nobody works on: unclaimed, lease run out, or
        claimed by a process ``is_abandoned`` says is gone. The claim is compare-and-set, so
        two processes never both take one row."""
        at = now()
        rows = self.db.execute("select id, claim, lease_until from inbox where status = 'pending' "
                               "order by id limit 100").fetchall()
        for row_id, claim, lease_until in rows:
            if claim and lease_until and lease_until >= at and not is_abandoned(claim):
                continue
            token = f"{owner}/{uuid.uuid4().hex}"
            with self.transaction() as db:
                taken = db.execute("update inbox set claim = ?, lease_until = ?, attempts = attempts + 1 "
                                   "where id = ? and status = 'pending' and claim is ?",
                                   [token, in_seconds(lease_seconds), row_id, claim]).rowcount
            if taken:
                row = next(self.db.query("select * from inbox where id = ?", [row_id]))
                return Delivery(id=row["id"], key=row["delivery_key"], payload=json.loads(row["payload"]),
                                attempts=row["attempts"], claim=row["claim"])
        return None

    def finish_delivery(self, row_id: int, claim: str, status: str = "done", error: str | None = None) -> bool:
        """Done (or given up): the payload is dropped, the key stays to recognise retries."""
        with self.transaction() as db:
            return db.execute("update inbox set status = ?, payload = '{}', done_at = ?, last_error = ?, "
                              "lease_until = null where id = ? and claim = ?",
                              [status, now(), error and error[:500], row_id, claim]).rowcount == 1

    def retry_delivery(self, row_id: int, claim: str, error: str, retry_in_seconds: float) -> None:
        """Keep the claim but let it run out in ``retry_in_seconds``, when any process may retry."""
        with self.transaction() as db:
            db.execute("update inbox set lease_until = ?, last_error = ? where id = ? and claim = ?",
                       [in_seconds(retry_in_seconds), error[:500], row_id, claim])

    def pending_deliveries(self) -> int:
        return self.db.execute("select count(*) from inbox where status = 'pending'").fetchone()[0]
