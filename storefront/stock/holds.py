"""Stock holds: atomic conditional decrements, so no order ever takes stock that isn't there.

Variants are updated in ascending id order so two checkouts never wait on each other's rows in
opposite orders (no deadlock on PostgreSQL); on SQLite the first UPDATE takes the write lock.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.catalog.models import Variant
from storefront.orders.models import Order, OrderLine, OrderStatus
from storefront.orders.states import change_status


async def hold(session: AsyncSession, quantities: dict[int, int]) -> list[int]:
    """Take ``quantities`` from stock, all or nothing; returns the variant ids that are short.

    When one line is short, what the earlier lines took is put back in the same transaction.
    """
    taken: dict[int, int] = {}
    for variant_id in sorted(quantities):
        wanted = quantities[variant_id]
        result = await session.execute(
            update(Variant)
            .where(Variant.id == variant_id, Variant.stock >= wanted)
            .values(stock=Variant.stock - wanted)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            await put_back(session, taken)
            return [variant_id]
        taken[variant_id] = wanted
    return []


async def put_back(session: AsyncSession, quantities: dict[int, int]) -> None:
    for variant_id in sorted(quantities):
        await session.execute(
            update(Variant)
            .where(Variant.id == variant_id)
            .values(stock=Variant.stock + quantities[variant_id])
            .execution_options(synchronize_session=False)
        )


async def lines_of(session: AsyncSession, order_id: int) -> dict[int, int]:
    """The quantities an order holds, by variant (lines whose variant was deleted hold nothing)."""
    lines = await session.execute(
        select(OrderLine.variant_id, OrderLine.quantity).where(OrderLine.order_id == order_id)
    )
    return {variant_id: quantity for variant_id, quantity in lines.all() if variant_id is not None}


async def release(session: AsyncSession, order_id: int) -> None:
    """Give an order's held quantities back (call once, after winning the status change)."""
    await put_back(session, await lines_of(session, order_id))


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
