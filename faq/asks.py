"""What a question asks for, and whether an entry's answer holds it.

「二次被害が出たら誰が補償するの？」 is worded in the secondary-damage topic's vocabulary, but
asks for something that answer does not contain (who pays). Questions asking for an amount, a
count, a time of day, a name, a method, a future date or how long data is kept get an entry's
answer only when that answer holds such a thing; otherwise the notices do not say, and the
question goes to HR. The phrases live in ``matching.yaml``; every pattern is an alternation of
literal phrases, so the work is linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from faq.phrases import compile_phrases


@dataclass(frozen=True)
class AskedFor:
    """One kind of information: phrases that ask for it, phrases of an answer that holds it."""

    name: str
    question: re.Pattern[str] | None
    answer: re.Pattern[str] | None

    def held_by(self, answer: str) -> bool:
        """The answer holds this kind of information."""
        return self.answer is not None and self.answer.search(answer) is not None

    def unmet_by(self, question: str, answer: str) -> bool:
        """The question asks for this and the answer does not hold it."""
        if self.question is None or not self.question.search(question):
            return False
        return not self.held_by(answer)


def compile_asks(rules: dict[str, tuple[list[str], list[str]]]) -> list[AskedFor]:
    """One ``AskedFor`` per configured kind: (question phrases, answer phrases)."""
    return [AskedFor(name, compile_phrases(q), compile_phrases(a)) for name, (q, a) in rules.items()]


def asked(asks: list[AskedFor], question: str) -> list[AskedFor]:
    """The kinds of information the question asks for."""
    return [a for a in asks if a.question is not None and a.question.search(question)]


def unmet(asks: list[AskedFor], question: str, answer: str) -> str | None:
    """The first kind of information the question asks for and the answer lacks, if any."""
    return next((a.name for a in asks if a.unmet_by(question, answer)), None)
