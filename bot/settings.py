"""Configuration from the environment (and an optional .env file), checked before start-up.

Every missing or malformed variable is reported at once, with how to fix it, so an admin
fixes the whole configuration in one go. Token values are SecretStr: never printed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from faq.store import DEFAULT_DATABASE_PATH, DEFAULT_RETENTION_DAYS

Mode = Literal["http", "socket", "digest"]

HOW_TO_FIX = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page",
    "SLACK_SIGNING_SECRET": "the Signing Secret from the app's Basic Information page",
    "SLACK_APP_TOKEN": "an App-Level Token (xapp-…) with connections:write, from Basic Information",
    "HR_CHANNEL_ID": "the id of the HR channel (C…), from the channel's details; invite the bot there",
    "HR_USER_IDS": "comma-separated Slack member ids of HR staff (U…), from each profile's ⋮ menu",
    "SLACK_TEAM_ID": "the workspace id (T…), or leave it unset to accept any workspace",
    "SLACK_API_URL": "a base URL ending in /api/, e.g. https://slack.com/api/",
    "PORT": "a TCP port number, e.g. 3000",
    "DATABASE_PATH": "a writable file path, e.g. data/faqbot.db",
}

REQUIRED: dict[Mode, tuple[str, ...]] = {
    "http": ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "HR_CHANNEL_ID"),
    "socket": ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "HR_CHANNEL_ID"),
    "digest": ("SLACK_BOT_TOKEN", "HR_CHANNEL_ID"),
}

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


class ConfigError(Exception):
    """Start-up stops with this: one line per problem, each saying how to fix it."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"faqbot cannot start; fix these environment variables (or .env):\n{lines}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    hr_channel_id: str | None = None
    hr_user_ids: str = ""
    database_path: Path = DEFAULT_DATABASE_PATH
    slack_api_url: str = "https://slack.com/api/"
    slack_team_id: str | None = None
    port: int = 3000
    # Seconds before a Web API call counts as failed; HR posts are then retried.
    slack_api_timeout: float = 10.0
    # First retry delay of an undelivered HR post (doubles each time, at most an hour).
    hr_retry_seconds: float = 30.0
    # Question logs older than this are deleted (see README "Data and privacy").
    retention_days: int = DEFAULT_RETENTION_DAYS
    # Time zone of the weekly digest's Monday 09:00.
    digest_timezone: str = "Asia/Tokyo"

    @field_validator("hr_channel_id", "slack_team_id", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def hr_users(self) -> frozenset[str]:
        """HR's Slack ids; an empty list means nobody is HR."""
        return frozenset(u.strip() for u in self.hr_user_ids.split(",") if u.strip())

    def secret(self, name: str) -> str:
        value: SecretStr | None = getattr(self, name)
        return value.get_secret_value() if value else ""

    def problems(self, mode: Mode) -> list[str]:
        """Everything wrong for ``mode``, each naming the variable and how to set it."""
        found: list[str] = []
        for var in REQUIRED[mode]:
            if not getattr(self, var.lower()):
                found.append(f"{var} is not set: set it to {HOW_TO_FIX[var]}")
        checks = [
            ("SLACK_BOT_TOKEN", self.secret("slack_bot_token"), lambda v: v.startswith("xoxb-")),
            ("SLACK_APP_TOKEN", self.secret("slack_app_token"), lambda v: v.startswith("xapp-")),
            ("HR_CHANNEL_ID", self.hr_channel_id or "", lambda v: re.fullmatch(r"[CG][A-Z0-9]{2,}", v)),
            ("SLACK_TEAM_ID", self.slack_team_id or "", lambda v: re.fullmatch(r"[TE][A-Z0-9]{2,}", v)),
            ("SLACK_API_URL", self.slack_api_url, lambda v: re.fullmatch(r"https?://\S+/", v)),
        ]
        for var, value, ok in checks:
            if value and not ok(value):
                found.append(f"{var} is malformed: set it to {HOW_TO_FIX[var]}")
        bad_users = [u for u in self.hr_users if not _USER_ID.match(u)]
        if bad_users:
            found.append(f"HR_USER_IDS has malformed ids ({', '.join(sorted(bad_users))}): "
                         f"set it to {HOW_TO_FIX['HR_USER_IDS']}")
        return found


def load_settings(mode: Mode) -> Settings:
    """Read and check the configuration for ``mode``; raise ConfigError naming every problem."""
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            var = str(err["loc"][0]).upper() if err["loc"] else "?"
            problems.append(f"{var} is malformed ({err['msg']}): set it to {HOW_TO_FIX.get(var, 'a valid value')}")
        raise ConfigError(problems) from None
    problems = settings.problems(mode)
    if problems:
        raise ConfigError(problems)
    return settings
