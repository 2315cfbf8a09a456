"""The store on real SQLite files in a temporary folder."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from dataclasses import replace

import pytest

from faq.errors import IncompatibleDatabase
from faq.models import Decision, Origin, Outcome
from faq.store import SCHEMA_VERSION, SHIPPED_BY, Store, VersionConflict
from testsupport.builders import decision


def test_new_file_gets_schema_wal_and_busy_timeout(store: Store, db_path: Path):
    assert store.schema_version() == SCHEMA_VERSION
    assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("pragma busy_timeout").fetchone()[0] >= 5000
    assert {"entries", "entry_revisions", "questions", "feedback", "meta"} <= set(store.db.table_names())


def test_reopening_does_not_migrate_twice(db_path: Path, open_store, content):
    open_store(db_path).sync_shipped(content.entries)
    again = open_store(db_path)
    assert again.schema_version() == SCHEMA_VERSION
    assert len(again.entries()) == len(content.entries)


def test_a_newer_database_is_refused(db_path: Path, open_store):
    open_store(db_path).db.execute("update meta set value = '999' where key = 'schema_version'")
    with pytest.raises(IncompatibleDatabase, match="newer than this faqbot"):
        Store(db_path)


def test_first_start_imports_every_shipped_entry_as_revision_one(store: Store, content):
    assert store.sync_shipped(content.entries) == []
    assert [e.id for e in store.entries()] == sorted(e.id for e in content.entries)
    revs = store.revisions("leak")
    assert [(r.version, r.action, r.changed_by) for r in revs] == [(1, "import", SHIPPED_BY)]


def test_shipped_update_applies_unless_hr_edited(store: Store, content):
    store.sync_shipped(content.entries)
    leak, when = content.entry("leak"), content.entry("when")
    store.save_entry(leak.model_copy(update={"answer": "人事課が書き直した回答です。"}),
                     changed_by="U_HR", expected_version=1)
    shipped_again = [e.model_copy(update={"question": e.question + "（改）"}) if e.id in ("leak", "when") else e
                     for e in content.entries]
    kept = store.sync_shipped(shipped_again)
    assert kept == ["leak"]
    by_id = {e.id: e for e in store.entries()}
    assert by_id["leak"].answer == "人事課が書き直した回答です。"
    assert by_id["when"].question == when.question + "（改）"
    assert store.revisions("when")[-1].changed_fields == ["question"]


def test_stale_save_is_refused_and_changes_nothing(store: Store, content):
    store.sync_shipped(content.entries)
    leak = content.entry("leak")
    assert store.save_entry(leak.model_copy(update={"answer": "一人目の編集です。"}),
                            changed_by="U1", expected_version=1) == 2
    with pytest.raises(VersionConflict):
        store.save_entry(leak.model_copy(update={"answer": "二人目の編集です。"}),
                         changed_by="U2", expected_version=1)
    assert {e.id: e for e in store.entries()}["leak"].answer == "一人目の編集です。"
    assert [r.changed_by for r in store.revisions("leak")] == [SHIPPED_BY, "U1"]


def _decision(text: str) -> Decision:
    return decision(text)


def test_question_log_masks_personal_data(store: Store, db_path: Path):
    store.log_question(_decision("番号は1234 5678 9018、電話は090-1111-2222、mail x@example.com"),
                       Origin("im", "U1"))
    raw = sqlite3.connect(db_path).execute("select question from questions").fetchone()[0]
    assert "9018" not in raw and "2222" not in raw and "example.com" not in raw
    assert "[マイナンバー]" in raw


def test_one_row_per_event_id(store: Store):
    first = store.log_question(_decision("質問"), Origin("im", "U1", event_id="Ev1"))
    again = store.log_question(_decision("質問"), Origin("im", "U1", event_id="Ev1"))
    assert first is not None and again is None
    assert store.db["questions"].count == 1


def test_feedback_is_linked_to_the_question(store: Store):
    qid = store.log_question(_decision("質問"), Origin("im", "U1"))
    store.add_feedback(qid, "U1", -1)
    row = next(store.db.query("select * from feedback"))
    assert (row["question_id"], row["value"]) == (qid, -1)


def _writer(path: str, worker: int, count: int) -> None:
    s = Store(path)
    for i in range(count):
        s.log_question(_decision(f"w{worker}-{i}"), Origin("im", f"U{worker}", event_id=f"Ev{worker}-{i}"))


def test_two_processes_writing_at_once_lose_nothing(db_path: Path, open_store):
    open_store(db_path)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(db_path), w, 100)) for w in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert open_store(db_path).db["questions"].count == 200


def test_threads_writing_and_reading_at_once_lose_nothing(store: Store):
    """The bot answers on a thread pool: concurrent writes and reads must all succeed."""
    import threading

    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(40):
                qid = store.log_question(_decision(f"t{worker}-{i}"), Origin("im", f"U{worker}", event_id=f"EvT{worker}-{i}"))
                assert store.question(qid).question == f"t{worker}-{i}"
                list(store.db.query("select count(*) from questions"))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert store.db["questions"].count == 320


def test_an_escalation_and_its_hr_post_are_written_together(store: Store):
    qid = store.log_question(_decision("身代金は？"), Origin("im", "U1", event_id="EvHR"),
                             hr_post_reason="escalate")
    assert store.hr_post_id(qid, "escalate") is not None
    assert store.log_question(_decision("身代金は？"), Origin("im", "U1", event_id="EvHR"),
                              hr_post_reason="escalate") is None
    assert store.db["hr_posts"].count == 1 and store.db["questions"].count == 1


def test_reading_the_review_queue_writes_nothing(store: Store, service):
    """An unpicked clarify joins the queue only when a command sweeps it in, never from a read."""
    qid = store.log_question(decision("いつ？", Outcome.CLARIFY),
                             Origin("im", "U1"))
    store.db.execute("update questions set asked_at = '2020-01-01T00:00:00+00:00' where id = ?", [qid])
    queue = service.review_queue()
    assert queue.groups() == [] and store.review_item_for_question(qid) is None
    assert queue.sweep_abandoned() == 1
    [group] = queue.groups()
    assert [i.question_id for i in group.items] == [qid] and group.items[0].reason == "clarify"


def test_earlier_turns_carry_the_entry_the_person_was_shown_last(store: Store):
    """A follow-up is read with what the person last saw: the answer, else their clarify pick or
    the related question they opened; an unanswered question has none. Parts are not turns."""
    thread = Origin("mention", "U1", channel_id="C1", thread_ts="1.0")
    answered = decision("何があったの？", Outcome.ANSWER, "what-happened")
    store.log_question(answered, replace(thread, event_id="E1"))
    opened = store.log_question(answered, replace(thread, event_id="E2"))
    store.record_related_click(opened, "U1", "what-happened", "timeline")
    picked = store.log_question(decision("番号は？", Outcome.CLARIFY),
                                replace(thread, event_id="E3"))
    store.record_choice(picked, "U1", "contact-hr")
    store.log_question(decision("身代金は？"), replace(thread, event_id="E4"))
    store.log_question(answered, replace(thread, event_id="E4#part1"))
    turns = store.earlier_turns("C1", "1.0", since=None, limit=4)
    assert [entry for _, entry in turns] == ["what-happened", "timeline", "contact-hr", None]
    assert store.earlier_turns("C1", "2.0", since=None, limit=4) == []
