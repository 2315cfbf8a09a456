"""Issue 10: nothing lost after the ack, replies that never wait on HR, bounded work per request."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from faq.models import Origin
from testsupport.slack_requests import SIGNING_SECRET, direct_message, signature, slash_command
from testsupport.slack_app import HR_CHANNEL, start_app


def _post_bytes(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


MALFORMED = {
    "broken json": b'{"type": "event_callback", "event": {',
    "invalid utf-8": b'{"type": "event_callback", "text": "\xff\xfe\xc3"}',
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "form with invalid utf-8": b"payload=%7B%22a%22%3A\xff",
}


@pytest.mark.parametrize("name", MALFORMED)
@pytest.mark.parametrize("signed_with", ["nothing", "another secret"])
def test_malformed_unauthenticated_requests_get_401_without_a_traceback(slack_app, caplog, name, signed_with):
    caplog.set_level(logging.DEBUG)
    body = MALFORMED[name]
    ts = str(int(time.time()))
    headers = {"X-Slack-Request-Timestamp": ts}
    if signed_with == "another secret":
        headers["X-Slack-Signature"] = signature(body.decode("latin-1"), ts, "not-the-secret")
    status, _ = _post_bytes(slack_app.url, body, headers)
    assert status == 401
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert slack_app.rows("questions") == []


def test_signed_body_that_is_not_utf8_is_a_bad_request_not_a_crash(slack_app, caplog):
    body = MALFORMED["invalid utf-8"]
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    status, _ = _post_bytes(slack_app.url, body, {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig})
    assert status == 400
    assert not [r for r in caplog.records if r.exc_info]


def test_oversized_body_is_refused_before_it_is_read(slack_app):
    """Only the headers are sent: the answer comes without waiting for (or reading) the body."""
    host, port = slack_app.base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("POST", "/slack/events")
    conn.putheader("Content-Length", "50000000")
    conn.putheader("Content-Type", "application/json")
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()


# -- replies never wait on the HR channel (item 1) -----------------------------------------

def _dm_replies(app, prefix: str) -> list:
    return [c for c in app.stub.calls_to("chat.postMessage") if str(c.params.get("channel", "")).startswith(prefix)]


def test_a_hanging_hr_channel_delays_no_reply(stub, db_path):
    """Five escalations whose HR posts hang, then three answerable questions: every reply goes
    out while the HR posts are still hanging. (Inline HR posts held every listener thread.)"""
    app, server = start_app(stub, db_path, slack_api_timeout=30.0)
    try:
        stub.fail("chat.postMessage", times=100, hang=20.0, when=lambda p: p.get("channel") == HR_CHANNEL)
        questions = ["身代金は払ったんですか？"] * 5 + ["マイナンバーは大丈夫？"] * 3
        for i, text in enumerate(questions):
            event = direct_message(text, channel=f"DHANG{i}", ts=f"1700002000.{i:06d}")
            assert app.event(event, f"EvHang{i}", settle=False)[0] == 200
        deadline = time.monotonic() + 10
        while len(_dm_replies(app, "DHANG")) < len(questions) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(_dm_replies(app, "DHANG")) == len(questions)
        assert all(p["status"] != "sent" for p in app.rows("hr_posts"))
        assert len(app.rows("hr_posts")) == 5
    finally:
        app.bot.intake.stop()
        server.shutdown()
        server.server_close()


# -- a lease never runs out mid-send, and only the holder marks a post (item 7) ------------

def test_rate_limited_hr_post_goes_back_to_the_outbox_instead_of_sleeping_past_its_lease(slack_app, stub):
    stub.fail("chat.postMessage", times=2, status=429, retry_after=35, when=lambda p: p.get("channel") == HR_CHANNEL)
    slack_app.bot.notifier.stop()  # deliver by hand, in a thread we can watch
    slack_app.event(direct_message("身代金は払ったんですか？"), "Ev429Lease", settle=False)
    deadline = time.monotonic() + 10
    while not slack_app.rows("hr_posts") and time.monotonic() < deadline:
        time.sleep(0.02)
    [post] = slack_app.rows("hr_posts")
    done = threading.Event()
    threading.Thread(target=lambda: (slack_app.bot.notifier.deliver(post["id"]), done.set()), daemon=True).start()
    # Before: the client slept Retry-After twice (~71 s) inside a 60 s lease.
    assert done.wait(10), "deliver() is still sleeping on Retry-After"
    [post] = slack_app.rows("hr_posts")
    assert post["status"] == "pending" and "429" in post["last_error"]
    assert post["next_attempt_at"] >= _in(30)
    assert len(stub.calls_to("chat.postMessage", channel=HR_CHANNEL)) == 1


def _in(seconds: float) -> str:
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")


def test_only_the_current_claim_marks_a_post(store, service):
    question_id = service.ask("身代金は払ったんですか？", Origin("im", event_id="EvFence"), tell_hr=True).question_id
    post_id = store.hr_post_id(question_id, "escalate")
    first = store.claim_hr_post(post_id)
    store.db.execute("update hr_posts set lease_until = '2000-01-01' where id = ?", [post_id])  # lease ran out
    second = store.claim_hr_post(post_id)
    assert second is not None and second.claim != first.claim
    assert not store.hr_post_claim_held(post_id, first.claim)
    assert store.mark_hr_post_sent(post_id, first.claim, "C1", "1.1") is False
    assert store.mark_hr_post_failed(post_id, first.claim, "late", 5) is False
    assert store.mark_hr_post_sent(post_id, second.claim, "C1", "1.2") is True
    assert store.db.execute("select status, ts from hr_posts where id = ?", [post_id]).fetchone() == ("sent", "1.2")


# -- the HR post's notification text is escaped (item 4) -----------------------------------

def test_hr_post_text_carries_no_live_markup(slack_app, stub):
    # Live markup, and what Slack sends for markup typed literally (escaped): plain text
    # carries the latter as a real "<!channel>", which the notification text must escape.
    text = ("<!channel> <!here> <@U0OTHER> <https://evil.example|給与明細> &lt;!channel&gt; &lt;@U0OTHER&gt; "
            "身代金は払ったんですか？")
    slack_app.event(direct_message(text), "EvMarkup")
    [hr] = stub.wait_for("chat.postMessage", channel=HR_CHANNEL)
    everything = hr.params["text"] + json.dumps(hr.params["blocks"], ensure_ascii=False)
    for live in ("<!channel>", "<!here>", "<@U0OTHER>", "<https://evil"):
        assert live not in everything, live
    assert "身代金は払ったんですか" in hr.params["text"] and "<" not in hr.params["text"]


# -- a database that cannot be written (item 6) --------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A real 64 MB tmpfs: filling it gives SQLite its genuine 'database or disk is full'."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount_point)],
                      capture_output=True).returncode != 0:
        pytest.skip("needs permission to mount a tmpfs (root in a container)")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def _fill(path) -> None:
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * (1 << 16))
        except OSError:
            pass


def test_full_disk_still_answers_keeps_the_question_and_fails_healthz(small_disk, stub, caplog):
    caplog.set_level(logging.WARNING)
    app, server = start_app(stub, small_disk / "faqbot.db")
    try:
        filler = small_disk / "filler"
        _fill(filler)
        assert app.event(direct_message("身代金は払ったんですか？", channel="DFULL1"), "EvFull1")[0] == 200
        [reply] = _dm_replies(app, "DFULL1")
        assert "083-252-0288" in json.dumps(reply.params["blocks"], ensure_ascii=False)
        status, text = app.form(slash_command("不審な電話が来たらどうする？", stub.response_url()))
        assert status == 200 and "083-252-0288" in text
        try:
            urllib.request.urlopen(f"{app.base}/healthz", timeout=5)
            raise AssertionError("healthz answered 200 on a full disk")
        except urllib.error.HTTPError as err:
            assert err.code == 503 and json.loads(err.read())["status"] == "unwritable"
        assert "kept in memory" in caplog.text
        assert app.rows("questions") == []

        filler.unlink()  # the operator frees space: nothing was lost
        deadline = time.monotonic() + 15
        while len(app.rows("questions")) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sorted(r["channel_kind"] for r in app.rows("questions")) == ["im", "slash"]
        [hr] = stub.wait_for("chat.postMessage", channel=HR_CHANNEL)
        assert "身代金" in hr.params["text"]
        with urllib.request.urlopen(f"{app.base}/healthz", timeout=5) as response:
            assert response.status == 200
        assert len(_dm_replies(app, "DFULL1")) == 1
    finally:
        app.stop()


# -- no bodies in the logs at any level (item 5) ----------------------------------------------

@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
def test_no_request_or_reply_body_is_logged_at_any_level(stub, db_path, level):
    """Bolt resets its loggers to the root level when the App is built, after logging was set up."""
    import io

    from bot.logs import configure_logging
    from testsupport.slack_requests import event_callback, mention, post

    configure_logging(level)
    stream = io.StringIO()
    logging.getLogger().handlers[0].setStream(stream)
    app, server = start_app(stub, db_path)
    try:
        app.event(direct_message("身代金は払ったんですか QUESTION-BODY"), "EvLogs")
        stub.wait_for("chat.postMessage", channel=HR_CHANNEL)
        app.form(slash_command("SLASH-BODY 身代金は払ったんですか", stub.response_url()))
        body = event_callback(mention("UNSIGNED-BODY " + "あ" * 60_000), "EvUnsigned")
        assert post(app.url, body, {"X-Slack-Request-Timestamp": str(int(time.time())),
                                    "X-Slack-Signature": "v0=00"})[0] == 401
        app.settle()
    finally:
        app.stop()
        configure_logging("WARNING")
    logged = stream.getvalue()
    # Bolt's DEBUG records carry reply bodies ("Responding with status: 200 body: ..."), its
    # INFO ones unauthenticated bodies: none of its records below WARNING may get through.
    assert not re.search(r" (DEBUG|INFO) slack_(bolt|sdk)", logged)
    assert "SLASH-BODY" not in logged and "QUESTION-BODY" not in logged and "UNSIGNED-BODY" not in logged and "xoxb-" not in logged


# -- retention leaves no text behind (item 8) ----------------------------------------------

def test_purge_rewrites_a_groups_representative_from_a_purged_question(store, service):
    queue = service.review_queue()
    old = service.ask("山田太郎の給与明細は漏れましたか", Origin("im", event_id="EvOld")).question_id
    queue.add(old, "escalate")
    store.db.execute("update questions set asked_at = '2020-01-01T00:00:00+00:00' where id = ?", [old])
    new = service.ask("佐藤花子の給与明細は漏れましたか", Origin("im", event_id="EvNew")).question_id
    queue.add(new, "escalate")
    [group] = store.db.execute("select id from review_groups").fetchall()
    assert store.purge(30) == 1
    texts = json.dumps([list(r) for r in store.db.execute("select * from review_groups")], ensure_ascii=False)
    assert "山田太郎" not in texts and "佐藤花子" in texts


# -- faq import refuses a file built to exhaust memory (item 10) ---------------------------

def test_import_refuses_an_alias_bomb_before_parsing(tmp_path, service):
    from faq.content import ContentError
    from faq.editing import Editor
    from faq.transfer import plan_import

    bomb = tmp_path / "bomb.yaml"
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 30) + "]" for i in range(8)]
    bomb.write_text("\n".join(lines) + "\n")  # 30^8 × 10 strings once expanded
    started = time.perf_counter()
    with pytest.raises(ContentError) as refused:
        plan_import(Editor(service), bomb)
    assert "aliases" in str(refused.value)
    assert time.perf_counter() - started < 5


# -- buttons: channel and allowed ids from the stored question (item 11) -------------------

def test_button_payloads_cannot_redirect_or_forge(slack_app, stub):
    from testsupport.slack_requests import block_action, mention

    slack_app.event(mention("調査結果", ts="1700004000.000100"), "EvForgeClarify")
    [question] = slack_app.rows("questions")
    assert question["outcome"] == "clarify"
    offered = [c["entry_id"] for c in json.loads(question["candidates"])]
    not_offered = "dark-web" if "dark-web" not in offered else "contact-hr"
    # A pick of an entry the bot never offered, and a pick naming another channel.
    slack_app.form(block_action("clarify_pick_0", json.dumps({"q": question["id"], "e": not_offered}),
                                stub.response_url(), channel="C0EVIL", message_ts="1.1"))
    assert slack_app.rows("choices") == []
    slack_app.form(block_action("clarify_pick_0", json.dumps({"q": question["id"], "e": offered[0]}),
                                stub.response_url(), channel="C0EVIL", message_ts="1.1", trigger_id="tr-b"))
    [answer] = [c for c in stub.calls_to("chat.postMessage") if c.params.get("blocks")
                and c.params.get("thread_ts") == "1700004000.000100" and len(c.params["blocks"]) >= 2][-1:]
    assert answer.params["channel"] == "C0GENERAL"
    assert not stub.calls_to("chat.postMessage", channel="C0EVIL")
    assert [c["entry_id"] for c in slack_app.rows("choices")] == [offered[0]]
    # A vote on someone else's private (DM) question, or on a question id that does not exist,
    # and a hand-over of someone else's question, change nothing.
    slack_app.event(direct_message("マイナンバーは大丈夫？", ts="1700004000.000200"), "EvForgeDm")
    dm_question = slack_app.rows("questions")[-1]["id"]
    for i, qid in enumerate([dm_question, 999_999]):
        slack_app.form(block_action("feedback_down", str(qid), stub.response_url(f"v{i}"), user="U0STRANGER",
                                    trigger_id=f"tr-c{i}"))
    slack_app.form(block_action("ask_hr", str(question["id"]), stub.response_url("h"), user="U0STRANGER",
                                trigger_id="tr-d"))
    assert slack_app.rows("feedback") == [] and slack_app.rows("hr_posts") == []
