"""The benchmark runs and reports every section; its figures are never asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def test_bench_runs_all_sections_and_prints_json(tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"q": "マイナンバーは大丈夫？", "expect": "my-number"}\n'
                         '{"q": "身代金は？", "expect": "escalate"}\n'
                         '{"q": "こんにちは", "expect": "smalltalk"}\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--json", "--questions", str(questions), "--sizes", "60",
         "--rates", "5", "--duration", "0.4", "--repeat", "1"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPOSITORY)})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data["quality"]) == {"engine", "naive", "bm25"}
    assert set(data["quality"]["engine"]) >= {"top1", "top3", "false_answer", "smalltalk", "overall"}
    assert [row["entries"] for row in data["speed"]][1] == 60
    assert set(data["speed"][0]) >= {"entries", "engine_p50_ms", "engine_p99_ms", "naive_p50_ms", "naive_p99_ms",
                                     "bm25_p99_ms", "build_s", "peak_mb"}
    assert [run["scenario"] for run in data["endpoint"]] == ["healthy", "HR channel hanging", "kill -9, HR hanging"]
    for run in data["endpoint"]:
        assert set(run) >= {"rate", "sent", "ack_p50_ms", "ack_p99_ms", "reply_p50_ms", "reply_p99_ms", "lost",
                            "duplicated"} and run["sent"] == 2
