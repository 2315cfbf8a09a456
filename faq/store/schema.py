"""The schema: forward-only migrations, one per version, applied in one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils


def _migration_1(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["entries"].create(
        {"id": str, "kind": str, "data": str, "version": int, "retired": int,
         "shipped": str, "edited_by_hr": int, "updated_at": str, "updated_by": str},
        pk="id",
    )
    db["entry_revisions"].create(
        {"id": int, "entry_id": str, "version": int, "action": str, "changed_fields": str,
         "data": str, "changed_by": str, "changed_at": str},
        pk="id",
    )
    db["entry_revisions"].create_index(["entry_id", "version"], unique=True)
    db["questions"].create(
        {"id": int, "asked_at": str, "channel_kind": str, "user_id": str, "question": str,
         "language": str, "outcome": str, "entry_id": str, "score": float, "candidates": str,
         "event_id": str, "channel_id": str, "thread_ts": str},
        pk="id",
    )
    db["questions"].create_index(["event_id"], unique=True)
    db["questions"].create_index(["asked_at"])
    db["feedback"].create(
        {"id": int, "question_id": int, "user_id": str, "value": int, "entry_id": str,
         "created_at": str},
        pk="id",
        foreign_keys=[("question_id", "questions", "id")],
    )


def _migration_2(db: sqlite_utils.Database) -> None:
    """Slack: where a question was asked, the HR-post outbox, one vote each, clarify choices."""
    db["questions"].add_column("message_ts", str)
    db["hr_posts"].create(
        {"id": int, "question_id": int, "reason": str, "status": str, "attempts": int,
         "next_attempt_at": str, "lease_until": str, "last_error": str, "channel_id": str,
         "ts": str, "created_at": str, "sent_at": str},
        pk="id",
        foreign_keys=[("question_id", "questions", "id")],
    )
    db["hr_posts"].create_index(["question_id", "reason"], unique=True)
    db["hr_posts"].create_index(["status", "next_attempt_at"])
    db["feedback"].create_index(["question_id", "user_id"], unique=True)
    db["choices"].create(
        {"id": int, "question_id": int, "user_id": str, "entry_id": str, "created_at": str},
        pk="id",
        foreign_keys=[("question_id", "questions", "id")],
    )


def _migration_3(db: sqlite_utils.Database) -> None:
    """HR review queue (similar questions grouped) and the editable synonym table."""
    db["review_groups"].create(
        {"id": int, "representative": str, "status": str, "entry_id": str, "notified_at": str,
         "created_at": str, "updated_at": str, "updated_by": str},
        pk="id",
    )
    db["review_items"].create(
        {"id": int, "question_id": int, "reason": str, "group_id": int, "status": str,
         "linked_entry_id": str, "hr_answer": str, "answered_by": str, "created_at": str,
         "updated_at": str, "updated_by": str},
        pk="id",
        foreign_keys=[("question_id", "questions", "id"), ("group_id", "review_groups", "id")],
    )
    db["review_items"].create_index(["question_id"], unique=True)
    db["review_items"].create_index(["status"])
    db["documents"].create({"name": str, "data": str, "version": int, "updated_by": str,
                            "updated_at": str}, pk="name")
    db["document_revisions"].create(
        {"id": int, "name": str, "version": int, "data": str, "changed_by": str, "changed_at": str},
        pk="id",
    )


def _migration_4(db: sqlite_utils.Database) -> None:
    """Durable intake (the inbox) and fenced HR-post claims."""
    db["inbox"].create(
        {"id": int, "delivery_key": str, "kind": str, "payload": str, "status": str, "attempts": int,
         "claim": str, "lease_until": str, "last_error": str, "received_at": str, "done_at": str},
        pk="id",
    )
    db["inbox"].create_index(["delivery_key"], unique=True)
    db["inbox"].create_index(["status"])
    db["hr_posts"].add_column("claim", str)


def _migration_5(db: sqlite_utils.Database) -> None:
    """Related questions opened under an answer (for stats); threads looked up for follow-ups."""
    db["related_clicks"].create(
        {"id": int, "question_id": int, "from_entry_id": str, "entry_id": str, "user_id": str,
         "created_at": str},
        pk="id",
        foreign_keys=[("question_id", "questions", "id")],
    )
    db["questions"].create_index(["channel_id", "thread_ts"])


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_migration_1, _migration_2, _migration_3,
                                                             _migration_4, _migration_5]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version_of(conn: sqlite3.Connection) -> int:
    """The schema version a database file records (0 for an empty file)."""
    if not conn.execute("select 1 from sqlite_master where type = 'table' and name = 'meta'").fetchone():
        return 0
    row = conn.execute("select value from meta where key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def pre_migration_backup(path: Path, version: int) -> Path:
    """Where the copy taken before migrating a version-``version`` database goes."""
    return path.with_name(f"{path.name}.v{version}.bak")
