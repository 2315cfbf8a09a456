"""The few errors the engine and the store raise, so each front end maps them in one place.

The command line turns a ``FaqError`` into one line on stderr and exit 1; Slack turns it into a
polite reply (or a modal error). Their messages are written for the operator: what is wrong and
which command shows the valid choices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faq.content import Problem


class FaqError(Exception):
    """Something the operator asked for cannot be done; the message says why."""


class NotFound(FaqError):
    """An entry, revision, question, review item or group that does not exist."""


class Conflict(FaqError):
    """The change collides with the current state (someone saved first, an id is taken)."""


class VersionConflict(Conflict):
    """Someone else saved the entry (or document) since the editor opened it."""

    def __init__(self, name: str, expected: int | None, current: int | None):
        self.entry_id, self.expected, self.current = name, expected, current
        super().__init__(f"entry {name} is at version {current}, not {expected}")


class ContentError(FaqError):
    """Content is invalid; carries every problem found (file, entry, field)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class IncompatibleDatabase(FaqError):
    """A database file this faqbot must not use: newer schema, damaged, or not faqbot's."""
