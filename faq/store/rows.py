"""What the store returns: small typed rows instead of dictionaries, so a missing column is a
type error at the call, not a ``None`` three calls later."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from faq.models import Candidate, Entry


@dataclass(frozen=True)
class Question:
    """One logged (masked) question and where it was asked."""

    id: int
    asked_at: str
    channel_kind: str
    user_id: str | None
    question: str
    language: str
    outcome: str
    entry_id: str | None
    score: float | None
    candidates: list[Candidate]
    event_id: str | None
    channel_id: str | None
    thread_ts: str | None
    message_ts: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Question:
        return cls(id=row["id"], asked_at=row["asked_at"], channel_kind=row["channel_kind"],
                   user_id=row["user_id"], question=row["question"] or "",
                   # Rows from before English support have no language: they were Japanese.
                   language="en" if row["language"] == "en" else "ja",
                   outcome=row["outcome"], entry_id=row["entry_id"], score=row["score"],
                   candidates=[Candidate.model_validate(c) for c in json.loads(row["candidates"] or "[]")],
                   event_id=row["event_id"], channel_id=row["channel_id"], thread_ts=row["thread_ts"],
                   message_ts=row.get("message_ts"))

    @property
    def candidate_ids(self) -> list[str]:
        return [c.entry_id for c in self.candidates]


@dataclass(frozen=True)
class StoredEntry:
    """An entry as stored: its current content, version and provenance."""

    entry: Entry
    version: int
    shipped: str | None
    edited_by_hr: bool
    updated_at: str
    updated_by: str

    @property
    def id(self) -> str:
        return self.entry.id

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> StoredEntry:
        return cls(entry=Entry.model_validate_json(row["data"]), version=row["version"], shipped=row["shipped"],
                   edited_by_hr=bool(row["edited_by_hr"]), updated_at=row["updated_at"],
                   updated_by=row["updated_by"])


@dataclass(frozen=True)
class Revision:
    """One saved version of an entry: who changed which fields, when, and how."""

    entry_id: str
    version: int
    action: str
    changed_fields: list[str]
    changed_by: str
    changed_at: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Revision:
        return cls(entry_id=row["entry_id"], version=row["version"], action=row["action"],
                   changed_fields=json.loads(row["changed_fields"]), changed_by=row["changed_by"],
                   changed_at=row["changed_at"])


@dataclass(frozen=True)
class ReviewItem:
    """A question in HR's review queue, with the question it is about."""

    id: int
    question_id: int
    reason: str
    group_id: int | None
    status: str
    linked_entry_id: str | None
    hr_answer: str | None
    answered_by: str | None
    question: Question


@dataclass(frozen=True)
class ReviewGroup:
    """Similar questions HR answers once; ``items`` oldest first."""

    id: int
    representative: str
    status: str
    entry_id: str | None
    notified_at: str | None
    items: list[ReviewItem]


@dataclass(frozen=True)
class HrPost:
    """A claimed post to the HR channel; only the holder of ``claim`` may record its outcome."""

    id: int
    question_id: int
    reason: str
    attempts: int
    claim: str


@dataclass(frozen=True)
class Delivery:
    """A claimed inbox row: a Slack delivery stored (masked) before it was acknowledged."""

    id: int
    key: str
    payload: dict[str, Any]
    attempts: int
    claim: str


@dataclass(frozen=True)
class DatabaseHealth:
    """What a read-only look at a database file finds (for ``faqbot doctor``)."""

    integrity: str
    journal_mode: str
    schema_version: int
    pending_hr_posts: int
    oldest_pending_hr_post: str | None
    failed_hr_posts: int
    last_hr_post_error: str | None
