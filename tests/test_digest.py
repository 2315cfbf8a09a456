"""The weekly digest: numbers as blocks and a real PNG chart, uploaded to the HR channel."""

from __future__ import annotations

import datetime as dt
import json

from bot.digest import chart_png, next_monday_morning
from faq.models import Origin, Outcome
from faq.service import FaqService
from faq.store import Store
from testsupport.builders import decision
from testsupport.processes import clean_env, faqbot


def test_chart_is_a_png_with_every_day():
    png = chart_png([{"date": "2026-11-20", "questions": 4, "escalated": 1}], dt.date(2026, 11, 19),
                    dt.date(2026, 11, 25))
    assert png.startswith(b"\x89PNG") and len(png) > 2000


def test_next_monday_morning():
    wed = dt.datetime(2026, 11, 25, 15, 0)
    assert next_monday_morning(wed) == dt.datetime(2026, 11, 30, 9, 0)
    monday_late = dt.datetime(2026, 11, 30, 10, 0)
    assert next_monday_morning(monday_late) == dt.datetime(2026, 12, 7, 9, 0)


def test_digest_posts_numbers_and_chart_to_hr(tmp_path, stub):
    db = tmp_path / "d.db"
    store = Store(db)
    FaqService.open(store)
    for outcome in (Outcome.ANSWER, Outcome.ANSWER, Outcome.ESCALATE):
        store.log_question(decision("q", outcome),
                           Origin("im", "U1"))
    store.db.execute("update questions set asked_at = ?", [(dt.date.today() - dt.timedelta(days=1)).isoformat()
                                                            + "T09:00:00+00:00"])
    result = faqbot("digest", env=clean_env(DATABASE_PATH=str(db), SLACK_BOT_TOKEN="xoxb-digest",
                                            HR_CHANNEL_ID="C0HRTEAM", SLACK_API_URL=stub.api_url))
    assert result.returncode == 0, result.stderr
    [message] = stub.calls_to("chat.postMessage", channel="C0HRTEAM")
    assert "質問 3 件" in json.dumps(message.params["blocks"], ensure_ascii=False)
    [upload] = stub.calls_to("file_upload")
    assert upload.params["bytes"].startswith(b"\x89PNG")
    assert stub.calls_to("files.completeUploadExternal")
