"""How the bot is doing, for HR: per day, rates, feedback per entry, related questions opened,
open review items."""

from __future__ import annotations

import datetime as dt
from typing import Any

from faq.store import Store

TOP_ENTRIES = 10


def stats(store: Store, since: dt.date | None = None) -> dict[str, Any]:
    start = (since or dt.date(1970, 1, 1)).isoformat()
    per_day = [
        {"date": day, "questions": total, "answered": answered, "clarify": clarify, "escalated": escalated}
        for day, total, answered, clarify, escalated in store.questions_per_day(start)
    ]
    total = sum(d["questions"] for d in per_day)

    def rate(key: str) -> float:
        return round(sum(d[key] for d in per_day) / total, 4) if total else 0.0

    feedback = {entry_id: {"up": up, "down": down} for entry_id, up, down in store.votes_per_entry(start)}
    top = [{"entry_id": e, "questions": n} for e, n in store.top_answers(start, TOP_ENTRIES)]
    related = [{"from": f, "to": t, "clicks": n} for f, t, n in store.related_click_counts(start)]
    return {"since": since.isoformat() if since else None, "questions": total, "per_day": per_day,
            "answer_rate": rate("answered"), "clarify_rate": rate("clarify"), "escalation_rate": rate("escalated"),
            "feedback": feedback, "top_entries": top, "related_clicks": related,
            "open_review_items": store.open_review_item_count()}
