"""The decision: answer, clarify, escalate or smalltalk.

This is the one place that turns match scores into what the person is told. Thresholds come
from content/matching.yaml; the reasoning behind them is in the README ("Matching").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from faq.asks import asked, compile_asks, unmet
from faq.content import FaqContent
from faq.focus import Focus, asks, names_it_by_demonstrative, points_back, signs_off, with_party
from faq.parts import Splitter, distributed, segmentations
from faq.phrases import alternation_source, compile_phrases
from faq.matcher import Matcher, Scored
from faq.models import Candidate, Decision, Earlier, Entry, EntryKind, Outcome
from faq.normalize import Analysis, Language, Normalizer, clean, kanji_share
from faq.privacy import mask_my_numbers

# A phone number as the notices write them (after NFKC: 083-267-7177, 0120-351-733), whichever
# dash an input method typed (083−252−0288 has minus signs, which NFKC keeps).
_DASH = "[-−‐‑–—ー]"
_PHONE = re.compile(rf"\d{{2,4}}{_DASH}\d{{2,4}}{_DASH}\d{{3,4}}")

# A follow-up is read with this many of the conversation's latest questions.
FOLLOW_UP_TURNS = 2


def follows_from(questions: Sequence[str], topic: str | None = None) -> Earlier | None:
    """What a follow-up is read with: the conversation's latest questions, oldest first, and
    the entry the latest one was answered with."""
    latest = tuple(q for q in questions[-FOLLOW_UP_TURNS:] if q.strip())
    return Earlier(latest, topic) if latest else None


class Answerer:
    """Decides what to reply to a question, from the current FAQ content."""

    def __init__(self, content: FaqContent):
        self.content = content
        self.config = content.matching
        self.normalizer = Normalizer(content.synonyms, self.config)
        active = content.active_entries()
        self.matcher = Matcher(active, self.normalizer, self.config)
        self._greeting, self._greeting_entry = _leading_smalltalk(active)
        self._asks = compile_asks({k: (r.question, r.answer) for k, r in self.config.asks_for.items()})
        self._slots = compile_asks({k: (r.question, r.answer) for k, r in self.config.follow_up_slots.items()})
        # The words each of them is asked with (誰, いつ, 番号 …), as the matcher sees them.
        self._slot_words = {k: {t for p in r.question for t in self.normalizer.analyze(p).tokens}
                            for k, r in self.config.follow_up_slots.items()}
        self._entries = {e.id: e for e in active}
        focus, parts = self.config.focus, self.config.parts
        self._focus = Focus(tuple(focus.formulas), tuple(focus.set_aside), focus.short_question_chars,
                            tuple(focus.affiliations))
        self._splitter = Splitter(tuple(parts.joiners), tuple(parts.targets), parts.max_parts,
                                  tuple(parts.joiners_kept))
        self._party_side = compile_phrases(self.config.follow_up_party_side) or re.compile(r"(?!)")
        # Each party's canonical name by the word it is analysed to (エムケイシステム → えむけいしすてむ).
        analysed = {p: self.normalizer.analyze(p, "ja").tokens for p in self.config.follow_up_parties}
        self._parties = {tokens[0]: p for p, tokens in analysed.items() if tokens}
        self._entry_party = self._parties_of_entries(active)

    def decide(self, question: str, follows: Earlier | None = None) -> Decision:
        """Match ``question`` and decide; a マイナンバー in it is masked before anything else.

        ``follows`` is what came before in the same conversation (a thread, or a DM a few
        minutes ago): a short follow-up (「それはいつ？」, "and the date?") is read with it. A
        message asking several things gets one decision per question in ``parts``.
        """
        masked = mask_my_numbers(question)
        # Matching looks at the start of a message; a 50,000-character paste decides no better.
        text = masked[: self.config.max_match_chars]
        flags = {"question": masked, "contains_my_number": masked != question}
        if (greeting := self._greeting_only(text)) is not None:
            return Decision(outcome=Outcome.SMALLTALK, entry_id=greeting, language=self.normalizer.language(text),
                            **flags)
        whole = self._without_frame(text)
        pieces = (distributed(self.normalizer.canonicalize(clean(whole)), self.config.follow_up_parties)
                  or self._splitter.parts(whole, asks))
        several = self._decide_parts(pieces, flags, follows) if len(pieces) > 1 else None
        if several is not None and several.parts:
            return several
        decided = self._decide_turn(whole, text, flags, follows)
        # 「漏れたの？漏れてないの？どっち？」: parts that all ask one thing answer it, when the
        # message, read whole and on its own, finds nothing in particular
        unplaced = follows is None and decided.outcome is not Outcome.ANSWER and decided.entry_id is None
        if (unplaced and several is None and decided.outcome is Outcome.ESCALATE
                and (cut := self._decide_by_cuts(whole, flags)) is not None):
            return cut
        return several if several is not None and unplaced else decided

    def _decide_by_cuts(self, whole: str, flags: dict) -> Decision | None:
        """「原因　再発防止策　大学の窓口」: a message not understood whole and with no joiner may
        still ask several things; it is cut at commas and spaces where every piece is answered
        on its own, each by a different entry (the surest such cut wins)."""
        # each piece is decided once, whichever ways to cut share it; a bare request
        # (「それぞれ教えてもらえますか」) names nothing: it frames the pieces, it is none of them
        seen: dict[str, Decision | None] = {}

        def alone(piece: str) -> Decision | None:
            if piece not in seen:
                seen[piece] = self._decide_turn(piece, piece, {"question": piece, "contains_my_number": False},
                                                None) if self.normalizer.analyze(piece).tokens else None
            return seen[piece]

        def sure(part: Decision) -> bool:
            return part.outcome is Outcome.ANSWER and part.score >= self.config.cut_min_score

        best: list[Decision] | None = None
        for pieces in segmentations(whole, self.config.cut_max_atoms, self._splitter.max_parts):
            parts: list[Decision] = []
            for piece in pieces:  # the first piece that is no sure answer ends this way to cut
                if (part := alone(piece)) is not None and not sure(part):
                    break
                parts += [part] if part is not None else []
            else:
                entries = [p.entry_id for p in parts]
                if len(parts) > 1 and len(set(entries)) == len(entries) and (
                        best is None or min(p.score for p in parts) > min(p.score for p in best)):
                    best = parts
        if best is None:
            return None
        return Decision(outcome=Outcome.ANSWER, entry_id=best[0].entry_id, language=best[0].language,
                        score=min(p.score for p in best), parts=best, **flags)

    def _decide_turn(self, whole: str, text: str, flags: dict, follows: Earlier | None) -> Decision:
        """One question (``whole``, its frame removed, of the message ``text``), read with what
        came before it when anything did."""
        analysis = self._analyze_unframed(whole)
        alone = self._decide(analysis, flags)
        if alone.outcome is not Outcome.ANSWER and (wider := self._with_sentence_before(whole, analysis, flags)):
            # the asking sentence's own candidates are what it may mean: the wider reading picks
            # one of those, the background must not bring another (「同僚と話していて…」)
            offered = {c.entry_id for c in alone.candidates}
            if not offered or wider[1].entry_id in offered:
                analysis, alone = wider
        if follows is None:
            return alone
        short = len(analysis.tokens) <= self.config.follow_up_max_words
        elliptic = points_back(text) or (short and alone.outcome is not Outcome.ANSWER)
        unplaced = alone.outcome in (Outcome.CLARIFY, Outcome.ESCALATE) and alone.entry_id is None
        if self._beyond_last_answer(text, analysis, follows):
            return Decision(outcome=Outcome.ESCALATE, score=alone.score, candidates=alone.candidates,
                            follow_up=True, **{**flags, "language": analysis.language})
        if (switched := self._other_party(analysis, alone, follows, flags)) is not None:
            return switched
        if (there := self._party_by_demonstrative(text, analysis, follows, flags)) is not None:
            return there
        if (stayed := self._stay(follows.topic, analysis, alone, flags)) is not None:
            return stayed
        if elliptic or unplaced:
            previous = self._analyze(follows.text[: self.config.max_match_chars], analysis.language)
            # 「電話番号は？」 alone offers three contacts; the previous question picks one of them.
            decided = (self._pick(previous, alone, analysis, flags) if alone.outcome is Outcome.CLARIFY
                       else self._decide(analysis.plus_context(previous.tokens, self.config.follow_up_context_weight),
                                         flags))
            if decided is not None and decided.outcome is Outcome.ANSWER and (
                    alone.outcome is not Outcome.ANSWER or decided.entry_id == alone.entry_id
                    or self._better_in_context(decided, alone, previous, flags)):
                return decided.model_copy(update={"follow_up": True})
        if unplaced and (implied := self._party_implied(text, analysis, follows, flags)) is not None:
            return implied
        return alone

    def _beyond_last_answer(self, text: str, analysis: Analysis, follows: Earlier) -> bool:
        """「そこ何時まで受け付けてる？」 after the HR office's number: asked about what the last
        answer was about, for a kind of information that answer lacks (hours, a method, a
        name). Another entry holding that kind for another subject would be a wrong answer."""
        entry = self._entries.get(follows.topic or "")
        if entry is None or entry.kind is not EntryKind.ANSWER or not names_it_by_demonstrative(text):
            return False
        return unmet(self._asks, analysis.clean, self._answer_text(entry.id, analysis)) is not None

    def _with_sentence_before(self, whole: str, analysis: Analysis, flags: dict) -> tuple[Analysis, Decision] | None:
        """A question not understood from its asking sentence alone may be named in the sentence
        before it; read with it, it is answered or left as it was."""
        if self._focus.asking_part(whole, widen=True) == self._focus.asking_part(whole):
            return None  # one sentence, or nothing before the asking ones: no analysis to repeat
        wider = self._analyze_unframed(whole, widen=True)
        if wider.tokens == analysis.tokens:
            return None
        decided = self._decide(wider, flags)
        return (wider, decided) if decided.outcome is Outcome.ANSWER else None

    def _other_party(self, analysis: Analysis, alone: Decision, follows: Earlier, flags: dict) -> Decision | None:
        """「じゃあ下関労務管理事務所の方は？」 after 「エムケイシステムってどういう会社？」: the same
        question about another party. A follow-up naming one party and next to nothing else,
        either not understood alone or asking about that party's side (「エムケイシステム側は？」),
        is the earlier questions with that party in place of the one they named."""
        named = self._parties_named(analysis)
        if len(named) != 1 or len(analysis.tokens) > 2:
            return None
        if alone.outcome is Outcome.ANSWER and not self._party_side.search(analysis.clean):
            return None
        party = named[0]
        earlier = self.normalizer.canonicalize(clean(follows.text))
        others = [p for p in self._parties.values() if p != party and p in earlier]
        if party in earlier and not others:
            return None
        for other in others:
            earlier = earlier.replace(other, party)
        if not others:
            earlier = f"{party}の{earlier}"
        decided = self._decide(self._analyze(earlier[: self.config.max_match_chars], "ja"), flags)
        if decided.outcome is not Outcome.ANSWER:
            return None
        return decided.model_copy(update={"follow_up": True})

    def _party_by_demonstrative(self, text: str, analysis: Analysis, follows: Earlier,
                                flags: dict) -> Decision | None:
        """「そこって何をしてる会社？」 after 「労務管理事務所の連絡先を教えてください」: そこ is the
        party the latest question named, or the one the last answer is about, or one named
        before; the question with its name in place is answered when it can be."""
        if analysis.language != "ja":
            return None
        party = self._party_in_context(follows)
        if party is None or (replaced := with_party(text, party)) is None:
            return None
        return self._answered_about(replaced, flags)

    def _party_implied(self, text: str, analysis: Analysis, follows: Earlier, flags: dict) -> Decision | None:
        """「問い合わせ窓口ってある？」 after 「エムケイシステムってどんな会社？」: a follow-up not
        placed alone and naming no party asks about the party in context, as if it named it; with
        no party in context, a contact asked for (「問い合わせ先は？」) is the one the notices send
        everyone to now (人事課)."""
        if analysis.language != "ja" or self._parties_named(analysis):
            return None
        party = self._party_in_context(follows)
        # the slot phrases are looked for as typed: the synonym table folds 問い合わせ先 into 問い合わせ
        if party is None and any(kind.name == "number" for kind in asked(self._slots, clean(text))):
            party = self.config.follow_up_default_party
        decided = None if party is None else self._answered_about(f"{party}の{text}", flags)
        # the last answer again is for ``_stay`` to give, when it holds what is asked (「内線は？」)
        return None if decided is None or decided.entry_id == follows.topic else decided

    def _party_in_context(self, follows: Earlier) -> str | None:
        """The party the latest question named, else the one the last answer is about, else
        one named before."""
        named = [self._parties_named(self.normalizer.analyze(q, "ja")) for q in follows.questions]
        latest = named[-1] or ([self._entry_party[follows.topic]] if follows.topic in self._entry_party else [])
        earlier = [p for parties in named[:-1] for p in parties]
        return (latest or earlier or [None])[-1]

    def _answered_about(self, question: str, flags: dict) -> Decision | None:
        """``question`` (a follow-up with its party named) decided, when it is answered."""
        decided = self._decide(self._analyze(question, "ja"), flags)
        return decided.model_copy(update={"follow_up": True}) if decided.outcome is Outcome.ANSWER else None

    def _parties_of_entries(self, entries: list[Entry]) -> dict[str, str]:
        """The party an answer entry is about: the one at least ``follow_up_entry_party_share``
        of its phrasings name (エムケイシステム for its contact entry)."""
        owners: dict[str, str] = {}
        for entry in entries:
            if entry.kind is not EntryKind.ANSWER or not entry.phrasings:
                continue
            counts = Counter(p for phrasing in entry.phrasings
                             for p in set(self._parties_named(self.normalizer.analyze(phrasing, "ja"))))
            party, count = counts.most_common(1)[0] if counts else (None, 0)
            if party is not None and count >= self.config.follow_up_entry_party_share * len(entry.phrasings):
                owners[entry.id] = party
        return owners

    def _parties_named(self, analysis: Analysis) -> list[str]:
        """The parties (``follow_up_parties``) a Japanese question names, by canonical name."""
        if analysis.language != "ja":
            return []
        return [self._parties[t] for t in analysis.tokens if t in self._parties]

    def _stay(self, topic: str | None, analysis: Analysis, alone: Decision, flags: dict) -> Decision | None:
        """The previous answer again, when the follow-up asks what that answer already holds:
        「土日もやってる？」 after the call centre's hours, 「誰が？」 or 「担当の方のお名前は」 after an
        answer that names them. Asking who, when or which number (``follow_up_slots``), its
        question words count as held when the answer holds that kind; a follow-up with an answer
        of its own stays only when it asks one of those."""
        entry = self._entries.get(topic or "")
        if entry is None or entry.kind is not EntryKind.ANSWER:
            return None
        kinds = asked(self._slots, analysis.clean)
        asking_words = {w for kind in kinds for w in self._slot_words[kind.name]}
        # Nothing but who / when / which number (「誰が？」, 「何時ごろ？」): about the last answer.
        bare = bool(kinds) and (len(analysis.tokens) <= 1 or set(analysis.tokens) <= asking_words)
        if alone.outcome is Outcome.ANSWER and not bare:
            return None
        text = self._answer_text(entry.id, analysis)
        if not all(kind.held_by(text) for kind in kinds):
            return None
        share = 1.0 if bare else self.matcher.held_by_answer(analysis, entry.id, asking_words)
        if share < self.config.follow_up_stay_coverage:
            return None
        held = Scored(entry.id, entry.kind, score=share, coverage=share, evidence=0.0, lexical=0.0, fuzzy=0.0)
        decided = self._answer(held, analysis, [], {**flags, "language": analysis.language})
        return decided.model_copy(update={"follow_up": True}) if decided.outcome is Outcome.ANSWER else None

    def _better_in_context(self, decided: Decision, alone: Decision, previous: Analysis, flags: dict) -> bool:
        """Context beats the question's own answer only when it scores higher and is not just the
        previous question's topic again: a follow-up asks something new about it."""
        if decided.score <= alone.score:
            return False
        return self._decide(previous, flags).entry_id != decided.entry_id

    def _pick(self, previous: Analysis, offered: Decision, analysis: Analysis, flags: dict) -> Decision | None:
        """The one of ``offered``'s candidates that the previous question clearly favours, if any."""
        ids = {c.entry_id for c in offered.candidates}
        ranked = [s for s in self.matcher.rank(previous) if s.entry_id in ids]
        if not ranked or (len(ranked) > 1 and ranked[0].score - ranked[1].score < self.config.answer_min_margin):
            return None
        return self._answer(ranked[0], analysis, offered.candidates, {**flags, "language": analysis.language})

    def _decide_parts(self, pieces: list[str], flags: dict, follows: Earlier | None) -> Decision | None:
        """One decision per question, kept only when each part is a question of its own: answered,
        or a precise "not in the notices" (or a whole sentence that asks), each about a
        different entry. Otherwise the message is one question (「マイナンバーの暗号化について」).

        Each part after an answered one is read as its follow-up: in 「エムケイシステムってどんな
        会社？窓口の電話番号も知りたい」 the number asked for is the company's. After a part the
        notices do not answer, the next is read on its own: context would only guess. A part
        after an answered one that names no party is about the one named last
        (「エムケイシステムはどういう会社で、窓口の番号は？」 asks for the company's number)."""
        analysed = [(piece, self.normalizer.analyze(piece)) for piece in pieces]
        # A bare request (「…のか、また…のか、教えてください」) is the frame of the parts, not one.
        analysed = [(piece, analysis) for piece, analysis in analysed if analysis.tokens]
        if len(analysed) < 2:
            return None
        pieces = [piece for piece, _ in analysed]
        parts: list[Decision] = []
        earlier, topic = list(follows.questions) if follows else [], follows.topic if follows else None
        party: str | None = None
        for piece, analysis in analysed:
            named = self._parties_named(analysis)
            party = named[-1] if named else party
            read = piece if named or party is None or topic is None else f"{party}の{piece}"
            part = self._decide_turn(read, piece, {"question": piece, "contains_my_number": False},
                                     follows_from(earlier, topic) if topic else None)
            parts.append(part)
            earlier.append(piece)
            topic = part.entry_id if part.outcome is Outcome.ANSWER else None
        for piece, part in zip(pieces, parts):
            definite = part.outcome is Outcome.ANSWER or (
                part.outcome is Outcome.ESCALATE and (part.entry_id is not None or asks(piece)))
            if not definite:
                return None
        # 「漏れたの？漏れてないの？」 asks one thing twice: one answer serves both.
        parts = [p for i, p in enumerate(parts)
                 if not i or p.outcome is not Outcome.ANSWER or p.entry_id != parts[i - 1].entry_id]
        if len(parts) < 2:
            # one question asked in several ways: its answer, without parts
            return parts[0].model_copy(update=flags) if parts[0].outcome is Outcome.ANSWER else None
        entries = [p.entry_id for p in parts if p.entry_id]
        answered = [p for p in parts if p.outcome is Outcome.ANSWER]
        if not answered or len(set(entries)) != len(entries):
            return None
        return Decision(outcome=Outcome.ANSWER, entry_id=answered[0].entry_id, language=parts[0].language,
                        score=min(p.score for p in answered), parts=parts, **flags)

    def _decide(self, analysis: Analysis, flags: dict) -> Decision:
        """The decision for one analysed question (see the README, "How matching works")."""
        masked = flags["question"]
        base = {**flags, "language": analysis.language}
        if not analysis.compact:
            return Decision(outcome=Outcome.SMALLTALK, **base)
        if (owner := self._number_owner(analysis)) is not None:
            # 「083-267-7177は何の番号ですか」: the one answer that gives that number.
            return Decision(outcome=Outcome.ANSWER, entry_id=owner, score=1.0, **base)
        ranked = self.matcher.rank(analysis)
        if not analysis.tokens and not analysis.context:
            # Nothing in it names anything HR could answer: the usage reply closest to its wording.
            return Decision(outcome=Outcome.SMALLTALK, entry_id=ranked[0].entry_id if ranked else None,
                            score=round(ranked[0].score, 4) if ranked else 0.0, **base)
        candidates = [
            Candidate(entry_id=s.entry_id, score=round(s.score, 4))
            for s in ranked
            if s.kind is EntryKind.ANSWER
        ][: self.config.max_candidates]
        if self._asks_what_no_answer_holds(analysis):
            # 「…か確認していただけますか」: HR's to do, whichever entry the words resemble.
            top = ranked[0] if ranked and ranked[0].kind is EntryKind.ESCALATE else None
            return Decision(outcome=Outcome.ESCALATE, entry_id=top.entry_id if top else None,
                            score=round(top.score, 4) if top else 0.0, candidates=candidates, **base)
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
                        and (kanji_share(masked) <= self.config.kana_max_kanji_share
                             or any(len(w) == 1 for w in self.matcher.unknown_words(analysis))) else None)
            if by_sound is not None and by_sound.kind is EntryKind.ANSWER:
                return self._answer(by_sound, analysis, candidates, base)
            if by_sound is not None:
                return Decision(outcome=Outcome.ESCALATE, entry_id=by_sound.entry_id, score=round(by_sound.score, 4),
                                candidates=candidates, **base)
            if top.kind is EntryKind.ANSWER and self._likely(top, ranked):
                return self._answer(top, analysis, candidates, base)
            if top.kind is EntryKind.ANSWER and self._in_band(top):
                return self._clarify(candidates, analysis, score, base)
            return Decision(outcome=Outcome.ESCALATE, score=score, candidates=candidates, **base)
        if top.kind is EntryKind.ESCALATE:
            return Decision(outcome=Outcome.ESCALATE, entry_id=top.entry_id, score=score,
                            candidates=candidates, **base)
        if top.score >= self.config.answer_min_score and self._leads(ranked):
            return self._answer(top, analysis, candidates, base)
        close = [c for c in candidates if c.score >= self.config.clarify_min_score]
        return self._clarify(close or candidates[:1], analysis, score, base)

    def _clarify(self, candidates: list[Candidate], analysis: Analysis, score: float, base: dict) -> Decision:
        """Offer the candidates whose answers hold what the question asks for (a count, a time of
        day, …); when none does, the notices do not say, and the question goes to HR."""
        offered = [c for c in candidates if not unmet(self._asks, analysis.clean, self._answer_text(c.entry_id, analysis))]
        if not offered:
            return Decision(outcome=Outcome.ESCALATE, score=score, candidates=candidates, **base)
        return Decision(outcome=Outcome.CLARIFY, score=score, candidates=offered, **base)

    def _answer_text(self, entry_id: str, analysis: Analysis) -> str:
        entry = self._entries[entry_id]
        return entry.answer_en if analysis.language == "en" else entry.answer

    def _number_owner(self, analysis: Analysis) -> str | None:
        """The answer entry that gives a phone number the question quotes: the only one, or of
        those that give it, the one the question's words favour (人事課's number is in the
        suspicious-contact answer too)."""
        for typed in _PHONE.findall(analysis.clean):
            number = re.sub(_DASH, "-", typed)
            owners = {e.id for e in self._entries.values() if e.kind is EntryKind.ANSWER and number in e.answer}
            if len(owners) == 1:
                return owners.pop()
            if owners:
                return next((s.entry_id for s in self.matcher.rank(analysis) if s.entry_id in owners), None)
        return None

    def _asks_what_no_answer_holds(self, analysis: Analysis) -> bool:
        """The question asks for a kind of information no answer can hold (``asks_for`` kinds
        without answer phrases: a sanction, something done for the person, …)."""
        return any(kind.answer is None for kind in asked(self._asks, analysis.clean))

    def _answer(self, top: Scored, analysis: Analysis, candidates: list[Candidate], base: dict) -> Decision:
        """Answer with ``top`` unless the question asks for something its answer lacks."""
        text = self._answer_text(top.entry_id, analysis)
        outcome = Outcome.ESCALATE if unmet(self._asks, analysis.clean, text) else Outcome.ANSWER
        entry_id = top.entry_id if outcome is Outcome.ANSWER else None
        return Decision(outcome=outcome, entry_id=entry_id, score=round(top.score, 4),
                        candidates=candidates, **base)

    def _analyze(self, text: str, language: Language | None = None) -> Analysis:
        """The asking part of the message, with the rest of it as weaker context."""
        return self._analyze_unframed(self._without_frame(text), language)

    def _without_frame(self, text: str) -> str:
        """The message without a leading greeting clause and without business formulas."""
        return self._focus.without_formulas(self._without_greeting(text))

    def _analyze_unframed(self, whole: str, language: Language | None = None, widen: bool = False) -> Analysis:
        """``_analyze`` of a message whose frame (``_without_frame``) is already removed."""
        asking = self._focus.asking_part(whole, widen)
        analysis = self.normalizer.analyze(asking, language or self.normalizer.language(whole))
        if asking == whole:
            return analysis
        if not analysis.tokens:
            # The asking sentence names nothing ("Hi there! What can you do?"): read it all.
            return self.normalizer.analyze(whole, analysis.language)
        return analysis.with_context(self.normalizer.analyze(whole, analysis.language))

    def _without_greeting(self, text: str) -> str:
        """「こんにちは、マイナンバーは…」 asks about マイナンバー: drop a leading greeting clause."""
        if self._greeting is None:
            return text
        rest = self._greeting.sub("", clean(text), count=1)
        return rest if rest.strip() else text

    def _greeting_only(self, text: str) -> str | None:
        """「thx、また聞くわ」: a greeting or thanks, and nothing after it that says anything but
        how the person signs off (「わかりました、人事課に電話してみます」); the smalltalk entry it
        belongs to."""
        match = self._greeting.match(clean(text)) if self._greeting is not None else None
        if match is None:
            return None
        rest = self._focus.without_formulas(match.string[match.end():])
        # 「わかりました、人事課に電話してみます。ありがとうございました」: each sentence after it
        # signs off, thanks again, or says nothing
        for sentence in re.split(r"(?<=[。．!！])", rest):
            said = clean(sentence).strip(" 。．!！")
            again = self._greeting.fullmatch(f"{said}。")
            if self.normalizer.analyze(sentence).tokens and not signs_off(sentence) and again is None:
                return None
        return self._greeting_entry[match.group("phrase")]

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
        rival = next((s for s in ranked if s is not top and s.kind is not EntryKind.SMALLTALK), None)
        lead = top.score - rival.score if rival is not None else 1.0
        return any(top.coverage >= rule.coverage and top.evidence >= rule.evidence and top.words >= rule.words
                   and lead >= rule.margin for rule in self.config.likely)

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


def _leading_smalltalk(entries: list[Entry]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """A greeting or thanks phrasing of a smalltalk entry, then punctuation, at the start; and
    which entry each phrasing belongs to."""
    owner = {clean(p): e.id for e in entries if e.kind is EntryKind.SMALLTALK
             for p in [*e.all_phrasings(), *e.all_phrasings_en()] if clean(p)}
    if not owner:
        return None, owner
    return re.compile(r"^(?P<phrase>" + alternation_source(owner) + r")[、。,.!！?？]+\s*"), owner
