"""Signed webhook delivery, in the background and retried, as Stripe does it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

import httpx

logger = logging.getLogger(__name__)

# Waits before the 2nd, 3rd, ... attempt: six attempts over about 15 seconds.
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)


def signature_header(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header: ``t=<unix time>,v1=<HMAC-SHA256 of "t.payload">``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class WebhookSender:
    """Posts each event to one endpoint without holding up the request that caused it.

    An attempt fails when the endpoint is unreachable or answers anything but 2xx; failed
    attempts are retried after :data:`RETRY_DELAYS`. Every attempt is signed afresh, so a late
    retry still passes the receiver's timestamp tolerance.
    """

    def __init__(
        self,
        url: str | None,
        secret: str,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.secret = secret
        self.retry_delays = tuple(retry_delays)
        self._client = httpx.AsyncClient(timeout=timeout)
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def enabled(self) -> bool:
        return self.url is not None

    async def close(self) -> None:
        """Stop deliveries still waiting for a retry; the events stay retrievable."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._client.aclose()

    def send(self, event: dict[str, Any]) -> None:
        """Schedule delivery of ``event``, serialised now so later changes don't leak in."""
        if self.url is None:
            return
        payload = json.dumps(event, indent=2, ensure_ascii=False)
        task = asyncio.get_running_loop().create_task(self._deliver(self.url, event, payload))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, url: str, event: dict[str, Any], payload: str) -> None:
        attempts = len(self.retry_delays) + 1
        for attempt, delay in enumerate((0.0, *self.retry_delays), start=1):
            await asyncio.sleep(delay)
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                "Stripe-Signature": signature_header(payload, self.secret),
            }
            try:
                response = await self._client.post(url, content=payload.encode(), headers=headers)
            except httpx.HTTPError as exc:
                outcome = f"failed: {exc!r}"
            else:
                if response.is_success:
                    event["pending_webhooks"] = 0
                    logger.info("Delivered %s %s to %s", event["type"], event["id"], url)
                    return
                outcome = f"answered {response.status_code}"
            logger.warning(
                "Webhook %s %s attempt %d/%d to %s %s",
                event["type"],
                event["id"],
                attempt,
                attempts,
                url,
                outcome,
            )
        logger.error("Gave up delivering %s %s to %s", event["type"], event["id"], url)
