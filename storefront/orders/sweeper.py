"""Runs the expired-checkout sweeper inside the server, every minute."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from litestar import Litestar

from storefront.orders.service import release_expired

logger = logging.getLogger(__name__)
SWEEP_INTERVAL_SECONDS = 60


async def sweep_once(app: Litestar) -> list[str]:
    async with app.state.db_config.get_session() as session:
        return await release_expired(session, app.state.payments, app.state.mailer)


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
