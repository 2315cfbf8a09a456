"""Socket Mode: the same app over a WebSocket, for a machine with no public URL."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import start_bot
from bot.settings import Settings


def run(settings: Settings) -> None:
    bot = start_bot(settings, "socket")
    SocketModeHandler(bot.app, app_token=settings.secret("slack_app_token")).start()
