"""Socket Mode end to end: apps.connections.open on the stand-in returns a local WebSocket."""

from __future__ import annotations

import json
import queue
import threading

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from websockets.sync.server import serve

from bot.app import build_bot, make_client
from faq.service import FaqService
from faq.store import Store
from testsupport.slack_app import HR_CHANNEL, TrackingExecutor, app_settings
from testsupport.slack_requests import direct_message, event_callback


@pytest.fixture
def socket_server(stub):
    """A stand-in for Slack's Socket Mode endpoint; records what the app sends back."""
    connections: queue.Queue = queue.Queue()
    received: queue.Queue = queue.Queue()

    def handle(ws):
        ws.send(json.dumps({"type": "hello", "num_connections": 1}))
        connections.put(ws)
        for message in ws:
            received.put(json.loads(message))

    with serve(handle, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        stub.ws_url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/link"
        yield connections, received
        server.shutdown()


def envelope(body: str, envelope_id: str, retry_attempt: int = 0) -> str:
    return json.dumps({"envelope_id": envelope_id, "type": "events_api", "payload": json.loads(body),
                       "accepts_response_payload": False, "retry_attempt": retry_attempt,
                       "retry_reason": "timeout" if retry_attempt else ""})


def test_socket_mode_acks_every_envelope_and_answers_once(stub, db_path, socket_server):
    connections, received = socket_server
    settings = app_settings(stub, db_path)
    executor = TrackingExecutor()
    bot = build_bot(settings, FaqService.open(Store(db_path)), mode="socket", client=make_client(settings),
                    listener_executor=executor)
    bot.start()
    handler = SocketModeHandler(bot.app, app_token=settings.secret("slack_app_token"))
    handler.connect()
    try:
        ws = connections.get(timeout=10)
        body = event_callback(direct_message("身代金は払ったんですか？"), "EvSocket1")
        ws.send(envelope(body, "env-1"))
        ws.send(envelope(body, "env-2", retry_attempt=1))  # Slack's retry of the same event
        acks = {received.get(timeout=10)["envelope_id"], received.get(timeout=10)["envelope_id"]}
        assert acks == {"env-1", "env-2"}
        stub.wait_for("chat.postMessage", channel=HR_CHANNEL)
        executor.wait_idle()
        replies = stub.calls_to("chat.postMessage", channel="D0ASKER1")
        assert len(replies) == 1 and "083-252-0288" in json.dumps(replies[0].params["blocks"], ensure_ascii=False)
        assert len(stub.calls_to("chat.postMessage", channel=HR_CHANNEL)) == 1
        [opened] = stub.calls_to("apps.connections.open")
        assert opened.headers.get("Authorization") == "Bearer xapp-test-app-token-123"
    finally:
        handler.close()
        bot.stop()
        executor.shutdown(wait=True)
