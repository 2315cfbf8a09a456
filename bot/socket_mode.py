"""Socket Mode: the same app over a WebSocket, for a machine with no public URL."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import build_bot
from bot.settings import Settings
from faq.service import FaqService
from faq.store import Store


def run(settings: Settings) -> None:
    service = FaqService.open(Store(settings.database_path))
    bot = build_bot(settings, service, mode="socket")
    bot.notifier.start()
    SocketModeHandler(bot.app, app_token=settings.secret("slack_app_token")).start()
