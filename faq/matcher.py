"""Rank FAQ entries for a question.

Three signals, each measured on the dev set to help (see README "Matching"):
- BM25 (bm25s) over content words and character bigrams, one document per entry holding
  all its phrasings: ranks entries and tolerates typos and compound splits;
- coverage: the IDF-weighted share of the question's content words that the entry's
  phrasings contain. A question that shares a word with a topic but asks something else
  (「マイナンバーの通知カードをなくした」) covers little of any entry;
- rapidfuzz similarity to the closest single phrasing, for short and near-verbatim questions.
The bot never answers from BM25 alone: the decision in ``answerer`` needs coverage too.

Two helpers for what words alone miss: unknown long words spelled close to a FAQ word are
corrected to it, and a reading index compares questions typed in kana with the phrasings'
readings (used by ``answerer`` only as a fallback).
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, replace

import bm25s
import jaconv
import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from faq.content import MatchingConfig
from faq.models import Entry, EntryKind
from faq.normalize import Analysis, Language, Normalizer, is_kanji

# bm25s sets its own logger to DEBUG on import; index builds are not worth a log line.
logging.getLogger("bm25s").setLevel(logging.WARNING)

@dataclass(frozen=True)
class Scored:
    """One entry's score for a question, with the signals behind it."""

    entry_id: str
    kind: EntryKind
    score: float
    coverage: float
    evidence: float
    lexical: float
    fuzzy: float
    # How many different words of the question's asking part the entry holds.
    words: int = 0


def _bigrams(text: str) -> list[str]:
    if len(text) < 2:
        return [text] if text else []
    return [text[i : i + 2] for i in range(len(text) - 1)]


# Keys next to each other on a row of a QWERTY keyboard, as romaji input types them.
_NEIGHBOURS = {frozenset(row[i : i + 2]) for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm") for i in range(len(row) - 1)}


def _key_slip(typed: str, meant: str) -> bool:
    """``typed`` is ``meant`` with one letter replaced by a key next to it."""
    if len(typed) != len(meant):
        return False
    diff = [(a, b) for a, b in zip(typed, meant) if a != b]
    return len(diff) == 1 and frozenset(diff[0]) in _NEIGHBOURS


def _stem(word: str) -> str:
    """A verb's kanji stem (任す → 任); other words as they are."""
    stem = re.sub(r"[\u3041-\u3096]+$", "", word)
    return stem if stem and stem != word and all(map(is_kanji, stem)) else word


def index_terms(analysis: Analysis) -> list[str]:
    """Terms of one text for BM25: content words plus character bigrams."""
    words = [f"w:{t}" for t in analysis.tokens]
    grams = _bigrams("".join(analysis.tokens)) if analysis.language == "ja" else []
    return words + [f"c:{g}" for g in grams]


class _LanguageIndex:
    """The index of one language's phrasings."""

    def __init__(self, entries: list[Entry], analyses: list[list[Analysis]], config: MatchingConfig,
                 normalizer: Normalizer | None = None, answers: list[Analysis] | None = None):
        self.entries = entries
        self._normalizer = normalizer
        self._spelling_min_length = config.spelling_min_length
        self._spelling_min_similarity = config.spelling_min_similarity
        self.phrasings = [[a.compact for a in group] for group in analyses]
        self.vocab = [set(t for a in group for t in a.tokens) for group in analyses]
        self.known = sorted(set().union(*self.vocab)) if self.vocab else []
        self._long_known = [t for t in self.known if len(t) >= self._spelling_min_length]
        self._homophones = normalizer.homophones(self.known) if normalizer is not None else {}
        self._slip_min_reading = config.sound_slip_min_reading
        # How each long reading is typed (げんいん → genin), where that names one reading only.
        typed: dict[str, set[str]] = {}
        for reading in (r for r in self._homophones if len(r) >= self._slip_min_reading):
            typed.setdefault(jaconv.kana2alphabet(reading), set()).add(reading)
        self._typed = {keys: readings.pop() for keys, readings in typed.items() if len(readings) == 1}
        self._typed_keys = list(self._typed)
        df = Counter(t for v in self.vocab for t in v)
        n = max(len(entries), 1)
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self.unknown_idf = math.log(1 + n)
        # What each entry's answer says, in words: a follow-up asking what it already holds stays.
        self.answer_vocab = {e.id: set(a.tokens) | v for e, a, v in zip(entries, answers or [], self.vocab)}
        self.bm25 = bm25s.BM25()
        corpus = [[t for a in group for t in index_terms(a)] or ["_"] for group in analyses]
        self.bm25.index(corpus, show_progress=False)

    def correct(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """Unknown words that sound like a word of the FAQ become that word (IME slips:
        再会 → 再開, 監理 → 管理); unknown long words spelled close to one, too
        (フォレンジク → フォレンジック); short words are left alone, too many are a letter apart."""
        tokens = self._join_homophones(tokens)
        fixed = []
        for token in tokens:
            if token not in self.idf and self._homophones and self._normalizer is not None:
                reading = self._normalizer.word_reading(token)
                token = self._homophones.get(reading) or self._one_key_off(token, reading)
            if token not in self.idf and len(token) >= self._spelling_min_length and self._long_known:
                match = process.extractOne(token, self._long_known, scorer=fuzz.ratio,
                                           score_cutoff=self._spelling_min_similarity)
                token = match[0] if match else token
            fixed.append(token)
        return tuple(fixed)

    def _one_key_off(self, token: str, reading: str) -> str:
        """The FAQ word typed with one key slipped to its neighbour, if exactly one is: 原音
        (genon) is what an IME makes of a slip when typing 原因 (genin). Words a letter shorter or
        longer (応じる oujiru, 講じる koujiru) are other words too often to count."""
        if len(reading) < self._slip_min_reading or not any(map(is_kanji, token)):
            return token
        typed = jaconv.kana2alphabet(reading)
        near = [keys for keys, _, _ in process.extract(typed, self._typed_keys, scorer=Levenshtein.distance,
                                                       score_cutoff=1, limit=8) if _key_slip(typed, keys)]
        return self._homophones[self._typed[near[0]]] if len(near) == 1 else token

    def _join_homophones(self, tokens: tuple[str, ...]) -> tuple[str, ...]:
        """Two neighbours, one of them unknown, that together sound like a word of the FAQ
        become that word: an IME slip often splits in two (対職 → 対 + 職 → 退職)."""
        if not self._homophones or self._normalizer is None:
            return tokens
        joined: list[str] = []
        i = 0
        while i < len(tokens):
            if i + 1 < len(tokens) and (tokens[i] not in self.idf or tokens[i + 1] not in self.idf):
                # the second word's dictionary form may be a verb the slip was read as (確任 →
                # 確 + 任す): its kanji stem is what was typed
                reading = self._normalizer.word_reading
                word = (self._homophones.get(reading(tokens[i] + tokens[i + 1]))
                        or self._homophones.get(reading(tokens[i]) + reading(_stem(tokens[i + 1]))))
                if word is not None:
                    joined.append(word)
                    i += 2
                    continue
            joined.append(tokens[i])
            i += 1
        return tuple(joined)

    def weight(self, token: str) -> float:
        return self.idf.get(token, self.unknown_idf)

    def coverage(self, tokens: tuple[str, ...], i: int, context: tuple[str, ...] = (),
                 context_weight: float = 0.0, context_cap: float = float("inf")) -> tuple[float, float]:
        """(share of the question's word weight (IDF) the entry holds, that weight itself).

        Words of the context around the asking part count ``context_weight`` as much.
        """
        if not tokens:
            return 0.0, 0.0
        vocab = self.vocab[i]
        asked = set(tokens)
        around = set(context) - asked
        asked_total = sum(self.weight(t) for t in tokens)
        around_total = sum(self.weight(t) for t in context if t not in asked)
        # However long the story around it, the context weighs at most ``context_cap`` times the
        # asking part: three sentences of background must not drown a clear question.
        if context_weight * around_total > context_cap * asked_total:
            context_weight = context_cap * asked_total / around_total
        total = asked_total + context_weight * around_total
        hit = (sum(self.weight(t) for t in asked if t in vocab)
               + context_weight * sum(self.weight(t) for t in around if t in vocab))
        return min(hit / total, 1.0), hit

    def fuzzy(self, text: str, i: int) -> float:
        if not text:
            return 0.0
        best = process.extractOne(text, self.phrasings[i], scorer=fuzz.ratio)
        return (best[1] / 100.0) if best else 0.0


class _ReadingIndex:
    """Each entry's phrasings as they sound (hiragana bigrams), for questions typed in kana."""

    def __init__(self, entries: list[Entry], readings: list[list[str]], prefilter: int):
        self.entries = entries
        self.prefilter = prefilter
        self.bags = [set(g for r in group for g in _bigrams(r)) for group in readings]
        df = Counter(g for bag in self.bags for g in bag)
        n = max(len(entries), 1)
        self.idf = {g: math.log(1 + n / c) for g, c in df.items()}
        self.unknown_idf = math.log(1 + n)
        self.bm25 = bm25s.BM25()
        self.bm25.index([sorted(bag) or ["_"] for bag in self.bags], show_progress=False)

    def rank(self, reading: str) -> list[Scored]:
        """Coverage of the question's sound, for the BM25 leaders only (as in the word channel)."""
        grams = set(_bigrams(reading))
        total = sum(self.idf.get(g, self.unknown_idf) for g in grams)
        if not total:
            return []
        raw = self.bm25.get_scores(sorted(grams))
        results = []
        for i in (int(i) for i in np.argsort(-raw)[:self.prefilter] if raw[i] > 0):
            entry, bag = self.entries[i], self.bags[i]
            coverage = sum(self.idf[g] for g in grams if g in bag) / total
            results.append(Scored(entry_id=entry.id, kind=entry.kind, score=coverage, coverage=coverage,
                                  evidence=coverage * total, lexical=0.0, fuzzy=0.0))
        results.sort(key=lambda s: s.score, reverse=True)
        return results


class Matcher:
    """Scores a question against every entry it is given (the FAQ's active entries), in the
    question's language."""

    def __init__(self, entries: list[Entry], normalizer: Normalizer, config: MatchingConfig):
        self.normalizer = normalizer
        self.weights = config.weights
        self.context_weight = config.context_weight
        self.context_cap = config.context_cap
        self.prefilter = config.prefilter
        self.entries = entries
        japanese = [[normalizer.analyze(p, "ja") for p in e.all_phrasings()] for e in self.entries]
        self._reading = _ReadingIndex(self.entries, [[a.reading for a in group] for group in japanese],
                                      config.prefilter)
        self._index: dict[Language, _LanguageIndex] = {
            "ja": _LanguageIndex(self.entries, japanese, config, normalizer,
                                 [normalizer.analyze(e.answer, "ja") for e in self.entries]),
            "en": _LanguageIndex(
                self.entries,
                [[normalizer.analyze(p, "en") for p in e.all_phrasings_en()] for e in self.entries],
                config, answers=[normalizer.analyze(e.answer_en, "en") for e in self.entries],
            ),
        }

    def _by_wording(self, analysis: Analysis, index: _LanguageIndex) -> list[Scored]:
        """A question of function words only ("What are you?", "Hi there! What can you do?") has
        nothing to weigh: only a smalltalk entry can be it, the one whose wording is closest."""
        results = []
        for i, entry in enumerate(self.entries if analysis.compact else []):
            if entry.kind is EntryKind.SMALLTALK:
                fuzzy = index.fuzzy(analysis.compact, i)
                results.append(Scored(entry_id=entry.id, kind=entry.kind, score=fuzzy, coverage=fuzzy,
                                      evidence=0.0, lexical=0.0, fuzzy=fuzzy))
        return sorted(results, key=lambda s: s.score, reverse=True)

    def held_by_answer(self, analysis: Analysis, entry_id: str, also_held: Collection[str] = ()) -> float:
        """The IDF-weighted share of the question's words that the entry's answer (or its
        phrasings) holds, ``also_held`` counted as held: 「土日もやってる？」 after the MKS call
        centre's hours asks what it said."""
        index = self._index[analysis.language]
        vocab = index.answer_vocab.get(entry_id)
        if vocab is not None and also_held:
            vocab = vocab | set(also_held)
        tokens = index.correct(analysis.tokens)
        total = sum(index.weight(t) for t in tokens)
        if vocab is None or not total:
            return 0.0
        return sum(index.weight(t) for t in tokens if t in vocab) / total

    def unknown_words(self, analysis: Analysis) -> list[str]:
        """The question's words no entry knows, after IME-slip and spelling correction."""
        index = self._index[analysis.language]
        return [t for t in index.correct(analysis.tokens) if t not in index.idf]

    def rank_by_reading(self, analysis: Analysis) -> list[Scored]:
        """Entries by how much of the question's sound their phrasings share."""
        return self._reading.rank(analysis.reading)

    def rank(self, analysis: Analysis) -> list[Scored]:
        """Entries best first; empty when nothing in the question is comparable."""
        index = self._index[analysis.language]
        corrected = index.correct(analysis.tokens)
        if corrected != analysis.tokens:
            analysis = replace(analysis, tokens=corrected)
        context = index.correct(analysis.context)
        terms = index_terms(analysis) + [f"w:{t}" for t in context]
        if not self.entries:
            return []
        if not terms:
            return self._by_wording(analysis, index)
        raw = index.bm25.get_scores(terms)
        top = float(raw.max()) if len(raw) else 0.0
        if top <= 0:
            order = []
        else:
            order = [int(i) for i in np.argsort(-raw)[:self.prefilter] if raw[i] > 0]
        results: list[Scored] = []
        for i in order:
            lexical = float(raw[i]) / top
            weight = self.context_weight if analysis.context_weight is None else analysis.context_weight
            coverage, evidence = index.coverage(analysis.tokens, i, context, weight, self.context_cap)
            fuzzy = index.fuzzy(analysis.compact, i)
            w = self.weights
            score = w.coverage * coverage + w.lexical * lexical + w.fuzzy * fuzzy
            entry = self.entries[i]
            words = sum(1 for t in set(analysis.tokens) if t in index.vocab[i])
            results.append(Scored(entry_id=entry.id, kind=entry.kind, score=score, coverage=coverage,
                                  evidence=evidence, lexical=lexical, fuzzy=fuzzy, words=words))
        results.sort(key=lambda s: s.score, reverse=True)
        return results
