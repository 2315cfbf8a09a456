"""Find the part of a message that asks.

Staff wrap a question in business formulas (お世話になっております。…よろしくお願いいたします),
a self-introduction, personal context, and contrasts (「原因はもう知ってます。いつ分かったの？」,
「復旧した日じゃなくて、最初に…」). Matching every word of that dilutes the words that say what
is asked, so the matcher reads the asking part; the phrases come from ``matching.yaml``.
Every pattern here is a plain alternation of literal phrases or a bounded character class, so the
work is linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from faq.phrases import alternation_source, compile_phrases

# Sentences end at Japanese or Western end punctuation or a line break.
_SENTENCE = re.compile(r"[^。．！？!?\n]+[。．！？!?\n]*")
# A sentence that asks or requests: a question mark, or a typical question/request ending. A
# sentence ending in を is a request whose formula was removed (「理由を（ご教示ください）。」).
_ASKING = re.compile(
    r"(?:[?？]|か[。．\s]*$|を[。．\s]*$|かね[。．\s]*$|の[。．\s]*$|ください[。．\s]*$|下さい[。．\s]*$|"
    r"たい(?:です|のですが|んですが|んだけど)?[。．\s]*$|教えて(?:ください|下さい|くれ|ほしい|欲しい|もらえ|いただ|頂)|"
    r"教えて[。．！!\s]*$|知りたい|いただけ|頂け|願い(?:ます|いたします)|(?:迷って|困って|悩んで)(?:い)?ます[。．\s]*$|"
    r"(?:ほしい|欲しい)(?:です)?[。．\s]*$|[^\W\d_]も[。．！!\s]*$|っけ[。．\s]*$|[^\W\d_]は[。．\s]*$|"
    r"か(?:が|も|どうかが|どうかも)?(?:分からない|わからない|分かりません|わかりません|気になって(?:い|お)?(?:ます|ります|る)|"
    r"気になります|気になる)"
    r"(?:です|だ|で)?"
    r"(?:んだけど|んですが|んです|ので)?[。．\s]*$|でしょう[。．\s]*$|"
    r"混乱して(?:い)?ます[。．\s]*$|(?:何|なに|なん)[。．\s]*$|あれば[。．\s]*$|あったら[。．\s]*$|"
    r"\b(?:what|when|where|who|why|how|which|whether|is|are|was|were|do|does|did|can|could|should|will|has|have)\b)",
    re.IGNORECASE,
)
# A sentence that only checks an assumption before the real question: 「…わけじゃないよね？」,
# 「…ではないんですよね？」.
_CONFIRMATION = re.compile(r"(?:わけ|訳)?(?:じゃ|では)(?:ない|なかった|ありません)(?:ん|の)?(?:です)?(?:よね|ですよね)[。?？\s]*$")
# An aside in brackets (「原因を教えて（ＭＫＳ）」, 「何の情報？（住所・口座など）」) says what the
# question is about, not what it asks: it is read as context. Bounded, and never nested.
_ASIDE = re.compile(r"[（(][^（）()\n]{1,40}[）)]")
# What a person says after thanks to close the conversation: their own next step
# (「人事課に電話してみます」, "I'll call them") or that nothing is left ("that's all").
_SIGNS_OFF = re.compile(
    r"(?:(?:てみ|ておき|とき|でみ|ことにし|し|させていただき)ます|(?:てみ|とき|とく)ます?ね|てみる|とく|しよう|してみよう)[。．、,!！\sね〜ー]*$|"
    r"^(?:i'?ll|i will|will do|that'?s all|that is all|nothing else|no more)\b",
    re.IGNORECASE,
)
# A follow-up that names the last answer's subject by a demonstrative: 「そこ何時まで？」, 「その暗号化
# って…」, "that firm's name?".
_DEMONSTRATIVE = re.compile(r"^(?:(?:で|じゃあ|では|なら)、?)?(?:それ|その|そこ|そちら|そっち|あそこ|あの)|"
                            r"^(?:and |so |but )?(?:that|this|it|they|there|those)\b", re.IGNORECASE)
# 「財務課の小林です。」, 「経済学部教授の田中と申します。」: who writes, said before the question. The
# affiliation is recognised by its last word (``affiliations`` in matching.yaml); without one
# (「退職者です。」) the sentence is context that may matter, and stays. A name has no particle:
# 「下関労務管理事務所の連絡先を知りたいです。」 asks.
_INTRODUCTION = re.compile(r"^[、,\s]*(?P<who>[^\s。．、,？?！!]{1,30})の[^\s。．、,？?！!のをがはにで]{1,8}"
                           r"(?:です|でございます|と申します|といいます)[。．！!\s]*$")
# 「経済学部の事務を担当しております田中と申します。」: と申します introduces whoever writes it.
_INTRODUCES_BY_NAME = re.compile(r"^[^？?]{1,60}と申します[。．！!\s]*$")
# A formula removed at a sentence's end leaves a comma where the request stood (「…行ったのか、」).
_COMMA_AT_END = re.compile(r"[、,，\s]+(?=[。．！？!?\n]|$)")
# 「…期限が分からなくなりました。どこを見ればいいか」: what the interrogative asks about is named before.
_OPENS_WITH_INTERROGATIVE = re.compile(r"^(?:どこ|どう|何|なに|なん|いつ|誰|だれ|どれ|どの|どちら)")
# 「そこって何をしてる会社？」: a word standing for a company or office named before.
_THERE = re.compile(r"あそこ|そこ|そちら|その(?:会社|事務所|法人|企業|業者)")

# 「漏れたの？漏れてないの？どっち？」, 「あったんですか、なかったんですか」, 「もう使えるようになった？
# それともまだ？」, "Like, was any of it taken?": the other side of the question before, asking
# which, or the same question again.
_ALTERNATIVE = re.compile(r"^(?:それとも|or\b|like,|i mean\b|in other words\b)|"
                          r"^(?:どっち|どちら|どっちなの|どちらですか|結局どっち|"
                          r"(?:あった|なかった|ある|ない|ありました|ありませんでした)(?:ん|の)?(?:です)?か?)[?？。\s]*$",
                          re.IGNORECASE)
# 「調査の方法と手順、つまりフォレンジック調査って…」: what follows つまり says what the sentence
# asks; the words before it are the same question less precisely put.
_RESTATED = re.compile(r"[、,，]\s*(?:つまり|要するに|すなわち|言い換えると|言い換えれば)[、,，]?")

# 「3年前に退職した者です。私も対象になりますか？」: who the person is was said before (a question
# about the person, not 「私もはっきり把握しておらず、困っています。」).
_ABOUT_ME_TOO = re.compile(r"^(?:私|自分|僕|俺|うち|わたし)(?:も|の場合)")
_QUESTION_END = re.compile(r"(?:[?？]|か)[。．\s]*$")

_POINTS_BACK = re.compile(r"^(?:それ|その|そう|そちら|そこ|これ|この|こちら|あれ|あと|じゃあ|では|で、|なら|"
                          r"and\b|but\b|what about\b|how about\b|it\b|that\b|this\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Focus:
    """Literal phrases that frame a question without being part of it."""

    formulas: tuple[str, ...]
    set_aside: tuple[str, ...]
    # An asking sentence shorter than this, one that points back (「それはいつですか？」), or one
    # opening with an interrogative (「どこを見ればいいか」) needs the sentence before it.
    short_question_chars: int
    # Last words of an affiliation in a self-introduction (課, 学部, センター).
    affiliations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_formulas", compile_phrases(self.formulas))
        object.__setattr__(self, "_set_aside", compile_phrases(self.set_aside))
        source = alternation_source(self.affiliations)
        object.__setattr__(self, "_affiliation", re.compile(f"(?:{source})$") if source else None)

    def without_formulas(self, text: str) -> str:
        """``text`` without business formulas and self-introductions, unless nothing else is
        left (「よろしくお願いします」)."""
        stripped = self._formulas.sub("、", text) if self._formulas else text
        stripped = _COMMA_AT_END.sub("", stripped)
        sentences = _SENTENCE.findall(stripped)
        kept = [s for s in sentences if not self._introduces(s)]
        if len(kept) < len(sentences):
            stripped = "".join(kept)
        return stripped if _has_letters(stripped) else text

    def _introduces(self, sentence: str) -> bool:
        """「キャリアセンターの木村です。」 says who writes, nothing about what is asked."""
        if _INTRODUCES_BY_NAME.match(sentence.strip()):
            return True
        match = _INTRODUCTION.match(sentence)
        return match is not None and self._affiliation is not None and self._affiliation.search(match["who"]) is not None

    def asking_part(self, text: str, widen: bool = False) -> str:
        """The sentences that ask, and what follows a contrast; ``text`` has no formulas.
        ``widen`` keeps the sentence before each asking one too (it may name what is asked about:
        「「フォレンジック」が訳せません。どういう調査のことですか」).

        Falls back to the whole text whenever a step would leave nothing to match.
        """
        without_asides = _ASIDE.sub(" ", text)
        if _has_letters(without_asides):
            text = without_asides
        sentences = [restated(s.strip()) for s in _SENTENCE.findall(text) if _has_letters(s)]
        if not sentences:
            return text
        asking = [i for i, s in enumerate(sentences) if _ASKING.search(s)]
        # 「大学のサーバーがやられたわけじゃないよね？じゃあ何が…」: the check is background.
        asking = [i for i in asking if not _CONFIRMATION.search(sentences[i])] or asking
        if asking and len(sentences) > 1:
            keep: set[int] = set()
            for i in asking:
                keep.add(i)
                if i > 0 and not _CONFIRMATION.search(sentences[i - 1]) and (
                        (widen and not self._sets_aside(sentences[i - 1]))
                        or len(_letters(sentences[i])) < self.short_question_chars
                        or leans_on_sentence_before(sentences[i])):
                    keep.add(i - 1)
            sentences = [s for i, s in enumerate(sentences) if i in keep]
        focused = " ".join(sentences)
        return self._after_contrast(focused)

    def _sets_aside(self, sentence: str) -> bool:
        """「再発防止策が講じられたことは知っています。」 is what the person already knows."""
        return self._set_aside is not None and self._set_aside.search(sentence) is not None

    def _after_contrast(self, text: str) -> str:
        """「人事課ではなく、エムケイシステムに聞きたい」 asks about what follows the contrast."""
        if self._set_aside is None:
            return text
        parts = self._set_aside.split(text)
        rest = parts[-1].strip("、,， ")
        return rest if len(parts) > 1 and len(_letters(rest)) >= 4 else text


def leans_on_sentence_before(sentence: str) -> bool:
    """「それはいつですか？」, 「どうすればいいですか」 or 「私も対象になりますか」: the sentence does not
    say what it is about, or who the person is."""
    stripped = sentence.strip()
    return (points_back(stripped) or _OPENS_WITH_INTERROGATIVE.match(stripped) is not None
            or (_ABOUT_ME_TOO.match(stripped) is not None and _QUESTION_END.search(stripped) is not None))


def is_alternative(sentence: str) -> bool:
    """「それともまだ？」, 「どっち？」, "Like, …": the question before it, again or from the other side."""
    return _ALTERNATIVE.match(sentence.strip()) is not None


def restated(sentence: str) -> str:
    """What 「A、つまりB」 asks: B, the same question put precisely (unless B is empty)."""
    last = _RESTATED.split(sentence)[-1]
    return last if _has_letters(last) else sentence


def asks(sentence: str) -> bool:
    """The sentence asks or requests something (a question mark, or a question/request ending);
    a confirmation of what the person already assumes (「…わけじゃないよね？」) does not."""
    return _ASKING.search(sentence.strip()) is not None and not _CONFIRMATION.search(sentence)


def signs_off(text: str) -> bool:
    """「人事課に電話してみます」, "that's all": the person closes, asking nothing."""
    return not asks(text) and _SIGNS_OFF.search(text.strip()) is not None


def names_it_by_demonstrative(text: str) -> bool:
    """「そこ何時まで受け付けてる？」: the subject is whatever the last answer was about."""
    return _DEMONSTRATIVE.match(text.strip()) is not None


def with_party(text: str, party: str) -> str | None:
    """``text`` with ``party`` in place of the word that stands for it (そこ, その会社 …), or
    None when it has no such word."""
    replaced = _THERE.sub(party, text, count=1)
    return replaced if replaced != text else None


def points_back(text: str) -> bool:
    """「それはいつ？」, "and the date?": the sentence refers to something said before it."""
    return _POINTS_BACK.match(text.strip()) is not None


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _has_letters(text: str) -> bool:
    return any(ch.isalnum() for ch in text)
