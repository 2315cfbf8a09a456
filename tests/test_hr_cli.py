"""HR's operations from the command line, on a real database file."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

from faq.editing import Editor
from faq.models import Origin
from faq.service import FaqService
from faq.store import Store, VersionConflict
from faq.content import load_content
from testsupport.builders import decision
from testsupport.processes import faqbot

SHIPPED = len(load_content().entries)  # entries in the shipped FAQ


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`faqbot ARGS` on this test's HR database."""
    return faqbot(*args, database=tmp_path / "hr.db")


def test_export_import_round_trips_without_loss(tmp_path):
    out = tmp_path / "faq.yaml"
    assert run(tmp_path, "faq", "export", "--out", str(out)).returncode == 0
    result = run(tmp_path, "faq", "import", str(out))
    assert result.returncode == 0 and f"added 0, updated 0, unchanged {SHIPPED}" in result.stdout
    again = tmp_path / "again.yaml"
    run(tmp_path, "faq", "export", "--out", str(again))
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def _exported(tmp_path: Path) -> list[dict]:
    out = tmp_path / "faq.yaml"
    run(tmp_path, "faq", "export", "--out", str(out))
    return yaml.safe_load(out.read_text(encoding="utf-8"))


def test_import_is_all_or_nothing(tmp_path):
    entries = _exported(tmp_path)
    by_id = {e["id"]: e for e in entries}
    by_id["leak"]["answer"] = by_id["leak"]["answer"] + "（更新）"
    by_id["when"]["phrasings"] = ["短すぎる"]  # invalid: fewer than 8
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(list(by_id.values()), allow_unicode=True), encoding="utf-8")
    result = run(tmp_path, "faq", "import", str(broken))
    assert result.returncode == 1 and "[entry when] field 'phrasings'" in result.stderr
    assert "（更新）" not in json.dumps(_exported(tmp_path), ensure_ascii=False)


def _edit_export(tmp_path: Path, entry_id: str, answer: str) -> Path:
    """HR's round trip: export, change one answer in the file (the header line is kept)."""
    out = tmp_path / "faq.yaml"
    assert run(tmp_path, "faq", "export", "--out", str(out)).returncode == 0
    text = out.read_text(encoding="utf-8")
    entries = yaml.safe_load(text)
    for e in entries:
        if e["id"] == entry_id:
            e["answer"] = answer
    header = text.splitlines()[0]
    out.write_text(header + "\n" + yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return out


def _hr_edit(tmp_path: Path, entry_id: str, answer: str) -> Editor:
    editor = Editor(FaqService.open(Store(tmp_path / "hr.db")))
    entry, version = editor.current(entry_id)
    editor.save(entry.model_copy(update={"answer": answer}), by="U0HR", expected_version=version)
    return editor


def test_import_never_silently_overwrites_a_change_made_since_the_export(tmp_path):
    edited = _edit_export(tmp_path, "leak", "外部に転送された痕跡は確認されていません。")
    editor = _hr_edit(tmp_path, "leak", "人事課が直した回答です。")  # a colleague, meanwhile
    refused = run(tmp_path, "faq", "import", str(edited))
    assert refused.returncode == 1 and "--force" in refused.stderr and "exported from v1" in refused.stderr
    assert editor.current("leak")[0].answer == "人事課が直した回答です。"
    forced = run(tmp_path, "faq", "import", str(edited), "--force")
    assert forced.returncode == 0
    history = run(tmp_path, "faq", "history", "leak").stdout
    assert "import --force" in history and "cli:" in history


def test_export_edit_import_of_an_hr_edited_entry_needs_no_force(tmp_path):
    editor = _hr_edit(tmp_path, "leak", "人事課が直した回答です。")  # v2, edited by HR long ago
    edited = _edit_export(tmp_path, "leak", "人事課がもう一度直した回答です。")
    result = run(tmp_path, "faq", "import", str(edited))
    assert result.returncode == 0, result.stderr
    assert "updated 1" in result.stdout
    assert editor.current("leak")[0].answer == "人事課がもう一度直した回答です。"
    assert [r.action for r in editor.service.store.revisions("leak")] == ["import", "edit", "import"]


def test_a_hand_written_file_still_protects_hr_edits(tmp_path):
    editor = _hr_edit(tmp_path, "leak", "人事課が直した回答です。")
    entries = _exported(tmp_path)
    for e in entries:
        if e["id"] == "leak":
            e["answer"] = "外部に転送された痕跡は確認されていません。"
    plain = tmp_path / "plain.yaml"  # no header line: which version it started from is unknown
    plain.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    refused = run(tmp_path, "faq", "import", str(plain))
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert editor.current("leak")[0].answer == "人事課が直した回答です。"


def test_history_and_rollback(tmp_path):
    store = Store(tmp_path / "hr.db")
    editor = Editor(FaqService.open(store))
    entry, version = editor.current("cause")
    editor.save(entry.model_copy(update={"question": "原因を教えてください（改）"}), by="U0HR", expected_version=version)
    assert "U0HR" in run(tmp_path, "faq", "history", "cause").stdout
    result = run(tmp_path, "faq", "rollback", "cause", "1")
    assert result.returncode == 0 and "v3" in result.stdout
    assert "（改）" not in run(tmp_path, "faq", "show", "cause").stdout


def test_review_list_close_and_stats(tmp_path):
    store = Store(tmp_path / "hr.db")
    service = FaqService.open(store)
    for text in ("育児休業の申請はどこ？", "育児休業の申請はどこですか"):
        qid = store.log_question(decision(text),
                                 Origin("im", "U1"))
        service.review_queue().add(qid, "escalate")
    listed = json.loads(run(tmp_path, "review", "list", "--json").stdout)
    assert len(listed) == 1 and listed[0]["count"] == 2 and listed[0]["status"] == "open"
    assert run(tmp_path, "review", "close", str(listed[0]["id"])).returncode == 0
    assert json.loads(run(tmp_path, "review", "list", "--json", "--status", "open").stdout) == []
    stats = json.loads(run(tmp_path, "stats", "--json").stdout)
    assert stats["questions"] == 2 and stats["escalation_rate"] == 1.0 and stats["open_review_items"] == 0


def test_backup_is_a_consistent_copy_and_purge_keeps_entries(tmp_path):
    store = Store(tmp_path / "hr.db")
    FaqService.open(store)
    store.log_question(decision("古い質問"),
                       Origin("im", "U1"))
    store.db.execute("update questions set asked_at = '2020-01-01T00:00:00+00:00'")
    copy = tmp_path / "backup.db"
    assert run(tmp_path, "backup", str(copy)).returncode == 0
    assert sqlite3.connect(copy).execute("select count(*) from entries").fetchone()[0] == SHIPPED
    assert "removed 1" in run(tmp_path, "purge", "--older-than", "30").stdout
    assert store.db["questions"].count == 0 and store.db["entries"].count == SHIPPED


def _edit_many(path: str, entry_id: str, count: int) -> None:
    editor = Editor(FaqService.open(Store(path)))
    done = 0
    while done < count:
        entry, version = editor.current(entry_id)
        try:
            editor.save(entry.model_copy(update={"phrasings": [*entry.phrasings, f"追加の言い方 {os.getpid()}-{done}"]}),
                        by=f"U{os.getpid()}", expected_version=version)
            done += 1
        except VersionConflict:
            continue  # another editor won this round; reload and try again


def test_two_processes_editing_at_once_lose_nothing(tmp_path):
    path = str(tmp_path / "hr.db")
    FaqService.open(Store(path))
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_edit_many, args=(path, entry_id, 15)) for entry_id in ("leak", "leak")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    store = Store(path)
    leak = {e.id: e for e in store.entries()}["leak"]
    assert len([p for p in leak.phrasings if p.startswith("追加の言い方")]) == 30
    assert [r.version for r in store.revisions("leak")] == list(range(1, 32))


def test_purge_everything_asks_first_and_negative_days_are_refused(tmp_path):
    store = Store(tmp_path / "hr.db")
    FaqService.open(store)
    store.log_question(decision("今日の質問"),
                       Origin("im", "U1"))
    # A minute old: "older than 0 days" is everything before now, at one-second resolution.
    store.db.execute("update questions set asked_at = ?",
                     [(dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)).isoformat(timespec="seconds")])
    negative = run(tmp_path, "purge", "--older-than", "-1")
    assert negative.returncode == 2 and "-1" in negative.stderr
    unanswered = run(tmp_path, "purge", "--older-than", "0")  # no one at the keyboard to say yes
    assert unanswered.returncode == 1 and "Aborted" in unanswered.stderr
    assert store.db["questions"].count == 1
    assert "removed 1" in run(tmp_path, "purge", "--older-than", "0", "--yes").stdout
    assert store.db["questions"].count == 0


def test_backup_refuses_the_live_database_and_an_unwritable_path(tmp_path):
    FaqService.open(Store(tmp_path / "hr.db"))
    onto_itself = run(tmp_path, "backup", str(tmp_path / "hr.db"))
    assert onto_itself.returncode == 1 and "is the live database" in onto_itself.stderr
    assert "backed up" not in onto_itself.stdout
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    unwritable = run(tmp_path, "backup", str(blocker / "copy.db"))
    assert unwritable.returncode == 1 and "Traceback" not in unwritable.stderr
    assert f"cannot write the backup to {blocker / 'copy.db'}" in unwritable.stderr


def test_rollback_of_an_unknown_entry_names_the_entry(tmp_path):
    result = run(tmp_path, "faq", "rollback", "nope", "1")
    assert result.returncode == 1 and "no entry nope" in result.stderr and "revision" not in result.stderr


def test_a_malformed_yaml_file_is_one_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: leak\n  answer: [unclosed\n", encoding="utf-8")
    result = run(tmp_path, "faq", "import", str(bad))
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith("bad.yaml")]
    assert len(problems) == 1 and "not valid YAML" in problems[0], result.stderr


def test_local_chat_questions_reach_review_and_stats_when_counted(tmp_path):
    def chat(*flags: str) -> None:
        env = {**os.environ, "DATABASE_PATH": str(tmp_path / "hr.db")}
        done = subprocess.run([sys.executable, "-m", "bot.cli", "chat", *flags], input="育休の申請はどこ？\n情報は漏れたの？\nexit\n",
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr

    chat()
    assert json.loads(run(tmp_path, "stats", "--json").stdout)["questions"] == 0  # trying the bot is not data
    chat("--count")
    stats = json.loads(run(tmp_path, "stats", "--json").stdout)
    assert stats["questions"] == 2 and stats["open_review_items"] == 1
    [group] = json.loads(run(tmp_path, "review", "list", "--json").stdout)
    assert group["representative"] == "育休の申請はどこ？"
