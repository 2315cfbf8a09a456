"""SQLite storage through sqlite-utils: entries with revisions, the question log, feedback.

WAL mode and a busy timeout let the bot, the CLI and a second worker share one file.
The schema has a version and forward-only migrations. Nothing is written unmasked: every
question passes through ``privacy.mask_personal_data`` here, whatever the caller did.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from faq.models import Decision, Entry
from faq.privacy import mask_personal_data

DEFAULT_DATABASE_PATH = Path("data") / "faqbot.db"
# Question logs are personal data kept only as long as HR needs them to follow up.
DEFAULT_RETENTION_DAYS = 180
HR_POST_LEASE_SECONDS = 60
BUSY_TIMEOUT_MS = 10_000
SHIPPED_BY = "system:shipped-faq"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _in_seconds(seconds: float) -> str:
    """A moment ``seconds`` from now, in the same sortable form as ``now()``."""
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds)).isoformat(timespec="seconds")


def _entry_json(entry: Entry) -> str:
    return entry.model_dump_json()


def _migration_1(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["entries"].create(
        {"id": str, "kind": str, "data": str, "version": int, "retired": int,
         "shipped": str, "edited_by_hr": int, "updated_at": str, "updated_by": str},
        pk="id",
    )
    db["entry_revisions"].create(
        {"id": int, "entry_id": str, "version": int, "action": str, "changed_fields": str,
         "data": str, "changed_by": str, "changed_at": str},
        pk="id",
    )
    db["entry_revisions"].create_index(["entry_id", "version"], unique=True)
    db["questions"].create(
        {"id": int, "asked_at": str, "channel_kind": str, "user_id": str, "question": str,
         "language": str, "outcome": str, "entry_id": str, "score": float, "candidates": str,
         "event_id": str, "channel_id": str, "thread_ts": str},
        pk="id",
    )
    db["questions"].create_index(["event_id"], unique=True)
    db["questions"].create_index(["asked_at"])
    db["feedback"].create(
        {"id": int, "question_id": int, "user_id": str, "value": int, "entry_id": str,
         "created_at": str},
        pk="id",
        foreign_keys=[("question_id", "questions", "id")],
    )


def _migration_2(db: sqlite_utils.Database) -> None:
    """Slack: where a question was asked, the HR-post outbox, one vote each, clarify choices."""
    db["questions"].add_column("message_ts", str)
    db["hr_posts"].create(
        {"id": int, "question_id": int, "reason": str, "status": str, "attempts": int,
         "next_attempt_at": str, "lease_until": str, "last_error": str, "channel_id": str,
         "ts": str, "created_at": str, "sent_at": str},
        pk="id",
        foreign_keys=[("question_id", "questions", "id")],
    )
    db["hr_posts"].create_index(["question_id", "reason"], unique=True)
    db["hr_posts"].create_index(["status", "next_attempt_at"])
    db["feedback"].create_index(["question_id", "user_id"], unique=True)
    db["choices"].create(
        {"id": int, "question_id": int, "user_id": str, "entry_id": str, "created_at": str},
        pk="id",
        foreign_keys=[("question_id", "questions", "id")],
    )


def _migration_3(db: sqlite_utils.Database) -> None:
    """HR review queue (similar questions grouped) and the editable synonym table."""
    db["review_groups"].create(
        {"id": int, "representative": str, "status": str, "entry_id": str, "notified_at": str,
         "created_at": str, "updated_at": str, "updated_by": str},
        pk="id",
    )
    db["review_items"].create(
        {"id": int, "question_id": int, "reason": str, "group_id": int, "status": str,
         "linked_entry_id": str, "hr_answer": str, "answered_by": str, "created_at": str,
         "updated_at": str, "updated_by": str},
        pk="id",
        foreign_keys=[("question_id", "questions", "id"), ("group_id", "review_groups", "id")],
    )
    db["review_items"].create_index(["question_id"], unique=True)
    db["review_items"].create_index(["status"])
    db["documents"].create({"name": str, "data": str, "version": int, "updated_by": str,
                            "updated_at": str}, pk="name")
    db["document_revisions"].create(
        {"id": int, "name": str, "version": int, "data": str, "changed_by": str, "changed_at": str},
        pk="id",
    )


def _migration_4(db: sqlite_utils.Database) -> None:
    """Durable intake (the inbox) and fenced HR-post claims."""
    db["inbox"].create(
        {"id": int, "delivery_key": str, "kind": str, "payload": str, "status": str, "attempts": int,
         "claim": str, "lease_until": str, "last_error": str, "received_at": str, "done_at": str},
        pk="id",
    )
    db["inbox"].create_index(["delivery_key"], unique=True)
    db["inbox"].create_index(["status"])
    db["hr_posts"].add_column("claim", str)


def _migration_5(db: sqlite_utils.Database) -> None:
    """Related questions opened under an answer (for stats); threads looked up for follow-ups."""
    db["related_clicks"].create(
        {"id": int, "question_id": int, "from_entry_id": str, "entry_id": str, "user_id": str,
         "created_at": str},
        pk="id",
        foreign_keys=[("question_id", "questions", "id")],
    )
    db["questions"].create_index(["channel_id", "thread_ts"])


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_migration_1, _migration_2, _migration_3,
                                                             _migration_4, _migration_5]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version_of(conn: sqlite3.Connection) -> int:
    """The schema version a database file records (0 for an empty file)."""
    if not conn.execute("select 1 from sqlite_master where type = 'table' and name = 'meta'").fetchone():
        return 0
    row = conn.execute("select value from meta where key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def pre_migration_backup(path: Path, version: int) -> Path:
    """Where the copy taken before migrating a version-``version`` database goes."""
    return path.with_name(f"{path.name}.v{version}.bak")


class Store:
    """One SQLite file, shared by the threads of a process and by processes.

    Each thread gets its own connection: sqlite-utils wraps even reads in a SAVEPOINT, so a
    shared connection lets one thread's read open a transaction under another thread's write.
    Between connections, WAL mode and the busy timeout do the queueing, in-process as across
    processes.
    """

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
        """This thread's connection (opened on first use)."""
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
                raise RuntimeError(
                    f"{self.path} has schema version {current}, newer than this faqbot "
                    f"({SCHEMA_VERSION}); upgrade faqbot instead of downgrading the database"
                )
            for number in range(current + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[number - 1](self.db)
                self.db["meta"].upsert({"key": "schema_version", "value": str(number)}, pk="key")

    # -- entries ------------------------------------------------------------------------

    def entries(self, include_retired: bool = True) -> list[Entry]:
        rows = self.db.execute("select data, retired from entries order by id").fetchall()
        loaded = [Entry.model_validate_json(data) for data, _ in rows]
        return [e for e in loaded if include_retired or not e.retired]

    def entry_row(self, entry_id: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from entries where id = ?", [entry_id]))
        return rows[0] if rows else None

    def entries_version(self) -> int:
        """Changes whenever any entry changes, so every process can notice and reload."""
        row = self.db.execute("select value from meta where key = 'entries_version'").fetchone()
        return int(row[0]) if row else 0

    def _bump_entries_version(self, db: sqlite_utils.Database) -> None:
        db["meta"].upsert({"key": "entries_version", "value": str(self.entries_version() + 1)}, pk="key")

    def _write_entry(self, db: sqlite_utils.Database, entry: Entry, *, version: int, action: str,
                     changed_by: str, changed_fields: list[str], shipped: str | None,
                     edited_by_hr: bool) -> None:
        data = _entry_json(entry)
        at = now()
        db["entries"].upsert(
            {"id": entry.id, "kind": entry.kind.value, "data": data, "version": version,
             "retired": int(entry.retired), "shipped": shipped, "edited_by_hr": int(edited_by_hr),
             "updated_at": at, "updated_by": changed_by},
            pk="id",
        )
        db["entry_revisions"].insert(
            {"entry_id": entry.id, "version": version, "action": action,
             "changed_fields": json.dumps(changed_fields), "data": data,
             "changed_by": changed_by, "changed_at": at}
        )
        self._bump_entries_version(db)

    def sync_shipped(self, shipped: list[Entry]) -> list[str]:
        """Import shipped entries: new ones are added, untouched ones updated, HR edits kept.

        Returns the ids of shipped entries that were not applied because HR edited them.
        """
        kept: list[str] = []
        with self.transaction() as db:
            for entry in shipped:
                data = _entry_json(entry)
                row = self.entry_row(entry.id)
                if row is None:
                    self._write_entry(db, entry, version=1, action="import", changed_by=SHIPPED_BY,
                                      changed_fields=["*"], shipped=data, edited_by_hr=False)
                elif row["shipped"] == data:
                    continue
                elif row["edited_by_hr"]:
                    kept.append(entry.id)
                else:
                    old = Entry.model_validate_json(row["data"])
                    self._write_entry(db, entry, version=row["version"] + 1, action="import",
                                      changed_by=SHIPPED_BY, changed_fields=changed_fields(old, entry),
                                      shipped=data, edited_by_hr=False)
        return kept

    def save_entry(self, entry: Entry, *, changed_by: str, expected_version: int | None,
                   action: str = "edit") -> int:
        """Save an HR edit as a new revision; returns the new version.

        ``expected_version`` is the version the editor started from (None for a new entry).
        If someone saved in between, nothing is written and VersionConflict is raised.
        """
        with self.transaction() as db:
            row = self.entry_row(entry.id)
            current = row["version"] if row else None
            if current != expected_version:
                raise VersionConflict(entry.id, expected_version, current)
            old = Entry.model_validate_json(row["data"]) if row else None
            fields = changed_fields(old, entry) if old else ["*"]
            version = (current or 0) + 1
            self._write_entry(db, entry, version=version, action=action, changed_by=changed_by,
                              changed_fields=fields, shipped=row["shipped"] if row else None,
                              edited_by_hr=True)
            return version

    def revision(self, entry_id: str, version: int) -> Entry | None:
        row = self.db.execute("select data from entry_revisions where entry_id = ? and version = ?",
                              [entry_id, version]).fetchone()
        return Entry.model_validate_json(row[0]) if row else None

    # -- documents (the synonym table) ---------------------------------------------------

    def document(self, name: str) -> tuple[Any, int] | None:
        """(data, version) of a stored document, or None when only the shipped file exists."""
        row = self.db.execute("select data, version from documents where name = ?", [name]).fetchone()
        return (json.loads(row[0]), row[1]) if row else None

    def save_document(self, name: str, data: Any, *, changed_by: str, expected_version: int | None) -> int:
        with self.transaction() as db:
            row = db.execute("select version from documents where name = ?", [name]).fetchone()
            current = row[0] if row else None
            if current != expected_version:
                raise VersionConflict(name, expected_version, current)
            version = (current or 0) + 1
            payload = json.dumps(data, ensure_ascii=False)
            db["documents"].upsert({"name": name, "data": payload, "version": version,
                                    "updated_by": changed_by, "updated_at": now()}, pk="name")
            db["document_revisions"].insert({"name": name, "version": version, "data": payload,
                                             "changed_by": changed_by, "changed_at": now()})
            self._bump_entries_version(db)
            return version

    def revisions(self, entry_id: str) -> list[dict[str, Any]]:
        return list(self.db.query(
            "select * from entry_revisions where entry_id = ? order by version", [entry_id]))

    # -- questions and feedback ---------------------------------------------------------

    def log_question(self, decision: Decision, *, channel_kind: str, user_id: str | None,
                     event_id: str | None = None, channel_id: str | None = None,
                     thread_ts: str | None = None, message_ts: str | None = None,
                     hr_post_reason: str | None = None) -> int | None:
        """Store one question (masked). Returns its id, or None if ``event_id`` was seen.

        The UNIQUE ``event_id`` is the claim on a Slack delivery: a retry or a replay finds
        the row and does nothing, across processes and restarts. With ``hr_post_reason`` the
        pending HR post is written in the same transaction, so no claim exists without it."""
        row = {
            "asked_at": now(), "channel_kind": channel_kind, "user_id": user_id,
            "question": mask_personal_data(decision.question), "language": decision.language,
            "outcome": decision.outcome.value, "entry_id": decision.entry_id,
            "score": decision.score,
            "candidates": json.dumps([c.model_dump() for c in decision.candidates]),
            "event_id": event_id, "channel_id": channel_id, "thread_ts": thread_ts,
            "message_ts": message_ts,
        }
        try:
            with self.transaction() as db:
                question_id = db["questions"].insert(row).last_pk
                if hr_post_reason:
                    self.enqueue_hr_post(question_id, hr_post_reason)
                return question_id
        except sqlite3.IntegrityError:
            return None

    def question(self, question_id: int) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from questions where id = ?", [question_id]))
        return rows[0] if rows else None

    def add_feedback(self, question_id: int, user_id: str | None, value: int) -> None:
        """Record a vote; a second click by the same person replaces the first."""
        entry = self.question(question_id)
        with self.transaction() as db:
            db.execute(
                "insert into feedback (question_id, user_id, value, entry_id, created_at) "
                "values (?, ?, ?, ?, ?) on conflict (question_id, user_id) do update set "
                "value = excluded.value, created_at = excluded.created_at",
                [question_id, user_id, 1 if value > 0 else -1,
                 entry["entry_id"] if entry else None, now()],
            )

    def record_choice(self, question_id: int, user_id: str | None, entry_id: str) -> None:
        """A clarify choice: a labelled example of what the question meant."""
        with self.transaction() as db:
            db["choices"].insert({"question_id": question_id, "user_id": user_id,
                                  "entry_id": entry_id, "created_at": now()})

    def record_related_click(self, question_id: int, user_id: str | None, from_entry_id: str | None,
                             entry_id: str) -> None:
        """A related question opened under an answer: which ones staff follow feeds the stats."""
        with self.transaction() as db:
            db["related_clicks"].insert({"question_id": question_id, "from_entry_id": from_entry_id,
                                         "entry_id": entry_id, "user_id": user_id, "created_at": now()})

    def earlier_questions(self, channel_id: str, thread_ts: str | None, *, since: str | None,
                          before_id: int | None = None, limit: int = 2) -> list[str]:
        """The latest questions asked in one thread (or, with ``thread_ts`` None, one DM channel
        outside threads, since ``since``), oldest first: what a follow-up is read with."""
        sql = ("select question from questions where channel_id = ? and thread_ts is ? "
               "and (event_id is null or event_id not like '%#part%') and asked_at >= ? and id < ? "
               "order by id desc limit ?")
        rows = self.db.execute(sql, [channel_id, thread_ts, since or "", before_id or 2**62, limit]).fetchall()
        return [r[0] for r in reversed(rows)]

    # -- HR-post outbox -----------------------------------------------------------------

    def enqueue_hr_post(self, question_id: int, reason: str) -> int | None:
        """Store an HR post as pending before Slack is called; None if it already exists."""
        with self.transaction() as db:
            if db.execute("select 1 from hr_posts where question_id = ? and reason = ?",
                          [question_id, reason]).fetchone():
                return None
            return db["hr_posts"].insert(
                {"question_id": question_id, "reason": reason, "status": "pending",
                 "attempts": 0, "next_attempt_at": now(), "created_at": now()}
            ).last_pk

    def hr_post_id(self, question_id: int, reason: str) -> int | None:
        row = self.db.execute("select id from hr_posts where question_id = ? and reason = ?",
                              [question_id, reason]).fetchone()
        return row[0] if row else None

    def claim_hr_post(self, post_id: int, lease_seconds: float = HR_POST_LEASE_SECONDS) -> dict[str, Any] | None:
        """Take a due post for sending; None if it is not due or another worker holds it.

        The row's ``claim`` is a fresh token: only its holder may mark the post sent or
        failed, so a sender whose lease ran out cannot overwrite the next holder's outcome."""
        at = now()
        claim = uuid.uuid4().hex
        with self.transaction() as db:
            cursor = db.execute(
                "update hr_posts set status = 'sending', lease_until = ?, claim = ?, attempts = attempts + 1 "
                "where id = ? and ((status = 'pending' and next_attempt_at <= ?) "
                "or (status = 'sending' and lease_until < ?))",
                [_in_seconds(lease_seconds), claim, post_id, at, at],
            )
            if cursor.rowcount != 1:
                return None
        return next(self.db.query("select * from hr_posts where id = ?", [post_id]))

    def hr_post_claim_held(self, post_id: int, claim: str) -> bool:
        """True while ``claim`` still holds the post and its lease has not run out."""
        return self.db.execute("select 1 from hr_posts where id = ? and claim = ? and status = 'sending' "
                               "and lease_until >= ?", [post_id, claim, now()]).fetchone() is not None

    def due_hr_posts(self) -> list[int]:
        at = now()
        return [r[0] for r in self.db.execute(
            "select id from hr_posts where (status = 'pending' and next_attempt_at <= ?) "
            "or (status = 'sending' and lease_until < ?) order by id", [at, at]).fetchall()]

    def mark_hr_post_sent(self, post_id: int, claim: str, channel_id: str, ts: str) -> bool:
        """Record the delivery; False when ``claim`` no longer holds the post."""
        with self.transaction() as db:
            return db.execute("update hr_posts set status = 'sent', channel_id = ?, ts = ?, sent_at = ?, "
                              "last_error = null, lease_until = null where id = ? and claim = ?",
                              [channel_id, ts, now(), post_id, claim]).rowcount == 1

    def mark_hr_post_failed(self, post_id: int, claim: str, error: str, retry_in_seconds: float | None) -> bool:
        """Back to pending for a retry, or given up (status 'failed') when ``retry_in_seconds`` is None.

        False (nothing changed) when ``claim`` no longer holds the post."""
        status, retry_at = ("failed", None) if retry_in_seconds is None else ("pending", _in_seconds(retry_in_seconds))
        with self.transaction() as db:
            return db.execute("update hr_posts set status = ?, last_error = ?, "
                              "next_attempt_at = coalesce(?, next_attempt_at), lease_until = null "
                              "where id = ? and claim = ? and status = 'sending'",
                              [status, error[:500], retry_at, post_id, claim]).rowcount == 1

    # -- durable intake (the inbox) -----------------------------------------------------

    def take_delivery(self, key: str, kind: str, payload: dict[str, Any]) -> int | None:
        """Store one delivery before it is acknowledged; None when ``key`` was taken before
        (a Slack retry). The payload must already be masked: it is written as given."""
        try:
            with self.transaction() as db:
                return db["inbox"].insert(
                    {"delivery_key": key, "kind": kind, "payload": json.dumps(payload, ensure_ascii=False),
                     "status": "pending", "attempts": 0, "received_at": now()}).last_pk
        except sqlite3.IntegrityError:
            return None

    def claim_delivery(self, owner: str, lease_seconds: float,
                       is_abandoned: Callable[[str], bool]) -> dict[str, Any] | None:
        """Take the oldest pending delivery nobody works on: unclaimed, lease run out, or
        claimed by a process ``is_abandoned`` says is gone. The claim is compare-and-set, so
        two processes never both take one row."""
        at = now()
        rows = self.db.execute("select id, claim, lease_until from inbox where status = 'pending' "
                               "order by id limit 100").fetchall()
        for row_id, claim, lease_until in rows:
            if claim and lease_until and lease_until >= at and not is_abandoned(claim):
                continue
            token = f"{owner}/{uuid.uuid4().hex}"
            with self.transaction() as db:
                taken = db.execute("update inbox set claim = ?, lease_until = ?, attempts = attempts + 1 "
                                   "where id = ? and status = 'pending' and claim is ?",
                                   [token, _in_seconds(lease_seconds), row_id, claim]).rowcount
            if taken:
                return next(self.db.query("select * from inbox where id = ?", [row_id]))
        return None

    def finish_delivery(self, row_id: int, claim: str, status: str = "done", error: str | None = None) -> bool:
        """Done (or given up): the payload is dropped, the key stays to recognise retries."""
        with self.transaction() as db:
            return db.execute("update inbox set status = ?, payload = '{}', done_at = ?, last_error = ?, "
                              "lease_until = null where id = ? and claim = ?",
                              [status, now(), error and error[:500], row_id, claim]).rowcount == 1

    def retry_delivery(self, row_id: int, claim: str, error: str, retry_in_seconds: float) -> None:
        """Keep the claim but let it run out in ``retry_in_seconds``, when any process may retry."""
        with self.transaction() as db:
            db.execute("update inbox set lease_until = ?, last_error = ? where id = ? and claim = ?",
                       [_in_seconds(retry_in_seconds), error[:500], row_id, claim])

    def pending_deliveries(self) -> int:
        return self.db.execute("select count(*) from inbox where status = 'pending'").fetchone()[0]

    def question_by_event(self, event_id: str) -> dict[str, Any] | None:
        rows = list(self.db.query("select * from questions where event_id = ?", [event_id]))
        return rows[0] if rows else None

    def check_writable(self) -> None:
        """Raise sqlite3.Error when the database cannot take a write (disk full, read-only)."""
        with self.transaction() as db:
            db.execute("insert into meta (key, value) values ('last_write_check', ?) "
                       "on conflict (key) do update set value = excluded.value", [now()])

    # -- retention ----------------------------------------------------------------------

    def purge(self, older_than_days: int) -> int:
        """Delete question logs (and what hangs on them) older than the retention period.

        Entries and their history are kept. Returns the number of questions removed.
        """
        cutoff = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=older_than_days)).isoformat(timespec="seconds")
        with self.transaction() as db:
            old = "select id from questions where asked_at < ?"
            for table in ("feedback", "choices", "related_clicks", "hr_posts", "review_items"):
                db.execute(f"delete from {table} where question_id in ({old})", [cutoff])
            removed = db.execute("delete from questions where asked_at < ?", [cutoff]).rowcount
            db.execute("delete from review_groups where id not in (select group_id from review_items "
                       "where group_id is not null)")
            # A group's representative is the text of its first question: when that question
            # is purged, the group is shown by its oldest remaining one instead.
            db.execute("update review_groups set representative = (select q.question from review_items i "
                       "join questions q on q.id = i.question_id where i.group_id = review_groups.id "
                       "order by i.id limit 1)")
            db.execute("delete from inbox where received_at < ?", [cutoff])
            return removed


def restore(source: Path, target: Path) -> int:
    """Replace the database at ``target`` with the backup ``source``; returns the backup's version.

    The backup is checked first (integrity, a faqbot schema no newer than this code), then
    copied in with SQLite's backup API, so a failed restore leaves the old database whole,
    and migrated forward if it came from an older faqbot."""
    if not source.is_file():
        raise ValueError(f"{source} does not exist")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        try:
            healthy = src.execute("pragma integrity_check").fetchone()[0] == "ok"
            version = schema_version_of(src)
        except sqlite3.DatabaseError as exc:
            raise ValueError(f"{source} is not a SQLite database ({exc})") from None
        if not healthy or version == 0:
            raise ValueError(f"{source} is not an intact faqbot database; nothing was changed")
        if version > SCHEMA_VERSION:
            raise ValueError(f"{source} has schema version {version}, newer than this faqbot "
                             f"({SCHEMA_VERSION}); upgrade faqbot first; nothing was changed")
        store = Store(target)
        try:
            src.backup(store.db.conn)
            store.migrate()
        finally:
            store.close()
        return version
    finally:
        src.close()


class VersionConflict(Exception):
    """Someone else saved the entry since the editor opened it."""

    def __init__(self, entry_id: str, expected: int | None, current: int | None):
        self.entry_id, self.expected, self.current = entry_id, expected, current
        super().__init__(f"entry {entry_id} is at version {current}, not {expected}")


def changed_fields(old: Entry, new: Entry) -> list[str]:
    """Names of the fields that differ, for the revision history."""
    before, after = old.model_dump(), new.model_dump()
    return sorted(k for k in after if before.get(k) != after.get(k))
