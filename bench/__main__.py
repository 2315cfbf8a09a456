"""`python -m bench`: quality, speed and the Slack endpoint, against the baselines.

The benchmark is a leaf: it uses the product and the test support, and nothing uses it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bench.run import default_questions, run, table


@click.command()
@click.option("--questions", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Labelled JSONL (default: ../shared/eval/dev.jsonl when present, else the shipped examples).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--sizes", default="2000,20000", show_default=True, help="Synthetic FAQ sizes for the speed section.")
@click.option("--rates", default="10,50,200", show_default=True,
              help="Events per second for the endpoint section (empty to skip it).")
@click.option("--duration", default=3.0, show_default=True, help="Seconds of load at each rate.")
@click.option("--repeat", default=20, show_default=True, help="Passes over the questions at the shipped size.")
@click.option("--server-log", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Keep the benchmarked server's warnings and errors in this file.")
def bench(questions: Path | None, as_json: bool, sizes: str, rates: str, duration: float, repeat: int,
          server_log: Path | None) -> None:
    """Quality, speed and the Slack endpoint, side by side with the naive and BM25 baselines."""
    result = run(questions or default_questions(), [int(x) for x in sizes.split(",") if x.strip()],
                 [int(x) for x in rates.split(",") if x.strip()], duration, repeat, server_log)
    click.echo(json.dumps(result, ensure_ascii=False) if as_json else table(result))


if __name__ == "__main__":
    bench(prog_name="python -m bench")
