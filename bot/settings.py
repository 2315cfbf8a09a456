"""The one configuration of faqbot: environment variables, else a `.env` file, read once.

Two layers, so every command reads the same values from the same place:

- ``CoreSettings``: what any command needs (the database, retention, logging). Loading it
  never asks for a Slack variable, so `faqbot backup` works on the bot's own database.
- ``Settings``: the core plus Slack (tokens, HR channel and people, port, timeouts); each
  mode (``http``, ``socket``, ``digest``) requires its own variables.

API (also used by other commands, e.g. a health check of the configuration):

- ``read_settings(cls, mode=None)`` never raises: it returns the settings, with any malformed
  value replaced by its default, and *every* ``SettingProblem`` found, so one bad value never
  hides another.
- ``load_core_settings()`` / ``load_settings(mode)`` raise ``ConfigError`` naming every
  problem and how to fix it.
- ``Settings.warnings()``: things that work but are probably not meant (no HR staff).

Token values are SecretStr: never printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from faq.store import DEFAULT_DATABASE_PATH, DEFAULT_RETENTION_DAYS

Mode = Literal["http", "socket", "digest"]
ENV_FILE = Path(".env")

HOW_TO_FIX = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page",
    "SLACK_SIGNING_SECRET": "the Signing Secret from the app's Basic Information page",
    "SLACK_APP_TOKEN": "an App-Level Token (xapp-…) with connections:write, from Basic Information",
    "HR_CHANNEL_ID": "the id of the HR channel (C…), from the channel's details; invite the bot there",
    "HR_USER_IDS": "comma-separated Slack member ids of HR staff (U…), from each profile's ⋮ menu",
    "SLACK_TEAM_ID": "the workspace id (T…), or leave it unset to accept any workspace",
    "SLACK_API_URL": "a base URL ending in /api/, e.g. https://slack.com/api/",
    "PORT": "a TCP port number from 1 to 65535, e.g. 3000",
    "DATABASE_PATH": "a writable file path, e.g. data/faqbot.db",
    "RETENTION_DAYS": "a whole number of days, 1 or more, e.g. 180",
    "SLACK_API_TIMEOUT": "a number of seconds greater than 0, e.g. 10",
    "HR_RETRY_SECONDS": "a number of seconds greater than 0, e.g. 30",
    "DIGEST_TIMEZONE": "an IANA time zone name, e.g. Asia/Tokyo",
    "LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
}

REQUIRED: dict[Mode, tuple[str, ...]] = {
    "http": ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "HR_CHANNEL_ID"),
    "socket": ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "HR_CHANNEL_ID"),
    "digest": ("SLACK_BOT_TOKEN", "HR_CHANNEL_ID"),
}

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class SettingProblem:
    """One wrong variable and how to set it."""

    variable: str
    message: str

    def __str__(self) -> str:
        return self.message


class ConfigError(Exception):
    """Start-up stops with this: one line per problem, each saying how to fix it."""

    def __init__(self, problems: list[SettingProblem] | list[str]):
        self.problems = [str(p) for p in problems]
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"faqbot cannot start; fix these environment variables (or .env):\n{lines}")


def _problem(var: str, what: str) -> SettingProblem:
    return SettingProblem(var, f"{var} {what}: set it to {HOW_TO_FIX.get(var, 'a valid value')}")


class CoreSettings(BaseSettings):
    """What every command needs; no Slack variable is read or required."""

    model_config = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore")

    database_path: Path = DEFAULT_DATABASE_PATH
    # Question logs older than this are deleted (see README "Data and privacy").
    retention_days: int = Field(DEFAULT_RETENTION_DAYS, ge=1)
    log_level: str = "WARNING"

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_level(cls, value: object) -> object:
        level = str(value or "WARNING").strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"unknown level {value!r}")
        return level

    def problems(self, mode: Mode | None = None) -> list[SettingProblem]:
        """Problems beyond single values (the core has none; Settings adds Slack's)."""
        return []

    def warnings(self) -> list[str]:
        return []


class Settings(CoreSettings):
    """The core plus Slack: what `serve`, `run` and `digest` need."""

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    hr_channel_id: str | None = None
    hr_user_ids: str = ""
    slack_api_url: str = "https://slack.com/api/"
    slack_team_id: str | None = None
    port: int = Field(3000, ge=1, le=65535)
    # Seconds before a Web API call counts as failed; HR posts are then retried.
    slack_api_timeout: float = Field(10.0, gt=0)
    # First retry delay of an undelivered HR post (doubles each time, at most an hour).
    hr_retry_seconds: float = Field(30.0, gt=0)
    # Time zone of the weekly digest's Monday 09:00.
    digest_timezone: str = "Asia/Tokyo"

    @field_validator("hr_channel_id", "slack_team_id", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("digest_timezone")
    @classmethod
    def _real_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @property
    def hr_users(self) -> frozenset[str]:
        """HR's Slack ids; an empty list means nobody is HR."""
        return frozenset(u.strip() for u in self.hr_user_ids.split(",") if u.strip())

    def secret(self, name: str) -> str:
        value: SecretStr | None = getattr(self, name)
        return value.get_secret_value() if value else ""

    def problems(self, mode: Mode | None = None) -> list[SettingProblem]:
        """Everything wrong for ``mode`` (every mode's formats when None)."""
        found: list[SettingProblem] = []
        for var in REQUIRED[mode] if mode else ():
            if not getattr(self, var.lower()):
                found.append(_problem(var, "is not set"))
        checks = [
            ("SLACK_BOT_TOKEN", self.secret("slack_bot_token"), lambda v: v.startswith("xoxb-")),
            ("SLACK_APP_TOKEN", self.secret("slack_app_token"), lambda v: v.startswith("xapp-")),
            ("HR_CHANNEL_ID", self.hr_channel_id or "", lambda v: re.fullmatch(r"[CG][A-Z0-9]{2,}", v)),
            ("SLACK_TEAM_ID", self.slack_team_id or "", lambda v: re.fullmatch(r"[TE][A-Z0-9]{2,}", v)),
            ("SLACK_API_URL", self.slack_api_url, lambda v: re.fullmatch(r"https?://\S+/", v)),
        ]
        for var, value, ok in checks:
            if value and not ok(value):
                found.append(_problem(var, "is malformed"))
        bad_users = [u for u in self.hr_users if not _USER_ID.match(u)]
        if bad_users:
            found.append(_problem("HR_USER_IDS", f"has malformed ids ({', '.join(sorted(bad_users))})"))
        return found

    def warnings(self) -> list[str]:
        if not self.hr_users:
            return ["HR_USER_IDS is empty: nobody can use /faq-admin or the HR buttons; set it to "
                    + HOW_TO_FIX["HR_USER_IDS"]]
        return []


S = TypeVar("S", bound=CoreSettings)


def read_settings(cls: type[S] = Settings, *, mode: Mode | None = None, env_file: Path | None = ENV_FILE,
                  **values: Any) -> tuple[S, list[SettingProblem]]:
    """The settings and every problem with them; never raises.

    A malformed value is reported and replaced by its default, so the checks that need the
    other values still run: ``PORT=abc`` does not hide a missing token. ``values`` override
    the environment (tests)."""
    problems: list[SettingProblem] = []
    try:
        settings = cls(_env_file=env_file, **values)
    except ValidationError as exc:
        defaults: dict[str, Any] = {}
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            reason = str(err["msg"]).removeprefix("Value error, ")
            problems.append(_problem(name.upper() or "?", f"is malformed ({reason})"))
            if name in cls.model_fields:
                defaults[name] = cls.model_fields[name].default
        settings = cls(_env_file=env_file, **{**values, **defaults})
    return settings, problems + settings.problems(mode)


def load_core_settings(env_file: Path | None = ENV_FILE) -> CoreSettings:
    """The core settings, or ConfigError naming every problem."""
    settings, problems = read_settings(CoreSettings, env_file=env_file)
    if problems:
        raise ConfigError(problems)
    return settings


def load_settings(mode: Mode, env_file: Path | None = ENV_FILE) -> Settings:
    """Read and check the configuration for ``mode``; raise ConfigError naming every problem."""
    settings, problems = read_settings(Settings, mode=mode, env_file=env_file)
    if problems:
        raise ConfigError(problems)
    return settings


def is_core(problem: SettingProblem) -> bool:
    """True for a problem with a variable every command reads (DATABASE_PATH, …)."""
    return problem.variable.lower() in CoreSettings.model_fields
