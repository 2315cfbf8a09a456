"""Several questions in one message: where a message may be cut into questions.

「原因と、いつ起きたのかを教えてください」 and 「退職者にも届きますか？あと問い合わせ先も」 ask two
things. This module only proposes cuts; ``answerer`` keeps a cut when every part is a question it
can place on its own, so 「マイナンバーの暗号化について」 stays one question. The joiners come from
``matching.yaml``; the patterns are alternations of literal phrases (linear in the text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from itertools import combinations
from dataclasses import dataclass

from faq.focus import is_alternative, leans_on_sentence_before, restated
from faq.phrases import alternation_source

# Sentences end at a question mark or a full stop, not inside brackets (「いつ頃（2024年？）出ますか」);
# only asking sentences become parts.
# A question mark quoted by って or と (「どうする？ってのと、…」) ends no sentence either; a polite
# question ending followed by a space or a comma does (「げんいんはなんですか　まいなんばーは…」).
_SENTENCE_END = re.compile(r"(?<=[?？。．!！])(?![)）」』?？!！]|って|と[、,])\s*|(?:(?<=ですか)|(?<=ますか)|(?<=でしょうか))[\s、,]+|\n+")
# English: "When did it happen and was my data leaked?" joins two questions with "and" (or "as well
# as", "+", "/").
_ENGLISH_JOIN = re.compile(r"(?:,?\s+and|,?\s+as well as|,|\s+[+&/])\s+(?=(?:was|were|is|are|did|does|do|who|what|when|where|why|how|can|"
                           r"could|should|will|has|have|whether|which)\b)", re.IGNORECASE)


# A list (「以下3点教えてください」 then 「・漏えいの有無」 …): each bulleted line is a question.
_BULLET = re.compile(r"^\s*(?:[・•\-*＊●○◯■□]|[0-9０-９]+[.)．）]|[①-⑩])\s*")

# 「①いつ起きた ②再開はいつ」 or "q1: … q2: …" on one line (① reads 1 once the text is cleaned): numbers counting
# up from 1, each at the start or after a space, and not a date, an amount or a count (「2023年」,
# 「2点質問です」); a number may follow a comma (「…理由、(2) 情報漏えいの有無、(3) …」).
_INLINE_NUMBER = re.compile(r"(?:^|(?<=[\s、,]))[(（]?(?:q|問)?([1-9])[.)．）:]?\s*(?![\d年月日時分円人件号点つ%％.,:])")
# 「第一に…、第二に…」, 「1つ目は…、2つ目は…」, 「一点目：…」: ordinals counting up, anywhere in the text.
_ORDINAL = re.compile(r"第([1-5一二三四五])(?:に|として|は)?|([1-5一二三四五])(?:つ|点)目(?:に|として|は|が)?[:：]?")
_KANJI_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}

# 「何が起きたのか、原因、再発防止策の3点を教えてください」: a list of as many items as it counts.
# The count may stand apart: 「A、B、C、この3つお願いします」.
_COUNTED = re.compile(r"(?:[、,，]\s*(?:この|これら|以上の|上記の))?の?([23二三])(?:点|つ)")
# 「3つ聞きたい。いつ分かったのか、犯人は誰なのか、今はもう使えるのか」: a sentence announcing as many
# questions as the short items of the next one.
_ANNOUNCED = re.compile(r"([23二三])(?:つ|点)の?(?:聞きたい|質問|あります|教えて|お願い|確認|伺いたい|お伺い)")
# 「漏えいの有無、マイナンバーの扱い、二次被害の有無を教えて」: three or more short items before a
# request are a list even uncounted.
_REQUEST_TAIL = re.compile(r"(?:を|について|についても|も)?(?:教えて|知りたい|お願い|ください|下さい)[^、,，]*$")
_UNCOUNTED_ITEMS = 3

# Items of a list (「何が起きたか、原因、それと今後の対策」) are short, and a clause that goes on
# (「退職したのですが、」「心配で、」) is context, not an item.
_ITEM_CHARS = 14
_GOES_ON = re.compile(r"(?:が|けど|けれど|ので|から|て|で|し|ば|ても|たら|とき|時|場合|際)$")

# A question mark, a worry (「…気になってます」, 「…が心配です」) or 「…のか」 (「何が起きたのか一言で。」):
# a question when another follows.
_ASKS_WITH_NEXT = re.compile(r"(?:[?？]|気になって(?:い|お)?(?:ます|ります|る)|(?:心配|不安)(?:です|だ)?)[。．\s]*$|のか")

# The heading of a list: 「社労夢の件👀」, 「確認したいこと」, 「質問:」.
_HEADING = re.compile(r"(?:件|について|質問|確認したいこと|聞きたいこと|教えて)[^\w]*$|[:：]\s*$")

# A part may start with the word that joined it to the one before (「また漏えいしたのか」).
_LEADING_JOINER = re.compile(r"^(?:また|あと|それと|それから|そして|ついでに|あわせて|併せて|加えて|さらに|ちなみに|で(?=[、,])|"
                             r"and also|and|also|separately|besides)[、,\s]*", re.IGNORECASE)


# 「調査した会社ってどこ？社名知りたいです」: a short sentence saying what the person wants to
# know, with no も or joiner adding it, says more precisely what the sentence before it asks.
_RESTATES = re.compile(r"^[^\s、。？?！!も]{1,8}?(?:が|を)?(?:知りたい|しりたい)(?:です|んです|んだけど|のですが)?[。．！!？?\s]*$")


@dataclass(frozen=True)
class Splitter:
    """Cuts at question marks and at joiners (「と、」「あと」「それと」 …) between questions."""

    joiners: tuple[str, ...]
    targets: tuple[str, ...]
    # A message is cut into at most this many questions; more parts are read as one message.
    max_parts: int
    # 「異常が見つかったのはいつで、」: the message is cut after these, which stay with the question
    # before them.
    kept: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # 「転送されたんですか、それともされてないんですか」 asks one thing: それと is no joiner in
        # それとも, nor in それとは別に.
        pattern = f"(?:{alternation_source(self.joiners)})(?![もはの])" if any(self.joiners) else ""
        # 「漏えいの有無と二次被害の有無」: と right after a question target joins two questions.
        targets = sorted({t for t in self.targets if t}, key=len, reverse=True)
        if targets:
            # not と思う/聞く/言う/書く, とか (for example), との, とも, とは, and not と as the
            # complement of a verb (「対象となった情報」, 「原因として」, 「影響とされる」, 「…という」)
            # or of a comparison (「事件の時期と重なる」, 「原因と同じ」, 「範囲と違う」)
            after_target = "|".join(f"(?<={re.escape(t)})と(?!思|聞|言|書|の|か|も|は|な|し|す|さ|いう|いっ|"
                                    f"重な|同じ|同様|一致|比べ|違|異な|関係|関連)"
                                    for t in targets)
            pattern = f"{pattern}|{after_target}" if pattern else after_target
        after_kept = "|".join(f"(?<={re.escape(k)})" for k in self.kept if k)
        if after_kept:
            pattern = f"{pattern}|{after_kept}" if pattern else after_kept
        object.__setattr__(self, "_joiner", re.compile(pattern, re.IGNORECASE) if pattern else None)

    def parts(self, text: str, asking: Callable[[str], bool]) -> list[str]:
        """The message's questions in the order asked; one element when there is nothing to cut.

        Sentences that do not ask (「先月退職しました。」) are context, not parts.
        """
        bullets = [_BULLET.sub("", line) for line in text.splitlines() if _BULLET.match(line)]
        if len(bullets) < 2:
            bullets = _numbered_inline(text) or _listed_lines(text, asking)
        if len(bullets) > 1:
            return bullets if len(bullets) <= self.max_parts else [text]
        sentences: list[str] = []
        for sentence in (s for s in _SENTENCE_END.split(text) if s and s.strip()):
            if sentences and is_alternative(sentence):
                continue  # 「それともまだ？」 asks nothing the sentence before did not
            if sentences and _RESTATES.match(sentence.strip()):
                sentences[-1] += sentence
            else:
                sentences.append(sentence)
        for sentence, following in zip(sentences, sentences[1:]):
            if (count := _ANNOUNCED.search(sentence)) is not None:
                items = _items(_REQUEST_TAIL.sub("", following).strip(" 。．?？"))
                if items is not None and len(items) == _number(count.group(1)) <= self.max_parts:
                    return items
        # A sentence that starts with a joiner (「あと詳細が見られるページあれば」) adds a question;
        # one that does not ask (「不審な郵便物が届きました。」) is the context of the next question.
        pieces: list[str] = []
        context = ""
        joined = [_LEADING_JOINER.match(s.strip()) is not None for s in sentences]
        for i, sentence in enumerate(sentences):
            # 「…ゼロじゃないんですよね？」 checks an assumption and 「…みたいで気になってます」 says a
            # worry, but with 「あと…」 after it, either asks
            added_to = i + 1 < len(sentences) and joined[i + 1] and _ASKS_WITH_NEXT.search(sentence) is not None
            if len(sentences) > 1 and not (asking(sentence) or joined[i] or added_to):
                context += sentence
                continue
            own = self._pieces_of(restated(sentence), asking)
            # 「不審な郵便物が届きました。どうすればいいですか。」; after 「で、」 or 「あと」 a new question
            if own and context and leans_on_sentence_before(own[0]) and not joined[i]:
                own[0] = context + own[0]
            pieces += own
            context = ""
        if len(pieces) < 2 or len(pieces) > self.max_parts:
            return [text]
        return pieces

    def _pieces_of(self, sentence: str, asking: Callable[[str], bool]) -> list[str]:
        """The questions of one asking sentence: a counted list, or cuts at its joiners."""
        if (listed := _counted_list(sentence) or _uncounted_list(sentence)) is not None:
            pieces = listed
        else:
            pieces = []
            for piece in _english_questions(sentence, asking):
                joined = self._joiner.split(piece) if self._joiner is not None else [piece]
                joined = [q for part in joined for q in _interrogative_clauses(part)]
                # 「何が起きたか、原因、それと今後の対策」: a list before its last item's joiner
                pieces += (_items(joined[0]) or joined[:1]) + joined[1:] if len(joined) > 1 else joined
        pieces = [_LEADING_JOINER.sub("", p.strip(" 、,，。")) for p in pieces]
        return [p for p in pieces if any(ch.isalnum() for ch in p)]


# 「いつ起きて、いつ復旧したの？」, 「誰が調べて、何が分かったの」: two clauses, each with its own
# interrogative, joined by a comma after a verb's て or し (not 「…ので、」 nor 「…じゃなくて、」,
# which set the first aside).
_INTERROGATIVES = "いつ|どこ|誰|だれ|何|なに|なぜ|どう|どの|どんな"
_INTERROGATIVE = re.compile(_INTERROGATIVES)
_BEFORE_INTERROGATIVE = re.compile(rf"(?<=[てでし])(?<![のん]で)(?<!なくて)[、,]\s*(?={_INTERROGATIVES})")


def _interrogative_clauses(text: str) -> list[str]:
    """``text`` cut at a comma between two clauses that each open with an interrogative
    (「今後どう対応して、どこに相談すれば」 asks one thing)."""
    clauses = _BEFORE_INTERROGATIVE.split(text)
    opens = all(_INTERROGATIVE.match(re.split(r"[、,]\s*", c)[-1].strip()) for c in clauses)
    return clauses if len(clauses) > 1 and opens else [text]


def _listed_lines(text: str, asking: Callable[[str], bool]) -> list[str]:
    """「社労夢の件👀\n原因\n調査方法\n再発防止\nざっくりでいいので」: short lines, one item each,
    between an optional heading and an optional closing line; none of the lines asks."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if any(asking(line) for line in lines):
        return []
    if lines and _HEADING.search(lines[0]):
        lines = lines[1:]
    if lines and not _is_item(lines[-1]):
        lines = lines[:-1]
    return lines if len(lines) > 1 and all(map(_is_item, lines)) else []


def _is_item(line: str) -> bool:
    """A short noun phrase: no sentence end, no clause that goes on, no heading."""
    return (len(line) <= _ITEM_CHARS and not re.search(r"[。．？?！!]", line) and not _GOES_ON.search(line)
            and not _HEADING.search(line))


def _english_questions(sentence: str, asking: Callable[[str], bool]) -> list[str]:
    """The sentence cut where an English question starts ("When did it happen and was my data
    leaked?"); a piece that asks nothing ("and the labor office, what's their role?") names what
    the next one asks about and stays with it."""
    questions: list[str] = []
    named = ""
    *pieces, last = _ENGLISH_JOIN.split(sentence)
    for piece in pieces:
        if asking(piece):
            questions.append(named + piece)
            named = ""
        else:
            named += piece + ", "
    return questions + [named + last]


def _number(numeral: str) -> int:
    """The value of one digit, written as a digit or in kanji (三 → 3)."""
    return _KANJI_NUMERALS.get(numeral) or int(numeral)


def _numbered_inline(text: str) -> list[str]:
    """The items of 「①いつ起きた ②再開はいつ ③マイナンバーは無事か」 or 「第一に…、第二に…」, or
    none: the numbers must count 1, 2, 3 … in order; text before the first one frames the list."""
    for marker in (_INLINE_NUMBER, _ORDINAL):
        marks = list(marker.finditer(text))
        numbers = [_number(n) for m in marks for n in m.groups() if n]
        if len(marks) > 1 and numbers == list(range(1, len(marks) + 1)):
            ends = [m.start() for m in marks[1:]] + [len(text)]
            return [text[m.end():end].strip(" 、,，。") for m, end in zip(marks, ends)]
    return []


def _counted_list(sentence: str) -> list[str] | None:
    """The items of a sentence that counts them (「A、B、Cの3点を教えてください」), when the items
    before the count are exactly that many short ones."""
    match = _COUNTED.search(sentence)
    if match is None:
        return None
    items = _items(sentence[: match.start()])
    return items if items is not None and len(items) == _number(match.group(1)) else None


def _uncounted_list(sentence: str) -> list[str] | None:
    """The items of 「A、B、Cを教えて」: at least three short items before the request."""
    tail = _REQUEST_TAIL.search(sentence)
    items = _items(sentence[: tail.start()]) if tail is not None else None
    return items if items is not None and len(items) >= _UNCOUNTED_ITEMS else None


def _items(text: str) -> list[str] | None:
    """``text`` cut at its commas, when each piece is a short item of a list; else None."""
    items = [item.strip() for item in re.split(r"[、,，]", text.strip(" 、,，"))]
    if len(items) < 2 or any(not item or len(item) > _ITEM_CHARS or _GOES_ON.search(item) for item in items):
        return None
    return items


# Where a message with no joiner may still be cut: commas and spaces (「原因　再発防止策　大学の窓口」).
_ATOM_END = re.compile(r"(?<=[、,，])\s*|\s+")


def segmentations(text: str, max_atoms: int, max_parts: int) -> list[list[str]]:
    """Every way to cut ``text`` at its commas and spaces into 2 … ``max_parts`` pieces, in
    order; none when it has more than ``max_atoms`` pieces between them (the work stays bounded:
    at most C(max_atoms - 1, max_parts - 1) ways)."""
    text = text.strip()
    starts = [0] + [m.end() for m in _ATOM_END.finditer(text) if 0 < m.end() < len(text)]
    if len(starts) < 2 or len(starts) > max_atoms:
        return []
    ways: list[list[str]] = []
    for count in range(2, min(max_parts, len(starts)) + 1):
        for cuts in combinations(starts[1:], count - 1):
            bounds = (0, *cuts, len(text))
            ways.append([text[a:b].strip().strip("、,，").strip() for a, b in zip(bounds, bounds[1:])])
    return ways


# 「人事課と労務事務所、それぞれの電話番号」: one question asked of each of two parties.
_EACH = re.compile(r"それぞれ|両方|どちらも|各々")


def distributed(text: str, names: Collection[str]) -> list[str]:
    """「AとB、それぞれの電話番号を教えて」 → 「Aの電話番号を教えて」, 「Bの電話番号を教えて」, when A
    and B are two of ``names`` (as written after the synonym table) and the message says
    それぞれ or 両方; otherwise none (「エムケイシステムと社労夢の関係は？」 asks one thing)."""
    if not names or _EACH.search(text) is None:
        return []
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    match = re.search(rf"({alternatives})と({alternatives})[、,\s]*(?:の|で)?", text)
    if match is None or match.group(1) == match.group(2):
        return []
    rest = _EACH.sub("", text[match.end():]).lstrip("のでを、, ")
    if not rest:
        return []
    return [f"{match.group(1)}の{rest}", f"{match.group(2)}の{rest}"]
