"""Mask personal data before anything is stored or logged.

A マイナンバー is 12 digits whose last digit is a valid check digit (番号法施行令 §8);
full-width digits and up to three separator characters between any two digits (spaces of
any kind, tabs, newlines, hyphens, dots, slashes, commas, 、・) are recognised too. Phone
numbers and e-mail addresses a person typed are masked in stored questions.

Every pattern here runs over untrusted text of up to Slack's 40,000 characters (and over
log lines), so each one must be linear: bounded repetitions, and a greedy run that may
only start where a run of its characters starts (a lookbehind), never at every position.
"""

from __future__ import annotations

import re

MY_NUMBER_MASK = "[マイナンバー]"
PHONE_MASK = "[電話番号]"
EMAIL_MASK = "[メール]"

# Slack allows 40,000 characters in a message; nothing a person asks needs more than this,
# and every later step (masking, matching, storing, posting to HR) is bounded by it.
MAX_TEXT_CHARS = 4000

_DIGIT = r"[0-9０-９]"
# Whitespace (\s: NBSP, ideographic space, tab, newline), dashes, dots, slashes, commas.
_SEP = r"(?:[\s\-‐－―ー−.．/／,，、・]{1,3})?"
_NUMBER_CHARS = frozenset("0123456789０１２３４５６７８９-‐－―ー−.．/／,，、・")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_MY_NUMBER_CANDIDATE = re.compile(rf"(?<![0-9０-９]){_DIGIT}(?:{_SEP}{_DIGIT}){{11}}(?![0-9０-９])")
_PHONE = re.compile(
    rf"(?<![0-9０-９])[0０]{_DIGIT}{{1,4}}[\-‐－―ー−]?{_DIGIT}{{1,4}}[\-‐－―ー−]?{_DIGIT}{{3,4}}(?![0-9０-９])"
)
# The lookbehind makes a match start only at the beginning of a run of address characters;
# without it every position of a long run (any Japanese text is \w) rescans the run: O(n²).
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+[@＠][\w\-]+(?:[.．][\w\-]+)+")


def is_valid_my_number(digits: str) -> bool:
    """True when ``digits`` (12 ASCII digits) ends with the correct check digit."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = [int(d) for d in digits[:11]]
    total = 0
    for n in range(1, 12):
        p = body[11 - n]
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    remainder = total % 11
    check = 0 if remainder <= 1 else 11 - remainder
    return check == int(digits[11])


def _digits(text: str) -> str:
    """The ASCII digits of a candidate (which holds only [0-9０-９] digits)."""
    return "".join(ch for ch in text.translate(_FULL_WIDTH_DIGITS) if "0" <= ch <= "9")


def cut_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """The first ``limit`` characters, so that no later step does unbounded work.

    A run of digits and separators crossing the cut is dropped whole: a マイナンバー cut in
    half would no longer be recognised, and its first digits would be stored as they are."""
    if len(text) <= limit:
        return text
    end = limit
    while end and (text[end - 1] in _NUMBER_CHARS or text[end - 1].isspace()):
        end -= 1
    return text[:end]


def _my_number_spans(text: str) -> list[tuple[int, int]]:
    """Where valid マイナンバー are. After an invalid candidate the search resumes one character
    on, not after it, so a number joined to a preceding one (「0288 5260 1815 9084」) is found."""
    spans, pos = [], 0
    while (m := _MY_NUMBER_CANDIDATE.search(text, pos)) is not None:
        if is_valid_my_number(_digits(m.group(0))):
            spans.append(m.span())
            pos = m.end()
        else:
            pos = m.start() + 1
    return spans


def find_my_numbers(text: str) -> list[str]:
    """Every substring of ``text`` that is a valid マイナンバー."""
    return [text[start:end] for start, end in _my_number_spans(text)]


def contains_my_number(text: str) -> bool:
    return bool(_my_number_spans(text))


def mask_my_numbers(text: str) -> str:
    """Replace every valid マイナンバー; other long numbers are left alone."""
    parts, last = [], 0
    for start, end in _my_number_spans(text):
        parts += [text[last:start], MY_NUMBER_MASK]
        last = end
    return "".join(parts) + text[last:]


def mask_personal_data(text: str) -> str:
    """What may be stored of a question: no マイナンバー, phone number or e-mail address."""
    text = mask_my_numbers(text)
    text = _EMAIL.sub(EMAIL_MASK, text)
    return _PHONE.sub(PHONE_MASK, text)
