"""The `faqbot` command as users run it: a real process, a real database file."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from faq.content import CONTENT_DIR
from testsupport.processes import faqbot


def run(args: list[str], tmp_path: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`faqbot ARGS` on this test's own database."""
    return faqbot(*args, database=tmp_path / "cli.db", stdin=stdin)


def test_ask_jsonl_contract(tmp_path):
    stdin = '{"q": "マイナンバーは大丈夫？"}\n身代金は払ったの？\n\nこんにちは\n'
    result = run(["ask", "--jsonl"], tmp_path, stdin)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["outcome"] for r in rows] == ["answer", "escalate", "smalltalk"]
    assert set(rows[0]) == {"q", "outcome", "entry_id", "score", "candidates", "reply"}
    assert rows[0]["entry_id"] == "my-number" and "出典" in rows[0]["reply"]
    assert "083-252-0288" in rows[1]["reply"]


def test_ask_answers_english_in_english(tmp_path):
    result = run(["ask", "Was my data leaked?", "--json"], tmp_path)
    row = json.loads(result.stdout)
    assert row["entry_id"] == "leak" and "ransomware" in row["reply"]
    assert "On the possible leak of personal information" in row["reply"]
    assert "個人情報漏えいのおそれについて" not in row["reply"]


def test_eval_reports_and_gates(tmp_path):
    labelled = tmp_path / "set.jsonl"
    labelled.write_text(
        '{"q": "マイナンバーは大丈夫？", "expect": "my-number", "style": "plain"}\n'
        '{"q": "身代金は？", "expect": "escalate"}\n'
        '{"q": "こんにちは", "expect": "leak"}\n', encoding="utf-8")
    ok = run(["eval", str(labelled)], tmp_path)
    assert "in-scope top-1 accuracy : 50.0%" in ok.stdout
    assert "false answers (escalate): 0.0%" in ok.stdout
    assert "MISS expect=leak" in ok.stdout
    assert ok.returncode == 0
    gated = run(["eval", str(labelled), "--min-accuracy", "0.9"], tmp_path)
    assert gated.returncode == 1


def test_eval_reports_a_conversation_file_and_its_misses(tmp_path):
    labelled = tmp_path / "threads.jsonl"
    labelled.write_text(
        '{"turns": [{"q": "社労夢で何があったの？", "expect": "what-happened"}, '
        '{"q": "それっていつ？", "expect": "leak"}], "style": "thread"}\n'
        '{"q": "原因と、いつ起きたのかを教えてください", "expect": ["cause", "when"], "style": "multi"}\n',
        encoding="utf-8")
    result = run(["eval", str(labelled)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "follow-up turns right  : 0.0%" in result.stdout
    assert "several questions exact: 100.0%" in result.stdout
    [miss] = [json.loads(line[5:]) for line in result.stdout.splitlines() if line.startswith("MISS ")]
    assert miss == {"q": "それっていつ？", "turn": 2, "follows": "社労夢で何があったの？", "expect": "leak", "got": "when"}


def test_eval_names_a_malformed_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"q": "x"}\n', encoding="utf-8")
    result = run(["eval", str(bad)], tmp_path)
    assert result.returncode != 0 and "bad.jsonl:1" in result.stderr


def test_faq_validate_ok_and_lists_every_problem(tmp_path):
    assert run(["faq", "validate"], tmp_path).returncode == 0
    leak = yaml.safe_load((CONTENT_DIR / "entries" / "leak.yaml").read_text(encoding="utf-8"))
    cause = yaml.safe_load((CONTENT_DIR / "entries" / "cause.yaml").read_text(encoding="utf-8"))
    leak["phrasings"].append("")
    cause["sources"][0]["notice"] = "unknown-notice"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump([leak, cause], allow_unicode=True), encoding="utf-8")
    result = run(["faq", "validate", str(broken)], tmp_path)
    assert result.returncode == 1
    assert "broken.yaml [entry leak] field 'phrasings'" in result.stderr
    assert "broken.yaml [entry cause] field 'sources.0.notice'" in result.stderr


@pytest.mark.parametrize("text", ["", "😀", "\x01\x02", "ｱ" * 50_000])
def test_ask_never_crashes_on_odd_input(tmp_path, text):
    result = run(["ask", "--jsonl"], tmp_path, json.dumps({"q": text}) + "\n")
    assert result.returncode == 0, result.stderr


def test_chat_answers_like_the_bot_and_logs_masked(tmp_path):
    result = run(["chat"], tmp_path, "マイナンバー 1234-5678-9018 は大丈夫？\nexit\n")
    assert result.returncode == 0, result.stderr
    assert "暗号化" in result.stdout and "元のメッセージを削除" in result.stdout
    assert "9018" not in (tmp_path / "cli.db").read_bytes().decode("utf-8", "ignore")


def test_chat_ends_on_a_slash_command_too(tmp_path):
    """「/quit」 ends the chat as in other chat tools; it is not a question about staff who quit."""
    result = run(["chat"], tmp_path, "/quit\nマイナンバーは大丈夫？\n")
    assert result.returncode == 0, result.stderr
    assert "暗号化" not in result.stdout and "former staff" not in result.stdout


def test_chat_picks_a_clarify_choice_by_number_and_records_it(tmp_path):
    import sqlite3

    result = run(["chat"], tmp_path, "連絡先\n3\nexit\n")
    assert result.returncode == 0, result.stderr
    assert "1. " in result.stdout and "番号を入力すると" in result.stdout and "0120-351-733" in result.stdout
    db = sqlite3.connect(tmp_path / "cli.db")
    assert db.execute("select entry_id from choices").fetchall() == [("contact-mks",)]


def test_english_sources_are_punctuated_in_english(tmp_path):
    row = json.loads(run(["ask", "Is my My Number safe?", "--json"], tmp_path).stdout)
    assert "(MK System Co., Ltd., 2023-07-31)" in row["reply"] and "、" not in row["reply"]


def test_eval_holdout_needs_no_file(tmp_path):
    result = run(["eval", "--holdout", "--folds", "3", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["folds"] == 3
    assert 0 < data["held_out"]["top1"] <= 1
    assert set(data["removed_entry"]) == {"questions", "answered", "clarified", "escalated", "smalltalk"}
    assert run(["eval"], tmp_path).returncode == 2


def test_chat_none_fits_hands_the_question_to_hr_review(tmp_path):
    import sqlite3

    result = run(["chat", "--count"], tmp_path, "連絡先\n0\nexit\n")
    assert result.returncode == 0, result.stderr
    assert "0. どれにも当てはまらない（人事課に聞く）" in result.stdout
    assert "083-252-0288" in result.stdout.split("0. どれにも")[1]
    db = sqlite3.connect(tmp_path / "cli.db")
    assert db.execute("select reason from review_items").fetchall() == [("escalate",)]


def test_chat_opens_related_questions_and_reads_follow_ups_in_context(tmp_path):
    result = run(["chat"], tmp_path, "フォレンジック調査って何？\n1\n社労夢で何があったの？\nそれっていつ？\nexit\n")
    assert result.returncode == 0, result.stderr
    assert "関連する質問:\n1. 誰がどのように調査したのですか？" in result.stdout
    assert "セキュリティ専門会社" in result.stdout  # the related entry, opened by its number
    assert "6月5日未明" in result.stdout  # 「それっていつ？」 after the incident question: the date


def test_chat_answers_a_follow_up_with_the_answer_it_asks_about(tmp_path):
    result = run(["chat"], tmp_path, "土日もやってた？\nエムケイシステムの相談窓口の受付時間は？\n土日もやってた？\nexit\n")
    assert result.returncode == 0, result.stderr
    # Alone the question is not about the call centre; after its answer, it gets that answer again.
    assert result.stdout.count("0120-351-733") == 2
    assert "0120-351-733" not in result.stdout.split("> ")[1]
