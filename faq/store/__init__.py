"""SQLite storage through sqlite-utils, the only place that speaks SQL.

Entries with revisions, the question log with votes and choices, the HR outbox, the durable
inbox and the review queue, each in its own module; ``Store`` is all of them on one file.
Reads return the typed rows of ``rows.py``; failures are the domain errors of ``faq.errors``.
"""

from __future__ import annotations

from pathlib import Path

from faq.errors import VersionConflict
from faq.store.core import now
from faq.store.entries import SHIPPED_BY, EntriesStore, changed_fields
from faq.store.files import inspect, restore, stored_entry_data
from faq.store.inbox import InboxStore
from faq.store.outbox import HR_POST_LEASE_SECONDS
from faq.store.questions import DEFAULT_RETENTION_DAYS, QuestionsStore
from faq.store.reports import ReportsStore
from faq.store.review import ReviewStore
from faq.store.rows import (DatabaseHealth, Delivery, HrPost, Question, ReviewGroup, ReviewItem, Revision,
                            StoredEntry)
from faq.store.schema import SCHEMA_VERSION, pre_migration_backup, schema_version_of

DEFAULT_DATABASE_PATH = Path("data") / "faqbot.db"


class Store(EntriesStore, QuestionsStore, InboxStore, ReviewStore, ReportsStore):
    """One SQLite file, shared by the threads of a process and by processes."""


__all__ = ["DEFAULT_DATABASE_PATH", "DEFAULT_RETENTION_DAYS", "HR_POST_LEASE_SECONDS", "SCHEMA_VERSION",
           "SHIPPED_BY", "DatabaseHealth", "Delivery", "HrPost", "Question", "ReviewGroup", "ReviewItem",
           "Revision", "Store", "StoredEntry", "VersionConflict", "changed_fields", "inspect", "now",
           "pre_migration_backup", "restore", "schema_version_of", "stored_entry_data"]
