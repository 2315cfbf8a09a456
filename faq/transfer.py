"""Export and import the FAQ as one YAML file: round-trips without loss, imports all or nothing.

The export's header comment records the version each entry was exported from. On import,
an entry still at that version imports cleanly, whoever edited it before; only an entry
changed since the export needs ``force``, so overwriting someone's work stays deliberate.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from faq.content import ContentError, Problem, load_entry_files, validate_entries
from faq.editing import Editor
from faq.models import Entry


VERSIONS_HEADER = "# exported versions (faqbot faq import compares them; keep this line): "
_VERSIONS = re.compile("^" + re.escape(VERSIONS_HEADER) + r"(\{.*\})$", re.MULTILINE)


def export_yaml(entries: list[Entry], versions: dict[str, int]) -> str:
    """Every entry (retired ones too) in the same shape as the content files, after a comment
    line with the version of each."""
    data = [e.model_dump(mode="json") for e in sorted(entries, key=lambda e: e.id)]
    header = VERSIONS_HEADER + json.dumps(dict(sorted(versions.items())), separators=(",", ":"))
    return header + "\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def exported_versions(text: str) -> dict[str, int]:
    """The versions an export was made from; empty for a file written by hand."""
    found = _VERSIONS.search(text)
    if not found:
        return {}
    try:
        raw = json.loads(found.group(1))
    except json.JSONDecodeError:
        return {}
    return {str(k): v for k, v in raw.items() if isinstance(v, int)} if isinstance(raw, dict) else {}


@dataclass
class ImportPlan:
    added: list[Entry] = field(default_factory=list)
    updated: list[Entry] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Entries that would overwrite work the file does not contain: id -> why.
    conflicts: dict[str, str] = field(default_factory=dict)


# An export of 20,000 entries is about 40 MB and has no aliases (``yaml.safe_dump`` writes
# none for fresh objects); a million aliases in 5 MB took 36 s and 2.9 GB to load.
MAX_IMPORT_BYTES = 50_000_000
MAX_IMPORT_ALIASES = 100


def check_import_size(path: Path) -> list[Problem]:
    """Refuse a file too large or with too many YAML aliases, before building anything from it.

    Aliases are counted from libyaml's event stream, which is linear and keeps nothing."""
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        return [Problem(path.name, None, None, f"file is {size:,} bytes; the limit is {MAX_IMPORT_BYTES:,}")]
    aliases = 0
    try:
        with path.open("rb") as stream:
            for event in yaml.parse(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
                if isinstance(event, yaml.AliasEvent):
                    aliases += 1
                    if aliases > MAX_IMPORT_ALIASES:
                        return [Problem(path.name, None, None, f"more than {MAX_IMPORT_ALIASES} YAML aliases "
                                        "(*name); an export has none: write the values out")]
    except yaml.YAMLError:
        pass  # reported with its position when the file is read
    return []


def plan_import(editor: Editor, path: Path) -> ImportPlan:
    """Validate the whole file first; raise ContentError with every problem found."""
    problems = check_import_size(path)
    if problems:
        raise ContentError(problems)
    loaded = load_entry_files(path, problems)
    problems += validate_entries(loaded, editor.service.content.notices,
                                 {e.id: e.kind for e in editor.service.content.entries})
    if problems:
        raise ContentError(problems)
    versions = exported_versions(path.read_text(encoding="utf-8")) if path.is_file() else {}
    plan = ImportPlan()
    for _, entry in loaded:
        stored = editor.service.store.stored_entry(entry.id)
        if stored is None:
            plan.added.append(entry)
        elif stored.entry == entry:
            plan.unchanged.append(entry.id)
        else:
            plan.updated.append(entry)
            base = versions.get(entry.id)
            if base is not None and base != stored.version:
                plan.conflicts[entry.id] = (f"changed since the export (the file was exported from v{base}, "
                                            f"the FAQ is now at v{stored.version})")
            elif base is None and stored.edited_by_hr:
                plan.conflicts[entry.id] = "edited by HR, and the file does not say which version it started from"
    return plan


def apply_import(editor: Editor, plan: ImportPlan, *, by: str, force: bool) -> None:
    """All or nothing: refused whole when it would overwrite changes it does not contain,
    unless ``force``."""
    if plan.conflicts and not force:
        raise ContentError([Problem(e, e, None, f"{why}; use --force to overwrite")
                            for e, why in plan.conflicts.items()])
    store = editor.service.store
    with store.transaction():
        for entry in plan.added:
            store.save_entry(entry, changed_by=by, expected_version=None, action="import")
        for entry in plan.updated:
            store.save_entry(entry, changed_by=by, expected_version=store.stored_entry(entry.id).version,
                             action="import --force" if entry.id in plan.conflicts else "import")
