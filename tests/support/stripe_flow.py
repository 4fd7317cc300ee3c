"""Paying on the sandbox's hosted page and passing its webhooks on to the app."""

from __future__ import annotations

import httpx
from litestar.testing import AsyncTestClient

from tests.support.stripe_sandbox import Delivery, WebhookReceiver


async def press(sandbox_url: str, session_id: str, button: str = "pay", **form: str) -> httpx.Response:
    """What a browser sends when the shopper presses "Pay" (or "Cancel") on the hosted page."""
    async with httpx.AsyncClient(base_url=sandbox_url) as browser:
        return await browser.post(
            f"/checkout/{session_id}/{button}", data=form or None, follow_redirects=False
        )


async def deliver(client: AsyncTestClient, delivery: Delivery) -> httpx.Response:
    return await client.post("/stripe/webhook", content=delivery.body, headers=delivery.headers)


async def pay_and_deliver(
    client: AsyncTestClient, sandbox_url: str, events: WebhookReceiver, session_id: str
) -> Delivery:
    paid = await press(sandbox_url, session_id)
    assert paid.status_code == 303, paid.text[:300]
    [completed] = events.wait_for("checkout.session.completed", object_id=session_id)
    response = await deliver(client, completed)
    assert response.status_code == 200, response.text
    return completed
