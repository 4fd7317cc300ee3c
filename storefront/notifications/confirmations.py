"""Order confirmation emails: sent once each, however many workers try, and given up after a few tries."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storefront.clock import utcnow
from storefront.db import all_counties_scope
from storefront.notifications.mail import Mailer
from storefront.orders.models import Order
from storefront.orders.states import STILL_PAID, Actor, record
from storefront.tenancy.models import County

logger = logging.getLogger(__name__)

CONFIRMATION_GRACE = datetime.timedelta(minutes=2)
CONFIRMATION_CLAIM = datetime.timedelta(minutes=5)
"""How long a worker holds a confirmation it is sending; after a failed try, the first wait."""
CONFIRMATION_TRIES = 6
"""Tries before a confirmation is given up on: with waits doubling from 5 minutes, about 2.5 hours."""


def _confirmation_due(now: datetime.datetime) -> ColumnElement[bool]:
    """Unsent, not given up on, and held by no worker (or by one whose claim has lapsed)."""
    return and_(
        Order.confirmation_sent_at.is_(None),
        Order.confirmation_attempts < CONFIRMATION_TRIES,
        or_(Order.confirmation_claimed_until.is_(None), Order.confirmation_claimed_until <= now),
    )


async def _claim_confirmation(db_session: AsyncSession, order_id: int, now: datetime.datetime) -> int | None:
    """Take the confirmation for this worker, in a transaction of its own: the number of this try,
    or None when it is sent, given up on, or being sent by another worker."""
    await db_session.commit()  # on SQLite the UPDATE then takes the write lock up front
    attempt = (
        await db_session.execute(
            update(Order)
            .where(Order.id == order_id, _confirmation_due(now))
            .values(
                confirmation_attempts=Order.confirmation_attempts + 1,
                confirmation_claimed_until=now + CONFIRMATION_CLAIM,
            )
            .returning(Order.confirmation_attempts)
            .execution_options(synchronize_session=False)
        )
    ).scalar_one_or_none()
    await db_session.commit()
    return attempt


async def send_confirmations(
    db_session: AsyncSession, mailer: Mailer, order_ids: Sequence[int], now: datetime.datetime | None = None
) -> None:
    """Mail each paid order's confirmation once, however many workers try it at the same time.

    Each is claimed before it is sent and marked sent after. A failed try keeps the claim, for
    waits that double, and after ``CONFIRMATION_TRIES`` the order is noted for the admin and left
    alone, so an address that never takes mail cannot hold up the others.
    A platform-level job: orders of any county.
    """
    now = now or utcnow()
    with all_counties_scope(db_session):
        for order_id in order_ids:
            attempt = await _claim_confirmation(db_session, order_id, now)
            if attempt is None:
                continue
            order = await db_session.scalar(
                select(Order)
                .where(Order.id == order_id)
                .options(selectinload(Order.lines))
                .execution_options(populate_existing=True)
            )
            county = await db_session.get(County, order.county_id)
            message = mailer.order_paid_message(order, county)
            await db_session.commit()  # no transaction stays open while the mail server answers
            if await mailer.send(message):
                values: dict[str, Any] = {
                    "confirmation_sent_at": utcnow(),
                    "confirmation_claimed_until": None,
                }
            else:
                values = {"confirmation_claimed_until": now + CONFIRMATION_CLAIM * 2 ** (attempt - 1)}
                if attempt >= CONFIRMATION_TRIES:
                    note = (
                        f"confirmation email not sent after {attempt} tries: check the address {order.email}"
                    )
                    record(db_session, order, Actor.SWEEPER, note)
                    logger.error(
                        "gave up on the confirmation of order %s after %s tries", order.number, attempt
                    )
            await db_session.execute(
                update(Order)
                .where(Order.id == order_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            await db_session.commit()


async def send_missed_confirmations(
    db_session: AsyncSession, mailer: Mailer, now: datetime.datetime | None = None
) -> int:
    """Retry confirmations that could not be sent when their payment arrived (SMTP down).

    Only those due: one given up on, or waiting for its next try, never holds up later ones.
    """
    now = now or utcnow()
    with all_counties_scope(db_session):
        missed = (
            await db_session.scalars(
                select(Order.id)
                .where(
                    Order.paid_at < now - CONFIRMATION_GRACE,
                    _confirmation_due(now),
                    Order.status.in_(STILL_PAID),
                )
                .order_by(Order.paid_at)
                .limit(100)
            )
        ).all()
    await send_confirmations(db_session, mailer, missed, now)
    return len(missed)
