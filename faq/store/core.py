"""The connection side of the store: one SQLite file shared by threads and processes.

WAL mode and a busy timeout let the bot, the CLI and a second worker share one file; the
schema has a version and forward-only migrations (``schema.py``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from faq.errors import IncompatibleDatabase
from faq.store.schema import MIGRATIONS, SCHEMA_VERSION, pre_migration_backup, schema_version_of

BUSY_TIMEOUT_MS = 10_000


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def in_seconds(seconds: float) -> str:
    """A moment ``seconds`` from now, in the same sortable form as ``now()``."""
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")


def days_ago(days: int) -> str:
    """The moment ``days`` days ago, in the same sortable form as ``now()``."""
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)).isoformat(timespec="seconds")


class Connections:
    """Each thread gets its own connection: sqlite-utils wraps even reads in a SAVEPOINT, so a
    shared connection lets one thread's read open a transaction under another thread's write.
    Between connections, WAL mode and the busy timeout do the queueing, in-process as across
    processes."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self.db.enable_wal()
        self.migrate()

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection (opened on first use). Only the store's modules use it."""
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            with self._connections_lock:
                self._connections.append(conn)
            db = self._local.db = sqlite_utils.Database(conn)
            self._local.depth = 0
        return db

    def close(self) -> None:
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def backup(self, target: Path) -> None:
        """SQLite's online backup: a consistent copy while the bot keeps running."""
        target.parent.mkdir(parents=True, exist_ok=True)
        copy = sqlite3.connect(str(target))
        try:
            self.db.conn.backup(copy)
        finally:
            copy.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction, taken up front so writers queue instead of failing.

        Nested use joins the outer transaction, so a multi-step change (an import) commits or
        rolls back as a whole."""
        db = self.db
        if self._local.depth:
            self._local.depth += 1
            try:
                yield db
            finally:
                self._local.depth -= 1
            return
        db.execute("BEGIN IMMEDIATE")
        self._local.depth = 1
        try:
            yield db
        except BaseException:
            self._local.depth = 0
            db.execute("ROLLBACK")
            raise
        self._local.depth = 0
        db.execute("COMMIT")

    def check_writable(self) -> None:
        """Raise sqlite3.Error when the database cannot take a write (disk full, read-only)."""
        with self.transaction() as db:
            db.execute("insert into meta (key, value) values ('last_write_check', ?) "
                       "on conflict (key) do update set value = excluded.value", [now()])

    # -- schema -------------------------------------------------------------------------

    def schema_version(self) -> int:
        return schema_version_of(self.db.conn)

    def _copy_before_migrating(self) -> None:
        """Copy an older database beside itself (``faqbot.db.v3.bak``) before migrating it,
        so an upgrade can always be undone with HR's edits intact.

        SQLite's backup cannot run inside our write transaction, so it runs just before; if
        another process migrated meanwhile, the copy is of the wrong version and is dropped."""
        current = self.schema_version()
        target = pre_migration_backup(self.path, current)
        if not 0 < current < SCHEMA_VERSION or target.exists():
            return
        self.backup(target)
        copy = sqlite3.connect(target)
        try:
            same = schema_version_of(copy) == current
        finally:
            copy.close()
        if not same:
            target.unlink()

    def migrate(self) -> None:
        """Apply every migration newer than the file's version, in one transaction."""
        self._copy_before_migrating()
        with self.transaction():
            current = self.schema_version()
            if current > SCHEMA_VERSION:
                raise IncompatibleDatabase(
                    f"{self.path} has schema version {current}, newer than this faqbot "
                    f"({SCHEMA_VERSION}); upgrade faqbot instead of downgrading the database"
                )
            for number in range(current + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[number - 1](self.db)
                self.db["meta"].upsert({"key": "schema_version", "value": str(number)}, pk="key")
