"""`faqbot serve` as deployed: gunicorn on a real port, /healthz, one signed event."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from testsupport.processes import clean_env, free_port, wait_for_health
from testsupport.slack_requests import SIGNING_SECRET, event_callback, mention, post, signed_headers


def _env(tmp_path, **extra: str) -> dict[str, str]:
    return clean_env(DATABASE_PATH=str(tmp_path / "serve.db"), **extra)


def test_serve_answers_a_signed_mention(tmp_path, stub):
    port = free_port()
    env = _env(tmp_path, PORT=str(port), SLACK_BOT_TOKEN="xoxb-serve-test", SLACK_SIGNING_SECRET=SIGNING_SECRET,
               HR_CHANNEL_ID="C0HRTEAM", SLACK_API_URL=stub.api_url, LOG_LEVEL="DEBUG")
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        health = wait_for_health(port, time.monotonic() + 60)
        assert health and health[0] == 200 and health[1]["status"] == "ok"
        body = event_callback(mention("サービスは復旧した？"), "EvServe")
        status, _ = post(f"http://127.0.0.1:{port}/slack/events", body, signed_headers(body))
        assert status == 200
        [reply] = stub.wait_for("chat.postMessage", timeout=20)
        assert "6月30日" in json.dumps(reply.params["blocks"], ensure_ascii=False)
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert "xoxb-serve-test" not in output and "サービスは復旧した" not in output
    assert "warning: HR_USER_IDS is empty" in output


def test_missing_configuration_names_every_variable(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot.cli", "serve"], env=_env(tmp_path), cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    for var in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "HR_CHANNEL_ID"):
        assert f"{var} is not set" in result.stderr
    result = subprocess.run([sys.executable, "-m", "bot.cli", "run"], env=_env(tmp_path, SLACK_BOT_TOKEN="nope"),
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "SLACK_APP_TOKEN is not set" in result.stderr and "SLACK_BOT_TOKEN is malformed" in result.stderr
