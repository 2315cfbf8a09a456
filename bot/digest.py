"""The weekly digest for the HR channel: the week's numbers and a chart, because HR would
rather look than read. Run it from cron (`faqbot digest`) or as the Procfile's scheduler
(`faqbot digest --weekly`, every Monday 09:00 in DIGEST_TIMEZONE)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import time
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.admin_blocks import stats_blocks
from bot.blocks import plain_text
from faq.content import HrMessageSet
from faq.stats import stats
from faq.store import Store

log = logging.getLogger(__name__)

WEEK = dt.timedelta(days=7)


def chart_png(per_day: list[dict[str, Any]], since: dt.date, until: dt.date) -> bytes:
    """Questions and escalations per day, every day of the week shown (zero when quiet)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = {d["date"]: d for d in per_day}
    days = [since + dt.timedelta(days=i) for i in range((until - since).days + 1)]
    questions = [counts.get(d.isoformat(), {}).get("questions", 0) for d in days]
    escalated = [counts.get(d.isoformat(), {}).get("escalated", 0) for d in days]
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=110)
    labels = [d.strftime("%m/%d") for d in days]
    ax.bar(labels, questions, color="#1d4e89", label="questions")
    ax.bar(labels, escalated, color="#e07a1f", label="escalated to HR")
    ax.set_ylabel("per day")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def digest_blocks(msg: HrMessageSet, data: dict[str, Any], since: dt.date, until: dt.date) -> list[dict[str, Any]]:
    period = msg.text("digest_period", since=since.isoformat(), until=until.isoformat())
    return [{"type": "header", "text": plain_text(msg.digest_title, 150)},
            *stats_blocks(msg, data, "digest_downvoted_item", heading=period + "\n")]


def post_digest(store: Store, client: WebClient, channel: str, today: dt.date, msg: HrMessageSet) -> None:
    since, until = today - WEEK, today - dt.timedelta(days=1)
    data = stats(store, since)
    data["per_day"] = [d for d in data["per_day"] if d["date"] <= until.isoformat()]
    client.chat_postMessage(channel=channel, text=msg.text("digest_text", questions=str(data["questions"])),
                            blocks=digest_blocks(msg, data, since, until))
    client.files_upload_v2(channel=channel, content=chart_png(data["per_day"], since, until),
                           filename=f"faqbot-{until.isoformat()}.png", title=msg.digest_chart_title)


def next_monday_morning(now: dt.datetime) -> dt.datetime:
    days = (7 - now.weekday()) % 7
    target = (now + dt.timedelta(days=days)).replace(hour=9, minute=0, second=0, microsecond=0)
    return target if target > now else target + WEEK


def run_weekly(store: Store, client: WebClient, channel: str, timezone: str, msg: HrMessageSet) -> None:
    """Post every Monday at 09:00 local time; a failed post is logged and tried next week."""
    zone = ZoneInfo(timezone)
    while True:
        now = dt.datetime.now(zone)
        wake = next_monday_morning(now)
        time.sleep(max((wake - now).total_seconds(), 1))
        try:
            post_digest(store, client, channel, wake.date(), msg)
        except Exception:
            log.exception("weekly digest failed")
