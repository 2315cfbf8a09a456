"""How the FAQ does on wording it has not seen: the measure no tuned question set shows.

Two experiments on the FAQ itself, with no labelled file:
- *held-out phrasings*: each answer entry's phrasings are split into k folds; each fold is
  removed from the FAQ and asked against the rest. Top-1 and helpful (the right answer, or a
  clarify that offers it) say how far the engine generalises from the wording it has.
- *removed entry*: each answer entry is removed whole and its phrasings are asked. There is
  no right answer left, so they must escalate or clarify; an answer is a false answer, the
  thing that hurts most when staff ask something the FAQ does not cover.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from faq.answerer import Answerer
from faq.content import FaqContent
from faq.evaluate import Labelled, Report, evaluate
from faq.models import Entry, EntryKind

DEFAULT_FOLDS = 5


@dataclass(frozen=True)
class HoldoutReport:
    """The two experiments' reports (see the module docstring)."""

    folds: int
    held_out: Report
    removed: Report

    def as_dict(self) -> dict[str, object]:
        removed = self.removed
        total = max(removed.total, 1)
        return {
            "folds": self.folds,
            "held_out": {k: v for k, v in self.held_out.as_dict().items() if k != "misses"},
            "removed_entry": {
                "questions": removed.total,
                "answered": round(removed.false_answers / total, 4),
                "clarified": round(removed.false_clarifies / total, 4),
                "escalated": round(removed.escalated / total, 4),
                "smalltalk": round((removed.total - removed.false_answers - removed.false_clarifies
                                    - removed.escalated) / total, 4),
            },
        }


def _drop_fold(entry: Entry, fold: int, folds: int) -> tuple[Entry, list[Labelled]]:
    """``entry`` without the phrasings of ``fold``, and those phrasings as labelled questions."""
    keep_ja = [p for i, p in enumerate(entry.phrasings) if i % folds != fold]
    keep_en = [p for i, p in enumerate(entry.phrasings_en) if i % folds != fold]
    asked = ([Labelled(p, entry.id, "ja") for i, p in enumerate(entry.phrasings) if i % folds == fold]
             + [Labelled(p, entry.id, "en") for i, p in enumerate(entry.phrasings_en) if i % folds == fold])
    return entry.model_copy(update={"phrasings": keep_ja, "phrasings_en": keep_en}), asked


def _answers(content: FaqContent) -> list[Entry]:
    return [e for e in content.active_entries() if e.kind is EntryKind.ANSWER]


def held_out_phrasings(content: FaqContent, folds: int = DEFAULT_FOLDS) -> Report:
    """Each fold of every answer entry's phrasings, asked against the FAQ without that fold."""
    report = Report()
    for fold in range(folds):
        entries: list[Entry] = []
        asked: list[Labelled] = []
        for entry in content.active_entries():
            if entry.kind is EntryKind.ANSWER:
                entry, questions = _drop_fold(entry, fold, folds)
                asked += questions
            entries.append(entry)
        _merge(report, evaluate(asked, Answerer(replace(content, entries=entries)).decide))
    return report


def removed_entries(content: FaqContent) -> Report:
    """Every answer entry's phrasings, asked against the FAQ without that entry."""
    report = Report()
    for entry in _answers(content):
        rest = [e for e in content.entries if e.id != entry.id]
        asked = [Labelled(p, "escalate", "ja") for p in entry.phrasings] + [
            Labelled(p, "escalate", "en") for p in entry.phrasings_en]
        _merge(report, evaluate(asked, Answerer(replace(content, entries=rest)).decide))
    return report


def holdout(content: FaqContent, folds: int = DEFAULT_FOLDS) -> HoldoutReport:
    return HoldoutReport(folds, held_out_phrasings(content, folds), removed_entries(content))


def _merge(into: Report, part: Report) -> None:
    """Add ``part``'s counts to ``into`` (the folds and removals are one experiment each)."""
    for name in ("total", "in_scope", "top1", "top3", "helpful", "in_scope_escalated", "wrong_answers",
                 "escalate_total", "false_answers", "false_clarifies", "escalated", "smalltalk_total",
                 "smalltalk_ok", "correct"):
        setattr(into, name, getattr(into, name) + getattr(part, name))
    for style, (ok, n) in part.by_style.items():
        into.by_style[style][0] += ok
        into.by_style[style][1] += n
    into.misses += part.misses



