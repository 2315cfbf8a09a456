"""Per-question latency of the engine and the baselines as the FAQ grows, on one core."""

from __future__ import annotations

import gc
import resource
import statistics
import time
from collections.abc import Callable

from faq.answerer import Answerer
from faq.content import FaqContent

from bench.baselines import Bm25Baseline, NaiveBaseline
from bench.synthetic import synthetic_content


def _latencies(fn: Callable[[str], object], questions: list[str], repeat: int) -> list[float]:
    for q in questions[:5]:
        fn(q)  # warm caches the way a running bot has them warm
    timings = []
    for _ in range(repeat):
        for q in questions:
            start = time.perf_counter()
            fn(q)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def speed_at(base: FaqContent, size: int | None, questions: list[str], repeat: int) -> dict[str, float]:
    content = base if size is None else synthetic_content(base, size)
    gc.collect()
    start = time.perf_counter()
    engine = Answerer(content)
    build_s = time.perf_counter() - start
    naive, bm25 = NaiveBaseline(content.entries), Bm25Baseline(content.entries)
    engine_ms = _latencies(engine.decide, questions, repeat)
    naive_ms = _latencies(naive.best, questions, repeat)
    bm25_ms = _latencies(bm25.best, questions, repeat)
    row = {
        "entries": len(content.entries),
        "engine_p50_ms": _p(engine_ms, 0.5), "engine_p99_ms": _p(engine_ms, 0.99),
        "naive_p50_ms": _p(naive_ms, 0.5), "naive_p99_ms": _p(naive_ms, 0.99),
        "bm25_p50_ms": _p(bm25_ms, 0.5), "bm25_p99_ms": _p(bm25_ms, 0.99),
        "engine_qps": round(1000 / statistics.mean(engine_ms), 1),
        "naive_qps": round(1000 / statistics.mean(naive_ms), 1),
        "bm25_qps": round(1000 / statistics.mean(bm25_ms), 1),
        "build_s": round(build_s, 3), "peak_mb": _peak_mb(),
    }
    row["engine_vs_naive_p99"] = round(row["engine_p99_ms"] / max(row["naive_p99_ms"], 1e-6), 2)
    row["engine_vs_naive_mean"] = round(row["naive_qps"] / max(row["engine_qps"], 1e-6), 2)
    return row
