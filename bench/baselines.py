"""The obvious ways of building the bot, to measure the engine against.

- naive: ``rapidfuzz.process.extractOne(question, all phrasings, scorer=fuzz.WRatio)`` on
  the raw text;
- bm25: BM25 (bm25s) over character bigrams of NFKC-normalised text, one document per entry.
Each answers with the best entry when its score reaches a threshold tuned for it on the same
questions (its best case), and escalates otherwise.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

from faq.evaluate import Labelled, evaluate, Report
from faq.models import Candidate, Decision, Entry, EntryKind, Outcome

Ranking = list[tuple[str, float]]

_KIND_OUTCOME = {EntryKind.ANSWER: Outcome.ANSWER, EntryKind.ESCALATE: Outcome.ESCALATE,
                 EntryKind.SMALLTALK: Outcome.SMALLTALK}


class NaiveBaseline:
    name = "naive"

    def __init__(self, entries: Sequence[Entry]):
        self.kinds = {e.id: e.kind for e in entries}
        self.owners: list[str] = []
        self.choices: list[str] = []
        for entry in entries:
            for text in [*entry.all_phrasings(), *entry.all_phrasings_en()]:
                self.choices.append(text)
                self.owners.append(entry.id)

    def best(self, question: str) -> tuple[str, float] | None:
        """The timed path: exactly extractOne over every phrasing."""
        found = process.extractOne(question, self.choices, scorer=fuzz.WRatio)
        return (self.owners[found[2]], float(found[1])) if found else None

    def rank(self, question: str) -> Ranking:
        ranking: dict[str, float] = {}
        for _, score, index in process.extract(question, self.choices, scorer=fuzz.WRatio, limit=40):
            ranking.setdefault(self.owners[index], float(score))
        return sorted(ranking.items(), key=lambda kv: -kv[1])


def _bigrams(text: str) -> list[str]:
    text = "".join(unicodedata.normalize("NFKC", text).lower().split())
    return [text[i : i + 2] for i in range(len(text) - 1)] or [text or "_"]


class Bm25Baseline:
    name = "bm25"

    def __init__(self, entries: Sequence[Entry]):
        self.kinds = {e.id: e.kind for e in entries}
        self.ids = [e.id for e in entries]
        corpus = [[g for text in [*e.all_phrasings(), *e.all_phrasings_en()] for g in _bigrams(text)]
                  for e in entries]
        self.index = bm25s.BM25()
        self.index.index(corpus, show_progress=False)

    def scores(self, question: str) -> np.ndarray:
        return self.index.get_scores(_bigrams(question))

    def best(self, question: str) -> tuple[str, float] | None:
        scores = self.scores(question)
        i = int(np.argmax(scores))
        return self.ids[i], float(scores[i])

    def rank(self, question: str) -> Ranking:
        scores = self.scores(question)
        order = np.argsort(-scores)[:3]
        return [(self.ids[int(i)], float(scores[int(i)])) for i in order]


def decider(baseline: NaiveBaseline | Bm25Baseline, threshold: float,
            rankings: dict[str, Ranking]) -> Callable[[str], Decision]:
    """Answer with the best entry at or above ``threshold``; escalate below it."""

    def decide(question: str) -> Decision:
        ranking = rankings[question]
        candidates = [Candidate(entry_id=i, score=s) for i, s in ranking
                      if baseline.kinds[i] is EntryKind.ANSWER][:3]
        if not ranking or ranking[0][1] < threshold:
            return Decision(question=question, language="ja", outcome=Outcome.ESCALATE, candidates=candidates)
        entry_id, score = ranking[0]
        return Decision(question=question, language="ja", outcome=_KIND_OUTCOME[baseline.kinds[entry_id]],
                        entry_id=entry_id, score=score, candidates=candidates)

    return decide


def tuned_report(baseline: NaiveBaseline | Bm25Baseline, rows: list[Labelled]) -> tuple[Report, float]:
    """The baseline at the threshold that maximises its overall accuracy on ``rows``."""
    rankings = {row.q: baseline.rank(row.q) for row in rows}
    scores = sorted({s for r in rankings.values() for _, s in r[:1]})
    grid = [0.0, *scores, max(scores, default=0.0) + 1.0]
    best: tuple[Report, float] | None = None
    for threshold in grid:
        report = evaluate(rows, decider(baseline, threshold, rankings))
        if best is None or report.metrics()["overall"] > best[0].metrics()["overall"]:
            best = (report, threshold)
    assert best is not None
    return best
