"""The order lifecycle: every status an order can move to from each status, and why, in one table.

Every status change goes through :func:`change_status`, a compare-and-set against the status the
caller saw, checked against :data:`TRANSITIONS`: whoever changes the row first wins and does the
side effects (stock, email) exactly once, however many webhooks, redirects, sweeper runs and
admins race for the same order. Each change is recorded as an :class:`OrderEvent` with its actor.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.orders.models import Order, OrderEvent, OrderStatus


class Actor(enum.StrEnum):
    """Who changed an order; an admin is recorded as ``admin:{user id}`` (:func:`admin`)."""

    SHOPPER = "shopper"
    STRIPE = "stripe"
    SWEEPER = "sweeper"


def admin(user_id: int) -> str:
    return f"admin:{user_id}"


TRANSITIONS: dict[OrderStatus, dict[OrderStatus, str]] = {
    OrderStatus.PENDING_PAYMENT: {
        OrderStatus.PAID: "Stripe confirmed the payment of the amount and currency ordered",
        OrderStatus.EXPIRED: "the Checkout Session lapsed unpaid; the stock held is given back",
        OrderStatus.CANCELLED: "the shopper gave up, the payment failed or Stripe was unreachable; "
        "the stock held is given back",
    },
    OrderStatus.EXPIRED: {
        OrderStatus.PAID: "paid after all (a late event); the stock is taken again, if it is there",
    },
    OrderStatus.CANCELLED: {
        OrderStatus.PAID: "paid after all (a late event); the stock is taken again, if it is there",
    },
    OrderStatus.PAID: {
        OrderStatus.SHIPPED: "an admin handed it to the courier",
        OrderStatus.REFUNDED: "refunded in full",
    },
    OrderStatus.SHIPPED: {
        OrderStatus.DELIVERED: "the courier delivered it",
        OrderStatus.REFUNDED: "refunded in full",
    },
    OrderStatus.DELIVERED: {
        OrderStatus.REFUNDED: "refunded in full",
    },
    OrderStatus.REFUNDED: {},
}
"""From each status, the statuses an order may move to, and why. Nothing else changes a status."""

UNPAID_ENDS = frozenset({OrderStatus.EXPIRED, OrderStatus.CANCELLED})
"""Where an order ends when it was never paid: its stock hold was given back."""

STILL_PAID = frozenset({OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED})
"""Paid and not refunded: the shopper is owed the goods (and the confirmation)."""


def sources(to: OrderStatus) -> frozenset[OrderStatus]:
    """The statuses an order may reach ``to`` from."""
    return frozenset(status for status, targets in TRANSITIONS.items() if to in targets)


def describe() -> str:
    """The table as text, one allowed move a line (for people: README, tests, the admin)."""
    return "\n".join(
        f"{status} -> {target}: {reason}"
        for status, targets in TRANSITIONS.items()
        for target, reason in targets.items()
    )


async def change_status(
    db_session: AsyncSession,
    order: Order,
    to: OrderStatus,
    *,
    actor: str,
    note: str = "",
    expected: Collection[OrderStatus] | None = None,
    **values: Any,
) -> bool:
    """Move ``order`` to ``to`` if it is still in one of ``expected`` (by default: any status the
    table allows ``to`` from); True when this call did it. ``values`` are set in the same update."""
    allowed = sources(to) if expected is None else frozenset(expected)
    if not allowed or not allowed <= sources(to):
        msg = f"no move to {to} from {sorted(allowed - sources(to)) or 'nowhere'} in the order lifecycle"
        raise ValueError(msg)
    result = await db_session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(allowed))
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    record(db_session, order, actor, note, status=to)
    await db_session.flush()
    await db_session.refresh(order)
    return True


def record(
    db_session: AsyncSession, order: Order, actor: str, note: str, *, status: str | None = None
) -> None:
    """Add an entry to the order's history: a status change, or a note at its current status."""
    db_session.add(
        OrderEvent(
            county_id=order.county_id,
            order_id=order.id,
            status=status or order.status,
            actor=actor,
            note=note,
        )
    )
