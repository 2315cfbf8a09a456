"""`faqbot serve` on loopback under a burst of signed events, with the stand-in Web API.

Every distinct event gets its own DM channel, so each reply is traced to its event: a run
reports events that got no reply (lost) and replies beyond one per event (duplicated).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.slack_requests import SIGNING_SECRET, direct_message, event_callback, post, signed_headers
from bench.slack_standin import StubSlack

HR_CHANNEL = "C0HRBENCH"
MIX = ["マイナンバーは大丈夫ですか", "いつ起きたのですか", "調査結果", "身代金は払ったのですか",
       "不審な電話が来たらどうすればいい？", "会議室の予約はどうすればいいですか"]


def free_port() -> int:
    """A TCP port nothing listens on now (for a server started just after)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(stub: StubSlack, workdir: Path, log_file, **extra_env: str) -> tuple[subprocess.Popen[bytes], int]:
    """`faqbot serve` on a free port against the stand-in, once /healthz answers 200."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HR_"))}
    env.update(PORT=str(port), SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SIGNING_SECRET,
               HR_CHANNEL_ID=HR_CHANNEL, SLACK_API_URL=stub.api_url, DATABASE_PATH=str(workdir / "bench.db"),
               LOG_LEVEL="WARNING", **extra_env)
    # Its own process group: kill -9 of the group takes gunicorn's master and worker at once,
    # as a container runtime or the OOM killer would.
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], env=env, cwd=workdir,
                            stdout=subprocess.DEVNULL, stderr=log_file, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("faqbot serve did not become healthy within 60 s")


def _run_rate(url: str, stub: StubSlack, db: Path, rate: int, duration: float, tag: str) -> dict[str, float]:
    count = max(int(rate * duration), 1)
    plan: list[tuple[str, str, bool]] = []  # (event id, body, is a duplicate delivery)
    for k in range(count):
        if k % 5 == 4 and plan:
            event_id, body, _ = plan[-1]
            plan.append((event_id, body, True))  # Slack's retry of the previous event
            continue
        event_id = f"Ev{tag}{k:06d}"
        event = direct_message(MIX[k % len(MIX)], channel=f"D{tag}{k:06d}", ts=f"1700001000.{k:06d}")
        plan.append((event_id, event_callback(event, event_id), False))
    latencies: list[float] = []

    def send(index: int) -> None:
        event_id, body, duplicate = plan[index]
        extra = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"} if duplicate else None
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        t0 = time.perf_counter()
        status, _ = post(url, body, signed_headers(body), extra=extra)
        latencies.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            raise RuntimeError(f"event {event_id} got HTTP {status}")

    start = time.monotonic() + 0.2
    with ThreadPoolExecutor(max_workers=min(64, max(rate // 2, 4))) as pool:
        list(pool.map(send, range(len(plan))))
    distinct = {event_id for event_id, _, dup in plan if not dup}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = [c for c in stub.calls_to("chat.postMessage") if str(c.params.get("channel", "")).startswith(f"D{tag}")]
        if len(replies) >= len(distinct):
            break
        time.sleep(0.1)
    time.sleep(1.0)  # late duplicates would show up here
    per_channel: dict[str, int] = {}
    for call in stub.calls_to("chat.postMessage"):
        channel = str(call.params.get("channel", ""))
        if channel.startswith(f"D{tag}"):
            per_channel[channel] = per_channel.get(channel, 0) + 1
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select count(*) from questions where event_id like ?", [f"Ev{tag}%"]).fetchone()[0]
    ordered = sorted(latencies)
    return {
        "rate": rate, "sent": len(plan), "distinct": len(distinct), "log_rows": rows,
        "ack_p50_ms": round(ordered[len(ordered) // 2], 2),
        "ack_p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 2),
        "lost": len(distinct) - len(per_channel),
        "duplicated": sum(n - 1 for n in per_channel.values()) + max(rows - len(distinct), 0),
    }


def endpoint(rates: list[int], duration: float, log_path: Path | None = None) -> list[dict[str, float]]:
    """Every rate in turn against one server; its warnings go to ``log_path`` (kept for reading)."""
    stub = StubSlack()
    with tempfile.TemporaryDirectory() as tmp, open(log_path or Path(tmp) / "server.log", "w") as log_file:
        proc, port = start_server(stub, Path(tmp), log_file)
        try:
            url = f"http://127.0.0.1:{port}/slack/events"
            return [_run_rate(url, stub, Path(tmp) / "bench.db", rate, duration, f"R{i}")
                    for i, rate in enumerate(rates)]
        finally:
            proc.terminate()
            proc.wait(30)
            stub.close()
