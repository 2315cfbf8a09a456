"""Database files the store does not open for work: a backup to restore, a live file to inspect
read-only (``faqbot doctor`` must never create or change one)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from faq.errors import IncompatibleDatabase
from faq.store.rows import DatabaseHealth
from faq.store.schema import SCHEMA_VERSION, schema_version_of


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def inspect(path: Path) -> DatabaseHealth:
    """Schema version, integrity, journal mode and the HR outbox of an existing file, read-only.

    Raises sqlite3.DatabaseError when the file is not a readable database. The outbox figures
    are read only when the schema is this faqbot's."""
    with read_only(path) as conn:
        version = schema_version_of(conn)
        integrity = conn.execute("pragma integrity_check").fetchone()[0]
        journal = conn.execute("pragma journal_mode").fetchone()[0]
        pending, oldest, failed, error = 0, None, 0, None
        if version == SCHEMA_VERSION:
            pending, oldest = conn.execute("select count(*), min(created_at) from hr_posts "
                                           "where status in ('pending', 'sending')").fetchone()
            failed = conn.execute("select count(*) from hr_posts where status = 'failed'").fetchone()[0]
            row = conn.execute("select last_error from hr_posts where status in ('pending', 'sending', 'failed') "
                               "and last_error is not null order by id desc limit 1").fetchone()
            error = row[0] if row else None
    return DatabaseHealth(integrity=integrity, journal_mode=journal, schema_version=version,
                          pending_hr_posts=pending, oldest_pending_hr_post=oldest, failed_hr_posts=failed,
                          last_hr_post_error=error)


def stored_entry_data(path: Path) -> list[tuple[str, str]]:
    """(id, JSON) of every entry in an existing file, read-only and unparsed, so a damaged entry
    can be reported instead of stopping the reading."""
    with read_only(path) as conn:
        return [(i, d) for i, d in conn.execute("select id, data from entries order by id").fetchall()]


def restore(source: Path, target: Path) -> int:
    """Replace the database at ``target`` with the backup ``source``; returns the backup's version.

    The backup is checked first (integrity, a faqbot schema no newer than this code), then
    copied in with SQLite's backup API, so a failed restore leaves the old database whole,
    and migrated forward if it came from an older faqbot."""
    from faq.store import Store

    if not source.is_file():
        raise IncompatibleDatabase(f"{source} does not exist")
    with read_only(source) as src:
        try:
            healthy = src.execute("pragma integrity_check").fetchone()[0] == "ok"
            version = schema_version_of(src)
        except sqlite3.DatabaseError as exc:
            raise IncompatibleDatabase(f"{source} is not a SQLite database ({exc})") from None
        if not healthy or version == 0:
            raise IncompatibleDatabase(f"{source} is not an intact faqbot database; nothing was changed")
        if version > SCHEMA_VERSION:
            raise IncompatibleDatabase(f"{source} has schema version {version}, newer than this faqbot "
                                       f"({SCHEMA_VERSION}); upgrade faqbot first; nothing was changed")
        store = Store(target)
        try:
            src.backup(store.db.conn)
            store.migrate()
        finally:
            store.close()
        return version
