"""End to end over real HTTP on loopback: signed Slack requests in, Web API calls out."""

from __future__ import annotations

import json
import logging
import time

import pytest

from testsupport.slack_app import HR_CHANNEL, start_app
from testsupport.slack_requests import (block_action, direct_message, event_callback, mention, signed_headers,
                                  slash_command)
from testsupport.slack_standin import BOT_USER_ID


def _texts(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def _replies(app, **match):
    return [c for c in app.stub.calls_to("chat.postMessage", **match) if c.params.get("channel") != HR_CHANNEL]


def test_url_verification(slack_app):
    body = json.dumps({"token": "x", "challenge": "ch4llenge", "type": "url_verification"})
    status, text = slack_app.send(body)
    assert status == 200 and "ch4llenge" in text


def test_mention_gets_the_answer_in_a_thread(slack_app):
    status, _ = slack_app.event(mention("マイナンバーは大丈夫？", ts="1700000100.000100"), "Ev100")
    assert status == 200
    [reply] = _replies(slack_app)
    assert reply.params["channel"] == "C0GENERAL" and reply.params["thread_ts"] == "1700000100.000100"
    blocks = _texts(reply.params["blocks"])
    assert "暗号化" in blocks and "当社サーバーへの不正アクセスに関する調査結果のご報告" in blocks
    assert "最終更新" in blocks and "feedback_up" in blocks and "feedback_down" in blocks
    assert slack_app.stub.calls_to("chat.postMessage", channel=HR_CHANNEL) == []
    [row] = slack_app.rows("questions")
    assert (row["outcome"], row["entry_id"], row["channel_kind"]) == ("answer", "my-number", "mention")


def test_out_of_scope_dm_gets_hr_number_and_one_hr_post(slack_app):
    slack_app.event(direct_message("身代金は払ったんですか？", ts="1700000200.000100"), "Ev200")
    [reply] = _replies(slack_app, channel="D0ASKER1")
    said = _texts(reply.params["blocks"])
    # One next step: HR has it and answers here; the phone is for urgent cases only.
    assert "人事課に伝えました" in said and "お返事します" in said and "お急ぎの場合は" in said
    assert "083-252-0288" in said and "お問い合わせください" not in said
    [hr] = slack_app.stub.wait_for("chat.postMessage", channel=HR_CHANNEL)
    hr_blocks = _texts(hr.params["blocks"])
    assert "身代金は払ったんですか" in hr_blocks and "<@U0ASKER1>" in hr_blocks
    assert "https://test.slack.com/archives/D0ASKER1/p1" in hr_blocks
    assert slack_app.stub.calls_to("chat.getPermalink", channel="D0ASKER1", message_ts="1700000200.000100")
    assert [p["status"] for p in slack_app.rows("hr_posts")] == ["sent"]


def test_four_deliveries_of_one_event_give_one_reply(slack_app):
    body = event_callback(direct_message("身代金は払ったんですか？"), "EvRetry")
    for retry in range(4):
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        status, _ = slack_app.send(body, extra=extra)
        assert status == 200
    assert len(_replies(slack_app)) == 1
    assert len(slack_app.rows("questions")) == 1
    assert len(slack_app.stub.calls_to("chat.postMessage", channel=HR_CHANNEL)) == 1


def test_replayed_signed_request_has_no_second_effect(slack_app):
    body = event_callback(mention("いつ起きたの？"), "EvReplay")
    headers = signed_headers(body)
    assert slack_app.send(body, headers=headers)[0] == 200
    assert slack_app.send(body, headers=headers)[0] == 200
    assert len(_replies(slack_app)) == 1 and len(slack_app.rows("questions")) == 1


@pytest.mark.parametrize("event", [
    direct_message("編集後", subtype="message_changed", message={"text": "x"}),
    direct_message("削除", subtype="message_deleted"),
    direct_message("bot says", bot_id="B0OTHER", subtype="bot_message"),
    direct_message("自分の投稿", user=BOT_USER_ID, bot_id="BBOT0001"),
    direct_message("チャンネル参加", subtype="channel_join"),
])
def test_ignored_messages_get_no_reply_and_no_404(slack_app, event):
    status, _ = slack_app.event(event, "EvIgnored")
    assert status == 200
    assert slack_app.stub.calls_to("chat.postMessage") == [] and slack_app.rows("questions") == []


def test_slash_command_answers_ephemerally(slack_app, stub):
    status, text = slack_app.form(slash_command("不審な電話が来たらどうする？", stub.response_url()))
    assert status == 200
    body = json.loads(text)
    assert body["response_type"] == "ephemeral" and "083-252-0288" in _texts(body["blocks"])
    assert slack_app.rows("questions")[0]["channel_kind"] == "slash"


def test_slash_command_alone_shows_usage(slack_app, stub):
    status, text = slack_app.form(slash_command("", stub.response_url()))
    body = json.loads(text)
    assert status == 200 and body["response_type"] == "ephemeral"
    assert "マイナンバーや口座番号は送らないでください" in _texts(body["blocks"])
    assert slack_app.rows("questions") == []


def test_feedback_up_and_down_then_ask_hr_once(slack_app, stub):
    slack_app.event(direct_message("情報は漏れたの？"), "EvFb")
    qid = slack_app.rows("questions")[0]["id"]
    slack_app.form(block_action("feedback_up", str(qid), stub.response_url("up")))
    assert [f["value"] for f in slack_app.rows("feedback")] == [1]
    slack_app.form(block_action("feedback_down", str(qid), stub.response_url("down"), trigger_id="tr-2"))
    assert [f["value"] for f in slack_app.rows("feedback")] == [-1]  # one vote per person, replaced
    [down] = stub.calls_to("response_url")[-1:]
    assert "ask_hr" in _texts(down.params["blocks"]) and down.params["response_type"] == "ephemeral"
    for trigger in ("tr-3", "tr-4"):
        slack_app.form(block_action("ask_hr", str(qid), stub.response_url("ask"), trigger_id=trigger))
    [hr] = stub.calls_to("chat.postMessage", channel=HR_CHANNEL)
    assert "👎" in _texts(hr.params["blocks"])
    assert "人事課に確認を依頼しました" in stub.calls_to("response_url")[-1].params["text"]


def test_clarify_offers_choices_and_a_click_answers_in_the_thread(slack_app, stub):
    slack_app.event(mention("連絡先", ts="1700000500.000100"), "EvClarify")
    [reply] = _replies(slack_app)
    buttons = [e for b in reply.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    picks, none_fits = buttons[:-1], buttons[-1]
    assert 2 <= len(picks) <= 3 and all(b["action_id"].startswith("clarify_pick_") for b in picks)
    assert none_fits["action_id"] == "clarify_none" and "どれにも当てはまらない" in none_fits["text"]["text"]
    chosen = next(b for b in picks if json.loads(b["value"])["e"] == "contact-mks")
    slack_app.form(block_action(chosen["action_id"], chosen["value"], stub.response_url(), channel="C0GENERAL",
                                message_ts="1700000500.000200", thread_ts="1700000500.000100"))
    answer = _replies(slack_app)[-1]
    assert answer.params["thread_ts"] == "1700000500.000100" and "0120-351-733" in _texts(answer.params["blocks"])
    [choice] = slack_app.rows("choices")
    assert choice["entry_id"] == "contact-mks"


def test_app_home_shows_usage_examples_and_privacy(slack_app, stub):
    slack_app.event({"type": "app_home_opened", "user": "U0ASKER1", "channel": "D0ASKER1", "tab": "home",
                     "event_ts": "1700000600.000100"}, "EvHome")
    [publish] = stub.calls_to("views.publish", user_id="U0ASKER1")
    view = _texts([publish.params["view"]])
    assert "マイナンバーや口座番号は送らないでください" in view and "example_question_0" in view
    assert "180日" in view
    example = publish.params["view"]["blocks"][4]["elements"][0]
    slack_app.form(block_action(example["action_id"], example["value"], stub.response_url(), container_type="view"))
    [answer] = _replies(slack_app, channel="U0ASKER1")
    assert "暗号化" in _texts(answer.params["blocks"])


def test_app_home_shows_no_retired_entry_as_an_example(slack_app, stub):
    stored = slack_app.store.stored_entry("my-number")
    slack_app.store.save_entry(stored.entry.model_copy(update={"retired": True}), changed_by="UHR",
                               expected_version=stored.version, action="retire")
    slack_app.event({"type": "app_home_opened", "user": "U0ASKER1", "channel": "D0ASKER1", "tab": "home",
                     "event_ts": "1700000600.000100"}, "EvHomeRetired")
    [publish] = stub.calls_to("views.publish", user_id="U0ASKER1")
    view = _texts([publish.params["view"]])
    assert stored.entry.question not in view and slack_app.store.stored_entry("leak").entry.question in view


@pytest.mark.parametrize("tamper", ["forged", "body", "stale", "malformed"])
def test_unauthentic_requests_are_refused_without_side_effects_or_logs(slack_app, caplog, tamper):
    caplog.set_level(logging.DEBUG)
    body = event_callback(mention("秘密の質問 SECRET-BODY"), "EvForged")
    headers = signed_headers(body)
    if tamper == "forged":
        headers = signed_headers(body, secret="not-the-secret")
    elif tamper == "body":
        body = body.replace("SECRET-BODY", "SECRET-B0DY")
    elif tamper == "stale":
        headers = signed_headers(body, timestamp=int(time.time()) - 6 * 60)
    else:
        headers["X-Slack-Request-Timestamp"] = "yesterday"
    status, _ = slack_app.send(body, headers=headers)
    assert status == 401
    assert slack_app.stub.calls_to("chat.postMessage") == [] and slack_app.rows("questions") == []
    assert "SECRET-BODY" not in caplog.text and "xoxb-test" not in caplog.text


def test_user_text_is_escaped_and_cut_in_the_hr_post(slack_app):
    text = "<!channel> <@U0OTHER> <https://evil.example|給与明細> 会議室の予約は？ " + "あ" * 4000
    slack_app.event(direct_message(text), "EvEcho")
    [hr] = slack_app.stub.wait_for("chat.postMessage", channel=HR_CHANNEL)
    section = next(b["text"]["text"] for b in hr.params["blocks"]
                   if b["type"] == "section" and "text" in b and "会議室" in b["text"]["text"])
    assert "<!channel>" not in section and "<@U0OTHER>" not in section and "<https://evil" not in section
    assert "<" not in section and "@channel" in section and "給与明細" in section
    assert len(section) <= 3000


def _wait_until_sent(app, timeout: float = 10.0, status: str = "sent") -> None:
    """The outbox thread marks a post sent right after Slack accepted it; wait (bounded) for that."""
    deadline = time.monotonic() + timeout
    while app.rows("hr_posts")[0]["status"] != status and time.monotonic() < deadline:
        time.sleep(0.05)
    assert app.rows("hr_posts")[0]["status"] == status


def test_hr_post_failure_still_answers_and_is_delivered_later_exactly_once(slack_app, stub):
    stub.fail("chat.postMessage", times=2, status=500, when=lambda p: p.get("channel") == HR_CHANNEL)
    slack_app.bot.notifier.start(interval=0.1)
    slack_app.event(direct_message("慰謝料はもらえますか"), "EvHr500")
    [reply] = _replies(slack_app)
    assert "083-252-0288" in _texts(reply.params["blocks"])
    stub.wait_for("chat.postMessage", count=3, channel=HR_CHANNEL)  # two failures, then delivered
    _wait_until_sent(slack_app)
    slack_app.bot.notifier.stop()  # the loop has finished every pass it started
    assert slack_app.bot.notifier.deliver_due() == 0
    assert len(stub.calls_to("chat.postMessage", channel=HR_CHANNEL)) == 3


@pytest.mark.parametrize("failure", [dict(hang=3.0), dict(error="channel_not_found")])
def test_hr_post_timeout_or_not_ok_is_retried(slack_app, stub, failure):
    stub.fail("chat.postMessage", times=1, when=lambda p: p.get("channel") == HR_CHANNEL, **failure)
    slack_app.event(direct_message("犯人は捕まったの？"), "EvHrFail")
    assert _replies(slack_app)
    stub.wait_for("chat.postMessage", count=2, channel=HR_CHANNEL, timeout=15)
    _wait_until_sent(slack_app)
    assert slack_app.rows("hr_posts")[0]["attempts"] == 2


def test_rate_limited_hr_post_waits_for_retry_after(slack_app, stub):
    # A 429 sends the post back to the outbox until Retry-After has passed (never a sleep
    # inside the delivery, which could outlive its lease).
    stub.fail("chat.postMessage", times=1, status=429, retry_after=1, when=lambda p: p.get("channel") == HR_CHANNEL)
    slack_app.event(direct_message("補償はありますか"), "Ev429")
    stub.wait_for("chat.postMessage", count=2, channel=HR_CHANNEL)
    _wait_until_sent(slack_app)
    assert slack_app.rows("hr_posts")[0]["attempts"] == 2


def test_my_number_is_never_echoed_or_stored(slack_app, stub):
    slack_app.event(direct_message("私のマイナンバーは 1234-5678-9018 です。漏れていませんか"), "EvMyNum")
    everything = json.dumps([c.params for c in stub.calls], ensure_ascii=False)
    assert "9018" not in everything
    assert "元のメッセージを削除" in _texts(_replies(slack_app)[0].params["blocks"])
    assert "9018" not in json.dumps(slack_app.rows("questions"), ensure_ascii=False)


def test_requests_from_another_workspace_are_refused(stub, db_path):
    app, server = start_app(stub, db_path, slack_team_id="T0TEST")
    try:
        body = event_callback(mention("いつ起きた？"), "EvOther", team_id="T0OTHER")
        assert app.send(body)[0] == 403
        assert app.rows("questions") == []
        assert app.event(mention("いつ起きた？"), "EvSame")[0] == 200
        assert len(app.rows("questions")) == 1
    finally:
        app.stop()


def test_healthz(slack_app):
    import urllib.request

    with urllib.request.urlopen(f"{slack_app.base}/healthz", timeout=5) as response:
        body = json.loads(response.read())
    assert response.status == 200 and body["status"] == "ok" and body["entries"] > 30


def test_an_hr_post_that_cannot_succeed_is_given_up_but_the_question_stays_queued(slack_app, stub, monkeypatch):
    import bot.hr_notify

    monkeypatch.setattr(bot.hr_notify, "MAX_ATTEMPTS", 2)
    stub.fail("chat.postMessage", times=10, error="not_in_channel", when=lambda p: p.get("channel") == HR_CHANNEL)
    slack_app.event(direct_message("犯人は捕まったの？"), "EvGiveUp")
    _wait_until_sent(slack_app, status="failed")
    [post] = slack_app.rows("hr_posts")
    assert post["attempts"] == 2 and "not_in_channel" in post["last_error"]
    assert slack_app.bot.notifier.deliver_due() == 0
    assert slack_app.rows("review_items")[0]["status"] == "open"


def test_a_passing_5xx_does_not_cost_the_person_their_reply(slack_app, stub):
    stub.fail("chat.postMessage", times=1, status=503, when=lambda p: p.get("channel") == "D0ASKER1")
    slack_app.event(direct_message("マイナンバーは大丈夫？"), "Ev503")
    replies = stub.calls_to("chat.postMessage", channel="D0ASKER1")
    assert len(replies) == 2 and "暗号化" in json.dumps(replies[-1].params["blocks"], ensure_ascii=False)


def test_only_the_asker_can_hand_an_answer_to_hr(slack_app, stub):
    slack_app.event(mention("情報は漏れたの？", user="U0ASKER1", ts="1700002000.000100"), "EvMine")
    qid = slack_app.rows("questions")[0]["id"]
    slack_app.form(block_action("feedback_down", str(qid), stub.response_url("d1"), user="U0OTHER",
                                channel="C0GENERAL", trigger_id="tr-o1"))
    assert "ask_hr" not in _texts(stub.calls_to("response_url")[-1].params.get("blocks") or [])
    slack_app.form(block_action("ask_hr", str(qid), stub.response_url("o2"), user="U0OTHER", channel="C0GENERAL",
                                trigger_id="tr-o2"))
    assert "質問した方ご本人" in stub.calls_to("response_url")[-1].params["text"]
    assert stub.calls_to("chat.postMessage", channel=HR_CHANNEL) == []
    slack_app.form(block_action("ask_hr", str(qid), stub.response_url("m1"), user="U0ASKER1", channel="C0GENERAL",
                                trigger_id="tr-m1"))
    assert len(stub.wait_for("chat.postMessage", channel=HR_CHANNEL)) == 1


def test_my_number_warning_fits_where_it_was_typed(slack_app, stub):
    status, text = slack_app.form(slash_command("マイナンバー 1234-5678-9018 は大丈夫？", stub.response_url()))
    private = _texts(json.loads(text)["blocks"])
    assert "削除の必要はありません" in private and "元のメッセージを削除" not in private and "9018" not in private
    slack_app.event(direct_message("マイナンバー 1234-5678-9018 は大丈夫？"), "EvMyNumberDm")
    [reply] = _replies(slack_app, channel="D0ASKER1")
    assert "元のメッセージを削除" in _texts(reply.params["blocks"])


def test_questions_are_stored_as_plain_text(slack_app):
    slack_app.event(mention("A&amp;Bの &lt;書類&gt; は届いていますか <@U0OTHER>", ts="1700002100.000100"), "EvPlain")
    assert slack_app.rows("questions")[0]["question"] == "A&Bの <書類> は届いていますか"


def test_none_fits_after_a_clarify_sends_the_question_to_hr_once(slack_app, stub):
    slack_app.event(mention("連絡先", ts="1700000510.000100"), "EvNone")
    [reply] = _replies(slack_app)
    [question] = slack_app.rows("questions")
    none_fits = [e for b in reply.params["blocks"] if b["type"] == "actions" for e in b["elements"]][-1]
    # A colleague in the channel cannot send someone else's question to HR.
    slack_app.form(block_action(none_fits["action_id"], none_fits["value"], stub.response_url(), user="U0OTHER1",
                                channel="C0GENERAL", trigger_id="tr-n0"))
    assert "質問した方ご本人" in stub.calls_to("response_url")[-1].params["text"]
    assert slack_app.rows("hr_posts") == []
    for trigger in ("tr-n1", "tr-n2"):  # the asker, twice: one HR post
        slack_app.form(block_action(none_fits["action_id"], none_fits["value"], stub.response_url(),
                                    channel="C0GENERAL", trigger_id=trigger))
    [hr] = stub.wait_for("chat.postMessage", channel=HR_CHANNEL)
    assert "連絡先" in _texts(hr.params["blocks"])
    assert "人事課に伝えました" in stub.calls_to("response_url")[-1].params["text"]
    assert [(i["question_id"], i["reason"]) for i in slack_app.rows("review_items")] == [(question["id"], "escalate")]


def test_related_questions_are_buttons_and_a_click_answers_in_the_thread(slack_app, stub):
    slack_app.event(mention("フォレンジック調査って何？", ts="1700000520.000100"), "EvRel")
    [reply] = _replies(slack_app)
    [related] = [b for b in reply.params["blocks"] if b.get("block_id", "").startswith("related:")]
    [button] = related["elements"]
    assert json.loads(button["value"])["e"] == "investigation" and button["action_id"] == "related_pick_0"
    forged = json.dumps({"q": json.loads(button["value"])["q"], "e": "contact-hr"})  # not offered: ignored
    slack_app.form(block_action("related_pick_1", forged, stub.response_url(), channel="C0GENERAL",
                                trigger_id="tr-r0"))
    slack_app.form(block_action(button["action_id"], button["value"], stub.response_url(), channel="C0GENERAL",
                                thread_ts="1700000520.000100", trigger_id="tr-r1"))
    answer = _replies(slack_app)[-1]
    assert answer.params["thread_ts"] == "1700000520.000100" and "セキュリティ専門会社" in _texts(answer.params["blocks"])
    assert [(c["from_entry_id"], c["entry_id"]) for c in slack_app.rows("related_clicks")] == [
        ("forensic", "investigation")]
    from faq.stats import stats

    assert stats(slack_app.store)["related_clicks"] == [
        {"from": "forensic", "to": "investigation", "clicks": 1}]


def test_a_follow_up_in_a_thread_is_read_with_the_question_before_it(slack_app):
    slack_app.event(mention("社労夢で何があったの？", ts="1700000530.000100"), "EvT1")
    slack_app.event(mention("それっていつ？", ts="1700000530.000200", thread_ts="1700000530.000100"), "EvT2")
    slack_app.event(direct_message("エムケイシステムの窓口はまだ開いてる？", ts="1700000530.000300"), "EvD1")
    slack_app.event(direct_message("連絡先は？", ts="1700000530.000400"), "EvD2")
    rows = {r["event_id"]: r for r in slack_app.rows("questions")}
    assert rows["EvT2"]["entry_id"] == "when", rows
    assert rows["EvD2"]["entry_id"] == "contact-mks"  # 「連絡先は？」 alone offers three contacts
    reply = _replies(slack_app, thread_ts="1700000530.000100")[-1]
    assert "6月5日未明" in _texts(reply.params["blocks"])


def test_a_follow_up_asking_what_the_answer_said_gets_that_answer_again(slack_app):
    """「土日もやってた？」 alone is not understood; after the call centre's answer it is about it."""
    slack_app.event(mention("エムケイシステムの相談窓口の受付時間は？", ts="1700000535.000100"), "EvH1")
    slack_app.event(mention("土日もやってた？", ts="1700000535.000200", thread_ts="1700000535.000100"), "EvH2")
    slack_app.event(direct_message("土日もやってた？", ts="1700000535.000300"), "EvH3")
    rows = {r["event_id"]: r for r in slack_app.rows("questions")}
    assert (rows["EvH1"]["entry_id"], rows["EvH2"]["entry_id"]) == ("contact-mks", "contact-mks")
    assert rows["EvH3"]["outcome"] != "answer"  # the same words with no conversation before them


def test_several_questions_get_one_reply_and_only_the_unanswerable_part_goes_to_hr(slack_app, stub):
    slack_app.event(direct_message("原因は何ですか？身代金は払ったんですか？", ts="1700000540.000100"), "EvMulti")
    [reply] = _replies(slack_app, channel="D0ASKER1")
    said = _texts(reply.params["blocks"])
    assert "「原因は何ですか？」について" in said and "ランサムウェア" in said and "記載がありません" in said
    assert said.index("ランサムウェア") < said.index("記載がありません")
    [hr] = stub.wait_for("chat.postMessage", channel=HR_CHANNEL)
    hr_text = _texts(hr.params["blocks"])
    assert "身代金は払ったんですか" in hr_text and "原因は何ですか" not in hr_text
