"""HR's operations from the command line: the same edits, queue and numbers as in Slack.

Every change is attributed to the operating-system user (``cli:<name>``) and kept as a revision.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sqlite3
from pathlib import Path

import click
import yaml

from bot.cli_config import current_config

from faq.content import CONTENT_DIR, Problem, load_content, load_entry_files, validate_entries
from faq.editing import Editor
from faq.errors import ContentError, FaqError, NotFound, VersionConflict
from faq.review import STATUS_LABELS, status_label
from faq.service import FaqService
from faq.stats import stats as compute_stats
from faq.store import Store, restore as restore_backup
from faq.transfer import apply_import, export_yaml, plan_import


def operator() -> str:
    """Who runs the command, as every change and question from the command line records it."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def open_store() -> Store:
    """The configured database (DATABASE_PATH from the environment or .env)."""
    return Store(current_config().core().database_path)


def open_service() -> FaqService:
    try:
        return FaqService.open(open_store())
    except ContentError as exc:
        raise click.ClickException(f"the FAQ content is invalid:\n{exc}") from exc


def cli_error(exc: FaqError) -> click.ClickException:
    """The one mapping of domain errors to the command line: one message, exit status 1."""
    if isinstance(exc, ContentError):
        return click.ClickException("nothing was changed:\n" + "\n".join(str(p) for p in exc.problems))
    if isinstance(exc, VersionConflict):
        return click.ClickException(f"{exc}: someone saved it meanwhile; nothing was changed")
    return click.ClickException(str(exc))


class FaqbotGroup(click.Group):
    """A command group whose commands' domain errors become ``cli_error`` messages."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except FaqError as exc:
            raise cli_error(exc) from None


@click.group(cls=FaqbotGroup)
def faq() -> None:
    """Read, export, import, and roll back FAQ entries (kept in the database)."""


@faq.command()
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def validate(path: Path | None) -> None:
    """Check FAQ files (a content folder, an entries folder or one YAML file); list every problem."""
    problems: list[Problem] = []
    target = path or CONTENT_DIR
    if target.is_dir() and (target / "entries").is_dir():
        try:
            content = load_content(target)
            click.echo(f"OK: {len(content.entries)} entries in {target}")
            return
        except ContentError as exc:
            problems = exc.problems
    else:
        notices = load_content(CONTENT_DIR, with_entries=False).notices
        loaded = load_entry_files(target, problems)
        problems += validate_entries(loaded, notices)
        if not problems:
            click.echo(f"OK: {len(loaded)} entries in {target}")
            return
    for problem in problems:
        click.echo(str(problem), err=True)
    raise click.ClickException(f"{len(problems)} problem(s) found in {target}")


@faq.command(name="list")
def list_entries() -> None:
    """Every entry with its version; retired ones are marked."""
    for stored in open_service().store.stored_entries():
        e = stored.entry
        click.echo(f"{e.id:<34} {e.kind.value:<9} v{stored.version:<3} {'retired ' if e.retired else ''}{e.question}")


@faq.command()
@click.argument("entry_id")
def show(entry_id: str) -> None:
    """One entry as YAML, with its current version."""
    entry, version = Editor(open_service()).existing(entry_id)
    click.echo(f"# version {version}")
    click.echo(yaml.safe_dump(entry.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=1000))


@faq.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of stdout.")
def export(out: Path | None) -> None:
    """All entries as one YAML file that `faqbot faq import` reads back unchanged."""
    store = open_service().store
    versions = {s.id: s.version for s in store.stored_entries()}
    text = export_yaml(store.entries(), versions)
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(f"exported to {out}")
    else:
        click.echo(text, nl=False)


@faq.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Also overwrite entries changed since the file was exported.")
def import_entries(file: Path, force: bool) -> None:
    """Validate everything first, then apply all or nothing (each change is a revision)."""
    editor = Editor(open_service())
    plan = plan_import(editor, file)
    apply_import(editor, plan, by=operator(), force=force)
    click.echo(f"added {len(plan.added)}, updated {len(plan.updated)}, unchanged {len(plan.unchanged)}")


@faq.command()
@click.argument("entry_id")
def history(entry_id: str) -> None:
    """Every revision of an entry: version, what happened, who, when, which fields."""
    revisions = open_service().store.revisions(entry_id)
    if not revisions:
        raise NotFound(f"no entry {entry_id}; `faqbot faq list` shows the ids")
    for r in revisions:
        click.echo(f"v{r.version:<3} {r.changed_at}  {r.changed_by:<24} {r.action:<16} {', '.join(r.changed_fields)}")


@faq.command()
@click.argument("entry_id")
@click.argument("revision", type=int)
def rollback(entry_id: str, revision: int) -> None:
    """Make an old revision current again (as a new revision)."""
    version = Editor(open_service()).rollback(entry_id, revision, by=operator())
    click.echo(f"{entry_id} is now v{version}, with the content of v{revision}")


@click.group(cls=FaqbotGroup)
def review() -> None:
    """The queue of questions the bot could not settle."""


@review.command(name="list")
@click.option("--status", type=click.Choice(list(STATUS_LABELS)), help="Only groups with this status.")
@click.option("--json", "as_json", is_flag=True)
def list_review(status: str | None, as_json: bool) -> None:
    """Groups of similar questions, with how many asked and their status."""
    queue = open_service().review_queue()
    queue.sweep_abandoned()
    groups = queue.groups(status)
    if as_json:
        click.echo(json.dumps([{"id": g.id, "status": g.status, "count": len(g.items), "entry_id": g.entry_id,
                                "representative": g.representative,
                                "items": [{"id": i.id, "reason": i.reason, "question": i.question.question,
                                           "asked_at": i.question.asked_at, "status": i.status} for i in g.items]}
                               for g in groups], ensure_ascii=False, indent=2))
        return
    for g in groups:
        click.echo(f"#{g.id:<4} {status_label(g.status)}  ×{len(g.items):<3} {g.representative[:60]}")


@review.command(name="close")
@click.argument("group_id", type=int)
@click.option("--status", type=click.Choice(["done", "out_of_scope"]), default="done", show_default=True)
def close_review(group_id: int, status: str) -> None:
    """Close a group (対応済 by default, or 対象外)."""
    queue = open_service().review_queue()
    queue.set_group_status(group_id, status, by=operator())
    click.echo(f"group {group_id}: {STATUS_LABELS[status]}")


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only questions from this date (YYYY-MM-DD).")
def stats(as_json: bool, since: dt.datetime | None) -> None:
    """Questions per day, answer/clarify/escalation rates, feedback per entry, open review items."""
    data = compute_stats(open_service().store, since.date() if since else None)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"questions: {data['questions']}  answered {data['answer_rate']:.0%}  "
               f"clarify {data['clarify_rate']:.0%}  escalated {data['escalation_rate']:.0%}  "
               f"open review items: {data['open_review_items']}")
    for day in data["per_day"]:
        click.echo(f"  {day['date']}  {day['questions']:>4} questions, {day['escalated']:>3} escalated")
    for entry_id, votes in data["feedback"].items():
        click.echo(f"  {entry_id:<30} 👍 {votes['up']}  👎 {votes['down']}")
    for click_row in data["related_clicks"]:
        click.echo(f"  related: {click_row['from']} → {click_row['to']}  {click_row['clicks']} opened")


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dir", "into", type=click.Path(file_okay=False, path_type=Path),
              help="Write faqbot-YYYYmmdd-HHMMSS.db into this folder instead of FILE.")
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="With --dir: delete all but the newest KEEP backups there.")
def backup(file: Path | None, into: Path | None, keep: int | None) -> None:
    """A consistent copy of the database, safe while the bot runs (SQLite online backup)."""
    if (file is None) == (into is None):
        raise click.UsageError("give either FILE or --dir DIR")
    target = file or into / f"faqbot-{dt.datetime.now():%Y%m%d-%H%M%S}.db"  # type: ignore[operator]
    store = open_store()
    if target.resolve() == store.path.resolve():
        raise click.ClickException(f"{target} is the live database (DATABASE_PATH); choose another file for the backup")
    try:
        store.backup(target)
    except (OSError, sqlite3.Error) as exc:
        raise click.ClickException(f"cannot write the backup to {target} ({exc}); choose a writable path") from None
    click.echo(f"backed up {store.path} to {target}")
    if into is not None and keep is not None:
        for old in sorted(into.glob("faqbot-*.db"))[:-keep]:
            old.unlink()
            click.echo(f"removed {old}")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(file: Path) -> None:
    """Replace the database with a backup (checked first); stop the bot before, start it after."""
    target = current_config().core().database_path
    version = restore_backup(file, target)
    click.echo(f"restored {file} (schema version {version}) into {target}")


@click.command()
@click.option("--older-than", "days", type=click.IntRange(min=0), default=None,
              help="Delete question logs and review items older than this many days "
                   "(default: RETENTION_DAYS). 0 deletes all of them and asks first.")
@click.option("--yes", is_flag=True, help="Do not ask before deleting every question log (--older-than 0).")
def purge(days: int | None, yes: bool) -> None:
    """Apply the retention period now; FAQ entries and their history are kept."""
    core = current_config().core()
    days = core.retention_days if days is None else days
    if days == 0 and not yes:
        click.confirm("--older-than 0 deletes every question log, vote and review item. Continue?", abort=True)
    removed = open_store().purge(days)
    click.echo(f"removed {removed} question(s) older than {days} days")


@click.command()
@click.option("--weekly", is_flag=True, help="Keep running and post every Monday at 09:00 (DIGEST_TIMEZONE).")
def digest(weekly: bool) -> None:
    """Post the last seven days' numbers and a chart to the HR channel (HR_CHANNEL_ID)."""
    from bot.app import make_client
    from bot.digest import post_digest, run_weekly

    settings = current_config().slack("digest")
    client = make_client(settings)
    service = open_service()  # makes sure the database exists and is migrated
    store, msg = service.store, service.content.messages.hr
    if weekly:
        run_weekly(store, client, settings.hr_channel_id or "", settings.digest_timezone, msg)
    else:
        post_digest(store, client, settings.hr_channel_id or "", dt.date.today(), msg)
        click.echo("digest posted")


COMMANDS = [faq, review, stats, backup, restore, purge, digest]
