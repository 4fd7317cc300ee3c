"""Stock holds: units move from ``stock`` (what a shopper can still buy) to ``held`` (what checkouts
awaiting payment hold) in one conditional UPDATE, so no order ever takes stock that isn't there.

A hold moves ``n`` from stock to held (``WHERE stock >= n``); a release (cancel, expiry, failed
payment, sweeper) moves them back; a payment sells them (they leave held). ``stock + held`` is what
the county has on hand, which an admin edits without touching what is held (:mod:`.service`).
Neither column ever goes below zero.

Variants are updated in ascending id order so two checkouts never wait on each other's rows in
opposite orders (no deadlock on PostgreSQL); on SQLite the first UPDATE takes the write lock.
"""

from __future__ import annotations

import logging

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.catalog.models import Variant
from storefront.orders.models import Order, OrderLine, OrderStatus
from storefront.orders.states import change_status

logger = logging.getLogger(__name__)


async def hold(session: AsyncSession, quantities: dict[int, int]) -> list[int]:
    """Move ``quantities`` from stock to held, all or nothing; returns the variant ids that are short.

    When one line is short, what the earlier lines took is put back in the same transaction.
    """
    taken: dict[int, int] = {}
    for variant_id in sorted(quantities):
        wanted = quantities[variant_id]
        result = await session.execute(
            update(Variant)
            .where(Variant.id == variant_id, Variant.stock >= wanted)
            .values(stock=Variant.stock - wanted, held=Variant.held + wanted)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            await put_back(session, taken)
            return [variant_id]
        taken[variant_id] = wanted
    return []


async def put_back(session: AsyncSession, quantities: dict[int, int]) -> None:
    """Move held ``quantities`` back to stock: a hold given up."""
    await _leave_held(session, quantities, to_stock=True)


async def sell_held(session: AsyncSession, quantities: dict[int, int]) -> None:
    """Held ``quantities`` are sold: they leave held (and so what is on hand) for good."""
    await _leave_held(session, quantities, to_stock=False)


async def _leave_held(session: AsyncSession, quantities: dict[int, int], *, to_stock: bool) -> None:
    for variant_id in sorted(quantities):
        count = quantities[variant_id]
        values = {"held": Variant.held - count}
        if to_stock:
            values["stock"] = Variant.stock + count
        result = await session.execute(
            update(Variant)
            .where(Variant.id == variant_id, Variant.held >= count)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            continue
        # Fewer held than the lines say (a hold older than held counts): move only what is held,
        # so held never goes negative and nothing comes back to stock that was not held.
        logger.error("variant %s holds fewer than the %s units leaving held", variant_id, count)
        moved = case((Variant.held >= count, count), else_=Variant.held)
        values = {"held": Variant.held - moved}
        if to_stock:
            values["stock"] = Variant.stock + moved
        await session.execute(
            update(Variant)
            .where(Variant.id == variant_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


async def lines_of(session: AsyncSession, order_id: int) -> dict[int, int]:
    """The quantities an order holds, by variant (lines whose variant was deleted hold nothing)."""
    lines = await session.execute(
        select(OrderLine.variant_id, OrderLine.quantity).where(OrderLine.order_id == order_id)
    )
    return {variant_id: quantity for variant_id, quantity in lines.all() if variant_id is not None}


async def release(session: AsyncSession, order_id: int) -> None:
    """Give an order's held quantities back to stock (call once, after winning the status change)."""
    await put_back(session, await lines_of(session, order_id))


async def sell(session: AsyncSession, order_id: int) -> None:
    """An order's held quantities are sold (call once, after winning the change to paid)."""
    await sell_held(session, await lines_of(session, order_id))


async def release_hold(
    session: AsyncSession, order: Order, to: OrderStatus, note: str, *, actor: str
) -> bool:
    """Expire or cancel a pending order and give its stock back, once."""
    if not await change_status(
        session, order, to, actor=actor, note=note, expected=(OrderStatus.PENDING_PAYMENT,)
    ):
        return False
    await release(session, order.id)
    return True
