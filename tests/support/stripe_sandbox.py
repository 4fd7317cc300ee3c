"""The local Stripe sandbox and a webhook receiver, as real servers on free ports.

Tests reach the sandbox only as the shop and a browser do: through the official ``stripe`` SDK
and over HTTP. The receiver records each signed delivery so a test can pass it on to the app's
webhook (once, twice, late or out of order).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import uvicorn

from stripe_sandbox import create_sandbox_app


@dataclass
class Delivery:
    body: str
    signature: str
    received_at: float

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def headers(self) -> dict[str, str]:
        return {"stripe-signature": self.signature, "content-type": "application/json"}


class WebhookReceiver:
    """A tiny webhook endpoint that records every delivery and can fail the first few."""

    secret = "whsec_storefront_tests"

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.failures_left = 0
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                with receiver._changed:
                    receiver.deliveries.append(
                        Delivery(body, self.headers.get("Stripe-Signature", ""), time.monotonic())
                    )
                    failing = receiver.failures_left > 0
                    if failing:
                        receiver.failures_left -= 1
                    receiver._changed.notify_all()
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/stripe/webhook"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def wait_for(
        self,
        event_type: str,
        count: int = 1,
        timeout: float = 30.0,
        object_id: str | None = None,
        **fields: object,
    ) -> list[Delivery]:
        """The first ``count`` deliveries of ``event_type`` whose object has ``object_id`` and ``fields``."""
        wanted = {**fields, **({"id": object_id} if object_id else {})}

        def matching() -> list[Delivery]:
            return [
                delivery
                for delivery in self.deliveries
                if delivery.event["type"] == event_type
                and all(delivery.event["data"]["object"].get(key) == value for key, value in wanted.items())
            ]

        with self._changed:
            if not self._changed.wait_for(lambda: len(matching()) >= count, timeout):
                seen = [delivery.event["type"] for delivery in self.deliveries]
                msg = f"expected {count} x {event_type} within {timeout}s, got {seen}"
                raise AssertionError(msg)
            return matching()[:count]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def running_sandbox(
    webhook_url: str | None, webhook_secret: str, expiry_check_interval: float = 0.1
) -> Iterator[str]:
    """A fresh sandbox served by uvicorn in a background thread, posting its events to ``webhook_url``."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_sandbox_app(webhook_url, webhook_secret, url, expiry_check_interval=expiry_check_interval)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            msg = "the Stripe sandbox did not start"
            raise RuntimeError(msg)
        time.sleep(0.01)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
