"""Running faqbot as a process the way an operator does: a clean environment, a free port,
waiting (with a deadline) for /healthz."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO, Any

from testsupport.slack_requests import SIGNING_SECRET
from testsupport.slack_standin import StubSlack

HR_CHANNEL = "C0HRTEAM"
# Everything faqbot reads from the environment: a test sets what it needs, nothing leaks in.
SETTING_VARS = ("SLACK_", "HR_", "DATABASE_PATH", "PORT", "RETENTION_DAYS", "DIGEST_TIMEZONE", "LOG_LEVEL")


def clean_env(**values: str) -> dict[str, str]:
    """This process's environment without any faqbot setting, plus ``values``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTING_VARS)}
    env.update(values)
    return env


def faqbot(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, database: Path | None = None,
           stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`faqbot ARGS` in a subprocess, in a clean environment (with DATABASE_PATH=``database``)."""
    if env is None:
        env = clean_env(**({"DATABASE_PATH": str(database)} if database else {}))
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def free_port() -> int:
    """A TCP port nothing listens on now (for a server started just after)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(port: int, deadline: float) -> tuple[int, dict[str, Any]] | None:
    """(status, body) of the first /healthz answer before ``deadline`` (time.monotonic), else None."""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")
        except OSError:
            time.sleep(0.2)
    return None


def start_server(stub: StubSlack, workdir: Path, log_file: IO[Any] | int | None,
                 **extra_env: str) -> tuple[subprocess.Popen[bytes], int]:
    """`faqbot serve` on a free port against the stand-in, once /healthz answers 200."""
    port = free_port()
    env = clean_env(PORT=str(port), SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SIGNING_SECRET,
                    HR_CHANNEL_ID=HR_CHANNEL, SLACK_API_URL=stub.api_url, DATABASE_PATH=str(workdir / "bench.db"),
                    LOG_LEVEL="WARNING", **extra_env)
    # Its own process group: kill -9 of the group takes gunicorn's master and worker at once,
    # as a container runtime or the OOM killer would.
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], env=env, cwd=workdir,
                            stdout=subprocess.DEVNULL, stderr=log_file, start_new_session=True)
    health = wait_for_health(port, time.monotonic() + 60)
    if health is None or health[0] != 200:
        proc.terminate()
        raise RuntimeError("faqbot serve did not become healthy within 60 s")
    return proc, port
