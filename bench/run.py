"""Run every comparison in one process and print a table (or one JSON object)."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

from faq.content import CONTENT_DIR, load_content
from faq.evaluate import read_labelled

from bench.endpoint import endpoint
from bench.quality import quality
from bench.speed import speed_at

DEV_SET = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dev.jsonl"


def default_questions() -> Path:
    """The shared dev set when it is beside the repo, else the project's own examples."""
    return DEV_SET if DEV_SET.exists() else CONTENT_DIR / "examples.jsonl"


def machine() -> dict[str, object]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "os": platform.system()}


def run(questions: Path, sizes: list[int], rates: list[int], duration: float, repeat: int,
        server_log: Path | None = None) -> dict[str, object]:
    content = load_content()
    rows = read_labelled(questions)
    texts = [r.q for r in rows]
    pinned = hasattr(os, "sched_setaffinity")
    if pinned:
        previous = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(previous)})  # quality and speed run on one core
    try:
        result: dict[str, object] = {"machine": machine(), "questions": str(questions),
                                     "quality": quality(content, rows)}
        result["speed"] = [speed_at(content, None, texts, repeat)] + [
            speed_at(content, size, texts, 1) for size in sizes]
    finally:
        if pinned:
            os.sched_setaffinity(0, previous)
    result["endpoint"] = endpoint(rates, duration, server_log) if rates else []
    return result


def table(result: dict[str, object]) -> str:
    lines = [f"machine: {json.dumps(result['machine'])}", f"questions: {result['questions']}", "",
             "quality        top1   top3   false_answer  smalltalk  overall"]
    for name, m in result["quality"].items():  # type: ignore[union-attr]
        lines.append(f"  {name:<10} {m['top1']:6.1%} {m['top3']:6.1%} {m['false_answer']:12.1%} "
                     f"{m['smalltalk']:10.1%} {m['overall']:8.1%}")
    lines += ["", "speed (ms)  entries  engine p50/p99   naive p50/p99    bm25 p50/p99   engine÷naive p99  build s  peak MB"]
    for s in result["speed"]:  # type: ignore[union-attr]
        lines.append(f"  {s['entries']:>15} {s['engine_p50_ms']:7.2f}/{s['engine_p99_ms']:<7.2f} "
                     f"{s['naive_p50_ms']:7.2f}/{s['naive_p99_ms']:<8.2f} {s['bm25_p50_ms']:6.2f}/{s['bm25_p99_ms']:<7.2f} "
                     f"{s['engine_vs_naive_p99']:10.2f}x {s['build_s']:10.2f} {s['peak_mb']:8.1f}")
    if result["endpoint"]:
        lines += ["", "endpoint  scenario             rate/s  sent  ack p50/p99 ms   reply p50/p99 ms  lost  duplicated"]
        for e in result["endpoint"]:  # type: ignore[union-attr]
            lines.append(f"  {e['scenario']:<27} {e['rate']:>6} {e['sent']:5} {e['ack_p50_ms']:7.2f}/{e['ack_p99_ms']:<8.2f} "
                         f"{e['reply_p50_ms']:8.2f}/{e['reply_p99_ms']:<8.2f} {e['lost']:5} {e['duplicated']:11}")
    return "\n".join(lines)
