"""Wiring only: build the Bolt app from settings and the engine, register the listeners."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from bot.conversation import Conversation
from bot.hr_notify import HrNotifier
from bot.hr_desk import HrDesk
from bot.intake import Intake
from bot.listeners import actions, admin, commands, events
from bot.settings import Mode, Settings
from faq.service import FaqService
from faq.store import Store


def make_client(settings: Settings) -> WebClient:
    """A Web API client for SLACK_API_URL that waits out 429s (Retry-After) and retries a 5xx
    once, so a passing failure does not cost a person their reply."""
    client = WebClient(token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url,
                       timeout=int(max(settings.slack_api_timeout, 1)))
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=1))
    return client


REFUSED_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


def slack_problem(settings: Settings, client: WebClient) -> str | None:
    """Ask Slack who the bot is (auth.test) before starting; None when Slack accepts the token.

    A token Slack refuses, or a Slack that cannot be reached, is one line saying what to do,
    instead of a traceback from the first request."""
    try:
        client.auth_test()
    except SlackApiError as exc:
        data = exc.response.data if isinstance(exc.response.data, dict) else {}
        error = data.get("error") or f"HTTP {exc.response.status_code}"
        if error in REFUSED_TOKEN:
            return (f"Slack refused SLACK_BOT_TOKEN ({error}): set it to the Bot User OAuth Token (xoxb-…) "
                    "of this app, from OAuth & Permissions, and reinstall the app if it was revoked")
        return f"Slack's Web API at {settings.slack_api_url} answered auth.test with {error}; try again later"
    except Exception as exc:  # DNS, refused connection, TLS, timeout: the network, not the token
        return (f"Slack's Web API at {settings.slack_api_url} cannot be reached ({type(exc).__name__}); "
                "check the network and SLACK_API_URL")
    return None


@dataclass
class Bot:
    app: App
    conversation: Conversation
    notifier: HrNotifier
    service: FaqService
    desk: HrDesk
    intake: Intake
    signing_secret: str

    def start(self) -> None:
        """The background work of one process: the inbox workers and the HR outbox loop."""
        self.notifier.start()
        self.intake.start()

    def stop(self) -> None:
        self.intake.stop()
        self.notifier.stop()


def _team_guard(team_id: str) -> Callable[..., BoltResponse | None]:
    def refuse_other_workspaces(context, next) -> BoltResponse | None:  # noqa: A002 - Bolt's name
        if context.team_id and context.team_id != team_id and context.enterprise_id != team_id:
            return BoltResponse(status=403, body="")
        next()
        return None

    return refuse_other_workspaces


def start_bot(settings: Settings, mode: Mode) -> Bot:
    """Everything one process needs, from the configured database, with its inbox workers
    (which first finish what a previous process took in) and its HR outbox loop."""
    bot = build_bot(settings, FaqService.open(Store(settings.database_path)), mode=mode)
    bot.start()
    return bot


def build_bot(settings: Settings, service: FaqService, *, mode: Mode, client: WebClient | None = None,
              listener_executor: Executor | None = None) -> Bot:
    """The Bolt app and its collaborators; the caller starts the background work (``Bot.start``)."""
    client = client or make_client(settings)
    app = App(
        client=client,
        signing_secret=settings.secret("slack_signing_secret") or None,
        request_verification_enabled=mode == "http",
        listener_executor=listener_executor,
    )
    if settings.slack_team_id:
        app.use(_team_guard(settings.slack_team_id))
    notifier = HrNotifier(service.store, client, settings.hr_channel_id or "", service.content.messages,
                          retry_base_seconds=settings.hr_retry_seconds, retention_days=settings.retention_days)
    conversation = Conversation(service, notifier, settings.retention_days)
    desk = HrDesk(service, client, settings.hr_users)
    intake = Intake(service.store, events.take,
                    lambda payload, redelivery: events.handle(conversation, desk, client, payload, redelivery),
                    housekeeping=conversation.write_unsaved)
    app.use(intake.middleware)
    events.register(app)
    commands.register(app, conversation)
    actions.register(app, conversation)
    admin.register(app, conversation, desk)
    return Bot(app, conversation, notifier, service, desk, intake, settings.secret("slack_signing_secret") or "")
