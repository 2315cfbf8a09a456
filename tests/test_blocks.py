"""Block Kit builders, without Slack."""

from __future__ import annotations

import json

from bot.blocks import escape, fit, hr_post_blocks, home_view, reply_blocks, slack_to_plain
from faq.models import Outcome
from faq.replies import compose
from testsupport.builders import decision


def test_escape_neutralises_slack_control_sequences():
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_fit_never_cuts_inside_an_escape():
    text = "あ" * 7 + "&"
    for limit in range(5, 14):
        cut = fit(text, limit)
        assert len(cut) <= limit
        assert not cut.rstrip("…").endswith(("&", "&a", "&am", "&amp"))


def test_answer_blocks_cite_the_notice_and_offer_feedback(content):
    reply = compose(decision("q", Outcome.ANSWER, "when"), content)
    blocks = reply_blocks(reply, content.messages.ja, 7)
    text = json.dumps(blocks, ensure_ascii=False)
    assert "令和5年8月4日" not in text  # the notice date is shown in ISO form, from the notice itself
    assert "2023-08-04" in text and "最終更新: 2026-11-26" in text
    feedback = next(b for b in blocks if b.get("block_id") == "feedback:7")["elements"]
    assert [a["action_id"] for a in feedback] == ["feedback_up", "feedback_down"] and feedback[0]["value"] == "7"
    related = blocks[-1]["elements"]  # the entry's related questions, after the feedback buttons
    assert [json.loads(a["value"])["e"] for a in related] == ["timeline", "service-restored", "what-happened"]


def test_several_questions_are_sections_with_their_own_sources(content, answerer):
    reply = compose(answerer.decide("原因と、いつ起きたのかを教えてください"), content)
    blocks = reply_blocks(reply, content.messages.ja, 8)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert sections[0].startswith("*「原因は何ですか？」について*") and "2023年（令和5年）6月5日未明" in sections[1]
    assert sum(b["type"] == "context" for b in blocks) == 2 and blocks[-1]["block_id"] == "feedback:8"


def test_clarify_blocks_are_buttons_with_question_and_entry(content):
    clarified = decision("q", Outcome.CLARIFY, None, "investigation", "forensic")
    reply = compose(clarified, content)
    blocks = reply_blocks(reply, content.messages.ja, 9)
    *buttons, none_fits = next(b for b in blocks if b["type"] == "actions")["elements"]
    assert all(json.loads(b["value"])["q"] == 9 for b in buttons)
    assert {json.loads(b["value"])["e"] for b in buttons} == {c.entry_id for c in clarified.candidates}
    assert (none_fits["action_id"], none_fits["value"]) == ("clarify_none", "9")
    assert none_fits["text"]["text"] == "どれにも当てはまらない（人事課に聞く）"


def test_escalation_says_one_next_step(content):
    """Told HR: wait here, call only if urgent. Not told (local chat): whom to contact."""
    escalated = decision("q", Outcome.ESCALATE, "not-in-notice-ransom")
    for d in (escalated, escalated.model_copy(update={"entry_id": None})):
        told = json.dumps(reply_blocks(compose(d, content, hr_notified=True), content.messages.ja, 1),
                          ensure_ascii=False)
        assert "人事課に伝えました" in told and "お返事します" in told and "お急ぎの場合は" in told
        assert "083-252-0288" in told and "お問い合わせください" not in told and "人事課にも" not in told
        untold = compose(d, content).body
        assert "お問い合わせください" in untold and "伝えました" not in untold
    english = compose(escalated.model_copy(update={"language": "en"}), content, hr_notified=True).body
    assert "answer you here" in english and "Please contact" not in english


def test_hr_post_shows_a_plain_question_escaped_once(content):
    blocks = hr_post_blocks(content.messages.ja, reason="escalate", question="A&B の <!here> 申請は？",
                            user_id="U0ASKER1", place="DM", guesses=[])
    text = json.dumps(blocks, ensure_ascii=False)
    assert "A&amp;B の &lt;!here&gt; 申請は？" in text and "&amp;amp;" not in text


def test_slack_text_becomes_plain_text():
    assert slack_to_plain("<@UBOT0001> A&amp;B の申請は &lt;いつ&gt;？ <@U0OTHER|sato>") == "A&B の申請は <いつ>？"
    assert slack_to_plain("<https://example.com|案内> と <#C0GEN|general> と <!here>") == "案内 と #general と @here"
    assert slack_to_plain("<mailto:a@example.com|a@example.com>") == "a@example.com"


def test_hr_post_escapes_the_question_and_shows_guesses(content):
    blocks = hr_post_blocks(content.messages.ja, reason="escalate", question="<!here> 給与は？",
                            user_id="U0ASKER1", place="DM", guesses=[("leak", 0.41)])
    text = json.dumps(blocks, ensure_ascii=False)
    assert "<!here>" not in text and "&lt;!here&gt;" in text and "leak (0.41)" in text and "<@U0ASKER1>" in text


def test_home_view_has_examples_and_privacy(content):
    view = home_view(content.messages.ja, ["マイナンバーは大丈夫ですか？"], 180)
    text = json.dumps(view, ensure_ascii=False)
    assert view["type"] == "home" and "180日" in text and "example_question_0" in text
