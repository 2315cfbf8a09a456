"""`faqbot serve` on loopback under a burst of signed events, with the stand-in Web API.

Every distinct event gets its own DM channel, so each reply is traced to its event: a run
reports events that got no reply (lost) and replies beyond one per event (duplicated).
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from faq.store import Store
from testsupport.slack_requests import direct_message, event_callback, post, signed_headers
from testsupport.processes import HR_CHANNEL, start_server
from testsupport.slack_standin import StubSlack

MIX = ["マイナンバーは大丈夫ですか", "いつ起きたのですか", "調査結果", "身代金は払ったのですか",
       "不審な電話が来たらどうすればいい？", "会議室の予約はどうすればいいですか"]


Plan = list[tuple[str, str, bool, str]]  # (event id, body, is a duplicate delivery, DM channel)


def _plan(rate: int, duration: float, tag: str) -> Plan:
    plan: Plan = []
    for k in range(max(int(rate * duration), 1)):
        if k % 5 == 4 and plan:
            plan.append((*plan[-1][:2], True, plan[-1][3]))  # Slack's retry of the previous event
            continue
        event_id, channel = f"Ev{tag}{k:06d}", f"D{tag}{k:06d}"
        event = direct_message(MIX[k % len(MIX)], channel=channel, ts=f"1700001000.{k:06d}")
        plan.append((event_id, event_callback(event, event_id), False, channel))
    return plan


def _send(url: str, plan: Plan, rate: int, sent_at: dict[str, float]) -> list[float]:
    """Send at ``rate``; every delivery must get its 200. Returns acknowledgement latencies (ms)."""
    latencies: list[float] = []
    start = time.monotonic() + 0.2

    def send(index: int) -> None:
        event_id, body, duplicate, channel = plan[index]
        extra = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"} if duplicate else None
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        t0 = time.perf_counter()
        sent_at.setdefault(channel, time.monotonic())
        status, _ = post(url, body, signed_headers(body), extra=extra)
        latencies.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            raise RuntimeError(f"event {event_id} got HTTP {status}")

    with ThreadPoolExecutor(max_workers=min(64, max(rate // 2, 4))) as pool:
        list(pool.map(send, range(len(plan))))
    return latencies


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values) or [0.0]
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def _tally(scenario: str, rate: int, plan: Plan, latencies: list[float], sent_at: dict[str, float],
           stub: StubSlack, db: Path, tag: str) -> dict[str, float | str]:
    """Wait (bounded) for every reply, then count lost and duplicated ones (answered calls only)."""
    distinct = {channel for _, _, dup, channel in plan if not dup}

    def answered() -> dict[str, list[float]]:
        replies: dict[str, list[float]] = {}
        for call in stub.calls_to("chat.postMessage"):
            channel = str(call.params.get("channel", ""))
            if channel.startswith(f"D{tag}") and call.answered:
                replies.setdefault(channel, []).append(call.at)
        return replies

    deadline = time.monotonic() + 60
    while len(answered()) < len(distinct) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # late duplicates would show up here
    replies = answered()
    store = Store(db)
    try:
        rows = store.count_questions(f"Ev{tag}")
    finally:
        store.close()
    reply_ms = [(min(times) - sent_at[channel]) * 1000 for channel, times in replies.items()]
    return {
        "scenario": scenario, "rate": rate, "sent": len(plan), "distinct": len(distinct), "log_rows": rows,
        "ack_p50_ms": _percentile(latencies, 0.5), "ack_p99_ms": _percentile(latencies, 0.99),
        "reply_p50_ms": _percentile(reply_ms, 0.5), "reply_p99_ms": _percentile(reply_ms, 0.99),
        "lost": len(distinct) - len(replies),
        "duplicated": sum(len(t) - 1 for t in replies.values()) + max(rows - len(distinct), 0),
    }


def endpoint(rates: list[int], duration: float, log_path: Path | None = None) -> list[dict[str, float | str]]:
    """Every rate in turn against one server (healthy HR channel); then, at the first rate, the
    same with every HR-channel post hanging, and with a kill -9 of the whole server halfway
    through (HR channel still hanging) and a restart on the same database. The server's
    warnings go to ``log_path`` (kept for reading)."""
    stub = StubSlack()
    results: list[dict[str, float | str]] = []
    with tempfile.TemporaryDirectory() as tmp, open(log_path or Path(tmp) / "server.log", "w") as log_file:
        workdir, db = Path(tmp), Path(tmp) / "bench.db"
        proc, port = start_server(stub, workdir, log_file)
        try:
            url = f"http://127.0.0.1:{port}/slack/events"
            for i, rate in enumerate(rates):
                sent_at: dict[str, float] = {}
                plan = _plan(rate, duration, f"R{i}")
                results.append(_tally("healthy", rate, plan, _send(url, plan, rate, sent_at), sent_at, stub, db, f"R{i}"))
            rate = rates[0]
            stub.fail("chat.postMessage", times=1_000_000, hang=3600.0,
                      when=lambda params: params.get("channel") == HR_CHANNEL)
            sent_at = {}
            plan = _plan(rate, duration, "H")
            results.append(_tally("HR channel hanging", rate, plan, _send(url, plan, rate, sent_at), sent_at,
                                  stub, db, "H"))
            sent_at = {}
            plan = _plan(rate, duration, "K")
            half = len(plan) // 2
            latencies = _send(url, plan[:half], rate, sent_at)
            os.killpg(proc.pid, signal.SIGKILL)  # right after the last 200: no clean-up at all
            proc.wait(30)
            proc, port = start_server(stub, workdir, log_file)
            url = f"http://127.0.0.1:{port}/slack/events"
            latencies += _send(url, plan[half:], rate, sent_at)
            results.append(_tally("kill -9, HR hanging", rate, plan, latencies, sent_at, stub, db, "K"))
            return results
        finally:
            proc.terminate()
            proc.wait(30)
            stub.close()
