"""The decision: answer, clarify, escalate or smalltalk.

This is the one place that turns match scores into what the person is told. Thresholds come
from content/matching.yaml; the reasoning behind them is in the README ("Matching").
"""

from __future__ import annotations

import re

from faq.asks import compile_asks, unmet
from faq.content import FaqContent
from faq.focus import Focus
from faq.matcher import Matcher, Scored
from faq.models import Candidate, Decision, Entry, EntryKind, Outcome
from faq.normalize import Analysis, Normalizer, clean, kanji_share
from faq.privacy import mask_my_numbers

# Matching looks at the start of a message; a 50,000-character paste decides no better.
MAX_MATCH_CHARS = 2000


class Answerer:
    """Decides what to reply to a question, from the current FAQ content."""

    def __init__(self, content: FaqContent):
        self.content = content
        self.config = content.matching
        self.normalizer = Normalizer(content.synonyms, self.config.light_words)
        self.matcher = Matcher(content.entries, self.normalizer, self.config.weights, self.config.context_weight)
        self._greeting = _leading_smalltalk(content.entries)
        self._asks = compile_asks({k: (r.question, r.answer) for k, r in self.config.asks_for.items()})
        self._entries = {e.id: e for e in content.entries}
        self._focus = Focus(tuple(self.config.focus.formulas), tuple(self.config.focus.set_aside))

    def decide(self, question: str) -> Decision:
        """Match ``question`` and decide; a マイナンバー in it is masked before anything else."""
        masked = mask_my_numbers(question)
        analysis = self._analyze(masked[:MAX_MATCH_CHARS])
        base = {
            "question": masked,
            "language": analysis.language,
            "contains_my_number": masked != question,
        }
        if not analysis.compact:
            return Decision(outcome=Outcome.SMALLTALK, **base)
        ranked = self.matcher.rank(analysis)
        candidates = [
            Candidate(entry_id=s.entry_id, score=round(s.score, 4))
            for s in ranked
            if s.kind is EntryKind.ANSWER
        ][: self.config.max_candidates]
        # The best supported entry first: a close runner-up that the question is clearly
        # about beats a leader that merely shares one long word with it.
        ranked = sorted(ranked, key=lambda s: not self._on_topic(s))
        ranked = self._escalation_must_lead(ranked)
        top = ranked[0] if ranked else None
        if top is None:
            return Decision(outcome=Outcome.ESCALATE, **base)
        score = round(top.score, 4)
        if top.kind is EntryKind.SMALLTALK:
            if self._is_smalltalk(top) or self._on_topic(top) or self._only_smalltalk(top, ranked):
                return Decision(outcome=Outcome.SMALLTALK, entry_id=top.entry_id, score=score, **base)
            # Not a greeting after all: decide among the other entries.
            ranked = [s for s in ranked if s.kind is not EntryKind.SMALLTALK]
            if not ranked:
                return Decision(outcome=Outcome.ESCALATE, **base)
            top, score = ranked[0], round(ranked[0].score, 4)
        if top.kind is not EntryKind.ESCALATE and not self._on_topic(top):
            by_sound = (self._by_reading(analysis) if analysis.language == "ja"
                        and kanji_share(masked) <= self.config.kana_max_kanji_share else None)
            if by_sound is not None:
                return Decision(outcome=Outcome.ESCALATE if by_sound.kind is EntryKind.ESCALATE else Outcome.ANSWER,
                                entry_id=by_sound.entry_id, score=round(by_sound.score, 4), candidates=candidates,
                                **base)
            if top.kind is EntryKind.ANSWER and self._likely(top, ranked):
                return self._answer(top, analysis, candidates, base)
            if top.kind is EntryKind.ANSWER and self._in_band(top):
                return Decision(outcome=Outcome.CLARIFY, score=score, candidates=candidates, **base)
            return Decision(outcome=Outcome.ESCALATE, score=score, candidates=candidates, **base)
        if top.kind is EntryKind.ESCALATE:
            return Decision(outcome=Outcome.ESCALATE, entry_id=top.entry_id, score=score,
                            candidates=candidates, **base)
        if top.score >= self.config.answer_min_score and self._leads(ranked):
            return self._answer(top, analysis, candidates, base)
        close = [c for c in candidates if c.score >= self.config.clarify_min_score]
        return Decision(outcome=Outcome.CLARIFY, score=score, candidates=close or candidates[:1], **base)

    def _answer(self, top: Scored, analysis: Analysis, candidates: list[Candidate], base: dict) -> Decision:
        """Answer with ``top`` unless the question asks for something its answer lacks."""
        entry = self._entries[top.entry_id]
        text = entry.answer_en if analysis.language == "en" else entry.answer
        outcome = Outcome.ESCALATE if unmet(self._asks, analysis.clean, text) else Outcome.ANSWER
        entry_id = top.entry_id if outcome is Outcome.ANSWER else None
        return Decision(outcome=outcome, entry_id=entry_id, score=round(top.score, 4),
                        candidates=candidates, **base)

    def _analyze(self, text: str) -> Analysis:
        """The asking part of the message, with the rest of it as weaker context."""
        whole = self._focus.without_formulas(self._without_greeting(text))
        asking = self._focus.asking_part(whole)
        analysis = self.normalizer.analyze(asking)
        if asking == whole:
            return analysis
        return analysis.with_context(self.normalizer.analyze(whole, analysis.language))

    def _without_greeting(self, text: str) -> str:
        """「こんにちは、マイナンバーは…」 asks about マイナンバー: drop a leading greeting clause."""
        if self._greeting is None:
            return text
        rest = self._greeting.sub("", clean(text), count=1)
        return rest if rest.strip() else text

    def _by_reading(self, analysis: Analysis) -> Scored | None:
        """For a question typed in kana: the entry whose phrasings sound like it, if clearly one."""
        ranked = [s for s in self.matcher.rank_by_reading(analysis) if s.kind is not EntryKind.SMALLTALK]
        if not ranked or ranked[0].coverage < self.config.reading_min_coverage:
            return None
        if len(ranked) > 1 and ranked[0].coverage - ranked[1].coverage < self.config.reading_min_lead:
            return None
        return ranked[0]

    def _escalation_must_lead(self, ranked: list[Scored]) -> list[Scored]:
        """A 'not in the notices' entry wins only when clearly ahead of the best answer entry.

        「マイナンバーについて教えて」 matches the my-number answer and the マイナンバーカード
        escalation equally; a tie goes to the answer (or to clarify), not to "we cannot answer".
        """
        if not ranked or ranked[0].kind is not EntryKind.ESCALATE:
            return ranked
        top = ranked[0]
        rival = next((s for s in ranked if s.kind is EntryKind.ANSWER), None)
        if rival and top.score - rival.score < self.config.answer_min_margin and rival.coverage >= top.coverage:
            return [rival] + [s for s in ranked if s is not rival]
        return ranked

    def _on_topic(self, top: Scored) -> bool:
        """Enough of the question is about the entry: see ``accept`` in matching.yaml."""
        return top.score >= self.config.clarify_min_score and any(
            top.coverage >= rule.coverage and top.evidence >= rule.evidence for rule in self.config.accept
        )

    def _likely(self, top: Scored, ranked: list[Scored]) -> bool:
        """Not fully on topic, but the question's distinctive words point to this entry alone:
        it covers enough, and no other entry (answer or "not in the notices") comes close."""
        rule = self.config.likely
        if top.coverage < rule.coverage or top.evidence < rule.evidence or top.words < rule.words:
            return False
        rival = next((s for s in ranked if s is not top and s.kind is not EntryKind.SMALLTALK), None)
        return rival is None or top.score - rival.score >= rule.margin

    def _in_band(self, top: Scored) -> bool:
        """Real evidence for an answer entry, too little to answer: offer the candidates."""
        band = self.config.clarify_band
        return top.coverage >= band.coverage and top.evidence >= band.evidence

    def _only_smalltalk(self, top: Scored, ranked: list[Scored]) -> bool:
        """A long thank-you (「ご丁寧にご回答いただき、誠にありがとうございました」): some of it is
        smalltalk, and nothing in it is evidence for any other entry."""
        if top.coverage < self.config.smalltalk_min_coverage:
            return False
        return not any(self._in_band(s) or self._on_topic(s) for s in ranked if s.kind is not EntryKind.SMALLTALK)

    def _is_smalltalk(self, top: Scored) -> bool:
        """A greeting or thanks, not a question that merely starts with one."""
        return top.score >= self.config.smalltalk_min_score and (
            self._on_topic(top) or top.fuzzy >= self.config.smalltalk_min_fuzzy
        )

    def _leads(self, ranked: list[Scored]) -> bool:
        """The best entry is clearly ahead of the next answer entry (the ones clarify offers):
        by score, or by covering clearly more of the question."""
        rival = next((s for s in ranked[1:] if s.kind is EntryKind.ANSWER), None)
        if rival is None:
            return True
        top = ranked[0]
        return (top.score - rival.score >= self.config.answer_min_margin
                or top.coverage - rival.coverage >= self.config.answer_min_coverage_lead)


def _leading_smalltalk(entries: list[Entry]) -> re.Pattern[str] | None:
    """A greeting or thanks phrasing of a smalltalk entry, then punctuation, at the start."""
    phrases = {clean(p) for e in entries if e.kind is EntryKind.SMALLTALK
               for p in [*e.all_phrasings(), *e.all_phrasings_en()]}
    phrases = sorted((p for p in phrases if p), key=len, reverse=True)
    if not phrases:
        return None
    return re.compile(r"^(?:" + "|".join(map(re.escape, phrases)) + r")[、。,.!！?？]+\s*")
