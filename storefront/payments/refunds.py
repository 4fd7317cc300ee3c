"""Refunds: asked of Stripe by admins, recorded on their order when Stripe confirms them.

An admin's refund is first reserved on ``Order.refund_requested`` with a compare-and-set against
the amount the admin's page showed, never above the order's total; only then is Stripe asked,
with an idempotency key made of that reservation, so two presses at the same instant refund once
and a retry after an unanswered call is replayed by Stripe rather than paid twice. When Stripe
refuses, the reservation is given back. The refund itself is recorded when ``charge.refunded``
arrives (:func:`record_refund`): the refunded amount only ever grows.
"""

from __future__ import annotations

import datetime
import enum
import logging
from dataclasses import dataclass

import stripe
from sqlalchemy import case, update
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.metrics.events import add_order_refunded
from storefront.money import Fen, format_money
from storefront.orders.models import Order, OrderStatus
from storefront.orders.states import STILL_PAID, change_status, record
from storefront.payments.gateway import PaymentGateway

logger = logging.getLogger(__name__)


async def record_refund(
    db_session: AsyncSession, order: Order, amount_refunded: int, actor: str, at: datetime.datetime
) -> None:
    """Record that ``amount_refunded`` (in all) has been refunded, as Stripe said at ``at`` (the
    event's time: a refund counts on the day it happened); a full refund ends the order.

    Deliveries may come twice, at once, or older after newer: only a larger amount is written.
    A refund made outside the admin (Stripe's dashboard) also counts as requested, so the admin
    is never offered more than is left.
    """
    grown = await db_session.execute(
        update(Order)
        .where(Order.id == order.id, Order.amount_refunded < amount_refunded)
        .values(
            amount_refunded=amount_refunded,
            refund_requested=case(
                (Order.refund_requested < amount_refunded, amount_refunded), else_=Order.refund_requested
            ),
        )
        .execution_options(synchronize_session=False)
    )
    if grown.rowcount != 1:
        return
    await add_order_refunded(db_session, order, amount_refunded, at)
    note = f"refunded {amount_refunded} of {order.total}"
    if amount_refunded < order.total or not await change_status(
        db_session, order, OrderStatus.REFUNDED, actor=actor, note=note
    ):
        record(db_session, order, actor, note)
        await db_session.flush()


def refundable(order: Order) -> bool:
    """Paid through Stripe and not refunded in full."""
    return order.status in STILL_PAID and bool(order.stripe_payment_intent)


def left_to_refund(order: Order) -> Fen:
    """What an admin may still ask Stripe to refund: the total less what is refunded or asked for."""
    if not refundable(order):
        return 0
    return max(0, order.total - max(order.refund_requested, order.amount_refunded))


def awaiting_confirmation(order: Order) -> Fen:
    """Asked of Stripe, not yet confirmed by ``charge.refunded``."""
    return max(0, order.refund_requested - order.amount_refunded)


class RefundResult(enum.StrEnum):
    REQUESTED = "requested"
    """Reserved and accepted by Stripe; recorded when Stripe confirms it."""
    NOT_REFUNDABLE = "not_refundable"
    """Not paid through Stripe, or refunded in full: nothing reserved."""
    TOO_MUCH = "too_much"
    """More than is left to refund: nothing reserved."""
    STALE = "stale"
    """The refunds changed since the admin's page showed them (another press or admin): nothing reserved."""
    REFUSED = "refused"
    """Stripe refused (or did not answer): the reservation was given back."""


@dataclass(frozen=True)
class RefundAttempt:
    result: RefundResult
    stripe_message: str = ""


async def request_refund(
    db_session: AsyncSession,
    gateway: PaymentGateway,
    order: Order,
    amount: Fen,
    *,
    seen: Fen,
    actor: str,
    reason: str = "",
) -> RefundAttempt:
    """Reserve ``amount`` on the order (if its requested refunds are still ``seen``), then ask Stripe.

    Commits its own transactions: the reservation before Stripe is called, and the outcome after.
    """
    if not refundable(order):
        return RefundAttempt(RefundResult.NOT_REFUNDABLE)
    if amount > left_to_refund(order):
        return RefundAttempt(RefundResult.TOO_MUCH)
    await db_session.commit()  # on SQLite the UPDATE then takes the write lock up front
    reserved = await db_session.execute(
        update(Order)
        .where(
            Order.id == order.id,
            Order.refund_requested == seen,
            Order.refund_requested + amount <= Order.total,
            Order.amount_refunded + amount <= Order.total,
            Order.status.in_(STILL_PAID),
            Order.stripe_payment_intent.is_not(None),
        )
        .values(refund_requested=Order.refund_requested + amount)
        .execution_options(synchronize_session=False)
    )
    if reserved.rowcount != 1:
        await db_session.commit()  # nothing changed; a rollback would expire what the page shows
        return RefundAttempt(RefundResult.STALE)
    shown = format_money(amount, order.currency)
    record(db_session, order, actor, f"refund of {shown} requested" + (f": {reason}" if reason else ""))
    await db_session.commit()
    try:
        refund = await gateway.create_refund(
            str(order.stripe_payment_intent),
            amount,
            # The reservation's own key: a retry of the same reservation is replayed, never paid twice.
            idempotency_key=f"refund-{order.idempotency_key}-{seen}-{amount}",
            order_number=order.number,
        )
    except stripe.StripeError as error:
        message = error.user_message or str(error) or type(error).__name__
        logger.warning("Stripe refused a refund of %s for order %s: %s", amount, order.number, message)
        await db_session.execute(
            update(Order)
            .where(Order.id == order.id, Order.refund_requested >= amount)
            .values(refund_requested=Order.refund_requested - amount)
            .execution_options(synchronize_session=False)
        )
        record(db_session, order, actor, f"Stripe refused the refund of {shown}: {message}; released")
        await db_session.commit()
        return RefundAttempt(RefundResult.REFUSED, message)
    record(db_session, order, actor, f"Stripe accepted refund {refund.id} of {shown}; awaiting confirmation")
    await db_session.commit()
    return RefundAttempt(RefundResult.REQUESTED)
