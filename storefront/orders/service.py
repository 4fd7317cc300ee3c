"""Finding orders: by number, and for whoever knows its number and its email or mobile."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storefront.forms import without_separators
from storefront.orders.models import Order


class OrderService:
    def __init__(self, db_session: AsyncSession) -> None:
        self.db_session = db_session

    async def by_number(self, number: str) -> Order | None:
        return await self.db_session.scalar(
            select(Order)
            .where(Order.number == number)
            .options(selectinload(Order.lines), selectinload(Order.events))
        )

    async def lookup(self, number: str, contact: str) -> Order | None:
        """An order for whoever knows its number and its email or mobile."""
        order = await self.by_number(number.strip().upper())
        contact = contact.strip()
        if order is None or not contact:
            return None
        if contact.lower() == order.email.lower() or without_separators(contact) == order.mobile:
            return order
        return None
