"""HR's edits of the FAQ: validated exactly like the files, honest, versioned, guarded.

Every save is a revision (who, when, what changed). A save names the version it started
from, so two editors never overwrite each other. Before saving, the labelled questions the
store knows are replayed against the edited FAQ, so HR sees which answers would change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from faq.answerer import Answerer
from faq.content import (CONTENT_DIR, Problem, check_entry_against_notices, check_entry_privacy, check_related,
                         parse_entry)
from faq.errors import ContentError, NotFound
from faq.evaluate import Labelled, read_labelled
from faq.models import Entry
from faq.service import FaqService

EXAMPLES = CONTENT_DIR / "examples.jsonl"
MAX_REPLAYED = 2000


@dataclass(frozen=True)
class Change:
    """A labelled question whose answer the edit would change."""

    question: str
    expected: str
    before: str
    after: str


class Editor:
    """The one way entries change, from Slack and from the command line alike."""

    def __init__(self, service: FaqService):
        self.service = service

    def validate(self, raw: dict[str, Any], source: str = "edit") -> Entry:
        """An Entry from raw fields, or ContentError naming each field that is wrong."""
        problems: list[Problem] = []
        entry = parse_entry(raw, source, problems)
        if entry is not None:
            problems += check_entry_against_notices(entry, self.service.content.notices, source)
            problems += check_entry_privacy(entry, source)
            problems += check_related(entry, {e.id: e.kind for e in self.service.content.entries}, source)
        if problems or entry is None:
            raise ContentError(problems)
        return entry

    def save(self, entry: Entry, *, by: str, expected_version: int | None, action: str = "edit") -> int:
        """Store a validated entry as a new revision (VersionConflict if someone saved first)."""
        self.validate(entry.model_dump(mode="json"))
        return self.service.store.save_entry(entry, changed_by=by, expected_version=expected_version,
                                             action=action)

    def current(self, entry_id: str) -> tuple[Entry, int] | None:
        stored = self.service.store.stored_entry(entry_id)
        return (stored.entry, stored.version) if stored else None

    def set_retired(self, entry_id: str, retired: bool, *, by: str, expected_version: int) -> int:
        entry, _ = self.existing(entry_id)
        return self.save(entry.model_copy(update={"retired": retired}), by=by, expected_version=expected_version,
                         action="retire" if retired else "restore")

    def rollback(self, entry_id: str, version: int, *, by: str) -> int:
        """Make an old revision current again, as a new revision."""
        _, current = self.existing(entry_id)
        old = self.service.store.revision(entry_id, version)
        if old is None:
            raise NotFound(f"entry {entry_id} has no revision {version}; `faqbot faq history {entry_id}` "
                           "lists them")
        return self.save(old, by=by, expected_version=current, action=f"rollback to {version}")

    def add_phrasing(self, entry_id: str, text: str, *, by: str) -> int:
        """Teach an entry a question staff really asked (from the review queue)."""
        entry, version = self.existing(entry_id)
        phrasing = " ".join(text.split())[:200]
        if phrasing in entry.phrasings:
            return version
        return self.save(entry.model_copy(update={"phrasings": [*entry.phrasings, phrasing]}), by=by,
                         expected_version=version, action="add phrasing")

    def existing(self, entry_id: str) -> tuple[Entry, int]:
        """The entry and its version; NotFound naming the command that lists the ids."""
        found = self.current(entry_id)
        if found is None:
            raise NotFound(f"no entry {entry_id}; `faqbot faq list` shows the ids")
        return found

    # -- the regression guard ---------------------------------------------------------

    def labelled_questions(self) -> list[Labelled]:
        """Shipped examples, clarify choices, and questions HR linked to an entry."""
        rows = read_labelled(EXAMPLES) if EXAMPLES.exists() else []
        return rows + [Labelled(q, e, "store") for q, e in self.service.store.labelled_questions(MAX_REPLAYED)]

    def regression(self, edited: list[Entry]) -> list[Change]:
        """Labelled questions whose outcome would differ after ``edited`` are saved."""
        before = self.service.answerer()
        by_id = {e.id: e for e in before.content.entries}
        by_id.update({e.id: e for e in edited})
        after = Answerer(replace(before.content, entries=list(by_id.values())))
        changes: list[Change] = []
        for row in self.labelled_questions():
            a, b = before.decide(row.q), after.decide(row.q)
            if (a.outcome, a.entry_id) != (b.outcome, b.entry_id):
                changes.append(Change(row.q, row.expect, _label(a), _label(b)))
        return changes


def _label(decision) -> str:
    return decision.entry_id or decision.outcome.value


def entry_fingerprint(entry: Entry) -> str:
    """Identifies an edit's content, so a confirmation applies to exactly what was checked."""
    payload = json.dumps(entry.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
