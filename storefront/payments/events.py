"""Stripe's payment events applied to orders: safe against repeats, reordering and races.

Each event id is stored once (a repeated delivery is a no-op); each status change is a
compare-and-set through the order states table, so the side effects (stock, email) happen once.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.db import all_counties_scope, county_scope
from storefront.metrics.events import add_order_paid
from storefront.notifications.confirmations import send_confirmations
from storefront.notifications.mail import Mailer
from storefront.orders.models import Order, OrderStatus, StripeEvent
from storefront.orders.states import UNPAID_ENDS, Actor, change_status, record
from storefront.payments.gateway import PaymentEvent, PaymentGateway
from storefront.payments.refunds import record_refund
from storefront.stock import holds

logger = logging.getLogger(__name__)


PAYING_EVENTS = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})


def _pays(event_type: str, checkout_session: Any) -> bool:
    """Whether this event says the session is paid (a delayed method's ``completed`` does not)."""
    return event_type in PAYING_EVENTS and checkout_session.get("payment_status") in {
        "paid",
        "no_payment_required",
    }


class PaymentEventService:
    """Applies Stripe events to orders; safe against repeats, reordering and races."""

    def __init__(
        self, db_session: AsyncSession, gateway: PaymentGateway, mailer: Mailer, actor: str = Actor.STRIPE
    ) -> None:
        self.db_session = db_session
        self.gateway = gateway
        self.mailer = mailer
        self.actor = actor
        self._newly_paid: list[int] = []

    async def commit(self) -> None:
        """Commit, then send the confirmation of each order this service moved to paid."""
        await self.db_session.commit()
        paid, self._newly_paid = self._newly_paid, []
        await send_confirmations(self.db_session, self.mailer, paid)

    async def handle(self, event: PaymentEvent) -> bool:
        """Apply one event; False when it was already applied (a repeated delivery)."""
        db_session = self.db_session
        data = event.object
        # Asked of Stripe before anything is written, so no lock is held while Stripe answers.
        payment = (
            await self.gateway.payment_of(data.get("payment_intent")) if _pays(event.type, data) else None
        )
        with all_counties_scope(db_session):  # an event names no county: find its order first
            db_session.add(StripeEvent(event_id=event.id, type=event.type))
            try:
                await db_session.flush()
            except IntegrityError:
                await db_session.rollback()
                return False
            order = await self._order_of(event)
        if order is None:
            await self.commit()
            return True
        with county_scope(db_session, order.county_id):
            if event.type.startswith("checkout.session."):
                await self._apply_session_event(order, event, payment.method if payment else None)
            else:
                await record_refund(
                    db_session, order, int(data.get("amount_refunded") or 0), self.actor, event.created
                )
            await self.commit()
        return True

    async def _order_of(self, event: PaymentEvent) -> Order | None:
        data = event.object
        if event.type.startswith("checkout.session."):
            condition = Order.stripe_session_id == data["id"]
        elif event.type == "charge.refunded" and data.get("payment_intent"):
            condition = Order.stripe_payment_intent == data["payment_intent"]
        else:
            return None
        return await self.db_session.scalar(select(Order).where(condition))

    async def _apply_session_event(
        self, order: Order, event: PaymentEvent, payment_method: str | None
    ) -> None:
        event_type, checkout_session = event.type, event.object
        if event_type in PAYING_EVENTS:
            if _pays(event_type, checkout_session):
                await self.mark_paid(order, checkout_session, payment_method, event.created)
            else:
                await self._note(order, "payment started; waiting for the payment method to confirm")
        elif event_type == "checkout.session.async_payment_failed":
            await holds.release_hold(
                self.db_session, order, OrderStatus.CANCELLED, "payment failed", actor=self.actor
            )
        elif event_type == "checkout.session.expired":
            await holds.release_hold(
                self.db_session, order, OrderStatus.EXPIRED, "checkout session expired", actor=self.actor
            )

    async def mark_paid(
        self, order: Order, checkout_session: Any, payment_method: str | None, paid_at: datetime.datetime
    ) -> bool:
        """Fulfil a paid Checkout Session once, if it paid exactly this order's total in its currency;
        ``payment_method`` (:meth:`PaymentGateway.payment_of`) is kept on the order, and ``paid_at``
        (Stripe's time of the payment, never our clock's) is when it was paid and its sale counts."""
        amount, currency = checkout_session.get("amount_total"), str(checkout_session.get("currency") or "")
        if amount != order.total or currency.lower() != order.currency.lower():
            await self._flag(
                order, f"paid {amount} {currency.upper()}, order total {order.total} {order.currency}"
            )
            return False
        values = {
            "paid_at": paid_at,
            "stripe_payment_intent": checkout_session.get("payment_intent"),
            "payment_method": payment_method,
        }
        paid = False
        if order.status == OrderStatus.PENDING_PAYMENT:
            paid = await change_status(
                self.db_session,
                order,
                OrderStatus.PAID,
                actor=self.actor,
                note="payment received",
                expected=(OrderStatus.PENDING_PAYMENT,),
                **values,
            )
            if paid:  # the units its checkout held are sold
                await holds.sell(self.db_session, order.id)
        elif order.status in UNPAID_ENDS:
            # The hold was already given back (cancel, lost event): take the stock again if it is there.
            quantities = await holds.lines_of(self.db_session, order.id)
            if await holds.hold(self.db_session, quantities):
                await self._flag(
                    order, "paid after its stock hold was released and the stock is gone: refund or restock"
                )
                return False
            paid = await change_status(
                self.db_session,
                order,
                OrderStatus.PAID,
                actor=self.actor,
                note="payment received late",
                expected=UNPAID_ENDS,
                **values,
            )
            if paid:  # and sold at once, like a hold that is paid
                await holds.sell_held(self.db_session, quantities)
            else:  # another delivery settled it meanwhile: give back what was just taken
                await holds.put_back(self.db_session, quantities)
        if paid:
            self._newly_paid.append(order.id)
            await add_order_paid(self.db_session, order, values["paid_at"])
        return paid

    async def _flag(self, order: Order, reason: str) -> None:
        """Mark the order for a person to look at (once: later flags of the same order add nothing)."""
        result = await self.db_session.execute(
            update(Order)
            .where(Order.id == order.id, Order.payment_flag.is_(None))
            .values(payment_flag=reason)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            await self._note(order, f"flagged: {reason}")
            logger.warning("order %s flagged: %s", order.number, reason)

    async def _note(self, order: Order, note: str) -> None:
        record(self.db_session, order, self.actor, note)
        await self.db_session.flush()
