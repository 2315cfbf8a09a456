"""The configuration as the `faqbot` commands see it: read once per run, handed to each command.

The group reads every variable once (environment, else `.env`); a command then asks for the
part it needs. A command that only needs the database fails on a bad DATABASE_PATH or
RETENTION_DAYS, never on a missing Slack token; the Slack commands fail on every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import click

from bot.settings import ConfigError, CoreSettings, Mode, SettingProblem, Settings, is_core, read_settings


@dataclass
class CliConfig:
    settings: Settings
    problems: list[SettingProblem]

    def core(self) -> CoreSettings:
        """The core settings, or a click error naming every problem with them."""
        bad = [p for p in self.problems if is_core(p)]
        if bad:
            raise click.ClickException(str(ConfigError(bad)))
        return self.settings

    def problems_for(self, mode: Mode) -> list[SettingProblem]:
        """Every problem of the configuration for ``mode``: malformed values and missing ones."""
        return self.problems + [p for p in self.settings.problems(mode) if p not in self.problems]

    def slack(self, mode: Mode) -> Settings:
        """Everything ``mode`` needs, checked whole and then against Slack itself (auth.test).

        Raises a click error naming every problem; warnings go to stderr."""
        from bot.app import make_client, slack_problem  # Slack's libraries only for Slack commands

        bad = self.problems_for(mode)
        if bad:
            raise click.ClickException(str(ConfigError(bad)))
        problem = slack_problem(self.settings, make_client(self.settings))
        if problem:
            raise click.ClickException(problem)
        for warning in self.settings.warnings():
            click.echo(f"warning: {warning}", err=True)
        return self.settings


def current_config() -> CliConfig:
    """This run's configuration, read on first use and kept on the root click context."""
    root = click.get_current_context().find_root()
    if not isinstance(root.obj, CliConfig):
        root.obj = CliConfig(*read_settings(Settings))
    return root.obj
