"""Aggregates for HR's numbers (``faq.stats``); questions asked from the CLI are left out."""

from __future__ import annotations

from faq.store.core import Connections


class ReportsStore(Connections):
    def questions_per_day(self, since: str) -> list[tuple[str, int, int, int, int]]:
        """(date, questions, answered, clarify, escalated) per day from ``since``."""
        return [tuple(r) for r in self.db.execute(
            "select substr(asked_at, 1, 10) d, count(*), sum(outcome = 'answer'), sum(outcome = 'clarify'), "
            "sum(outcome = 'escalate') from questions where asked_at >= ? and channel_kind != 'cli' "
            "group by d order by d", [since]).fetchall()]

    def votes_per_entry(self, since: str) -> list[tuple[str, int, int]]:
        """(entry id, 👍, 👎) per entry from ``since``."""
        return [tuple(r) for r in self.db.execute(
            "select entry_id, sum(value > 0), sum(value < 0) from feedback where created_at >= ? "
            "and entry_id is not null group by entry_id order by entry_id", [since]).fetchall()]

    def top_answers(self, since: str, limit: int) -> list[tuple[str, int]]:
        """(entry id, questions answered with it), most first."""
        return [tuple(r) for r in self.db.execute(
            "select entry_id, count(*) n from questions where asked_at >= ? and outcome = 'answer' "
            "and channel_kind != 'cli' group by entry_id order by n desc, entry_id limit ?",
            [since, limit]).fetchall()]

    def related_click_counts(self, since: str) -> list[tuple[str | None, str, int]]:
        """(from entry, opened entry, clicks), most first."""
        return [tuple(r) for r in self.db.execute(
            "select from_entry_id, entry_id, count(*) n from related_clicks where created_at >= ? "
            "group by from_entry_id, entry_id order by n desc, from_entry_id, entry_id", [since]).fetchall()]
