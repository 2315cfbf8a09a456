"""Extract checkable facts (phone numbers, dates, times, URLs, law numbers) from text.

Used to prove that an answer states no number the cited notices do not contain.
令和 years become western years and full/half-width forms compare equal.
"""

from __future__ import annotations

import re
import unicodedata

_REIWA = re.compile(r"令和\s*(\d+|元)\s*年")
_PHONE = re.compile(r"(?<!\d)0\d{1,4}-\d{1,4}-\d{3,4}(?!\d)")
_URL = re.compile(r"https?://[^\s<>|）)」]+")
_TIME = re.compile(r"(?<![\d:])([0-2]?\d):([0-5]\d)(?![\d:])")
_LAW = re.compile(r"第\s*\d+\s*条(?:\s*第\s*\d+\s*項)?|\d+(?:-\d+){2,}")
_JA_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_NUM_DATE = re.compile(r"(?<!\d)(\d{4})[./-](\d{1,2})[./-](\d{1,2})(?!\d)")
_EN_MONTHS = {
    m: i
    for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"],
        start=1,
    )
}
_EN_DATE = re.compile(
    r"\b(" + "|".join(_EN_MONTHS) + r")\s+(\d{1,2})(?:\s*,?\s*(\d{4}))?", re.IGNORECASE
)
_ORPHAN_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def canonical(text: str) -> str:
    """NFKC, unify dashes and turn 令和N年 into the western year."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[‐‑‒–—―ー−](?=\d)", "-", text)

    def reiwa(m: re.Match[str]) -> str:
        n = 1 if m.group(1) == "元" else int(m.group(1))
        return f"{2018 + n}年"

    return _REIWA.sub(reiwa, text)


def _is_law_number(token: str) -> bool:
    return not _PHONE.fullmatch(token) and not _NUM_DATE.fullmatch(token)


def extract(text: str) -> dict[str, set[str]]:
    """Return the facts in ``text`` grouped by kind, each in one comparable form."""
    text = canonical(text)
    facts: dict[str, set[str]] = {k: set() for k in ("phone", "url", "time", "law", "date", "year")}
    facts["phone"] = set(_PHONE.findall(text))
    facts["url"] = {u.rstrip("/.。、") for u in _URL.findall(text)}
    without_urls = _URL.sub(" ", text)
    without_phones = _PHONE.sub(" ", without_urls)
    facts["time"] = {f"{int(h)}:{m}" for h, m in _TIME.findall(without_phones)}
    facts["law"] = {
        re.sub(r"\s+", "", t) for t in _LAW.findall(without_phones) if _is_law_number(t)
    }
    for y, mo, d in _JA_DATE.findall(without_phones):
        facts["date"].add(f"{int(mo)}-{int(d)}")
        if y:
            facts["year"].add(y)
    for y, mo, d in _NUM_DATE.findall(without_phones):
        facts["date"].add(f"{int(mo)}-{int(d)}")
        facts["year"].add(y)
    for mon, d, y in _EN_DATE.findall(without_phones):
        facts["date"].add(f"{_EN_MONTHS[mon.lower()]}-{int(d)}")
        if y:
            facts["year"].add(y)
    facts["year"] |= set(_ORPHAN_YEAR.findall(_JA_DATE.sub(" ", _NUM_DATE.sub(" ", without_phones))))
    return facts


def unsupported(answer: str, sources_text: str) -> list[str]:
    """Facts stated in ``answer`` that ``sources_text`` does not contain."""
    said, known = extract(answer), extract(sources_text)
    missing: list[str] = []
    for kind, values in said.items():
        for value in sorted(values - known[kind]):
            missing.append(f"{kind} {value}")
    return missing
