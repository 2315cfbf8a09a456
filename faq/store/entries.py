"""FAQ entries with their revisions, and the stored documents (the synonym table)."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from faq.errors import VersionConflict
from faq.models import Entry
from faq.store.core import Connections, now
from faq.store.rows import Revision, StoredEntry

SHIPPED_BY = "system:shipped-faq"


def changed_fields(old: Entry, new: Entry) -> list[str]:
    """Names of the fields that differ, for the revision history."""
    before, after = old.model_dump(), new.model_dump()
    return sorted(k for k in after if before.get(k) != after.get(k))


class EntriesStore(Connections):
    def entries(self, include_retired: bool = True) -> list[Entry]:
        return [s.entry for s in self.stored_entries() if include_retired or not s.entry.retired]

    def stored_entries(self) -> list[StoredEntry]:
        """Every entry with its version and provenance, by id."""
        return [StoredEntry.from_row(r) for r in self.db.query("select * from entries order by id")]

    def stored_entry(self, entry_id: str) -> StoredEntry | None:
        rows = list(self.db.query("select * from entries where id = ?", [entry_id]))
        return StoredEntry.from_row(rows[0]) if rows else None

    def active_entry_count(self) -> int:
        return self.db.execute("select count(*) from entries where retired = 0").fetchone()[0]

    def entries_version(self) -> int:
        """Changes whenever any entry changes, so every process can notice and reload."""
        row = self.db.execute("select value from meta where key = 'entries_version'").fetchone()
        return int(row[0]) if row else 0

    def _bump_entries_version(self, db: sqlite_utils.Database) -> None:
        db["meta"].upsert({"key": "entries_version", "value": str(self.entries_version() + 1)}, pk="key")

    def _write_entry(self, db: sqlite_utils.Database, entry: Entry, *, version: int, action: str,
                     changed_by: str, changed_fields: list[str], shipped: str | None,
                     edited_by_hr: bool) -> None:
        data = entry.model_dump_json()
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
                data = entry.model_dump_json()
                stored = self.stored_entry(entry.id)
                if stored is None:
                    self._write_entry(db, entry, version=1, action="import", changed_by=SHIPPED_BY,
                                      changed_fields=["*"], shipped=data, edited_by_hr=False)
                elif stored.shipped == data:
                    continue
                elif stored.edited_by_hr:
                    kept.append(entry.id)
                else:
                    self._write_entry(db, entry, version=stored.version + 1, action="import",
                                      changed_by=SHIPPED_BY, changed_fields=changed_fields(stored.entry, entry),
                                      shipped=data, edited_by_hr=False)
        return kept

    def save_entry(self, entry: Entry, *, changed_by: str, expected_version: int | None,
                   action: str = "edit") -> int:
        """Save an HR edit as a new revision; returns the new version.

        ``expected_version`` is the version the editor started from (None for a new entry).
        If someone saved in between, nothing is written and VersionConflict is raised.
        """
        with self.transaction() as db:
            stored = self.stored_entry(entry.id)
            current = stored.version if stored else None
            if current != expected_version:
                raise VersionConflict(entry.id, expected_version, current)
            fields = changed_fields(stored.entry, entry) if stored else ["*"]
            version = (current or 0) + 1
            self._write_entry(db, entry, version=version, action=action, changed_by=changed_by,
                              changed_fields=fields, shipped=stored.shipped if stored else None,
                              edited_by_hr=True)
            return version

    def revision(self, entry_id: str, version: int) -> Entry | None:
        row = self.db.execute("select data from entry_revisions where entry_id = ? and version = ?",
                              [entry_id, version]).fetchone()
        return Entry.model_validate_json(row[0]) if row else None

    def revisions(self, entry_id: str) -> list[Revision]:
        return [Revision.from_row(r) for r in self.db.query(
            "select * from entry_revisions where entry_id = ? order by version", [entry_id])]

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
