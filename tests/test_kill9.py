"""kill -9 of `faqbot serve` (real gunicorn) after Slack got its 200s: nothing is lost."""

from __future__ import annotations

import os
import signal
import sqlite3
import time

from testsupport.processes import HR_CHANNEL, start_server
from testsupport.slack_requests import FORM, block_action, direct_message, event_callback, post, signed_headers


def _answered_replies(stub, prefix: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in stub.calls_to("chat.postMessage"):
        channel = str(call.params.get("channel", ""))
        if channel.startswith(prefix) and call.answered:
            counts[channel] = counts.get(channel, 0) + 1
    return counts


def test_kill_9_loses_no_acknowledged_event(tmp_path, stub):
    """The HR channel and people's DMs hang, so the workers are stuck mid-send and the rest
    waits in the inbox; kill -9; a new process answers every event exactly once. Example
    questions clicked in App Home (answered in the person's DM) are kept the same way."""
    stub.fail("chat.postMessage", times=10_000, hang=120.0,
              when=lambda p: str(p.get("channel", "")).startswith(("DKILL", "UKILL", HR_CHANNEL)))
    log = open(tmp_path / "server.log", "w")
    proc, port = start_server(stub, tmp_path, log, SLACK_API_TIMEOUT="60")
    url = f"http://127.0.0.1:{port}/slack/events"
    questions = ["身代金は払ったんですか？", "マイナンバーは大丈夫ですか", "いつ起きたのですか"]
    count = 24
    clicks = 3
    try:
        for i in range(count):
            event = direct_message(questions[i % 3], channel=f"DKILL{i:03d}", ts=f"1700003000.{i:06d}")
            body = event_callback(event, f"EvKill{i:03d}")
            assert post(url, body, signed_headers(body))[0] == 200
        for i in range(clicks):
            body = block_action("example_question_0", "マイナンバーは大丈夫ですか？", "", user=f"UKILL{i:03d}",
                                container_type="view", trigger_id=f"trKill{i}")
            assert post(url, body, signed_headers(body), FORM)[0] == 200
        stub.wait_for("chat.postMessage", count=2, timeout=30)  # workers are mid-send now
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # gunicorn's master and worker, no clean-up
        proc.wait(30)
    stub.clear_failures()
    proc, port = start_server(stub, tmp_path, log)
    try:
        deadline = time.monotonic() + 60
        while (len(_answered_replies(stub, "DKILL")) < count or len(_answered_replies(stub, "UKILL")) < clicks) \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        replies = _answered_replies(stub, "DKILL")
        assert set(_answered_replies(stub, "UKILL").values()) == {1} and len(_answered_replies(stub, "UKILL")) == clicks
        unanswered = [c for c in stub.calls_to("chat.postMessage") if not c.answered
                      and str(c.params.get("channel", "")).startswith("DKILL")]
        assert unanswered, "the first process should have died mid-send"
        assert len(replies) == count, f"lost: {count - len(replies)}"
        assert set(replies.values()) == {1}, "an event was answered twice"
        with sqlite3.connect(tmp_path / "bench.db") as conn:
            assert conn.execute("select count(*) from questions where event_id like 'EvKill%'").fetchone()[0] == count
            assert conn.execute("select count(*) from questions where event_id like 'action:trKill%'").fetchone()[0] \
                == clicks
            assert conn.execute("select count(*) from inbox where status != 'done'").fetchone()[0] == 0
            text = " ".join(r[0] for r in conn.execute("select payload from inbox"))
        assert "身代金" not in text  # payloads are dropped once answered
        hr = [c for c in stub.calls_to("chat.postMessage", channel=HR_CHANNEL) if c.answered]
        deadline = time.monotonic() + 30
        while len(hr) < count // 3 and time.monotonic() < deadline:
            time.sleep(0.1)
            hr = [c for c in stub.calls_to("chat.postMessage", channel=HR_CHANNEL) if c.answered]
        assert len(hr) == count // 3
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
