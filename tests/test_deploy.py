"""deploy/ as shipped: the systemd units are verified by systemd itself, and each unit's
ExecStart runs exactly as written (with its EnvironmentFile) against the stand-in Slack,
all processes sharing one database on the units' state directory."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testsupport.processes import free_port, wait_for_health
from testsupport.slack_requests import SIGNING_SECRET, direct_message, event_callback, mention, post, signed_headers
from testsupport.slack_standin import BOT_USER_ID, TEAM_ID
from bot.settings import Settings
from tests.test_slack_socket import envelope, socket_server  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("faqbot-*.service")) + sorted((DEPLOY / "systemd").glob("faqbot-*.timer"))
HR_CHANNEL, HR_USER = "G0HRDEPLOY", "U0HRDEPLOY"


def parse_unit(path: Path) -> dict[str, dict[str, str]]:
    """A unit file's sections and keys (systemd syntax: comments with # or ;, Key=value)."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            current[key.strip()] = value.strip()
    return sections


def parse_env(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


def localise(text: str, roots: dict[str, Path]) -> str:
    for shipped, here in roots.items():
        text = text.replace(shipped, str(here))
    return text


@pytest.fixture
def roots(tmp_path) -> dict[str, Path]:
    """The units' absolute paths, mapped into this test's folder and this venv."""
    return {"/opt/faqbot/venv/bin": Path(sys.executable).parent, "/var/lib/faqbot": tmp_path / "var-lib-faqbot",
            "/etc/faqbot": tmp_path / "etc-faqbot"}


def test_units_pass_systemd_verify(tmp_path, roots):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    folder = tmp_path / "units"
    folder.mkdir()
    (roots["/etc/faqbot"]).mkdir()
    shutil.copy(DEPLOY / "faqbot.env.example", roots["/etc/faqbot"] / "faqbot.env")
    for unit in UNITS:
        (folder / unit.name).write_text(localise(unit.read_text(encoding="utf-8"), roots), encoding="utf-8")
    result = subprocess.run([analyze, "verify", "--man=no", *sorted(str(p) for p in folder.iterdir())],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    for timer in (DEPLOY / "systemd").glob("*.timer"):
        calendar = parse_unit(timer)["Timer"]["OnCalendar"]
        assert subprocess.run([analyze, "calendar", calendar], capture_output=True, timeout=30).returncode == 0


def test_every_unit_shares_one_database_on_a_persistent_state_directory():
    env = parse_env(DEPLOY / "faqbot.env.example")
    known = {name.upper() for name in Settings.model_fields} | {"LOG_LEVEL"}
    assert set(env) <= known, f"not a faqbot setting: {set(env) - known}"
    assert env["DATABASE_PATH"] == "/var/lib/faqbot/faqbot.db"
    for unit in UNITS:
        if unit.suffix != ".service":
            continue
        service = parse_unit(unit)["Service"]
        assert service["EnvironmentFile"] == "/etc/faqbot/faqbot.env", unit.name
        assert service["StateDirectory"] == "faqbot" and service["WorkingDirectory"] == "/var/lib/faqbot", unit.name
        assert service["User"] == "faqbot" and service["ExecStart"].startswith("/opt/faqbot/venv/bin/faqbot ")
        assert "PrivateTmp" in service  # the database is never under /tmp
    for timer in (DEPLOY / "systemd").glob("*.timer"):
        assert (timer.with_suffix(".service")).exists()


def test_nginx_forwards_to_the_port_in_the_environment_file():
    """nginx itself is not run here; its upstream must be the port faqbot-http listens on."""
    conf = (DEPLOY / "nginx-faqbot.conf").read_text(encoding="utf-8")
    port = parse_env(DEPLOY / "faqbot.env.example")["PORT"]
    assert set(re.findall(r"proxy_pass http://127\.0\.0\.1:(\d+);", conf)) == {port}
    assert "location = /slack/events" in conf and "listen 443 ssl" in conf


def _start(unit: str, env: dict[str, str], roots: dict[str, Path]) -> subprocess.Popen[str]:
    command = localise(parse_unit(DEPLOY / "systemd" / unit)["Service"]["ExecStart"], roots).split()
    cwd = Path(localise(parse_unit(DEPLOY / "systemd" / unit)["Service"]["WorkingDirectory"], roots))
    cwd.mkdir(parents=True, exist_ok=True)  # StateDirectory= does this under systemd
    return subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _unit_env(unit: str, roots: dict[str, Path]) -> dict[str, str]:
    env_file = Path(localise(parse_unit(DEPLOY / "systemd" / unit)["Service"]["EnvironmentFile"], roots))
    return {"PATH": os.environ["PATH"], **parse_env(env_file)}


def test_units_run_as_written_against_the_standin(tmp_path, roots, stub, socket_server):  # noqa: F811
    connections, received = socket_server
    stub.add_channel(HR_CHANNEL, private=True, members=(BOT_USER_ID, HR_USER))
    stub.add_user(HR_USER)
    port = free_port()
    shipped = (DEPLOY / "faqbot.env.example").read_text(encoding="utf-8")
    overrides = {"SLACK_BOT_TOKEN": "xoxb-deploy-test", "SLACK_APP_TOKEN": "xapp-deploy-test",
                 "SLACK_SIGNING_SECRET": SIGNING_SECRET, "HR_CHANNEL_ID": HR_CHANNEL, "HR_USER_IDS": HR_USER,
                 "SLACK_TEAM_ID": TEAM_ID, "SLACK_API_URL": stub.api_url, "PORT": str(port)}
    for key, value in overrides.items():
        shipped, count = re.subn(rf"^{key}=.*$", f"{key}={value}", shipped, flags=re.M)
        assert count == 1, key
    roots["/etc/faqbot"].mkdir()
    (roots["/etc/faqbot"] / "faqbot.env").write_text(localise(shipped, roots), encoding="utf-8")

    running = [_start("faqbot-socket.service", _unit_env("faqbot-socket.service", roots), roots),
               _start("faqbot-http.service", _unit_env("faqbot-http.service", roots), roots)]
    try:
        ws = connections.get(timeout=60)
        ws.send(envelope(event_callback(direct_message("身代金は払ったんですか？"), "EvDeploy1"), "env-d1"))
        assert received.get(timeout=30)["envelope_id"] == "env-d1"
        stub.wait_for("chat.postMessage", channel="D0ASKER1", timeout=30)
        assert (wait_for_health(port, time.monotonic() + 60) or (None,))[0] == 200
        body = event_callback(mention("サービスは復旧した？"), "EvDeploy2")
        assert post(f"http://127.0.0.1:{port}/slack/events", body, signed_headers(body))[0] == 200
        stub.wait_for("chat.postMessage", count=3, timeout=30)  # DM reply, HR post, mention reply

        for oneshot in ("faqbot-digest.service", "faqbot-backup.service"):
            done = _start(oneshot, _unit_env(oneshot, roots), roots)
            output = done.communicate(timeout=120)[0]
            assert done.returncode == 0, output
        assert stub.calls_to("files.completeUploadExternal")
        [backup] = (roots["/var/lib/faqbot"] / "backups").glob("faqbot-*.db")

        admin = {**os.environ, "FAQBOT_ENV_FILE": str(roots["/etc/faqbot"] / "faqbot.env"),
                 "FAQBOT_BIN": str(roots["/opt/faqbot/venv/bin"] / "faqbot")}
        doctor = subprocess.run([str(DEPLOY / "faqbot-admin"), "doctor", "--json"], env=admin, capture_output=True,
                                text=True, timeout=120, cwd=tmp_path)
        assert doctor.returncode == 0, doctor.stdout + doctor.stderr
        assert json.loads(doctor.stdout)["ok"] is True
    finally:
        for process in running:
            process.terminate()
        logs = "".join(process.communicate(timeout=30)[0] for process in running)
    assert "xoxb-deploy-test" not in logs and "身代金" not in logs
    # both long-running processes and the backup wrote to and read the same file
    database = roots["/var/lib/faqbot"] / "faqbot.db"
    with sqlite3.connect(database) as conn:
        assert {r[0] for r in conn.execute("select event_id from questions")} == {"EvDeploy1", "EvDeploy2"}
    restored = subprocess.run([str(DEPLOY / "faqbot-admin"), "restore", str(backup)], env=admin,
                              capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
