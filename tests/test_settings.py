"""One configuration: every command reads the same values (environment, else .env), checked whole."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from testsupport.processes import clean_env, faqbot as run_faqbot, free_port
from bot.settings import CoreSettings, Settings, read_settings
from faq.content import load_content
from faq.models import Origin
from faq.service import FaqService
from faq.store import Store
from testsupport.builders import decision

def faqbot(cwd: Path, *args: str, env: dict[str, str] | None = None,
           stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`faqbot ARGS` run from ``cwd`` (where .env is read), in a clean environment."""
    return run_faqbot(*args, cwd=cwd, env=env, stdin=stdin)


def test_every_command_reads_the_database_path_from_dotenv(tmp_path):
    bot_db = tmp_path / "var" / "bot.db"
    (tmp_path / ".env").write_text(f"DATABASE_PATH={bot_db}\nRETENTION_DAYS=30\n", encoding="utf-8")
    store = Store(bot_db)
    FaqService.open(store)
    store.log_question(decision("育休の申請は？"),
                       Origin("im", "U1"))

    copy = tmp_path / "copy.db"
    result = faqbot(tmp_path, "backup", str(copy))
    assert result.returncode == 0, result.stderr
    assert sqlite3.connect(copy).execute("select question from questions").fetchall() == [("育休の申請は？",)]
    assert '"questions": 1' in faqbot(tmp_path, "stats", "--json").stdout
    exported = tmp_path / "faq.yaml"
    assert faqbot(tmp_path, "faq", "export", "--out", str(exported)).returncode == 0
    assert f"unchanged {len(load_content().entries)}" in faqbot(tmp_path, "faq", "import", str(exported)).stdout
    assert not (tmp_path / "data").exists(), "a command fell back to data/faqbot.db"
    # RETENTION_DAYS from .env is the purge default too.
    assert "older than 30 days" in faqbot(tmp_path, "purge").stdout


def test_a_bad_core_value_stops_database_commands_but_never_asks_for_slack(tmp_path):
    result = faqbot(tmp_path, "stats", env=clean_env(RETENTION_DAYS="0", DATABASE_PATH=str(tmp_path / "x.db")))
    assert result.returncode == 1
    assert "RETENTION_DAYS is malformed" in result.stderr and "SLACK" not in result.stderr
    ok = faqbot(tmp_path, "stats", env=clean_env(PORT="abc", DATABASE_PATH=str(tmp_path / "x.db")))
    assert ok.returncode == 0, ok.stderr  # PORT is the server's business, not stats'


def test_one_malformed_value_does_not_hide_the_others():
    settings, problems = read_settings(
        Settings, mode="http", env_file=None, port="abc", retention_days="0", slack_api_timeout="0",
        digest_timezone="Mars/Olympus", slack_bot_token="nope", hr_user_ids="U0OK1,bad")
    text = "\n".join(map(str, problems))
    for expected in ("PORT is malformed", "RETENTION_DAYS is malformed", "SLACK_API_TIMEOUT is malformed",
                     "DIGEST_TIMEZONE is malformed", "SLACK_BOT_TOKEN is malformed",
                     "SLACK_SIGNING_SECRET is not set", "HR_CHANNEL_ID is not set", "HR_USER_IDS has malformed"):
        assert expected in text, text
    assert settings.port == 3000  # the bad value is replaced by the default, never half-used
    _, out_of_range = read_settings(Settings, env_file=None, port="70000")
    assert [p.variable for p in out_of_range] == ["PORT"] and "1 to 65535" in str(out_of_range[0])


def test_core_settings_never_look_at_slack_variables():
    core, problems = read_settings(CoreSettings, env_file=None, slack_bot_token="nope", port="abc")
    assert problems == [] and not hasattr(core, "port")


def test_serve_reports_every_problem_at_once(tmp_path):
    env = clean_env(PORT="abc", RETENTION_DAYS="-1", SLACK_API_TIMEOUT="0", DIGEST_TIMEZONE="Nowhere/City",
                    SLACK_BOT_TOKEN="nope", DATABASE_PATH=str(tmp_path / "s.db"))
    result = faqbot(tmp_path, "serve", env=env)
    assert result.returncode == 1
    for var in ("PORT", "RETENTION_DAYS", "SLACK_API_TIMEOUT", "DIGEST_TIMEZONE", "SLACK_BOT_TOKEN"):
        assert f"{var} is malformed" in result.stderr, result.stderr
    for var in ("SLACK_SIGNING_SECRET", "HR_CHANNEL_ID"):
        assert f"{var} is not set" in result.stderr
    assert "Traceback" not in result.stderr


def _slack_env(tmp_path: Path, api_url: str) -> dict[str, str]:
    return clean_env(SLACK_BOT_TOKEN="xoxb-revoked-123", HR_CHANNEL_ID="C0HRTEAM", SLACK_API_URL=api_url,
                     DATABASE_PATH=str(tmp_path / "d.db"), HR_USER_IDS="U0HRSTAFF")


def test_a_token_slack_refuses_is_one_clear_line(tmp_path, stub):
    stub.fail("auth.test", times=5, error="invalid_auth")
    result = faqbot(tmp_path, "digest", env=_slack_env(tmp_path, stub.api_url))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in result.stderr
    assert "xoxb-revoked-123" not in result.stderr
    assert not stub.calls_to("chat.postMessage")


def test_an_unreachable_slack_is_one_clear_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/api/"
    result = faqbot(tmp_path, "digest", env=_slack_env(tmp_path, url))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"Slack's Web API at {url} cannot be reached" in result.stderr


def test_start_up_warns_when_nobody_is_hr(tmp_path, stub):
    env = _slack_env(tmp_path, stub.api_url)
    env["SLACK_BOT_TOKEN"] = "xoxb-fine"
    assert "HR_USER_IDS is empty" not in faqbot(tmp_path, "digest", env=env).stderr
    del env["HR_USER_IDS"]
    assert "warning: HR_USER_IDS is empty" in faqbot(tmp_path, "digest", env=env).stderr


def test_log_level_comes_from_dotenv_and_is_checked(tmp_path):
    (tmp_path / ".env").write_text(f"DATABASE_PATH={tmp_path / 'l.db'}\nLOG_LEVEL=LOUD\n", encoding="utf-8")
    result = faqbot(tmp_path, "stats")
    assert result.returncode == 1 and "LOG_LEVEL is malformed" in result.stderr


def test_readme_table_lists_exactly_the_settings():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Environment variables", 1)[1].split("\n### ", 1)[0]
    documented = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `")}
    assert documented == {name.upper() for name in Settings.model_fields}
    core = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `") and "| core" in line}
    assert core == {name.upper() for name in CoreSettings.model_fields}
