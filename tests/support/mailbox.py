"""A real SMTP server in-process (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.postgres import free_port


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._changed = threading.Condition()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, _server, _session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._changed:
            self.messages.append(message)
            self._changed.notify_all()
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]

    def wait_for(self, address: str, count: int = 1, timeout: float = 30.0) -> list[EmailMessage]:
        """The mails to ``address`` once ``count`` have arrived; raises if they do not in time."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.to(address)) >= count, timeout):
                msg = f"{len(self.to(address))} mail(s) to {address} after {timeout} s, expected {count}"
                raise TimeoutError(msg)
            return self.to(address)

    def settle(self, seconds: float = 0.3) -> None:
        """Give a wrongly repeated mail the time to arrive before asserting there is none."""
        time.sleep(seconds)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
