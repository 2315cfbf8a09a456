"""HR's side end to end through signed Slack requests: only HR, and every step really works."""

from __future__ import annotations

import json

import pytest

from bot import admin_blocks as ab
from testsupport.slack_requests import (block_action, direct_message, mention, slash_command, view_action,
                                  view_submission)
from testsupport.slack_app import HR_CHANNEL, HR_USER, start_app
from faq.content import load_content

SHIPPED = len(load_content().entries)  # entries in the shipped FAQ

STRANGER = "U0ASKER1"


def _snapshot(app) -> str:
    db = app.store.db
    return json.dumps({t: list(db.query(f"select * from [{t}] order by rowid")) for t in db.table_names()},
                      ensure_ascii=False, default=str)


def _escalated_mention(app, text="慰謝料はもらえますか", ts="1700000700.000100", event_id="EvHr1") -> int:
    app.event(mention(text, ts=ts), event_id)
    return app.rows("questions")[-1]["id"]


def _modal(app, callback_id: str) -> dict:
    return [c for c in app.stub.calls_to("views.open") if c.params["view"]["callback_id"] == callback_id][-1].params["view"]


def _entry_values(view: dict, **changes: str) -> dict[str, str]:
    """What an HR person would submit: the modal's initial values, with some edited."""
    values = {}
    for block in view["blocks"]:
        if block["type"] == "input" and block["element"]["type"] == "plain_text_input":
            values[block["block_id"]] = block["element"].get("initial_value", "")
    values.update(changes)
    return values


def test_non_hr_is_refused_everywhere_and_nothing_changes(slack_app, stub):
    qid = _escalated_mention(slack_app)
    before = _snapshot(slack_app)
    status, text = slack_app.form(slash_command("", stub.response_url(), user=STRANGER, command="/faq-admin"))
    assert status == 200 and "人事課の担当者のみ" in json.loads(text)["text"]
    actions = {ab.ADMIN_NEW: "new", ab.ADMIN_EDIT: "leak", ab.ADMIN_HISTORY: "leak", ab.ADMIN_SYNONYMS: "x",
               ab.ADMIN_REVIEW: "open", ab.ADMIN_LIST: "all", ab.ADMIN_RETIRE: json.dumps({"id": "leak", "v": 1}),
               ab.ADMIN_RESTORE: json.dumps({"id": "leak", "v": 1}), ab.REVIEW_ANSWER: str(qid),
               ab.REVIEW_ADD: str(qid), ab.REVIEW_DISMISS: str(qid), ab.REVIEW_NOTIFY: "1"}
    for i, (action_id, value) in enumerate(actions.items()):
        slack_app.form(block_action(action_id, value, stub.response_url(f"s{i}"), user=STRANGER, trigger_id=f"t{i}"))
        assert "人事課の担当者のみ" in stub.calls_to("response_url")[-1].params["text"], action_id
    slack_app.form(view_action(ab.ADMIN_ROLLBACK, json.dumps({"id": "leak", "v": 1}), user=STRANGER))
    submissions = {ab.ENTRY_MODAL: ({"question": "x"}, json.dumps({"id": "leak", "v": 1})),
                   ab.ANSWER_MODAL: ({"answer": "勝手な回答"}, str(qid)),
                   ab.ADD_MODAL: ({"target": {"value": "leak"}}, str(qid)),
                   ab.SYNONYMS_MODAL: ({"synonyms": "a: b"}, "{}")}
    for callback_id, (values, meta) in submissions.items():
        status, text = slack_app.form(view_submission(callback_id, values, private_metadata=meta, user=STRANGER))
        body = json.loads(text)
        assert status == 200 and body["response_action"] == "errors", callback_id
        assert "人事課の担当者のみ" in json.dumps(body["errors"], ensure_ascii=False)
    assert stub.calls_to("views.open") == [] and stub.calls_to("views.update") == []
    assert _snapshot(slack_app) == before


def test_hr_answer_reaches_the_askers_thread(slack_app, stub):
    qid = _escalated_mention(slack_app, ts="1700000800.000100")
    [hr_post] = stub.wait_for("chat.postMessage", channel=HR_CHANNEL)
    buttons = [e["action_id"] for b in hr_post.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [ab.REVIEW_ANSWER, ab.REVIEW_ADD, ab.REVIEW_DISMISS]
    slack_app.form(block_action(ab.REVIEW_ANSWER, str(qid), stub.response_url(), user=HR_USER, channel=HR_CHANNEL))
    assert _modal(slack_app, ab.ANSWER_MODAL)["private_metadata"] == str(qid)
    assert slack_app.rows("review_items")[0]["status"] == "in_progress"  # 対応中 while HR writes
    status, _ = slack_app.form(view_submission(
        ab.ANSWER_MODAL, {"answer": "補償については後日 <!channel> ご案内します。控え番号 1234-5678-9018"},
        private_metadata=str(qid), user=HR_USER))
    assert status == 200
    answer = stub.calls_to("chat.postMessage", channel="C0GENERAL", thread_ts="1700000800.000100")[-1]
    text = json.dumps(answer.params["blocks"], ensure_ascii=False)
    assert "人事課からの回答" in text and "後日" in text and "<!channel>" not in text and "9018" not in text
    [item] = slack_app.rows("review_items")
    assert (item["status"], item["answered_by"]) == ("done", HR_USER) and "9018" not in item["hr_answer"]


def _open_editor(app, stub, entry_id: str, user: str = HR_USER, trigger: str = "te") -> dict:
    app.form(block_action(ab.ADMIN_EDIT, entry_id, stub.response_url(), user=user, trigger_id=trigger))
    return _modal(app, ab.ENTRY_MODAL)


def test_an_edit_answers_the_next_question(slack_app, stub):
    view = _open_editor(slack_app, stub, "contact-hr")
    new_answer = "本件の大学の窓口は、下関市立大学 事務局 人事課（083-252-0288）です。平日にお電話ください。"
    status, text = slack_app.form(view_submission(ab.ENTRY_MODAL, _entry_values(view, answer=new_answer),
                                                  private_metadata=view["private_metadata"], user=HR_USER))
    assert status == 200 and text in ("", "{}") or json.loads(text).get("response_action") != "errors"
    slack_app.event(direct_message("人事課の電話番号を教えて", ts="1700000900.000100"), "EvAfterEdit")
    reply = stub.calls_to("chat.postMessage", channel="D0ASKER1")[-1]
    assert "平日にお電話ください" in json.dumps(reply.params["blocks"], ensure_ascii=False)
    revisions = slack_app.store.revisions("contact-hr")
    assert [(r.version, r.changed_by) for r in revisions][-1] == (2, HR_USER)
    assert "answer" in revisions[-1].changed_fields


def test_an_invented_fact_is_refused_on_the_field(slack_app, stub):
    view = _open_editor(slack_app, stub, "contact-hr")
    status, text = slack_app.form(view_submission(
        ab.ENTRY_MODAL, _entry_values(view, answer="人事課の番号は083-252-9999です。"),
        private_metadata=view["private_metadata"], user=HR_USER))
    body = json.loads(text)
    assert body["response_action"] == "errors" and "083-252-9999" in body["errors"]["answer"]
    assert slack_app.store.stored_entry("contact-hr").version == 1


def test_a_conflicting_edit_is_refused_and_keeps_the_first(slack_app, stub):
    first = _open_editor(slack_app, stub, "contact-roumu", trigger="t1")
    second = _open_editor(slack_app, stub, "contact-roumu", trigger="t2")
    one = _entry_values(first, phrasings=_entry_values(first)["phrasings"] + "\n労務事務所の電話は何番？")
    slack_app.form(view_submission(ab.ENTRY_MODAL, one, private_metadata=first["private_metadata"], user=HR_USER))
    two = _entry_values(second, phrasings=_entry_values(second)["phrasings"] + "\n社労士事務所の番号")
    status, text = slack_app.form(view_submission(ab.ENTRY_MODAL, two, private_metadata=second["private_metadata"],
                                                  user=HR_USER))
    body = json.loads(text)
    assert body["response_action"] == "errors" and "先に保存しました" in body["errors"]["question"]
    row = slack_app.store.stored_entry("contact-roumu")
    assert row.version == 2 and "労務事務所の電話は何番？" in row.entry.model_dump_json() and "社労士事務所の番号" not in row.entry.model_dump_json()


def test_an_edit_that_changes_answers_needs_a_second_click(slack_app, stub):
    view = _open_editor(slack_app, stub, "when")
    taken = _entry_values(view, phrasings="\n".join(["マイナンバーは大丈夫？"] * 1 + [f"いつの話 {i}" for i in range(8)]))
    status, text = slack_app.form(view_submission(ab.ENTRY_MODAL, taken, private_metadata=view["private_metadata"],
                                                  user=HR_USER))
    body = json.loads(text)
    assert body["response_action"] == "update"
    warning = json.dumps(body["view"]["blocks"], ensure_ascii=False)
    assert "回答が変わる質問" in warning and "それでも保存する" in warning
    assert slack_app.store.stored_entry("when").version == 1
    confirmed = {**taken, ab.CONFIRM: [{"value": "yes"}]}
    slack_app.form(view_submission(ab.ENTRY_MODAL, confirmed, private_metadata=body["view"]["private_metadata"],
                                   user=HR_USER))
    assert slack_app.store.stored_entry("when").version == 2


def test_rollback_restores_the_old_text(slack_app, stub):
    view = _open_editor(slack_app, stub, "contact-hr")
    slack_app.form(view_submission(ab.ENTRY_MODAL, _entry_values(view, answer="人事課（083-252-0288）へどうぞ。"),
                                   private_metadata=view["private_metadata"], user=HR_USER))
    assert "へどうぞ" in slack_app.store.stored_entry("contact-hr").entry.model_dump_json()
    slack_app.form(view_action(ab.ADMIN_ROLLBACK, json.dumps({"id": "contact-hr", "v": 1}), user=HR_USER))
    [update] = stub.calls_to("views.update")
    assert "rollback to 1" in json.dumps(update.params["view"], ensure_ascii=False)
    row = slack_app.store.stored_entry("contact-hr")
    assert row.version == 3 and "へどうぞ" not in row.entry.model_dump_json() and "本件についての大学の問い合わせ先" in row.entry.model_dump_json()


def test_unanswered_question_becomes_a_faq_phrasing_and_askers_are_told_once(slack_app, stub):
    asked = "停止中に出した書類は届いている？"
    slack_app.event(direct_message(asked, user="U0ASKER1", channel="D0ASKER1", ts="1700001000.000100"), "EvQ1")
    slack_app.event(direct_message(asked, user="U0ASKER2", channel="D0ASKER2", ts="1700001001.000100"), "EvQ2")
    escalated = [q for q in slack_app.rows("questions") if q["outcome"] == "escalate"]
    assert len(escalated) == 2
    status, text = slack_app.form(slash_command("review", stub.response_url(), user=HR_USER, command="/faq-admin"))
    listing = json.dumps(json.loads(text)["blocks"], ensure_ascii=False)
    assert "×2" in listing  # the two askers share one group
    qid = escalated[0]["id"]
    slack_app.form(block_action(ab.REVIEW_ADD, str(qid), stub.response_url(), user=HR_USER, channel=HR_CHANNEL))
    assert _modal(slack_app, ab.ADD_MODAL)
    slack_app.form(view_submission(ab.ADD_MODAL, {"target": {"value": "service-restored"}},
                                   private_metadata=str(qid), user=HR_USER))
    assert asked in slack_app.store.stored_entry("service-restored").entry.model_dump_json()
    slack_app.event(direct_message(asked, user="U0ASKER3", channel="D0ASKER3", ts="1700001002.000100"), "EvQ3")
    assert slack_app.rows("questions")[-1]["entry_id"] == "service-restored"
    group_id = slack_app.rows("review_items")[0]["group_id"]
    for i in range(2):
        slack_app.form(block_action(ab.REVIEW_NOTIFY, str(group_id), stub.response_url(f"n{i}"), user=HR_USER,
                                    trigger_id=f"tn{i}"))
    told = [c for c in stub.calls_to("chat.postMessage") if "FAQに追加されました" in json.dumps(
        c.params.get("blocks"), ensure_ascii=False)]
    assert sorted(c.params["channel"] for c in told) == ["D0ASKER1", "D0ASKER2"]
    assert "すでにお知らせ済み" in stub.calls_to("response_url")[-1].params["text"]


def test_hr_app_home_shows_the_menu_only_to_hr(slack_app, stub):
    for user in (HR_USER, STRANGER):
        slack_app.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home",
                         "event_ts": "1700001100.000100"}, f"EvHome{user}")
    hr_view, other_view = (json.dumps(stub.calls_to("views.publish", user_id=u)[-1].params["view"], ensure_ascii=False)
                           for u in (HR_USER, STRANGER))
    assert "人事課メニュー" in hr_view and "人事課メニュー" not in other_view


def test_synonyms_edited_from_slack_take_effect(slack_app, stub):
    slack_app.form(block_action(ab.ADMIN_SYNONYMS, "x", stub.response_url(), user=HR_USER))
    view = _modal(slack_app, ab.SYNONYMS_MODAL)
    table = view["blocks"][0]["element"]["initial_value"] + "\n二次被害: 実被害, 悪用被害"
    slack_app.form(view_submission(ab.SYNONYMS_MODAL, {"synonyms": table}, private_metadata=view["private_metadata"],
                                   user=HR_USER))
    assert slack_app.store.document("synonyms")[1] == 1
    slack_app.event(direct_message("悪用被害は出てる？", ts="1700001200.000100"), "EvSyn")
    assert slack_app.rows("questions")[-1]["entry_id"] == "secondary-damage"


def test_retire_and_restore_from_slack(slack_app, stub):
    status, text = slack_app.form(slash_command("ダークウェブ", stub.response_url(), user=HR_USER,
                                                command="/faq-admin"))
    listing = json.loads(text)["blocks"]
    retire = next(e for b in listing if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == ab.ADMIN_RETIRE and json.loads(e["value"])["id"] == "dark-web")
    slack_app.form(block_action(ab.ADMIN_RETIRE, retire["value"], stub.response_url("r1"), user=HR_USER))
    assert "廃止しました" in stub.calls_to("response_url")[-1].params["text"]
    slack_app.event(direct_message("ダークウェブに載ってない？", ts="1700001300.000100"), "EvRetired")
    assert slack_app.rows("questions")[-1]["entry_id"] != "dark-web"
    slack_app.form(block_action(ab.ADMIN_RESTORE, json.dumps({"id": "dark-web", "v": 2}), stub.response_url("r2"),
                                user=HR_USER, trigger_id="t-restore"))
    slack_app.event(direct_message("ダークウェブに載ってない？", ts="1700001301.000100"), "EvRestored")
    assert slack_app.rows("questions")[-1]["entry_id"] == "dark-web"
    assert [r.action for r in slack_app.store.revisions("dark-web")] == ["import", "retire", "restore"]


def test_hr_app_home_lists_entries_by_dm(slack_app, stub):
    from testsupport.slack_requests import block_action as press

    slack_app.form(press(ab.ADMIN_LIST, "all", stub.response_url(), user=HR_USER, container_type="view"))
    [listing] = [c for c in stub.calls_to("chat.postMessage", channel=HR_USER)]
    assert f"FAQエントリ: {SHIPPED} 件" in json.dumps(listing.params["blocks"], ensure_ascii=False)


@pytest.fixture
def patient_app(stub, db_path):
    """The app with a Web API timeout long enough to outlast a held Slack answer."""
    running, _ = start_app(stub, db_path, slack_api_timeout=25.0)
    yield running
    running.stop()


def test_hr_answer_is_acknowledged_before_slack_answers_and_sent_once(patient_app, stub):
    qid = _escalated_mention(patient_app, ts="1700003000.000100", event_id="EvSlow")
    stub.wait_for("chat.postMessage", channel=HR_CHANNEL)
    slow = stub.hold("chat.postMessage")
    submission = view_submission(ab.ANSWER_MODAL, {"answer": "後日ご案内します。"}, private_metadata=str(qid),
                                 user=HR_USER)
    try:
        status, text = patient_app.form(submission, settle=False)  # Slack still holds the post
        assert status == 200 and text in ("", "{}")
        status, text = patient_app.form(submission, settle=False)  # HR submits again
        refused = json.loads(text)
        assert refused["response_action"] == "errors" and "すでに回答" in refused["errors"]["answer"]
    finally:
        slow.set()
    patient_app.executor.wait_idle()
    answers = [c for c in stub.calls_to("chat.postMessage", channel="C0GENERAL", thread_ts="1700003000.000100")
               if "人事課からの回答" in json.dumps(c.params.get("blocks"), ensure_ascii=False)]
    assert len(answers) == 1


def test_a_refused_hr_answer_can_be_sent_again(slack_app, stub):
    qid = _escalated_mention(slack_app, ts="1700003100.000100", event_id="EvRefused")
    stub.wait_for("chat.postMessage", channel=HR_CHANNEL)
    stub.fail("chat.postMessage", error="channel_not_found", when=lambda p: p.get("channel") == "C0GENERAL")
    submission = view_submission(ab.ANSWER_MODAL, {"answer": "後日ご案内します。"}, private_metadata=str(qid),
                                 user=HR_USER)
    slack_app.form(submission)
    assert "送れませんでした" in stub.calls_to("chat.postMessage", channel=HR_USER)[-1].params["text"]
    assert slack_app.rows("review_items")[0]["status"] == "in_progress"
    status, text = slack_app.form(submission)
    assert text in ("", "{}") and slack_app.rows("review_items")[0]["status"] == "done"


def test_hr_sees_a_question_escaped_once_and_faq_gets_it_without_mentions(slack_app, stub):
    asked = "停止中に出したA&amp;Bの書類は届いている？ <@U0OTHER>"
    qid = _escalated_mention(slack_app, text=asked, ts="1700003200.000100", event_id="EvAmp")
    [hr_post] = stub.wait_for("chat.postMessage", channel=HR_CHANNEL)
    posted = json.dumps(hr_post.params["blocks"], ensure_ascii=False)
    assert "A&amp;Bの書類" in posted and "&amp;amp;" not in posted
    slack_app.form(block_action(ab.REVIEW_ADD, str(qid), stub.response_url(), user=HR_USER, channel=HR_CHANNEL))
    shown = json.dumps(_modal(slack_app, ab.ADD_MODAL)["blocks"], ensure_ascii=False)
    assert "A&amp;Bの書類" in shown and "&amp;amp;" not in shown
    slack_app.form(view_submission(ab.ADD_MODAL, {"target": {"value": "service-restored"}},
                                   private_metadata=str(qid), user=HR_USER))
    phrasings = slack_app.store.stored_entry("service-restored").entry.phrasings
    assert "停止中に出したA&Bの書類は届いている？" in phrasings
    assert not [p for p in phrasings if "<@" in p or "&amp;" in p]


def test_a_new_entry_prefill_fits_the_inputs(slack_app, stub):
    qid = _escalated_mention(slack_app, text="会議室の予約は？" + "あ" * 4000, ts="1700003300.000100",
                             event_id="EvLong")
    status, text = slack_app.form(view_submission(ab.ADD_MODAL, {"target": {"value": ab.NEW_ENTRY}},
                                                  private_metadata=str(qid), user=HR_USER))
    view = json.loads(text)["view"]
    for block in view["blocks"]:
        element = block.get("element") or {}
        if element.get("type") == "plain_text_input" and "initial_value" in element:
            assert len(element["initial_value"]) <= element.get("max_length", 3000), block["block_id"]


def test_synonym_table_with_a_my_number_is_refused(slack_app, stub):
    """Parsing splits at 、 so the groups would be stored (and kept in revisions) one by one."""
    for written in ["5260、1815、9084", "5260 - 1815 - 9084", "5260.1815.9084"]:
        status, text = slack_app.form(view_submission(ab.SYNONYMS_MODAL, {"synonyms": f"番号: {written}"},
                                                      private_metadata="{}", user=HR_USER))
        assert status == 200 and "マイナンバー" in json.loads(text)["errors"]["synonyms"], written
    assert slack_app.store.document("synonyms") is None
    assert slack_app.rows("document_revisions") == []


def test_a_click_on_a_question_that_is_gone_gets_a_reply_not_silence(slack_app, stub):
    """A button can outlive its question (purged, another database): HR is told, after the ack."""
    for i, action_id in enumerate((ab.REVIEW_DISMISS, ab.REVIEW_ANSWER, ab.ADMIN_HISTORY)):
        value = "999999" if action_id != ab.ADMIN_HISTORY else "no-such-entry"
        status, _ = slack_app.form(block_action(action_id, value, stub.response_url(f"g{i}"), user=HR_USER,
                                                trigger_id=f"g{i}"))
        assert status == 200
        if action_id == ab.ADMIN_HISTORY:  # an empty history is a modal, not an error
            continue
        replies = stub.calls_to("response_url")
        assert replies and "この操作はできませんでした" in replies[-1].params["text"], action_id
        assert "no question 999999" in replies[-1].params["text"]
    status, text = slack_app.form(view_submission(ab.ANSWER_MODAL, {"answer": "回答です"}, private_metadata="999999",
                                                  user=HR_USER))
    assert "この操作はできませんでした" in json.loads(text)["errors"]["answer"]
