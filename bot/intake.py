"""Durable intake: an event is in the database, masked, before Slack gets our 200.

Slack never redelivers an event it got a 200 for, and Bolt acknowledges an event before its
listener runs, so an event held only in memory was lost when the process died (kill -9, an
out-of-memory kill, a deploy) before the listener finished. This Bolt middleware writes each
event the bot answers to the ``inbox`` table (UNIQUE delivery key, so Slack's retries find
it) inside the request, before the acknowledgement, in HTTP and Socket Mode alike; worker
threads answer from there. A starting process takes over every row nobody works on: its
lease ran out, or the process that claimed it no longer exists (SQLite is shared by
processes of one machine only, so the process id tells).

When the database cannot be written (disk full, read-only), the event is kept in memory,
answered all the same, and the log says so: an acknowledged question is never dropped
silently.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse

from faq.store import Delivery, Store

log = logging.getLogger(__name__)

# Answering one event is the engine plus one Web API call (two tries of at most the API
# timeout, and 429 waits); the lease only matters when a process hangs without dying.
LEASE_SECONDS = 300.0
MAX_ATTEMPTS = 5
RETRY_SECONDS = 5.0
POLL_SECONDS = 1.0

Take = Callable[[dict[str, Any]], tuple[str, dict[str, Any]] | None]
Handle = Callable[[dict[str, Any], bool], None]


def _process_token() -> str:
    """``pid:random``: the pid tells whether the claimer still runs; the random part tells a
    restarted process (often the same pid in a container) from its dead predecessor."""
    return f"{os.getpid()}:{uuid.uuid4().hex[:12]}"


class Intake:
    """Takes deliveries into the inbox before the ack and answers them from worker threads."""

    def __init__(self, store: Store, take: Take, handle: Handle, *, kind: str = "event", workers: int = 4,
                 housekeeping: Callable[[], None] | None = None):
        self.store = store
        self.take = take
        self.handle = handle
        self.kind = kind
        self.workers = workers
        self.housekeeping = housekeeping
        self.owner = _process_token()
        self._signal = threading.Semaphore(0)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._memory: deque[tuple[str, dict[str, Any]]] = deque()
        self._memory_keys: set[str] = set()
        self._lock = threading.Lock()
        self._busy = 0

    # -- in the request ---------------------------------------------------------------------

    def middleware(self, body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:  # noqa: A002
        """Bolt middleware: store what ``take`` accepts and acknowledge it; pass the rest on."""
        taken = self.take(body)
        if taken is None:
            next()
            return None
        key, payload = taken
        try:
            self.store.take_delivery(key, self.kind, payload)
        except sqlite3.Error as exc:
            with self._lock:
                if key not in self._memory_keys:
                    self._memory_keys.add(key)
                    self._memory.append((key, payload))
                held = len(self._memory)
            log.error("database not writable (%s): delivery %s is kept in memory only (%d held); "
                      "it is answered, but would be lost if this process died", exc, key, held)
        self._signal.release()
        return BoltResponse(status=200, body="")

    # -- the workers ------------------------------------------------------------------------

    def _is_abandoned(self, claim: str) -> bool:
        owner = claim.split("/", 1)[0]
        pid_text = owner.split(":", 1)[0]
        if not pid_text.isdigit():
            return True
        if int(pid_text) == os.getpid():
            return owner != self.owner
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    def _next(self) -> tuple[str, dict[str, Any] | None, Delivery | None]:
        """(key, memory payload, inbox row): memory first, then the oldest free inbox row."""
        with self._lock:
            if self._memory:
                key, payload = self._memory.popleft()
                return key, payload, None
        row = self.store.claim_delivery(self.owner, LEASE_SECONDS, self._is_abandoned)
        return (row.key, None, row) if row else ("", None, None)

    def _process(self, key: str, payload: dict[str, Any] | None, row: Delivery | None) -> None:
        if row is None:
            assert payload is not None
            try:
                self.handle(payload, False)
            except Exception:
                log.exception("delivery %s (held in memory) could not be answered", key)
            return
        try:
            self.handle(row.payload, row.attempts > 1)
        except Exception as exc:
            if row.attempts >= MAX_ATTEMPTS:
                log.error("delivery %s given up after %d attempts (%s)", key, row.attempts, type(exc).__name__)
                self.store.finish_delivery(row.id, row.claim, "failed", type(exc).__name__)
            else:
                log.warning("delivery %s failed (%s); retrying in %.0fs", key, type(exc).__name__, RETRY_SECONDS)
                self.store.retry_delivery(row.id, row.claim, type(exc).__name__, RETRY_SECONDS)
            return
        self.store.finish_delivery(row.id, row.claim)

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                key, payload, row = self._next()
                if payload is None and row is None:
                    if self.housekeeping:
                        self.housekeeping()
                    self._signal.acquire(timeout=POLL_SECONDS)
                    continue
                with self._lock:
                    self._busy += 1
                try:
                    self._process(key, payload, row)
                finally:
                    with self._lock:
                        self._busy -= 1
                        if payload is not None:
                            self._memory_keys.discard(key)
            except sqlite3.Error as exc:
                log.error("inbox worker: database error (%s); retrying", exc)
                self._stop.wait(POLL_SECONDS)
            except Exception:
                log.exception("inbox worker failed; continuing")
                self._stop.wait(POLL_SECONDS)

    def idle(self) -> bool:
        """Nothing pending in the inbox or memory, and no worker answering (for tests and bench)."""
        with self._lock:
            if self._busy or self._memory:
                return False
        return self.store.pending_deliveries() == 0

    def start(self) -> None:
        """Start the workers; they first finish what a previous process had taken."""
        if not self._threads:
            self._threads = [threading.Thread(target=self._work, name=f"inbox-{i}", daemon=True)
                             for i in range(self.workers)]
            for thread in self._threads:
                thread.start()

    def stop(self) -> None:
        self._stop.set()
        for _ in self._threads:
            self._signal.release()
        for thread in self._threads:
            thread.join(5)
        self._threads = []
