"""The buyer chain (:class:`~storefront.metrics.models.BuyerOrder`), kept as orders are paid.

Each purchase is linked to the same buyer's previous and next purchase in the county, so the
period's unique and repeat buyers are counted over an index range
(:func:`storefront.metrics.definitions.buyer_counts`). A purchase is an order with an
``order_paid`` fact that is not cancelled or expired; a paid order never becomes either (see
``storefront.orders.states``) and a refund does not undo the purchase, so a row, once written,
only has its neighbours' days change. The whole chain is rebuilt by ``storefront metrics rebuild``
(:func:`storefront.metrics.rollups.rebuild_buyers`).

The counts of settled periods are stored (:class:`~storefront.metrics.models.BuyerCount`, written by
the roll-up job): a payment of a settled day drops the stored counts it changes, in its own
transaction.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, tuple_

from storefront.clock import beijing_date, utcnow
from storefront.metrics.locks import lock_buyer, lock_county_chain
from storefront.metrics.models import BuyerCount, BuyerOrder
from storefront.orders.models import Order

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def settled_until(today: datetime.date) -> datetime.date:
    """The last day a stored buyer count may cover: the day before yesterday. A payment of that day
    or earlier is late (:func:`add_buyer_order`) even for a server whose clock is a day behind the
    roll-up job's, so it always drops the counts it changes."""
    return today - datetime.timedelta(days=2)


def buyer_key() -> object:
    """Who a buyer is, in SQL: the order's email in lower case."""
    return func.lower(Order.email)


async def add_buyer_order(db_session: AsyncSession, order: Order, paid_at: datetime.datetime) -> None:
    """Put the order, paid at ``paid_at``, in its buyer's chain: between the buyer's purchases paid
    before and after it (a webhook for an older order may arrive late), relinking both neighbours.
    In the transaction that wrote its ``order_paid`` fact.

    A payment of a day before today is late: it drops the stored buyer counts of the periods that
    end on or after its day (the only ones its row and its neighbours' new days can change)."""
    day = beijing_date(paid_at)
    late = day < beijing_date(utcnow())
    buyer = await db_session.scalar(select(buyer_key()).where(Order.id == order.id))
    await _lock_buyer(db_session, order.county_id, buyer, late=late)
    if late:
        await db_session.execute(
            delete(BuyerCount).where(BuyerCount.county_id == order.county_id, BuyerCount.last >= day)
        )
    position, this = tuple_(BuyerOrder.paid_at, BuyerOrder.order_id), (paid_at, order.id)
    chain = (
        select(BuyerOrder)
        .where(BuyerOrder.county_id == order.county_id, BuyerOrder.buyer == buyer)
        .execution_options(populate_existing=True)  # as committed before the lock was granted
    )
    before = await db_session.scalar(
        chain.where(position < this).order_by(BuyerOrder.paid_at.desc(), BuyerOrder.order_id.desc()).limit(1)
    )
    after = await db_session.scalar(
        chain.where(position > this).order_by(BuyerOrder.paid_at, BuyerOrder.order_id).limit(1)
    )
    db_session.add(
        BuyerOrder(
            county_id=order.county_id,
            order_id=order.id,
            buyer=buyer,
            paid_at=paid_at,
            paid_day=day,
            previous_day=before.paid_day if before else None,
            next_day=after.paid_day if after else None,
        )
    )
    if before:
        before.next_day = day
    if after:
        after.previous_day = day
    await db_session.flush()


async def _lock_buyer(db_session: AsyncSession, county_id: int, buyer: str, *, late: bool) -> None:
    """Hold the county's chain (exclusively for a ``late`` payment, else shared), so a rebuild, or
    the job storing buyer counts when the payment is late, waits for this payment, or this payment
    for it; then the buyer's chain. (SQLite: this transaction has already written the order.)"""
    await lock_county_chain(db_session, county_id, shared=not late)
    await lock_buyer(db_session, county_id, buyer)
