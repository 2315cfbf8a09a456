"""Accuracy of the engine on labelled questions: the regression test of every FAQ edit."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from faq.answerer import follows_from
from faq.models import Decision, Earlier, Outcome

ESCALATE, SMALLTALK = "escalate", "smalltalk"


@dataclass(frozen=True)
class Labelled:
    q: str
    expect: str
    style: str = ""


@dataclass
class Report:
    total: int = 0
    in_scope: int = 0
    top1: int = 0
    top3: int = 0
    helpful: int = 0
    in_scope_escalated: int = 0
    wrong_answers: int = 0
    escalate_total: int = 0
    false_answers: int = 0
    false_clarifies: int = 0
    escalated: int = 0
    smalltalk_total: int = 0
    smalltalk_ok: int = 0
    correct: int = 0
    by_style: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[dict[str, object]] = field(default_factory=list)

    @staticmethod
    def _ratio(a: int, b: int) -> float:
        return round(a / b, 4) if b else 0.0

    def metrics(self) -> dict[str, float]:
        """The figures the benchmark and the README report, as fractions.

        ``helpful``: the right answer, or a clarify that offers it. ``wrong_answer``: an in-scope
        question answered with another entry. ``false_answer`` / ``false_clarify``: a question
        the notices do not answer that got an answer / a clarify instead of the HR hand-over.
        """
        return {
            "top1": self._ratio(self.top1, self.in_scope),
            "top3": self._ratio(self.top3, self.in_scope),
            "helpful": self._ratio(self.helpful, self.in_scope),
            "escalated_in_scope": self._ratio(self.in_scope_escalated, self.in_scope),
            "wrong_answer": self._ratio(self.wrong_answers, self.in_scope),
            "false_answer": self._ratio(self.false_answers, self.escalate_total),
            "false_clarify": self._ratio(self.false_clarifies, self.escalate_total),
            "smalltalk": self._ratio(self.smalltalk_ok, self.smalltalk_total),
            "overall": self._ratio(self.correct, self.total),
        }

    def as_dict(self) -> dict[str, object]:
        return {
            **self.metrics(),
            "escalate_accuracy": self._ratio(self.escalated, self.escalate_total),
            "counts": {"total": self.total, "in_scope": self.in_scope,
                       "escalate": self.escalate_total, "smalltalk": self.smalltalk_total},
            "by_style": {s: self._ratio(ok, n) for s, (ok, n) in sorted(self.by_style.items())},
            "misses": self.misses,
        }


def read_labelled(path: Path) -> list[Labelled]:
    """JSON lines with ``q`` and ``expect`` (entry id, ``escalate`` or ``smalltalk``)."""
    rows: list[Labelled] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            rows.append(Labelled(str(raw["q"]), str(raw["expect"]), str(raw.get("style", ""))))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: expected a JSON object with 'q' and 'expect' ({exc})") from exc
    return rows


def is_correct(expect: str, decision: Decision) -> bool:
    if expect == ESCALATE:
        return decision.outcome is Outcome.ESCALATE
    if expect == SMALLTALK:
        return decision.outcome is Outcome.SMALLTALK
    return decision.outcome is Outcome.ANSWER and decision.entry_id == expect


def evaluate(rows: Iterable[Labelled], decide: Callable[[str], Decision]) -> Report:
    """Run every question through ``decide`` and count what went right."""
    report = Report()
    for row in rows:
        decision = decide(row.q)
        ok = is_correct(row.expect, decision)
        report.total += 1
        report.correct += ok
        if row.style:
            report.by_style[row.style][0] += ok
            report.by_style[row.style][1] += 1
        if row.expect == ESCALATE:
            report.escalate_total += 1
            report.escalated += ok
            report.false_answers += decision.outcome is Outcome.ANSWER
            report.false_clarifies += decision.outcome is Outcome.CLARIFY
        elif row.expect == SMALLTALK:
            report.smalltalk_total += 1
            report.smalltalk_ok += ok
        else:
            report.in_scope += 1
            report.top1 += ok
            ranked = ([decision.entry_id] if decision.entry_id else []) + [c.entry_id for c in decision.candidates]
            report.top3 += row.expect in list(dict.fromkeys(ranked))[:3]
            offered = decision.outcome is Outcome.CLARIFY and row.expect in [c.entry_id for c in decision.candidates]
            report.helpful += ok or offered
            report.in_scope_escalated += decision.outcome is Outcome.ESCALATE
            report.wrong_answers += decision.outcome is Outcome.ANSWER and not ok
        if not ok:
            report.misses.append({"q": row.q, "expect": row.expect, "outcome": decision.outcome.value,
                                  "entry_id": decision.entry_id,
                                  "candidates": [c.entry_id for c in decision.candidates]})
    return report


@dataclass(frozen=True)
class Thread:
    """Turns of one conversation, each labelled in the context of the turns before it."""

    turns: list[Labelled]
    style: str = "thread"


@dataclass(frozen=True)
class Multi:
    """One message and the entries of its questions in order (one element: it is one question)."""

    q: str
    expects: list[str]
    style: str = "multi"


@dataclass
class ConversationReport:
    """Follow-up turns, first turns, and several-questions messages, counted apart."""

    first_turns: int = 0
    first_ok: int = 0
    follow_ups: int = 0
    follow_ups_ok: int = 0
    multi: int = 0
    multi_ok: int = 0
    single: int = 0
    single_ok: int = 0
    misses: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        ratio = Report._ratio
        return {
            "first_turns": ratio(self.first_ok, self.first_turns),
            "follow_up_turns": ratio(self.follow_ups_ok, self.follow_ups),
            "multi_exact": ratio(self.multi_ok, self.multi),
            "one_question_kept_whole": ratio(self.single_ok, self.single),
            "counts": {"threads_turns": self.first_turns + self.follow_ups, "follow_ups": self.follow_ups,
                       "multi": self.multi, "single": self.single},
            "misses": self.misses,
        }


def read_conversations(path: Path) -> list[Thread | Multi | Labelled]:
    """JSON lines of threads (``turns``), several-question messages (``expect`` a list) or plain rows."""
    rows: list[Thread | Multi | Labelled] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            style = str(raw.get("style", ""))
            if "turns" in raw:
                rows.append(Thread([Labelled(str(t["q"]), str(t["expect"])) for t in raw["turns"]], style))
            elif isinstance(raw["expect"], list):
                rows.append(Multi(str(raw["q"]), [str(e) for e in raw["expect"]], style))
            else:
                rows.append(Labelled(str(raw["q"]), str(raw["expect"]), style))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}:{number}: expected 'turns', or 'q' with 'expect' ({exc})") from exc
    return rows


def is_conversation_file(rows: list[Thread | Multi | Labelled]) -> bool:
    return any(isinstance(r, (Thread, Multi)) for r in rows)


def _part_label(decision: Decision) -> str:
    if decision.outcome is Outcome.ANSWER and decision.entry_id:
        return decision.entry_id
    return decision.outcome.value


def evaluate_conversations(rows: Iterable[Thread | Multi | Labelled],
                           decide: Callable[[str, Earlier | None], Decision]) -> ConversationReport:
    """Threads turn by turn (each turn decided with the previous question as ``follows``) and
    several-question messages by exact match of their parts, in order."""
    report = ConversationReport()
    for row in rows:
        if isinstance(row, Thread):
            previous: Earlier | None = None
            for i, turn in enumerate(row.turns):
                decision = decide(turn.q, previous)
                follows = previous.text if previous else None
                ok = is_correct(turn.expect, decision)
                if i == 0:
                    report.first_turns += 1
                    report.first_ok += ok
                else:
                    report.follow_ups += 1
                    report.follow_ups_ok += ok
                if not ok:
                    report.misses.append({"q": turn.q, "turn": i + 1, "follows": follows, "expect": turn.expect,
                                          "got": _part_label(decision)})
                # What the bot answered, not the label: a wrong turn misleads the next one, as live.
                topic = decision.entry_id if decision.outcome is Outcome.ANSWER else None
                previous = follows_from([t.q for t in row.turns[: i + 1]], topic)
        elif isinstance(row, Multi):
            decision = decide(row.q, None)
            got = [_part_label(p) for p in decision.parts] or [_part_label(decision)]
            ok = got == row.expects
            if len(row.expects) > 1:
                report.multi += 1
                report.multi_ok += ok
            else:
                report.single += 1
                report.single_ok += ok
            if not ok:
                report.misses.append({"q": row.q, "expect": row.expects, "got": got})
    return report
