"""Literal phrases as one regular expression: the form every phrase list of the content takes.

An alternation of escaped literals, longest first (so 「ではなくて」 wins over 「ではなく」), has no
nested quantifiers: matching it is linear in the length of the text, whatever staff type.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation_source(phrases: Iterable[str]) -> str:
    """The pattern text matching any of ``phrases`` (empty phrases dropped), longest first."""
    ordered = sorted({p for p in phrases if p}, key=len, reverse=True)
    return "|".join(map(re.escape, ordered))


def compile_phrases(phrases: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern[str] | None:
    """A pattern matching any of ``phrases``, or None when there are none."""
    source = alternation_source(phrases)
    return re.compile(source, flags) if source else None
