"""Mask personal data before anything is stored or logged.

A マイナンバー is 12 digits whose last digit is a valid check digit (番号法施行令 §8);
full-width digits and spaces or hyphens between groups are recognised too. Phone numbers
and e-mail addresses a person typed are masked in stored questions.
"""

from __future__ import annotations

import re
import unicodedata

MY_NUMBER_MASK = "[マイナンバー]"
PHONE_MASK = "[電話番号]"
EMAIL_MASK = "[メール]"

_DIGIT = r"[0-9０-９]"
_SEP = r"[ \u3000\-‐－―ー−]?"
_MY_NUMBER_CANDIDATE = re.compile(rf"(?<![0-9０-９]){_DIGIT}(?:{_SEP}{_DIGIT}){{11}}(?![0-9０-９])")
_PHONE = re.compile(
    rf"(?<![0-9０-９])[0０]{_DIGIT}{{1,4}}[\-‐－―ー−]?{_DIGIT}{{1,4}}[\-‐－―ー−]?{_DIGIT}{{3,4}}(?![0-9０-９])"
)
_EMAIL = re.compile(r"[\w.+\-]+[@＠][\w\-]+(?:[.．][\w\-]+)+")


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
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())


def find_my_numbers(text: str) -> list[str]:
    """Every substring of ``text`` that is a valid マイナンバー."""
    return [m.group(0) for m in _MY_NUMBER_CANDIDATE.finditer(text) if is_valid_my_number(_digits(m.group(0)))]


def contains_my_number(text: str) -> bool:
    return bool(find_my_numbers(text))


def mask_my_numbers(text: str) -> str:
    """Replace every valid マイナンバー; other long numbers are left alone."""
    return _MY_NUMBER_CANDIDATE.sub(
        lambda m: MY_NUMBER_MASK if is_valid_my_number(_digits(m.group(0))) else m.group(0), text
    )


def mask_personal_data(text: str) -> str:
    """What may be stored of a question: no マイナンバー, phone number or e-mail address."""
    text = mask_my_numbers(text)
    text = _EMAIL.sub(EMAIL_MASK, text)
    return _PHONE.sub(PHONE_MASK, text)
