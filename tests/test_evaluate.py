"""The evaluation report counts each kind of outcome where the issue's bars need it."""

from __future__ import annotations

from faq.evaluate import Labelled, evaluate
from faq.models import Candidate, Decision, Outcome


def _decide(table: dict[str, Decision]):
    return lambda q: table[q]


def _d(outcome: Outcome, entry: str | None = None, *candidates: str) -> Decision:
    return Decision(question="q", language="ja", outcome=outcome, entry_id=entry,
                    candidates=[Candidate(entry_id=c, score=0.5) for c in candidates])


def test_helpful_counts_a_clarify_that_offers_the_right_entry():
    rows = [Labelled("a", "leak"), Labelled("b", "leak"), Labelled("c", "leak"), Labelled("d", "leak")]
    table = {
        "a": _d(Outcome.ANSWER, "leak"),
        "b": _d(Outcome.CLARIFY, None, "dark-web", "leak"),
        "c": _d(Outcome.ANSWER, "dark-web"),
        "d": _d(Outcome.ESCALATE),
    }
    m = evaluate(rows, _decide(table)).metrics()
    assert m["top1"] == 0.25
    assert m["helpful"] == 0.5
    assert m["wrong_answer"] == 0.25
    assert m["escalated_in_scope"] == 0.25


def test_unanswerable_questions_count_answers_and_clarifies_separately():
    rows = [Labelled("a", "escalate"), Labelled("b", "escalate"), Labelled("c", "escalate"),
            Labelled("d", "escalate")]
    table = {
        "a": _d(Outcome.ANSWER, "leak"),
        "b": _d(Outcome.CLARIFY, None, "leak"),
        "c": _d(Outcome.ESCALATE),
        "d": _d(Outcome.ESCALATE),
    }
    m = evaluate(rows, _decide(table)).metrics()
    assert m["false_answer"] == 0.25
    assert m["false_clarify"] == 0.25
    assert m["overall"] == 0.5
