"""Pydantic models shared by the content files, the engine and the store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ENTRY_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_QUESTION_CHARS = 200
MAX_ANSWER_CHARS = 400
MAX_ANSWER_EN_CHARS = MAX_ANSWER_CHARS * 2
MIN_PHRASINGS = 8
MIN_PHRASINGS_EN = 3
MAX_RELATED = 3

@dataclass(frozen=True)
class Earlier:
    """What a follow-up is read with: the conversation's latest questions (oldest first) and
    the entry the latest of them was answered with (a clarify pick or a related question
    opened counts), None when it got no answer."""

    questions: tuple[str, ...]
    topic: str | None = None

    @property
    def text(self) -> str:
        return " ".join(self.questions)


@dataclass(frozen=True)
class Origin:
    """Where a question came from: the surface, the person, Slack's delivery and place.

    ``event_id`` is the delivery's claim (UNIQUE in the question log); the channel and
    timestamps say where HR's answer or a follow-up goes."""

    channel_kind: str  # im | mention | slash | home | cli | eval | chat
    user_id: str | None = None
    event_id: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    message_ts: str | None = None


class EntryKind(str, Enum):
    """What a matched entry does: answer from the notices, escalate precisely, or chat."""

    ANSWER = "answer"
    ESCALATE = "escalate"
    SMALLTALK = "smalltalk"

class Outcome(str, Enum):
    """The engine's decision for one question."""

    ANSWER = "answer"
    CLARIFY = "clarify"
    ESCALATE = "escalate"
    SMALLTALK = "smalltalk"

class Source(BaseModel):
    """A notice and the verbatim sentence an answer relies on."""

    model_config = ConfigDict(extra="forbid")

    notice: str = Field(min_length=1)
    quote: str = Field(min_length=1)

class Notice(BaseModel):
    """One official notice, the only source of facts."""

    id: str
    title: str
    issuer: str
    # English replies cite the notice in English (the notice itself stays Japanese).
    title_en: str
    issuer_en: str
    date: dt.date
    body: str

def _strip_nonempty(values: list[str]) -> list[str]:
    cleaned = [v.strip() for v in values]
    if any(not v for v in cleaned):
        raise ValueError("phrasings must not be empty")
    return cleaned

class Entry(BaseModel):
    """One curated FAQ entry as HR edits it (YAML file, Slack modal or CLI import)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=ENTRY_ID_PATTERN, max_length=64)
    kind: EntryKind = EntryKind.ANSWER
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    phrasings: list[str] = Field(min_length=MIN_PHRASINGS)
    answer: str = Field(min_length=1, max_length=MAX_ANSWER_CHARS)
    question_en: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    phrasings_en: list[str] = Field(min_length=MIN_PHRASINGS_EN)
    answer_en: str = Field(min_length=1, max_length=MAX_ANSWER_EN_CHARS)
    sources: list[Source] = Field(default_factory=list)
    updated: dt.date
    retired: bool = False
    # Up to MAX_RELATED other answer entries, offered as buttons under this entry's answer.
    related: list[str] = Field(default_factory=list, max_length=MAX_RELATED)

    @field_validator("question", "answer", "question_en", "answer_en")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("phrasings", "phrasings_en")
    @classmethod
    def _phrasings(cls, values: list[str]) -> list[str]:
        return _strip_nonempty(values)

    @model_validator(mode="after")
    def _answers_cite_sources(self) -> Entry:
        if self.kind is EntryKind.ANSWER and not self.sources:
            raise ValueError("an answer entry must cite at least one source")
        return self

    def all_phrasings(self) -> list[str]:
        """Japanese texts the matcher indexes for this entry (question first)."""
        return [self.question, *self.phrasings]

    def all_phrasings_en(self) -> list[str]:
        """English texts the matcher indexes for this entry (question first)."""
        return [self.question_en, *self.phrasings_en]

class Candidate(BaseModel):
    """One ranked entry for a question."""

    entry_id: str
    score: float

class Decision(BaseModel):
    """What the engine decided for a question, with everything a renderer needs."""

    question: str
    language: Literal["ja", "en"]
    outcome: Outcome
    entry_id: str | None = None
    score: float = 0.0
    candidates: list[Candidate] = Field(default_factory=list)
    contains_my_number: bool = False
    # Several questions in one message: one decision each, in the order asked.
    parts: list[Decision] = Field(default_factory=list)
    # Understood as a follow-up of the previous question of the conversation.
    follow_up: bool = False

