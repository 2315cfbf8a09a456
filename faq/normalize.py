"""Turn what staff type into a comparable form.

Slack markup and HTML entities are removed, then NFKC (half-width katakana, full-width
ASCII), lower case, the HR-editable synonym table (表記ゆれ), SudachiPy's normalised
dictionary forms (漏えい→漏洩, みれる→見る) and katakana→hiragana folding.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from dataclasses import dataclass, replace
from typing import Literal
from collections.abc import Collection, Iterable

import jaconv
import snowballstemmer
from sudachipy import Dictionary, SplitMode

from faq.phrases import compile_phrases

from faq.content import MatchingConfig

_SLACK_USER = re.compile(r"<[@#!][^>]*>")
# A mention typed as text (pasted, or from a client that sends it unconverted): 「@faq-bot 社労夢の件」.
_TYPED_MENTION = re.compile(r"(?<![\w.@])@[A-Za-z0-9][\w.\-]*")
_SLACK_LINK = re.compile(r"<([^>|]+)\|([^>]*)>")
_SLACK_URL = re.compile(r"<([^>]+)>")
_EMOJI = re.compile(r":[a-z0-9_+\-']+:")
_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\ufeff]")
_SPACES = re.compile(r"[^\S\n]+")
# Blank lines and spaces around a line break fold into one: a line break still ends a question.
_LINE_BREAKS = re.compile(r"\s*\n\s*")
_JAPANESE_SCRIPT = "\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f"
_JAPANESE = re.compile(f"[{_JAPANESE_SCRIPT}]")
_JAPANESE_RUN = re.compile(f"[{_JAPANESE_SCRIPT}]+")
_LATIN = re.compile(r"[a-zA-Z]")
_WORD_EN = re.compile(r"[a-z0-9]+")
# A word with its clitic: "that's" is "that", "didn't" is "did not" (not "that" and a stray "s").
_WORD_EN_APOSTROPHE = re.compile(r"[a-z0-9]+(?:['’][a-z0-9]+)*")
_CLITIC = re.compile(r"(?:n['’]t|['’](?:s|re|ll|ve|d|m))$")
_APOSTROPHE = re.compile(r"['’]")
_NOT_STEMS = {"ca": "can", "wo": "will", "sha": "shall"}
# A katakana word read again in hiragana counts as one inflected word: a verb or adjective
# followed only by endings (もれ・て・ない).
_INFLECTING = {"動詞", "形容詞"}
_ENDINGS = {"助詞", "助動詞", "接尾辞"}
_KANJI = re.compile(r"[\u3400-\u9fff]")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]+")

# Parts of speech that carry meaning; particles, auxiliaries and symbols are dropped.
_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "代名詞", "副詞", "感動詞", "接尾辞", "接頭辞"}
_WHAT_HAPPENED = re.compile(r"\bwhat\s+(?:(?:even|actually|exactly|really|just)\s+)?happen", re.IGNORECASE)
_EN_STOPWORDS = {
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "do", "does", "did", "i", "my",
    "me", "we", "our", "you", "your", "it", "its", "to", "of", "in", "on", "for", "and", "or",
    "this", "that", "there", "any", "can", "will", "would", "should", "could", "please", "about",
    "what", "with", "at", "by", "from", "so", "if", "has", "have", "had", "now", "still", "also",
    "just", "really", "currently", "yet", "already", "am", "us", "tell", "know", "exactly", "actually",
    "then", "ok", "okay", "anyway", "but", "thing", "stuff", "oh", "hey", "btw", "um", "uh",
}

Language = Literal["ja", "en"]

# Readings of user words are cached; the cache is cleared when it reaches this size.
READING_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Analysis:
    """A question or phrasing in every form the matcher compares."""

    clean: str
    compact: str
    tokens: tuple[str, ...]
    language: Language
    # How the text sounds, in hiragana (Japanese only): 原因 and げんいん read the same.
    reading: str = ""
    # Words of the message around the asking part (faq.focus): they count, but less.
    context: tuple[str, ...] = ()
    # How much they count, when not the matcher's default (a follow-up's previous question).
    context_weight: float | None = None

    def with_context(self, whole: Analysis) -> Analysis:
        """This asking part, with the words only the whole message has as context."""
        rest = list(whole.tokens)
        for token in self.tokens:
            if token in rest:
                rest.remove(token)
        return replace(self, context=tuple(rest))

    def plus_context(self, words: tuple[str, ...], weight: float) -> Analysis:
        """This question with ``words`` (the previous question of the conversation) as context."""
        return replace(self, context=self.context + words, context_weight=weight)


def strip_slack_markup(text: str) -> str:
    """Remove mentions and emoji, keep link labels, and unescape Slack's entities."""
    text = _SLACK_LINK.sub(r" \2 ", text)
    text = _SLACK_USER.sub(" ", text)
    text = _TYPED_MENTION.sub(" ", text)
    text = _SLACK_URL.sub(r" \1 ", text)
    text = _EMOJI.sub(" ", text)
    return html.unescape(text)


def clean(text: str) -> str:
    """Slack markup, control characters, NFKC, lower case, single spaces and single line breaks."""
    text = strip_slack_markup(text)
    text = _CONTROL.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).lower()
    return _LINE_BREAKS.sub("\n", _SPACES.sub(" ", text)).strip()


def fold_kana(text: str) -> str:
    """Katakana to hiragana, so スマホ and すまほ compare equal."""
    return jaconv.kata2hira(text)


def compact(text: str) -> str:
    """Folded text without punctuation or spaces, for character-level comparison."""
    folded = fold_kana(text)
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def is_kanji(ch: str) -> bool:
    """A CJK ideograph (the readings of IME slips are looked up only for words written in them)."""
    return "\u3400" <= ch <= "\u9fff"


def kanji_share(text: str) -> float:
    """How much of the letters is kanji: a question typed without kanji conversion has almost none."""
    letters = [ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch)[0] == "L"]
    if not letters:
        return 1.0
    return sum(map(is_kanji, letters)) / len(letters)


def detect_language(text: str, terms: Collection[str] = ()) -> Language:
    """English when the text has Latin letters and no Japanese script, or is an English sentence
    around a Japanese name (「What is 下関労務管理事務所, and …?」): at least three Latin words
    that are not ``terms`` (words Japanese questions use too: mks, my number), with more letters
    than the Japanese characters."""
    if not _LATIN.search(text):
        return "ja"
    japanese = len(_JAPANESE.findall(text))
    if not japanese:
        return "en"
    words = [w for w in _WORD_EN.findall(text.lower()) if w not in terms]
    return "en" if len(words) >= 3 and sum(map(len, words)) > japanese else "ja"


class Normalizer:
    """Applies the synonym table and SudachiPy; one instance serves all threads."""

    def __init__(self, synonyms: dict[str, list[str]], config: MatchingConfig):
        self._light_words = {fold_kana(w) for w in config.light_words}
        self._light_phrases = compile_phrases([clean(p) for p in config.light_phrases], flags=0)
        self._homophone_min_reading = config.homophone_min_reading
        self._max_chars = config.max_match_chars
        # Japanese names in an English question, by their canonical form: 「労務管理事務所」 →
        # 下関労務管理事務所 → "Shimonoseki labor management office".
        self._english_names = {clean(k): f" {clean(v)} " for k, v in config.english_names.items()}
        self._names_pattern = compile_phrases(self._english_names, flags=0)
        self._replacements: dict[str, str] = {}
        for canonical_form, variants in synonyms.items():
            target = clean(canonical_form)
            for variant in [canonical_form, *variants]:
                key = clean(variant)
                for form in {key, fold_kana(key), jaconv.hira2kata(key)}:
                    if form:
                        self._replacements.setdefault(form, target)
        self._pattern = compile_phrases(self._replacements, flags=0)
        terms = sorted(set(self._replacements.values()), key=len, reverse=True)
        self._terms = compile_phrases(terms, flags=0)
        # In the fuzzy-matching form a table term is one private-use character, so a long
        # term such as エムケイシステム weighs like one character there, not eight.
        self._glyph = {fold_kana(t): chr(0xE000 + i) for i, t in enumerate(terms)}
        self._glyph_pattern = compile_phrases(self._glyph, flags=0)
        # Dictionary forms join the table too, so 辞める or 漏れる match like 辞めた人 or 漏れ.
        self._token_synonyms = {fold_kana(k): fold_kana(v) for k, v in self._replacements.items()}
        self._dictionary = Dictionary(dict="core")
        self._local = threading.local()
        self._term_readings: dict[str, str] = {}

    def _tokenizer(self):
        tok = getattr(self._local, "tokenizer", None)
        if tok is None:
            tok = self._dictionary.tokenizer(mode=SplitMode.A)
            self._local.tokenizer = tok
        return tok

    def _stemmer(self):
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            stemmer = snowballstemmer.stemmer("english")
            self._local.stemmer = stemmer
        return stemmer

    def canonicalize(self, text: str) -> str:
        """Replace every known variant with its canonical form (longest match first)."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self._replacements[m.group(0)], text)

    def _content_word(self, morpheme) -> str | None:
        """The morpheme's normalised, folded dictionary form, if it is a content word."""
        pos = morpheme.part_of_speech()
        if pos[0] not in _CONTENT_POS or pos[1] == "数詞":
            return None
        form = fold_kana(morpheme.normalized_form().lower())
        form = self._token_synonyms.get(form, form)
        return None if form in self._light_words else form

    def word_reading(self, word: str) -> str:
        """How one word sounds, in hiragana (再会 and 再開 both read さいかい)."""
        return fold_kana(self._term_reading(word)) if word else ""

    def homophones(self, known: Iterable[str]) -> dict[str, str]:
        """Reading → word, for the ``known`` words and the synonym table's variants, wherever one
        reading names one word only: an IME slip (再会 for 再開) then finds the word meant."""
        words: dict[str, set[str]] = {}
        pairs = [(w, w) for w in known] + list(self._token_synonyms.items())
        for written, meant in pairs:
            if len(written) < 2 or not any(map(is_kanji, written)):
                continue
            reading = self.word_reading(written)
            if len(reading) >= self._homophone_min_reading:
                words.setdefault(reading, set()).add(meant)
        return {r: next(iter(ws)) for r, ws in words.items() if len(ws) == 1}

    def _term_reading(self, term: str) -> str:
        reading = self._term_readings.get(term)
        if reading is None:
            reading = "".join(m.reading_form() for m in self._tokenizer().tokenize(term))
            if len(self._term_readings) >= READING_CACHE_SIZE:
                self._term_readings.clear()
            self._term_readings[term] = reading
        return reading

    def _japanese_tokens(self, text: str) -> tuple[list[str], str]:
        """Content words (terms of the synonym table stay whole) and the text's reading.

        SudachiPy reads the whole text in one pass, so a particle after a term is still read as
        a particle (「マイナンバーは？」 has no word は); the morphemes a term covers give way to it.
        """
        spans = [m.span() for m in self._terms.finditer(text)] if self._terms is not None else []
        tokens: list[str] = []
        sounds: list[str] = []
        term, emitted = 0, -1
        for morpheme in self._tokenizer().tokenize(text):
            begin, end = morpheme.begin(), morpheme.end()
            while term < len(spans) and spans[term][1] <= begin:
                term += 1
            if term < len(spans) and begin < spans[term][1] and end > spans[term][0]:
                if emitted != term:
                    word = text[slice(*spans[term])]
                    tokens.append(fold_kana(word))
                    sounds.append(self._term_reading(word))
                    emitted = term
                continue
            sounds.append(morpheme.reading_form())
            tokens.extend(self._words_of(morpheme))
        return tokens, compact("".join(sounds))

    def _words_of(self, morpheme) -> list[str]:
        """The content word of one morpheme. A word SudachiPy does not know, typed in katakana
        (ﾓﾚﾃﾅｲ → モレテナイ), is read again in hiragana, where its inflection is understood
        (もれてない → 漏れる) when it reads as one inflected verb or adjective; anything else (a
        misspelt loanword, フォレンジク) stays whole for the spelling correction."""
        if morpheme.is_oov() and _KATAKANA.fullmatch(morpheme.surface()):
            head, *rest = self._tokenizer().tokenize(fold_kana(morpheme.surface()))
            if (head.part_of_speech()[0] in _INFLECTING and _KANJI.search(head.normalized_form())
                    and all(m.part_of_speech()[0] in _ENDINGS for m in rest)):
                form = self._content_word(head)
                return [] if form is None else [form]
        form = self._content_word(morpheme)
        return [] if form is None else [form]

    def analyze(self, text: str, language: Language | None = None) -> Analysis:
        """Every comparable form of ``text``; the language is detected unless given."""
        cleaned = clean(text)
        lang = language or self._language(cleaned)
        if lang == "en":
            tokens = tuple(self._english_tokens(self._with_english_names(cleaned)))
            return Analysis(cleaned, compact(cleaned), tokens, lang)
        # The synonym table is Japanese 表記ゆれ; English text is matched as written.
        cleaned = self.canonicalize(cleaned)
        worded = self._light_phrases.sub(" ", cleaned) if self._light_phrases is not None else cleaned
        # Sudachi is slow on pathological input; the first max_match_chars characters decide.
        words, reading = self._japanese_tokens(worded[: self._max_chars])
        tokens = tuple(words)
        folded = compact(cleaned)
        if self._glyph_pattern is not None:
            folded = self._glyph_pattern.sub(lambda m: self._glyph[m.group(0)], folded)
        return Analysis(cleaned, folded, tokens, lang, reading)

    def _with_english_names(self, text: str) -> str:
        """An English question with the Japanese names in it written in English (the synonym
        table applies to its Japanese runs only: it also maps English words to Japanese ones)."""
        if self._names_pattern is None:
            return text
        return _JAPANESE_RUN.sub(
            lambda m: self._names_pattern.sub(lambda n: self._english_names[n.group(0)], self.canonicalize(m.group(0))),
            text)

    def _english_tokens(self, text: str) -> list[str]:
        """Stemmed English words without stop words. "what" is a stop word, but "what (exactly)
        happened" asks for the account of events, not its cause or date: one word of its own."""
        words: list[str] = ["whathappen"] if _WHAT_HAPPENED.search(text) else []
        for word in _WORD_EN_APOSTROPHE.findall(text):
            clitic = _CLITIC.search(word)
            base = word[: clitic.start()] if clitic else word
            if clitic and clitic.group(0)[0] == "n":
                words += [_NOT_STEMS.get(base, base), "not"]
            else:
                words += _APOSTROPHE.split(base)  # o'clock: two words, as before
        return self._stemmer().stemWords([w for w in words if w not in _EN_STOPWORDS])

    def language(self, text: str) -> Language:
        """The language a message is read in (a part of it is read in the message's language)."""
        return self._language(clean(text))

    def _language(self, cleaned: str) -> Language:
        """English needs a Latin word that is not a table term (MKS alone is Japanese usage).
        A short English question around a name ("Who is 下関労務管理事務所?") is English: only
        the Japanese outside the names English questions use counts."""
        outside_names = self._names_pattern.sub(" ", self.canonicalize(cleaned)) if self._english_names else cleaned
        if detect_language(cleaned, self._replacements) == "ja" and detect_language(outside_names,
                                                                                    self._replacements) == "ja":
            return "ja"
        words = _WORD_EN.findall(cleaned)
        return "en" if any(w not in self._replacements for w in words) else "ja"

