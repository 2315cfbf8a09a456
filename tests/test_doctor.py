"""`faqbot doctor` against the stand-in Web API and real SQLite files: green when all is well,
and every check turned red by its own injected fault."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from testsupport.processes import clean_env, faqbot, free_port
from testsupport.slack_standin import BOT_USER_ID, TEAM_ID
from bot.cli import main
from bot.doctor import Report, check_faq, manifest_scopes
from faq.service import FaqService
from faq.store import Store
from faq.store.schema import MIGRATIONS
from testsupport.builders import copy_content

HR_CHANNEL, HR_USER, BOT_TOKEN, APP_TOKEN = "G0HRTEAM", "U0HRSTAFF", "xoxb-doctor-test-1", "xapp-doctor-test-1"


@pytest.fixture
def workspace(stub):
    """A workspace where everything is right: the bot in the private HR channel, HR a member."""
    stub.add_channel(HR_CHANNEL, private=True, members=(BOT_USER_ID, HR_USER))
    stub.add_user(HR_USER)
    return stub


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "data" / "faqbot.db"
    store = Store(path)
    FaqService.open(store)
    store.close()
    return path


def env_for(stub, db: Path, **overrides: str) -> dict[str, str]:
    env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN, "SLACK_SIGNING_SECRET": "s3cret",
           "HR_CHANNEL_ID": HR_CHANNEL, "HR_USER_IDS": HR_USER, "SLACK_TEAM_ID": TEAM_ID,
           "SLACK_API_URL": stub.api_url, "DATABASE_PATH": str(db), "SLACK_API_TIMEOUT": "2"}
    env.update(overrides)
    return env


def doctor(stub, db: Path, tmp_path: Path, monkeypatch, *args: str, **overrides: str) -> tuple[int, dict]:
    """Run `faqbot doctor --json` in-process with exactly this environment (no .env)."""
    for key in list(os.environ):
        if key.startswith(("SLACK_", "HR_")) or key in ("DATABASE_PATH", "PORT"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["doctor", "--json", *args], env=env_for(stub, db, **overrides))
    return result.exit_code, json.loads(result.stdout)


def failed(report: dict) -> dict[str, dict]:
    return {c["name"]: c for c in report["checks"] if c["status"] == "fail"}


def test_green_install_passes_every_check_and_prints_a_checklist(workspace, db, tmp_path):
    result = faqbot("doctor", env=clean_env(**env_for(workspace, db)), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✗" not in result.stdout and "all checks passed" in result.stdout
    for name in ("configuration loads (socket mode)", "integrity check", "WAL mode", "schema version",
                 "granted scopes cover manifest.yml", "bot is a member of HR_CHANNEL_ID",
                 "HR_USER_IDS are active members", "Socket Mode: app-level token opens a connection",
                 "workspace matches SLACK_TEAM_ID", "pending HR posts"):
        assert f"✓ {name}" in result.stdout
    assert BOT_TOKEN not in result.stdout + result.stderr
    # doctor asked Slack with the bot token, and the app token only for the connection
    assert workspace.calls_to("auth.test")[0].headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert workspace.calls_to("apps.connections.open")[0].headers["Authorization"] == f"Bearer {APP_TOKEN}"


def test_manifest_scopes_come_from_the_package():
    scopes = manifest_scopes()
    assert {"chat:write", "users:read", "groups:read", "channels:read"} <= set(scopes)


# -- Slack faults ---------------------------------------------------------------------------

def test_missing_scope(workspace, db, tmp_path, monkeypatch):
    workspace.scopes = frozenset(manifest_scopes()) - {"chat:write", "groups:read"}
    code, report = doctor(workspace, db, tmp_path, monkeypatch)
    bad = failed(report)
    assert code == 1
    assert "chat:write" in bad["granted scopes cover manifest.yml"]["detail"]
    assert "reinstall" in bad["granted scopes cover manifest.yml"]["fix"]
    assert "missing_scope (needs groups:read)" in bad["bot is a member of HR_CHANNEL_ID"]["detail"]


@pytest.mark.parametrize("private", [True, False])
def test_bot_not_in_the_hr_channel(workspace, db, tmp_path, monkeypatch, private):
    workspace.add_channel(HR_CHANNEL, private=private, members=(HR_USER,))
    code, report = doctor(workspace, db, tmp_path, monkeypatch)
    check = failed(report)["bot is a member of HR_CHANNEL_ID"]
    assert code == 1 and "/invite @faqbot" in check["fix"]
    assert set(failed(report)) == {"bot is a member of HR_CHANNEL_ID"}


def test_unknown_and_deactivated_hr_ids(workspace, db, tmp_path, monkeypatch):
    workspace.add_user("U0LEFT", deleted=True)
    code, report = doctor(workspace, db, tmp_path, monkeypatch, HR_USER_IDS=f"{HR_USER},U0NOBODY,U0LEFT")
    check = failed(report)["HR_USER_IDS are active members"]
    assert code == 1
    assert "U0NOBODY (user_not_found)" in check["detail"] and "U0LEFT (deactivated)" in check["detail"]
    assert HR_USER not in check["detail"]


def test_wrong_team(workspace, db, tmp_path, monkeypatch):
    code, report = doctor(workspace, db, tmp_path, monkeypatch, SLACK_TEAM_ID="T0OTHER")
    check = failed(report)["workspace matches SLACK_TEAM_ID"]
    assert code == 1 and f"SLACK_TEAM_ID={TEAM_ID}" in check["fix"]


def test_bad_token(workspace, db, tmp_path, monkeypatch):
    workspace.revoked_tokens.add(BOT_TOKEN)
    code, report = doctor(workspace, db, tmp_path, monkeypatch)
    check = failed(report)["auth.test with the bot token"]
    assert code == 1 and check["detail"] == "token_revoked" and "SLACK_BOT_TOKEN" in check["fix"]
    assert not workspace.calls_to("conversations.info")  # nothing else is asked with a dead token


def test_slack_unreachable(workspace, db, tmp_path, monkeypatch):
    closed = f"http://127.0.0.1:{free_port()}/api/"
    code, report = doctor(workspace, db, tmp_path, monkeypatch, SLACK_API_URL=closed)
    check = failed(report)["Slack reachable"]
    assert code == 1 and closed in check["detail"] and "HTTPS_PROXY" in check["fix"]


def test_app_token_cannot_open_a_connection(workspace, db, tmp_path, monkeypatch):
    code, report = doctor(workspace, db, tmp_path, monkeypatch, SLACK_APP_TOKEN="xapp-" + "x" * 10)
    assert code == 0  # sanity: any xapp token works on the stand-in
    workspace.fail("apps.connections.open", error="invalid_auth")
    code, report = doctor(workspace, db, tmp_path, monkeypatch)
    assert code == 1 and "connections:write" in failed(report)["Socket Mode: app-level token opens a connection"]["fix"]


def test_http_mode_does_not_need_the_app_token(workspace, db, tmp_path, monkeypatch):
    code, report = doctor(workspace, db, tmp_path, monkeypatch, "--mode", "http", SLACK_APP_TOKEN="")
    assert code == 0, failed(report)
    assert not workspace.calls_to("apps.connections.open")


def test_missing_configuration_names_every_variable_and_still_checks_the_rest(workspace, db, tmp_path, monkeypatch):
    code, report = doctor(workspace, db, tmp_path, monkeypatch, SLACK_BOT_TOKEN="", HR_CHANNEL_ID="")
    fix = failed(report)["configuration loads (socket mode)"]["fix"]
    assert code == 1 and "SLACK_BOT_TOKEN is not set" in fix and "HR_CHANNEL_ID is not set" in fix
    assert {c["name"] for c in report["checks"] if c["status"] == "ok"} >= {"integrity check", "WAL mode"}


# -- database faults ------------------------------------------------------------------------

def test_relative_database_path(workspace, db, tmp_path, monkeypatch):
    code, report = doctor(workspace, db, tmp_path, monkeypatch, DATABASE_PATH="data/faqbot.db")
    assert code == 1 and "absolute path" in failed(report)["path"]["fix"]


def test_database_on_tmpfs(workspace, tmp_path, monkeypatch):
    if not Path("/dev/shm").is_dir():
        pytest.skip("no /dev/shm on this machine")
    folder = Path("/dev/shm") / f"faqbot-doctor-{os.getpid()}"
    try:
        Store(folder / "faqbot.db").close()
        code, report = doctor(workspace, folder / "faqbot.db", tmp_path, monkeypatch)
        assert code == 1 and "tmpfs" in failed(report)["persistent disk"]["detail"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_missing_database(workspace, tmp_path, monkeypatch):
    code, report = doctor(workspace, tmp_path / "nowhere" / "faqbot.db", tmp_path, monkeypatch)
    assert code == 1 and "faqbot migrate" in failed(report)["exists"]["fix"]
    assert not (tmp_path / "nowhere" / "faqbot.db").exists()  # doctor never creates it


def test_database_not_writable(workspace, db, tmp_path, monkeypatch):
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not available")
    subprocess.run(["chattr", "+i", str(db)], check=True)
    try:
        if os.access(db, os.W_OK):
            pytest.skip("this file system ignores the immutable flag")
        code, report = doctor(workspace, db, tmp_path, monkeypatch)
        assert code == 1 and "chown" in failed(report)["writable"]["fix"]
    finally:
        subprocess.run(["chattr", "-i", str(db)], check=True)


def test_old_and_newer_schema(workspace, tmp_path, monkeypatch):
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.execute("pragma journal_mode = wal")
    import sqlite_utils

    database = sqlite_utils.Database(conn)
    for migration in MIGRATIONS[:2]:
        migration(database)
    database["meta"].insert({"key": "schema_version", "value": "2"})
    conn.close()
    code, report = doctor(workspace, old, tmp_path, monkeypatch)
    assert code == 1 and "faqbot migrate" in failed(report)["schema version"]["fix"]
    newer = tmp_path / "newer.db"
    Store(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute("update meta set value = '99' where key = 'schema_version'")
    code, report = doctor(workspace, newer, tmp_path, monkeypatch)
    assert "newer faqbot" in failed(report)["schema version"]["fix"]


def test_integrity_check_failure(workspace, db, tmp_path, monkeypatch):
    with sqlite3.connect(db) as conn:
        conn.execute("insert into questions (asked_at, question, event_id) values ('2026-01-01', 'q', 'Ev1')")
    with sqlite3.connect(db, isolation_level=None) as conn:  # writable_schema needs autocommit
        # swap two index roots: each index then holds the other's keys
        conn.execute("pragma writable_schema = on")
        roots = dict(conn.execute("select name, rootpage from sqlite_master where name in "
                                  "('idx_questions_asked_at', 'idx_questions_event_id')").fetchall())
        assert len(roots) == 2, roots
        conn.execute("update sqlite_master set rootpage = ? where name = 'idx_questions_asked_at'",
                     [roots["idx_questions_event_id"]])
        conn.execute("update sqlite_master set rootpage = ? where name = 'idx_questions_event_id'",
                     [roots["idx_questions_asked_at"]])
    code, report = doctor(workspace, db, tmp_path, monkeypatch)
    bad = failed(report)
    check = bad.get("integrity check") or bad.get("readable")
    assert code == 1 and check and "restore" in check["fix"]


def test_not_in_wal_mode(workspace, db, tmp_path, monkeypatch):
    with sqlite3.connect(db) as conn:
        conn.execute("pragma journal_mode = delete")
    code, report = doctor(workspace, db, tmp_path, monkeypatch)
    assert code == 1 and failed(report)["WAL mode"]["detail"] == "delete"


def test_stale_pending_hr_post(workspace, db, tmp_path, monkeypatch):
    two_hours_ago = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)).isoformat(timespec="seconds")
    with sqlite3.connect(db) as conn:
        qid = conn.execute("insert into questions (asked_at, question) values (?, 'q')", [two_hours_ago]).lastrowid
        conn.execute("insert into hr_posts (question_id, reason, status, attempts, created_at, last_error) "
                     "values (?, 'escalate', 'pending', 7, ?, 'not_in_channel')", [qid, two_hours_ago])
    code, report = doctor(workspace, db, tmp_path, monkeypatch)
    check = failed(report)["pending HR posts"]
    assert code == 1 and "1 pending, oldest 120 min" in check["detail"] and "not_in_channel" in check["fix"]


# -- FAQ faults -----------------------------------------------------------------------------

def test_hr_edited_faq_that_fails_honesty_checks(workspace, db, tmp_path, monkeypatch):
    with sqlite3.connect(db) as conn:
        data = json.loads(conn.execute("select data from entries where id = 'contact-hr'").fetchone()[0])
        data["answer"] += " 090-1234-5678 まで。"
        conn.execute("update entries set data = ?, edited_by_hr = 1 where id = 'contact-hr'", [json.dumps(data)])
    code, report = doctor(workspace, db, tmp_path, monkeypatch)
    check = failed(report)["FAQ in the database (with HR's edits) passes honesty checks"]
    assert code == 1 and "contact-hr" in check["detail"] and "rollback" in check["fix"]


def test_broken_shipped_faq(tmp_path, db):
    content = copy_content(tmp_path / "content")
    entry = content / "entries" / "contact-hr.yaml"
    text = entry.read_text(encoding="utf-8")
    assert "083-252-0288" in text
    entry.write_text(text.replace("083-252-0288", "083-999-9999"), encoding="utf-8")
    report = Report()
    check_faq(report, db, content)
    assert not report.ok and "reinstall" in report.checks[0].fix



def test_configuration_from_dot_env_like_every_command(workspace, db, tmp_path, monkeypatch):
    """doctor reads the same configuration as the bot: here only a .env file in the working directory."""
    lines = [f"{k}={v}" for k, v in env_for(workspace, db).items()]
    (tmp_path / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for key in list(os.environ):
        if key.startswith(("SLACK_", "HR_")) or key in ("DATABASE_PATH", "PORT"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["doctor", "--json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 0, failed(report)
    assert "configuration loads (socket mode)" in {c["name"] for c in report["checks"]}
    assert workspace.calls_to("apps.connections.open")
