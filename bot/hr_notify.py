"""Deliver HR-channel posts from the outbox: exactly once, even when Slack fails.

A post is stored as pending before Slack is called, and only this outbox's own thread sends
it: a person's reply never waits on the HR channel. Delivery claims the post with a lease
and a fencing token (so two processes never send the same post), posts it, and marks it
sent only while the token still holds; on a 5xx, a timeout or ``ok: false`` it goes back to
pending with a growing delay, and a 429 goes back to pending until Retry-After has passed,
instead of sleeping inside the lease. One delivery makes at most two Web API calls, each
retried at most once on a connection error, so it always ends within its lease.
A background thread retries due posts, and keeps the retention period while it is at it.
"""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from slack_sdk.errors import SlackApiError

from bot.admin_blocks import review_actions
from bot.blocks import hr_post_blocks, hr_post_text
from faq.content import Messages
from faq.store import HR_POST_LEASE_SECONDS, Question, Store

log = logging.getLogger(__name__)

MAX_DELAY_SECONDS = 3600.0
# With delays doubling from 30 s to an hour, about a day of trying.
MAX_ATTEMPTS = 30
PURGE_EVERY_SECONDS = 6 * 3600


class HrNotifier:
    """Posts escalations to the HR channel through the outbox in the store."""

    def __init__(self, store: Store, client: WebClient, hr_channel_id: str, messages: Messages,
                 *, retry_base_seconds: float = 30.0, retention_days: int | None = None):
        self.store = store
        # The same workspace and API URL, without the caller's waits on 429: a wait of
        # Retry-After inside a delivery could outlive its lease and let a second sender in.
        self.client = WebClient(token=client.token, base_url=client.base_url, timeout=client.timeout,
                                retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)])
        # Two calls (permalink, post), each at most twice its timeout, with room to spare.
        self.lease_seconds = max(float(HR_POST_LEASE_SECONDS), 6.0 * client.timeout)
        self.hr_channel_id = hr_channel_id
        # The post is in Japanese, HR's language, as are the review buttons under it.
        self.msg = messages.ja
        self.hr_msg = messages.hr
        self.retry_base_seconds = retry_base_seconds
        self.retention_days = retention_days
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def notify(self, question_id: int, reason: str) -> None:
        """Queue the post (durably) and wake the outbox thread to send it."""
        if self.store.enqueue_hr_post(question_id, reason) is not None:
            self.wake()

    def wake(self) -> None:
        """A post was queued: send it now rather than at the next poll."""
        self._wake.set()

    def deliver(self, post_id: int) -> bool:
        """Send one due post; True when it was sent by this call."""
        post = self.store.claim_hr_post(post_id, self.lease_seconds)
        if post is None:
            return False
        claim = post.claim
        try:
            question = self.store.question(post.question_id)
            if question is None:  # purged meanwhile: nothing left to tell HR
                self.store.mark_hr_post_failed(post_id, claim, "question purged", None)
                return False
            place = self._place(question)
            if not self.store.hr_post_claim_held(post_id, claim):
                log.warning("HR post %s: lease ran out before sending; left to its next holder", post_id)
                return False
            response = self.client.chat_postMessage(
                channel=self.hr_channel_id,
                text=hr_post_text(self.msg, question.question),
                blocks=hr_post_blocks(
                    self.msg, reason=post.reason, question=question.question, user_id=question.user_id,
                    place=place, guesses=[(c.entry_id, c.score) for c in question.candidates],
                ) + [review_actions(self.hr_msg, post.question_id)],
                unfurl_links=False,
            )
            if not self.store.mark_hr_post_sent(post_id, claim, response["channel"], response["ts"]):
                log.error("HR post %s was sent after its claim was taken over; it may appear twice", post_id)
            return True
        except SlackApiError as exc:
            status = exc.response.status_code
            retry_after = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
            if status == 429 and retry_after:
                delay = float(retry_after)
            else:
                delay = self._backoff(post.attempts)
            data = exc.response.data
            error = f"HTTP {status} {data.get('error', '') if isinstance(data, dict) else ''}".strip()
        except Exception as exc:  # timeouts and connection errors: retried the same way
            delay, error = self._backoff(post.attempts), type(exc).__name__
        if post.attempts >= MAX_ATTEMPTS:
            # The question stays in the review queue; only the channel post is given up.
            log.error("HR post %s given up after %d attempts (%s); check HR_CHANNEL_ID and that the bot "
                      "is in that channel", post_id, post.attempts, error)
            self.store.mark_hr_post_failed(post_id, claim, error, None)
            return False
        log.warning("HR post %s not delivered (%s); retrying in %.0fs", post_id, error, delay)
        self.store.mark_hr_post_failed(post_id, claim, error, delay)
        return False

    def _backoff(self, attempts: int) -> float:
        return min(self.retry_base_seconds * 2 ** max(attempts - 1, 0), MAX_DELAY_SECONDS)

    def _place(self, question: Question) -> str:
        """Where the question was asked, as HR should see it (a permalink when there is one)."""
        channel, ts = question.channel_id, question.message_ts
        if question.channel_kind == "slash":
            return self.msg.slash_place
        if channel and ts:
            try:
                link = self.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
                return f"<{link}|{'DM' if channel.startswith('D') else 'Slack'}>"
            except Exception:  # a missing permalink must not hold the post back
                log.info("no permalink for a question in %s", channel)
        return f"<#{channel}>" if channel and channel.startswith("C") else "DM"

    def deliver_due(self) -> int:
        """Send every post whose time has come; returns how many were sent."""
        return sum(self.deliver(post_id) for post_id in self.store.due_hr_posts())

    def _purge_when_due(self, last_purge: float) -> float:
        """Apply the retention period if PURGE_EVERY_SECONDS have passed since ``last_purge``
        (a time.monotonic() value); returns when it last ran."""
        if not self.retention_days or time.monotonic() - last_purge <= PURGE_EVERY_SECONDS:
            return last_purge
        removed = self.store.purge(self.retention_days)
        if removed:
            log.info("retention: removed %d questions older than %d days", removed, self.retention_days)
        return time.monotonic()

    def _deliver_and_purge_loop(self, interval: float) -> None:
        """The process's one background job: send due HR posts, and keep the retention period."""
        last_purge = 0.0
        while not self._stop.is_set():
            try:
                self.deliver_due()
                last_purge = self._purge_when_due(last_purge)
            except Exception:
                log.exception("HR outbox and retention loop failed; continuing")
            self._wake.wait(min(interval, self.retry_base_seconds))
            self._wake.clear()

    def start(self, interval: float = 15.0) -> None:
        """Run the outbox and retention loop in a daemon thread (one per process)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._deliver_and_purge_loop, args=(interval,),
                                            name="hr-outbox-retention", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(5)
