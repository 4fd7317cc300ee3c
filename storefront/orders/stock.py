"""Stock holds: atomic conditional decrements, so no order ever takes stock that isn't there.

Variants are updated in ascending id order so two checkouts never wait on each other's rows in
opposite orders (no deadlock on PostgreSQL); on SQLite the first UPDATE takes the write lock.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.catalog.models import Variant
from storefront.orders.models import OrderLine


async def hold(session: AsyncSession, quantities: dict[int, int]) -> list[int]:
    """Take ``quantities`` from stock; returns the variant ids that are short (nothing is taken then).

    The caller rolls the transaction back when the list is not empty.
    """
    short = []
    for variant_id in sorted(quantities):
        wanted = quantities[variant_id]
        result = await session.execute(
            update(Variant)
            .where(Variant.id == variant_id, Variant.stock >= wanted)
            .values(stock=Variant.stock - wanted)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            short.append(variant_id)
    return short


async def release(session: AsyncSession, order_id: int) -> None:
    """Give an order's held quantities back to stock (call once, after winning the status change)."""
    lines = (
        await session.execute(
            select(OrderLine.variant_id, OrderLine.quantity).where(OrderLine.order_id == order_id)
        )
    ).all()
    for variant_id, quantity in sorted(line for line in lines if line[0] is not None):
        await session.execute(
            update(Variant)
            .where(Variant.id == variant_id)
            .values(stock=Variant.stock + quantity)
            .execution_options(synchronize_session=False)
        )


async def lines_of(session: AsyncSession, order_id: int) -> dict[int, int]:
    lines = (
        await session.execute(
            select(OrderLine.variant_id, OrderLine.quantity).where(OrderLine.order_id == order_id)
        )
    ).all()
    return {variant_id: quantity for variant_id, quantity in lines if variant_id is not None}
