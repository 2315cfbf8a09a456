"""Small things tests build again and again: a decision, a private copy of the content folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from faq.content import CONTENT_DIR
from faq.models import Candidate, Decision, Outcome


def decision(question: str = "q", outcome: Outcome = Outcome.ESCALATE, entry_id: str | None = None,
             *candidates: str, language: str = "ja") -> Decision:
    """A decision as the engine would make it; candidates score 0.5."""
    return Decision(question=question, language=language, outcome=outcome, entry_id=entry_id,
                    candidates=[Candidate(entry_id=c, score=0.5) for c in candidates])


def copy_content(target: Path) -> Path:
    """The shipped content folder copied to ``target``, to edit without touching the original."""
    shutil.copytree(CONTENT_DIR, target)
    return target
