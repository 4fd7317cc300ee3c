"""Refunds made at Stripe, recorded on their order: the refunded amount only ever grows."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.orders.models import Order, OrderStatus
from storefront.orders.states import change_status, record


async def record_refund(db_session: AsyncSession, order: Order, amount_refunded: int, actor: str) -> None:
    """Record that ``amount_refunded`` (in all) has been refunded; a full refund ends the order.

    Deliveries may come twice, at once, or older after newer: only a larger amount is written.
    """
    grown = await db_session.execute(
        update(Order)
        .where(Order.id == order.id, Order.amount_refunded < amount_refunded)
        .values(amount_refunded=amount_refunded)
        .execution_options(synchronize_session=False)
    )
    if grown.rowcount != 1:
        return
    note = f"refunded {amount_refunded} of {order.total}"
    if amount_refunded < order.total or not await change_status(
        db_session, order, OrderStatus.REFUNDED, actor=actor, note=note
    ):
        record(db_session, order, actor, note)
        await db_session.flush()
