"""Runs the sweeper inside the server: lapsed checkouts and unsent confirmations.

Every worker runs the loop, but a sweep runs only in the worker holding the sweeper's lease
(``storefront.jobs``), so it runs once per ``SWEEP_INTERVAL_SECONDS`` across all of them. A sweep
that outlasts its lease may overlap the next one: each order is still settled and mailed once,
since every item is claimed with a conditional update before it is acted on.
"""

from __future__ import annotations

import logging

from litestar import Litestar

from storefront.jobs import every
from storefront.notifications.confirmations import send_missed_confirmations
from storefront.payments.reconcile import release_expired

logger = logging.getLogger(__name__)
SWEEP_LEASE = "sweeper"


async def sweep_once(app: Litestar) -> list[str]:
    """Settle checkouts whose expiry event was lost, and retry confirmations that could not be sent."""
    async with app.state.db_config.get_session() as db_session:
        settled = await release_expired(db_session, app.state.payments, app.state.mailer)
        await send_missed_confirmations(db_session, app.state.mailer)
        return settled


async def _sweep(app: Litestar) -> None:
    if settled := await sweep_once(app):
        logger.info("sweeper settled %s", ", ".join(settled))


run_sweeper = every(SWEEP_LEASE, lambda app: app.state.settings.sweep_interval_seconds, _sweep)
"""App lifespan: sweep every ``SWEEP_INTERVAL_SECONDS``, in one worker at a time."""
