"""How the bot is doing, for HR: per day, rates, feedback per entry, related questions opened,
open review items."""

from __future__ import annotations

import datetime as dt
from typing import Any

from faq.store import Store


def stats(store: Store, since: dt.date | None = None) -> dict[str, Any]:
    start = (since or dt.date(1970, 1, 1)).isoformat()
    db = store.db
    per_day = [
        {"date": day, "questions": total, "answered": answered, "clarify": clarify, "escalated": escalated}
        for day, total, answered, clarify, escalated in db.execute(
            "select substr(asked_at, 1, 10) d, count(*), sum(outcome = 'answer'), sum(outcome = 'clarify'), "
            "sum(outcome = 'escalate') from questions where asked_at >= ? and channel_kind != 'cli' "
            "group by d order by d", [start]).fetchall()
    ]
    total = sum(d["questions"] for d in per_day)

    def rate(key: str) -> float:
        return round(sum(d[key] for d in per_day) / total, 4) if total else 0.0

    feedback = {
        entry_id: {"up": up, "down": down}
        for entry_id, up, down in db.execute(
            "select entry_id, sum(value > 0), sum(value < 0) from feedback where created_at >= ? "
            "and entry_id is not null group by entry_id order by entry_id", [start]).fetchall()
    }
    top = [{"entry_id": e, "questions": n} for e, n in db.execute(
        "select entry_id, count(*) n from questions where asked_at >= ? and outcome = 'answer' "
        "and channel_kind != 'cli' group by entry_id order by n desc, entry_id limit 10", [start]).fetchall()]
    related = [{"from": f, "to": t, "clicks": n} for f, t, n in db.execute(
        "select from_entry_id, entry_id, count(*) n from related_clicks where created_at >= ? "
        "group by from_entry_id, entry_id order by n desc, from_entry_id, entry_id", [start]).fetchall()]
    open_items = db.execute(
        "select count(*) from review_items where status in ('open', 'in_progress')").fetchone()[0]
    return {"since": since.isoformat() if since else None, "questions": total, "per_day": per_day,
            "answer_rate": rate("answered"), "clarify_rate": rate("clarify"), "escalation_rate": rate("escalated"),
            "feedback": feedback, "top_entries": top, "related_clicks": related,
            "open_review_items": open_items}
