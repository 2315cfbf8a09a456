"""The evaluation report counts each kind of outcome where the issue's bars need it."""

from __future__ import annotations

from faq.evaluate import Labelled, evaluate
from faq.models import Decision, Outcome
from testsupport.builders import decision


def _decide(table: dict[str, Decision]):
    return lambda q: table[q]


def _d(outcome: Outcome, entry: str | None = None, *candidates: str) -> Decision:
    return decision("q", outcome, entry, *candidates)


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


def test_each_phrasing_is_held_out_exactly_once(content):
    from faq.holdout import _drop_fold

    entry = content.entry("leak")
    asked: list[str] = []
    for fold in range(5):
        kept, questions = _drop_fold(entry, fold, 5)
        held = [q.q for q in questions]
        assert not set(held) & set(kept.phrasings) | set(held) & set(kept.phrasings_en)
        asked += held
    assert sorted(asked) == sorted(entry.phrasings + entry.phrasings_en)


def test_holdout_asks_every_answer_phrasing_in_both_experiments(content):
    from faq.holdout import holdout
    from faq.models import EntryKind

    phrasings = sum(len(e.phrasings) + len(e.phrasings_en) for e in content.active_entries()
                    if e.kind is EntryKind.ANSWER)
    data = holdout(content, folds=3).as_dict()
    assert data["held_out"]["counts"]["in_scope"] == phrasings
    removed = data["removed_entry"]
    assert removed["questions"] == phrasings
    assert abs(removed["answered"] + removed["clarified"] + removed["escalated"] + removed["smalltalk"] - 1) < 0.001
