"""Runs the sweeper inside the server, every minute: lapsed checkouts and unsent confirmations."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from litestar import Litestar

from storefront.orders.service import release_expired, send_missed_confirmations

logger = logging.getLogger(__name__)
SWEEP_INTERVAL_SECONDS = 60


async def sweep_once(app: Litestar) -> list[str]:
    """Settle checkouts whose expiry event was lost, and retry confirmations that could not be sent."""
    async with app.state.db_config.get_session() as session:
        settled = await release_expired(session, app.state.payments, app.state.mailer)
        await send_missed_confirmations(session, app.state.mailer)
        return settled


async def _sweep_forever(app: Litestar) -> None:
    while True:
        await asyncio.sleep(SWEEP_INTERVAL_SECONDS)
        try:
            if settled := await sweep_once(app):
                logger.info("sweeper settled %s", ", ".join(settled))
        except Exception:
            logger.exception("sweeper run failed")


@contextlib.asynccontextmanager
async def run_sweeper(app: Litestar) -> AsyncIterator[None]:
    task = asyncio.create_task(_sweep_forever(app))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
