"""README.md stays true to the command line: every command and option is documented there,
and every `faqbot …` command it names exists (as sqlite-utils checks its docs)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from bot.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "faqbot") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        found[path] = command
        if isinstance(command, click.Group):
            found.update(_commands(command, path))
    return found


COMMANDS = _commands(main)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_and_option_is_in_the_readme(path: str):
    assert path in README, f"README.md does not mention `{path}`"
    for param in COMMANDS[path].params:
        for option in param.opts:
            if option.startswith("--"):
                assert option in README, f"README.md does not mention `{path} {option}`"


def test_every_command_the_readme_names_exists():
    # "faqbot" as typed: in inline code, after a path (.venv/bin/), or starting a line of a code block.
    code = "\n".join(re.findall(r"^```\w*\n(.*?)^```", README, re.MULTILINE | re.DOTALL))
    named = set(re.findall(r"(?:`|/)faqbot((?: [a-z][a-z-]*)+)", README))
    named |= set(re.findall(r"^faqbot((?: [a-z][a-z-]*)+)", code, re.MULTILINE))
    for words in named:
        parts = words.split()
        while parts and f"faqbot {' '.join(parts)}" not in COMMANDS:
            parts.pop()
        assert parts, f"README.md names `faqbot{words}`, which is not a command"
