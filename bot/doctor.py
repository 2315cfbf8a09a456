"""`faqbot doctor`: everything an install needs, checked in one go, each failure with its fix.

Real installs fail on things tests never see: a missing scope, a bot not invited to the HR
channel, the wrong workspace, a database on a disk wiped at restart. Each check here reads
the live configuration, database and Slack workspace, and never changes any of them.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.settings import Mode, SettingProblem, Settings
from faq.content import CONTENT_DIR, ContentError, load_content, validate_entries
from faq.models import Entry
from faq.store import SCHEMA_VERSION, DatabaseHealth, inspect, stored_entry_data

Status = Literal["ok", "fail", "skip"]
SYMBOLS = {"ok": "✓", "fail": "✗", "skip": "-"}
# File systems whose contents are gone at reboot or when the container is replaced.
EPHEMERAL_FILESYSTEMS = {"tmpfs", "ramfs", "overlay", "aufs"}
# An HR post still pending after this long means Slack keeps refusing it.
STALE_HR_POST = dt.timedelta(hours=1)
AUTH_ERRORS = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}


@dataclass
class Check:
    section: str
    name: str
    status: Status
    detail: str = ""
    fix: str = ""


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.status != "fail" for c in self.checks)

    def add(self, section: str, name: str, ok: bool, detail: str = "", fix: str = "") -> bool:
        self.checks.append(Check(section, name, "ok" if ok else "fail", detail, "" if ok else fix))
        return ok

    def skip(self, section: str, name: str, why: str) -> None:
        self.checks.append(Check(section, name, "skip", why))

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": [asdict(c) for c in self.checks]}

    def lines(self) -> Iterator[str]:
        section = None
        for c in self.checks:
            if c.section != section:
                section = c.section
                yield section
            yield f"  {SYMBOLS[c.status]} {c.name}" + (f": {c.detail}" if c.detail else "")
            for n, line in enumerate(c.fix.splitlines()):
                yield ("      fix: " if n == 0 else "           ") + line
        yield "all checks passed" if self.ok else f"{sum(c.status == 'fail' for c in self.checks)} check(s) failed"


def manifest_scopes() -> list[str]:
    """The bot scopes the shipped manifest.yml asks for (package data, no repository needed)."""
    text = resources.files("bot").joinpath("manifest.yml").read_text(encoding="utf-8")
    return list(yaml.safe_load(text)["oauth_config"]["scopes"]["bot"])


def default_mode(settings: Settings) -> Mode:
    """Socket Mode when an app-level token is configured, like the README's default install."""
    return "socket" if settings.secret("slack_app_token") else "http"


# -- configuration ----------------------------------------------------------------------

def check_config(report: Report, problems: list[SettingProblem], mode: Mode) -> None:
    """The problems the loader every command uses found, all at once."""
    report.add("Configuration", f"configuration loads ({mode} mode)", not problems,
               f"{len(problems)} problem(s)" if problems else "", "\n".join(str(p) for p in problems))


# -- database ---------------------------------------------------------------------------

def _mount_of(path: Path) -> tuple[str, str] | None:
    """(mount point, file system type) holding ``path``, from /proc/self/mountinfo."""
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return None
    best: tuple[str, str] | None = None
    for line in lines:
        left, _, right = line.partition(" - ")
        point = left.split()[4].replace("\\040", " ")
        inside = path == Path(point) or Path(point) in path.parents
        if inside and (best is None or len(point) >= len(best[0])):
            best = (point, right.split()[0])
    return best


def check_database(report: Report, path: Path) -> Path | None:
    """Path, disk, permissions, schema, integrity, WAL, size; returns the path if usable."""
    s = "Database"
    absolute = path.is_absolute()
    path = path.resolve()
    report.add(s, "path", absolute, str(path),
               "set DATABASE_PATH to an absolute path (e.g. /var/lib/faqbot/faqbot.db): a relative one "
               "depends on each process's working directory, so processes stop sharing data")
    mount = _mount_of(path.parent if not path.exists() else path)
    if mount is None:
        report.skip(s, "persistent disk", "file system unknown (no /proc/self/mountinfo)")
    else:
        report.add(s, "persistent disk", mount[1] not in EPHEMERAL_FILESYSTEMS, f"{mount[1]} mounted on {mount[0]}",
                   f"{mount[1]} is emptied at reboot or when the container is replaced: put DATABASE_PATH on a "
                   "persistent disk (e.g. /var/lib/faqbot) shared by every faqbot process")
    if not path.exists():
        report.add(s, "exists", False, f"{path} does not exist",
                   "run `faqbot migrate` as the service user (it creates the database and imports the FAQ), "
                   "or start the bot once; check every process uses this DATABASE_PATH")
        return None
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    report.add(s, "writable", writable, f"by uid {os.getuid()}",
               f"let the user that runs faqbot write {path} and {path.parent} (SQLite adds -wal/-shm files "
               f"beside it), e.g. chown -R faqbot: {path.parent}")
    try:
        health = inspect(path)
    except sqlite3.DatabaseError as exc:
        report.add(s, "readable", False, str(exc), "restore the latest backup (`faqbot restore FILE`)")
        return None
    return path if _check_file(report, health, path) else None


def _check_file(report: Report, health: DatabaseHealth, path: Path) -> bool:
    s = "Database"
    version = health.schema_version
    current = report.add(s, "schema version", version == SCHEMA_VERSION, f"{version} (this faqbot: {SCHEMA_VERSION})",
                         "run `faqbot migrate` (or restart the bot) to migrate it forward" if version < SCHEMA_VERSION
                         else "this faqbot is older than the database: install the newer faqbot again")
    report.add(s, "integrity check", health.integrity == "ok", health.integrity,
               "stop the bot and restore the latest backup (`faqbot restore FILE`)")
    report.add(s, "WAL mode", health.journal_mode == "wal", health.journal_mode,
               "start the bot or run `faqbot migrate` once: it switches the file to WAL so processes can share it")
    size = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    report.add(s, "size", True, f"{size / 1_000_000:.1f} MB")
    if current:
        _check_hr_posts(report, health)
    return current


def _check_hr_posts(report: Report, health: DatabaseHealth) -> None:
    pending, oldest, failed = health.pending_hr_posts, health.oldest_pending_hr_post, health.failed_hr_posts
    age = dt.datetime.now(dt.timezone.utc) - dt.datetime.fromisoformat(oldest) if oldest else dt.timedelta(0)
    detail = f"{pending} pending" + (f", oldest {int(age.total_seconds() // 60)} min" if pending else "")
    detail += f", {failed} given up" if failed else ""
    report.add("Database", "pending HR posts", age < STALE_HR_POST, detail,
               f"posts to HR_CHANNEL_ID keep failing (last error: {health.last_hr_post_error or 'none'}); fix the "
               "Slack checks below, the bot then delivers them by itself; the questions are in `faqbot review list`")


# -- Slack ------------------------------------------------------------------------------

def _slack_error(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        data = exc.response.data if isinstance(exc.response.data, dict) else {}
        needed = f" (needs {data['needed']})" if data.get("needed") else ""
        return f"{data.get('error', 'error')}{needed}"
    return f"{type(exc).__name__}: {exc}"


def check_slack(report: Report, settings: Settings, mode: Mode, client_for: Callable[[Settings], WebClient]) -> None:
    s = "Slack"
    if not settings.secret("slack_bot_token"):
        report.skip(s, "auth.test", "SLACK_BOT_TOKEN is not set")
        return
    client = client_for(settings)
    try:
        auth = client.auth_test()
    except SlackApiError as exc:
        error = _slack_error(exc)
        report.add(s, "auth.test with the bot token", False, error,
                   "copy the Bot User OAuth Token (xoxb-…) again from OAuth & Permissions (reinstall the app if "
                   "it was revoked) into SLACK_BOT_TOKEN" if exc.response.get("error") in AUTH_ERRORS
                   else "see https://api.slack.com/methods/auth.test for this error")
        return
    except Exception as exc:  # no answer at all: DNS, firewall, proxy, timeout
        report.add(s, "Slack reachable", False, f"{settings.slack_api_url}: {_slack_error(exc)}",
                   f"let this server reach {settings.slack_api_url} over HTTPS (firewall, DNS, or set HTTPS_PROXY "
                   "for a university proxy); SLACK_API_URL must be https://slack.com/api/ unless you use GovSlack")
        return
    report.add(s, "auth.test with the bot token", True, f"bot {auth.get('user_id')} in team {auth.get('team_id')}")
    _check_team(report, settings, auth)
    _check_scopes(report, auth.headers)
    _check_channel(report, client, settings)
    _check_hr_users(report, client, settings)
    if mode == "socket":
        _check_app_token(report, client, settings)


def _check_team(report: Report, settings: Settings, auth: Any) -> None:
    team, enterprise = auth.get("team_id"), auth.get("enterprise_id")
    if not settings.slack_team_id:
        report.add("Slack", "workspace", True, f"{team} (SLACK_TEAM_ID not set: every workspace is served)")
        return
    report.add("Slack", "workspace matches SLACK_TEAM_ID", settings.slack_team_id in (team, enterprise),
               f"token belongs to {team}, SLACK_TEAM_ID is {settings.slack_team_id}",
               f"set SLACK_TEAM_ID={team} if this is the right workspace; otherwise install the app in "
               f"{settings.slack_team_id} and use that installation's bot token")


def _check_scopes(report: Report, headers: dict[str, Any]) -> None:
    granted_header = next((v for k, v in headers.items() if k.lower() == "x-oauth-scopes"), None)
    if granted_header is None:
        report.skip("Slack", "granted scopes", "Slack sent no x-oauth-scopes header")
        return
    granted = {g.strip() for g in str(granted_header).split(",") if g.strip()}
    missing = [scope for scope in manifest_scopes() if scope not in granted]
    report.add("Slack", "granted scopes cover manifest.yml", not missing,
               f"missing {', '.join(missing)}" if missing else f"{len(granted)} granted",
               f"add {', '.join(missing)} under OAuth & Permissions → Bot Token Scopes (or update the app from "
               "manifest.yml), then reinstall the app to the workspace")


def _check_channel(report: Report, client: WebClient, settings: Settings) -> None:
    channel = settings.hr_channel_id
    name = "bot is a member of HR_CHANNEL_ID"
    if not channel:
        report.skip("Slack", name, "HR_CHANNEL_ID is not set")
        return
    invite = f"in Slack, open the HR channel and type `/invite @faqbot`; check HR_CHANNEL_ID ({channel}) is its id"
    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as exc:
        missing_scope = exc.response.get("error") == "missing_scope"
        report.add("Slack", name, False, _slack_error(exc),
                   "grant the scope named above and reinstall the app" if missing_scope else invite)
        return
    ok = bool(info.get("is_member")) and not info.get("is_archived")
    report.add("Slack", name, ok, channel + (" (archived)" if info.get("is_archived") else ""),
               "unarchive the channel or pick another one" if info.get("is_archived") else invite)


def _check_hr_users(report: Report, client: WebClient, settings: Settings) -> None:
    name = "HR_USER_IDS are active members"
    if not settings.hr_users:
        report.add("Slack", name, True, "none set: nobody can use HR features")
        return
    bad: list[str] = []
    for user_id in sorted(settings.hr_users):
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            bad.append(f"{user_id} ({_slack_error(exc)})")
            continue
        if user.get("deleted") or user.get("is_bot"):
            bad.append(f"{user_id} ({'deactivated' if user.get('deleted') else 'a bot'})")
    report.add("Slack", name, not bad, ", ".join(bad) or f"{len(settings.hr_users)} checked",
               "fix HR_USER_IDS: copy each HR member's id from their profile (⋮ → Copy member ID) "
               "in this workspace, and remove people who left")


def _check_app_token(report: Report, client: WebClient, settings: Settings) -> None:
    name = "Socket Mode: app-level token opens a connection"
    token = settings.secret("slack_app_token")
    if not token:
        report.skip("Slack", name, "SLACK_APP_TOKEN is not set")
        return
    try:
        client.apps_connections_open(app_token=token)
    except Exception as exc:
        report.add("Slack", name, False, _slack_error(exc),
                   "create an App-Level Token with connections:write under Basic Information, put it in "
                   "SLACK_APP_TOKEN, and enable Socket Mode in the app settings")
        return
    report.add("Slack", name, True)


# -- FAQ --------------------------------------------------------------------------------

def check_faq(report: Report, db: Path | None, content_dir: Path = CONTENT_DIR) -> None:
    s = "FAQ"
    try:
        content = load_content(content_dir)
    except ContentError as exc:
        report.add(s, "shipped FAQ loads and passes honesty checks", False, f"{len(exc.problems)} problem(s): "
                   + "; ".join(str(p) for p in exc.problems[:3]), "reinstall faqbot: the shipped files were changed")
        return
    report.add(s, "shipped FAQ loads and passes honesty checks", True, f"{len(content.entries)} entries")
    if db is None:
        report.skip(s, "FAQ in the database", "database not usable (see above)")
        return
    rows = stored_entry_data(db)
    problems: list[str] = []
    entries: list[tuple[str, Entry]] = []
    for entry_id, data in rows:
        try:
            entries.append(("database", Entry.model_validate_json(data)))
        except ValidationError as exc:
            problems.append(f"{entry_id}: {exc.errors()[0]['msg']}")
    problems += [str(p) for p in validate_entries(entries, content.notices)]
    report.add(s, "FAQ in the database (with HR's edits) passes honesty checks", bool(rows) and not problems,
               f"{len(rows)} entries" + (f"; {'; '.join(problems[:3])}" if problems else ""),
               "`faqbot faq history ID` then `faqbot faq rollback ID REVISION` for each entry named"
               if rows else "run `faqbot migrate` to import the shipped FAQ")


def run_doctor(settings: Settings, problems: list[SettingProblem], mode: Mode,
               client_for: Callable[[Settings], WebClient]) -> Report:
    """Every check, given the settings as read (a malformed value already replaced by its
    default, so one bad value never hides the other checks) and their problems."""
    report = Report()
    check_config(report, problems, mode)
    db = check_database(report, settings.database_path)
    check_slack(report, settings, mode, client_for)
    check_faq(report, db)
    return report
