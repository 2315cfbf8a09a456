"""Export and import the FAQ as one YAML file: round-trips without loss, imports all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from faq.content import ContentError, Problem, load_entry_files, validate_entries
from faq.editing import Editor
from faq.models import Entry


def export_yaml(entries: list[Entry]) -> str:
    """Every entry (retired ones too) in the same shape as the content files."""
    data = [e.model_dump(mode="json") for e in sorted(entries, key=lambda e: e.id)]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


@dataclass
class ImportPlan:
    added: list[Entry] = field(default_factory=list)
    updated: list[Entry] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    edited_by_hr: list[str] = field(default_factory=list)


def plan_import(editor: Editor, path: Path) -> ImportPlan:
    """Validate the whole file first; raise ContentError with every problem found."""
    problems: list[Problem] = []
    loaded = load_entry_files(path, problems)
    problems += validate_entries(loaded, editor.service.content.notices)
    if problems:
        raise ContentError(problems)
    plan = ImportPlan()
    for _, entry in loaded:
        row = editor.service.store.entry_row(entry.id)
        if row is None:
            plan.added.append(entry)
        elif Entry.model_validate_json(row["data"]) == entry:
            plan.unchanged.append(entry.id)
        else:
            plan.updated.append(entry)
            if row["edited_by_hr"]:
                plan.edited_by_hr.append(entry.id)
    return plan


def apply_import(editor: Editor, plan: ImportPlan, *, by: str, force: bool) -> None:
    """All or nothing: refused whole when it would overwrite HR's edits without ``force``."""
    if plan.edited_by_hr and not force:
        raise ContentError([Problem(e, e, None, "edited by HR since it was shipped; use --force to overwrite")
                            for e in plan.edited_by_hr])
    store = editor.service.store
    with store.transaction():
        for entry in plan.added:
            store.save_entry(entry, changed_by=by, expected_version=None, action="import")
        for entry in plan.updated:
            store.save_entry(entry, changed_by=by, expected_version=store.entry_row(entry.id)["version"],
                             action="import --force" if entry.id in plan.edited_by_hr else "import")
