"""The `faqbot` command: local chat, scripted questions, evaluation and FAQ checks."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.admin_cli import COMMANDS as ADMIN_COMMANDS, FaqbotGroup, open_service, operator
from bot.cli_config import current_config
from bot.local_chat import LocalChat
from bot.logs import configure_logging
from bot.settings import LOG_LEVELS, Mode
from faq.evaluate import (Labelled, evaluate, evaluate_conversations, is_conversation_file,
                          read_conversations)
from faq.models import Origin

EXIT_WORDS = {"exit", "quit", "bye", "終了", "おわり"}


def _decision_json(question: str, answered) -> dict[str, object]:
    d = answered.decision
    return {"q": question, "outcome": d.outcome.value, "entry_id": d.entry_id, "score": d.score,
            "candidates": [c.entry_id for c in d.candidates], "reply": answered.reply.as_text()}


@click.group(cls=FaqbotGroup)
@click.option("--log-level", type=click.Choice(LOG_LEVELS, case_sensitive=False), default=None,
              help="Logging level (default: LOG_LEVEL, else WARNING).")
def main(log_level: str | None) -> None:
    """faqbot: answers staff questions about the 社労夢 incident from the curated FAQ.

    Configuration comes from the environment, else from .env in the working directory."""
    configure_logging(log_level or current_config().settings.log_level)


@main.command()
def serve() -> None:
    """Serve Slack over HTTP on $PORT: POST /slack/events and GET /healthz (gunicorn)."""
    from bot.web import serve as serve_http

    serve_http(current_config().slack("http"))


@main.command()
def run() -> None:
    """Connect to Slack in Socket Mode (needs SLACK_APP_TOKEN; no public URL)."""
    from bot.socket_mode import run as run_socket_mode

    run_socket_mode(current_config().slack("socket"))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object, for monitoring.")
@click.option("--mode", type=click.Choice(["socket", "http"]), default=None,
              help="Which start-up to check (default: socket when SLACK_APP_TOKEN is set, else http).")
def doctor(as_json: bool, mode: Mode | None) -> None:
    """Check configuration, database, Slack and FAQ; print every problem with its fix (exit 1 on any)."""
    from bot.app import make_client
    from bot.doctor import default_mode, run_doctor

    config = current_config()
    mode = mode or default_mode(config.settings)
    report = run_doctor(config.settings, config.problems_for(mode), mode, make_client)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for line in report.lines():
            click.echo(line)
    if not report.ok:
        sys.exit(1)


@main.command()
def migrate() -> None:
    """Create or migrate the database and import the shipped FAQ (HR's edits are kept); as on start."""
    from faq.store import SCHEMA_VERSION

    service = open_service()
    kept = [s.id for s in service.store.stored_entries() if s.edited_by_hr]
    click.echo(f"{service.store.path}: schema version {SCHEMA_VERSION}, {len(service.store.entries())} entries"
               + (f"; HR's edits kept: {', '.join(kept)}" if kept else ""))


@main.command()
@click.option("--count", is_flag=True,
              help="Count these questions like staff questions: in the stats, and escalations in HR's review "
                   "queue (to try the HR side locally).")
def chat(count: bool) -> None:
    """Chat locally with the bot on the shipped FAQ (no Slack needed)."""
    service = open_service()
    user = operator()
    # "cli" questions are left out of stats and review; "local" ones are counted like Slack's.
    kind = "local" if count else "cli"
    click.echo(service.content.messages.ja.chat_welcome)
    session = LocalChat(service, user, kind, click.echo)
    while True:
        try:
            question = input("\n> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        if question.strip().lower().lstrip("/") in EXIT_WORDS:  # "/quit", as in other chat tools
            return
        session.handle(question)


def _stdin_questions() -> list[str]:
    questions = []
    for line in sys.stdin:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        if text.lstrip().startswith("{"):
            try:
                raw = json.loads(text)
            except json.JSONDecodeError:
                raw = None
            if isinstance(raw, dict) and "q" in raw:
                text = str(raw["q"])
        questions.append(text)
    return questions


@main.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the reply text.")
@click.option("--jsonl", is_flag=True, help="Read questions from standard input (plain lines or JSON "
              "lines with a 'q' field) and write one JSON object per line.")
def ask(question: str | None, as_json: bool, jsonl: bool) -> None:
    """Ask one question (or many with --jsonl); nothing is logged."""
    if not jsonl and question is None:
        raise click.UsageError("give a QUESTION, or --jsonl to read questions from standard input")
    service = open_service()
    questions = _stdin_questions() if jsonl else [question or ""]
    for q in questions:
        answered = service.ask(q, Origin("cli"), log_question=False)
        if jsonl or as_json:
            click.echo(json.dumps(_decision_json(q, answered), ensure_ascii=False))
        else:
            click.echo(answered.reply.as_text())


@main.command(name="eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@click.option("--min-accuracy", type=float, default=None,
              help="Exit with status 1 when overall accuracy is below this fraction (0-1).")
@click.option("--holdout", is_flag=True,
              help="Measure unseen wording instead: phrasings held out k-fold, and entries removed.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Folds for --holdout.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def eval_command(file: Path | None, min_accuracy: float | None, holdout: bool, folds: int, as_json: bool) -> None:
    """Measure the FAQ on labelled questions (q, expect, optional style), or with --holdout."""
    if holdout:
        _holdout_report(folds, as_json)
        return
    if file is None:
        raise click.UsageError("give a labelled JSONL file, or --holdout")
    try:
        rows = read_conversations(file)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    service = open_service()
    if is_conversation_file(rows):
        _conversation_report(service, rows, as_json)
        return
    report = evaluate([r for r in rows if isinstance(r, Labelled)],
                      lambda q: service.ask(q, Origin("eval"), log_question=False).decision)
    data = report.as_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        c = data["counts"]
        click.echo(f"questions: {c['total']} (in scope {c['in_scope']}, escalate {c['escalate']}, "
                   f"smalltalk {c['smalltalk']})")
        click.echo(f"in-scope top-1 accuracy : {data['top1']:.1%}")
        click.echo(f"in-scope top-3 recall   : {data['top3']:.1%}")
        click.echo(f"helpful (answer/clarify): {data['helpful']:.1%}")
        click.echo(f"in-scope escalated      : {data['escalated_in_scope']:.1%}")
        click.echo(f"answered, wrong entry   : {data['wrong_answer']:.1%}")
        click.echo(f"false answers (escalate): {data['false_answer']:.1%}")
        click.echo(f"clarify on escalate     : {data['false_clarify']:.1%}")
        click.echo(f"escalate accuracy       : {data['escalate_accuracy']:.1%}")
        click.echo(f"smalltalk accuracy      : {data['smalltalk']:.1%}")
        click.echo(f"overall accuracy        : {data['overall']:.1%}")
        if data["by_style"]:
            click.echo("by style: " + ", ".join(f"{s} {v:.0%}" for s, v in data["by_style"].items()))
        for miss in data["misses"]:
            click.echo(f"MISS expect={miss['expect']} got={miss['outcome']}:{miss['entry_id'] or '-'} "
                       f"candidates={','.join(miss['candidates'])}  {miss['q']}")
    if min_accuracy is not None and data["overall"] < min_accuracy:
        click.echo(f"overall accuracy {data['overall']:.1%} is below --min-accuracy {min_accuracy:.1%}", err=True)
        sys.exit(1)


def _conversation_report(service, rows: list, as_json: bool) -> None:
    """Threads turn by turn and several-question messages (faq.evaluate.evaluate_conversations)."""
    answerer = service.answerer()
    data = evaluate_conversations(rows, answerer.decide).as_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    c = data["counts"]
    click.echo(f"thread turns: {c['threads_turns']} (follow-ups {c['follow_ups']}); "
               f"several-question messages: {c['multi']}; one-question look-alikes: {c['single']}")
    click.echo(f"first turns right      : {data['first_turns']:.1%}")
    click.echo(f"follow-up turns right  : {data['follow_up_turns']:.1%}")
    click.echo(f"several questions exact: {data['multi_exact']:.1%}")
    click.echo(f"one question kept whole: {data['one_question_kept_whole']:.1%}")
    for miss in data["misses"]:
        click.echo(f"MISS {json.dumps(miss, ensure_ascii=False)}")


def _holdout_report(folds: int, as_json: bool) -> None:
    """The FAQ's own phrasings as unseen questions (faq.holdout), on the FAQ the bot serves."""
    from faq.holdout import holdout

    data = holdout(open_service().answerer().content, folds).as_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    held, removed = data["held_out"], data["removed_entry"]
    click.echo(f"held-out phrasings ({folds} folds, {held['counts']['in_scope']} questions):")
    click.echo(f"  top-1 {held['top1']:.1%}  helpful {held['helpful']:.1%}  "
               f"escalated {held['escalated_in_scope']:.1%}  wrong entry {held['wrong_answer']:.1%}")
    click.echo(f"removed entry ({removed['questions']} questions, no right answer left):")
    click.echo(f"  answered anyway {removed['answered']:.1%}  clarify {removed['clarified']:.1%}  "
               f"escalated {removed['escalated']:.1%}")


for command in ADMIN_COMMANDS:
    main.add_command(command)


if __name__ == "__main__":
    main()
