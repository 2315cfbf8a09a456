"""Synthetic FAQs of a given size, for measuring speed as the FAQ grows.

Entries are made from the words of the notices in the shapes staff use, deterministically,
so every run measures the same FAQ.
"""

from __future__ import annotations

import datetime as dt
import random
import re

from faq.content import FaqContent
from faq.models import Entry, EntryKind, Source

_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u30a0-\u30ff]{3,8}")
_JA_SHAPES = ["{a}の{b}について教えてください", "{a}は{b}ですか", "{a} {b}", "{a}と{b}の関係は",
              "{a}の{b}はどうなっていますか", "{b}に関する{a}を知りたい", "{a}で{b}はありますか",
              "{a}の{b}はいつですか"]
_EN_WORDS = ["payroll", "notice", "security", "contract", "office", "report", "system", "data",
             "access", "service", "contact", "period", "review", "incident", "response", "staff"]


def synthetic_content(base: FaqContent, size: int, seed: int = 7) -> FaqContent:
    """``base`` plus synthetic entries, ``size`` entries in all (8 phrasings each)."""
    rng = random.Random(seed)
    words = sorted(set(_WORD.findall("\n".join(n.body for n in base.notices.values()))))
    entries = list(base.entries)
    for i in range(max(size - len(entries), 0)):
        a, b = rng.sample(words, 2)
        c, d = rng.sample(_EN_WORDS, 2)
        phrasings = [shape.format(a=a, b=b) + f"（{i}）" for shape in rng.sample(_JA_SHAPES, 8)]
        entries.append(Entry(
            id=f"synthetic-{i}", kind=EntryKind.ANSWER, question=f"{a}の{b}は？（{i}）", phrasings=phrasings,
            answer=f"{a}と{b}についての回答です（{i}）。", question_en=f"What about {c} {d} {i}?",
            phrasings_en=[f"{c} {d} {i}", f"tell me about the {c} {i}", f"is the {d} {i} affected"],
            answer_en=f"About {c} and {d} ({i}).", updated=dt.date(2026, 11, 26),
            sources=[Source(notice="univ-2023-08-24", quote="人事課 083-252-0288")],
        ))
    return FaqContent(entries, base.synonyms, base.notices, base.matching, base.messages)
