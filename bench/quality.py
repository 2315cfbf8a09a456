"""Answer quality of the engine and both baselines on one labelled file."""

from __future__ import annotations

from faq.answerer import Answerer
from faq.content import FaqContent
from faq.evaluate import Labelled, evaluate

from bench.baselines import Bm25Baseline, NaiveBaseline, tuned_report


def quality(content: FaqContent, rows: list[Labelled]) -> dict[str, dict[str, float]]:
    """{"engine": M, "naive": M, "bm25": M}, M = top1, top3, false_answer, smalltalk, overall."""
    engine = Answerer(content)
    results = {"engine": evaluate(rows, engine.decide).metrics()}
    for baseline in (NaiveBaseline(content.entries), Bm25Baseline(content.entries)):
        report, threshold = tuned_report(baseline, rows)
        results[baseline.name] = {**report.metrics(), "threshold": round(threshold, 3)}
    return results
