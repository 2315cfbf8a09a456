"""Upgrading faqbot: a database written by an earlier version is migrated forward on start,
copied aside first, and keeps HR's FAQ edits and the question log.

tests/fixtures/faqbot-schema-v3.sql is a dump of a real database made by faqbot at schema
version 3 (three entries, contact-hr edited by HR, an older shipped text of leak, one
escalated question with its HR post, review item and 👎). It never changes with the code."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import sqlite_utils

from bot.doctor import Report, check_database, check_faq
from faq.content import load_content
from faq.errors import IncompatibleDatabase
from faq.store import SCHEMA_VERSION, Store, now, pre_migration_backup, schema_version_of
from faq.store.schema import MIGRATIONS

FIXTURE = Path(__file__).parent / "fixtures" / "faqbot-schema-v3.sql"
HR_PHRASING = "人事課の電話は何番ですか（HR追加）"


def v3_database(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.executescript(FIXTURE.read_text(encoding="utf-8"))
        # The dump's pending HR post was just queued; as recorded, it would grow stale with the clock.
        conn.execute("update hr_posts set created_at = ?, next_attempt_at = ?", [now(), now()])
    return path


def test_upgrade_from_schema_v3_keeps_hr_edits_and_history(tmp_path):
    db = v3_database(tmp_path / "faqbot.db")
    env = {**os.environ, "DATABASE_PATH": str(db)}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "migrate"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"schema version {SCHEMA_VERSION}" in result.stdout and "HR's edits kept: contact-hr" in result.stdout

    store = Store(db)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        hr_row = store.stored_entry("contact-hr")
        assert hr_row.edited_by_hr and HR_PHRASING in hr_row.entry.phrasings
        assert [(r.version, r.changed_by) for r in store.revisions("contact-hr")][:2] == [
            (1, "system:shipped-faq"), (2, "U0HRSTAFF")]
        shipped = {e.id: e for e in load_content().entries}
        leak = store.stored_entry("leak").entry.model_dump(mode="json")
        assert leak["phrasings"] == shipped["leak"].phrasings  # untouched by HR: updated to the new text
        assert len(store.entries()) == len(shipped)  # entries shipped since then were added
        assert [r["event_id"] for r in store.db.query("select event_id from questions")] == ["EvOld1"]
        assert store.db.execute("select count(*) from hr_posts").fetchone()[0] == 1
        assert store.db.execute("select count(*) from review_items").fetchone()[0] == 1
        assert store.db.execute("select value from feedback").fetchone()[0] == -1
    finally:
        store.close()
    report = Report()
    check_faq(report, check_database(report, db))
    assert report.ok, [c for c in report.checks if c.status != "ok"]


def test_a_migration_first_copies_the_old_database_aside(tmp_path):
    db = tmp_path / "faqbot.db"
    conn = sqlite3.connect(db)
    old = sqlite_utils.Database(conn)
    for migration in MIGRATIONS[:1]:
        migration(old)
    old["meta"].insert({"key": "schema_version", "value": "1"})
    old["entries"].insert({"id": "x", "kind": "answer", "data": "{}", "version": 1, "retired": 0,
                           "shipped": None, "edited_by_hr": 1, "updated_at": "2023-07-01", "updated_by": "U0HR"})
    conn.close()
    Store(db).close()
    backup = pre_migration_backup(db, 1)
    with sqlite3.connect(backup) as copy:
        assert schema_version_of(copy) == 1
        assert copy.execute("select updated_by from entries").fetchall() == [("U0HR",)]
    with sqlite3.connect(db) as current:
        assert schema_version_of(current) == SCHEMA_VERSION
    before = backup.stat().st_mtime_ns
    Store(db).close()  # already current: no second copy
    assert backup.stat().st_mtime_ns == before and not pre_migration_backup(db, SCHEMA_VERSION).exists()


def test_restore_refuses_a_damaged_or_newer_backup_and_changes_nothing(tmp_path):
    from faq.store import restore

    db = v3_database(tmp_path / "faqbot.db")
    Store(db).close()
    not_a_db = tmp_path / "garbage.db"
    not_a_db.write_bytes(b"not sqlite at all" * 100)
    newer = tmp_path / "newer.db"
    Store(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute("update meta set value = '99' where key = 'schema_version'")
    for bad, message in ((not_a_db, "not"), (newer, "newer than this faqbot")):
        try:
            restore(bad, db)
        except IncompatibleDatabase as exc:
            assert message in str(exc)
        else:
            raise AssertionError(f"{bad} was restored")
    with sqlite3.connect(db) as conn:
        assert conn.execute("select event_id from questions").fetchall() == [("EvOld1",)]
