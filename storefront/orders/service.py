"""Checkout, the order lifecycle and payment events.

Every status change is a conditional UPDATE (``... WHERE status IN (...)``): whoever changes the
row first wins and does the side effects (stock, email) exactly once, however many webhooks,
redirects and sweeper runs race for the same order.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import secrets
import uuid
from collections.abc import Sequence
from typing import Any

import stripe
from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storefront.cart.service import CartService, CartView
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.orders import stock
from storefront.orders.forms import CheckoutForm
from storefront.orders.lifecycle import UNPAID_ENDS, Actor, change_status, record
from storefront.orders.mail import Mailer
from storefront.orders.models import Order, OrderEvent, OrderLine, OrderStatus, StripeEvent
from storefront.orders.payments import CHECKOUT_LIFETIME, PaymentEvent, PaymentGateway
from storefront.tenancy.models import County

logger = logging.getLogger(__name__)

NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
OPENING_WAIT = datetime.timedelta(seconds=10)
"""How long a second press waits for the first press's Stripe page (Stripe answers in about a second)."""


class CheckoutError(Exception):
    """Checkout could not start; nothing was charged and no stock stays held."""


class OutOfStockError(CheckoutError):
    def __init__(self, variant_ids: list[int]) -> None:
        super().__init__("out of stock")
        self.variant_ids = variant_ids


class PaymentUnavailableError(CheckoutError):
    pass


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def new_order_number(county: County, now: datetime.datetime) -> str:
    """Readable over the phone: county prefix, date, and six characters without 0/O or 1/I."""
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
    return f"{county.slug[:2].upper()}{now:%y%m%d}{suffix}"


async def release_hold(
    session: AsyncSession, order: Order, to: OrderStatus, note: str, *, actor: str
) -> bool:
    """Expire or cancel a pending order and give its stock back, once."""
    if not await change_status(
        session, order, to, actor=actor, note=note, expected=(OrderStatus.PENDING_PAYMENT,)
    ):
        return False
    await stock.release(session, order.id)
    return True


class CheckoutService:
    def __init__(self, db_session: AsyncSession, county: County, gateway: PaymentGateway) -> None:
        self.db_session = db_session
        self.county = county
        self.gateway = gateway

    async def start(
        self,
        cart: CartView,
        form: CheckoutForm,
        *,
        visitor: str,
        language: str,
        shop_url: str,
        referral_code: str | None = None,
    ) -> Order:
        """Hold the stock, record the pending order, and open a Stripe Checkout Session for it.

        ``visitor`` names the shopper's session (a hash of its id); ``shop_url`` is the shop's
        absolute address (Stripe sends the shopper back there). A visitor has at most one checkout
        awaiting payment per county: pressing "Pay" again, or after the Back button, cancels the
        earlier one first, and presses at the same instant all end on the same checkout.
        """
        now = utcnow()
        if await self._close_open(visitor, now):
            return await self._opened_meanwhile(visitor)
        session = self.db_session
        # End the read transaction so the stock UPDATE is the first statement of the write one
        # (on SQLite that takes the write lock up front instead of failing to upgrade a read lock).
        await session.commit()
        short = await stock.hold(session, {line.variant.id: line.quantity for line in cart.lines})
        if short:
            await session.rollback()
            if self.county in session:
                await session.refresh(self.county)  # the rollback expired it; the form is shown again
            raise OutOfStockError(short)
        province, city, district = form.names
        order = Order(
            county_id=self.county.id,
            number=new_order_number(self.county, now),
            visitor_key=visitor,
            language=language,
            email=form.values["email"],
            recipient=form.values["recipient"],
            mobile=form.values["mobile"],
            province=province,
            city=city,
            district=district,
            address=form.values["address"],
            postal_code=form.values["postal_code"],
            note=form.values["note"],
            currency=self.county.currency,
            subtotal=cart.subtotal,
            shipping_fee=cart.shipping,
            total=cart.total,
            idempotency_key=str(uuid.uuid4()),
            referral_code=referral_code,
            # Known before Stripe answers, so the sweeper finds this hold even if nothing follows.
            checkout_expires_at=now + CHECKOUT_LIFETIME,
            lines=[
                OrderLine(
                    county_id=self.county.id,
                    variant_id=line.variant.id,
                    product_name_zh=line.product.name_zh,
                    product_name_en=line.product.name_en,
                    variant_label_zh=line.variant.label_zh,
                    variant_label_en=line.variant.label_en,
                    sku=line.variant.sku,
                    unit_price=line.variant.price,
                    quantity=line.quantity,
                )
                for line in cart.lines
            ],
            events=[
                OrderEvent(county_id=self.county.id, status=OrderStatus.PENDING_PAYMENT, actor=Actor.SHOPPER)
            ],
        )
        session.add(order)
        try:
            await session.commit()
        except IntegrityError:  # this visitor's other press opened a checkout at the same instant
            await session.rollback()  # which also gives back the stock held above
            return await self._opened_meanwhile(visitor)
        try:
            checkout = await self.gateway.create_checkout_session(
                order,
                self.county,
                success_url=f"{shop_url}/checkout/complete?order={order.number}&session_id={{CHECKOUT_SESSION_ID}}",
                cancel_url=f"{shop_url}/checkout/cancel?order={order.number}",
                now=now,
            )
        except stripe.StripeError as error:
            logger.warning("checkout session for %s failed: %s", order.number, error)
            await release_hold(
                session, order, OrderStatus.CANCELLED, "payment service unavailable", actor=Actor.SHOPPER
            )
            await session.commit()
            raise PaymentUnavailableError(str(error)) from error
        order.stripe_session_id = checkout.id
        order.stripe_checkout_url = checkout.url
        order.checkout_expires_at = datetime.datetime.fromtimestamp(checkout.expires_at, datetime.UTC)
        await session.commit()
        await session.refresh(order)
        if order.status != OrderStatus.PENDING_PAYMENT:  # a later press cancelled it while Stripe answered
            try:
                await self.gateway.close_session(checkout.id)
            except stripe.StripeError:
                logger.warning(
                    "could not close order %s's session; the webhook still records a payment there",
                    order.number,
                )
            return await self._opened_meanwhile(visitor)
        return order

    def _open_orders(self, visitor: str) -> Select[tuple[Order]]:
        return select(Order).where(Order.visitor_key == visitor, Order.status == OrderStatus.PENDING_PAYMENT)

    async def _opened_meanwhile(self, visitor: str) -> Order:
        """The checkout another press of this visitor is opening, once Stripe has given it a page."""
        deadline = asyncio.get_running_loop().time() + OPENING_WAIT.total_seconds()
        while asyncio.get_running_loop().time() < deadline:
            order = await self.db_session.scalar(
                self._open_orders(visitor).execution_options(populate_existing=True)
            )
            await self.db_session.commit()
            if order is None:
                break
            if order.stripe_checkout_url:
                return order
            await asyncio.sleep(0.1)
        raise PaymentUnavailableError("the checkout opened by another press did not get a payment page")

    async def _close_open(self, visitor: str, now: datetime.datetime) -> bool:
        """Cancel the visitor's earlier checkouts; True if one is being opened right now instead
        (another press a moment ago, still waiting for Stripe), which this press should join."""
        for order in (await self.db_session.scalars(self._open_orders(visitor))).all():
            if order.stripe_checkout_url is None and now - order.created_at < OPENING_WAIT:
                return True
            try:
                await self.cancel(order)
            except stripe.StripeError:
                logger.warning("could not close order %s's session; the sweeper releases it", order.number)
        return False

    async def cancel(self, order: Order) -> bool:
        """The shopper gave up paying: close the session at Stripe first, then give the stock back.

        True when the order ends unpaid (cancelled now, or expired meanwhile); False when it was
        paid after all (the webhook fulfils it).
        """
        if order.status == OrderStatus.PENDING_PAYMENT and order.stripe_session_id:
            checkout = await self.gateway.close_session(order.stripe_session_id)
            if checkout.status == "complete":
                return False
        await release_hold(
            self.db_session, order, OrderStatus.CANCELLED, "cancelled by shopper", actor=Actor.SHOPPER
        )
        await self.db_session.commit()
        await self.db_session.refresh(order)
        return order.status in UNPAID_ENDS


async def settle_cart(db_session: AsyncSession, cart: CartService, visitor: str | None) -> None:
    """Take what this visitor has paid for out of their cart: exactly the paid lines, once per
    payment, on their first visit after it, even if they never saw the return page."""
    if visitor is None:
        return
    query = select(Order.id, Order.paid_at).where(Order.visitor_key == visitor, Order.paid_at.is_not(None))
    if (since := cart.paid_through()) is not None:
        query = query.where(Order.paid_at > since)
    for order_id, paid_at in (await db_session.execute(query.order_by(Order.paid_at))).all():
        cart.take_out(await stock.lines_of(db_session, order_id), paid_at)


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
        contact = contact.strip().replace(" ", "")
        if order is None or not contact:
            return None
        if contact.lower() == order.email.lower() or contact == order.mobile:
            return order
        return None


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
        session = self.db_session
        scope_to_all_counties(session)  # an event names no county: find the order first
        session.add(StripeEvent(event_id=event.id, type=event.type))
        try:
            await session.flush()
        except IntegrityError:
            await session.rollback()
            return False
        data = event.object
        if event.type.startswith("checkout.session."):
            order = await self._order_for(Order.stripe_session_id == data["id"])
            if order is not None:
                await self._apply_session_event(order, event.type, data)
        elif event.type == "charge.refunded" and data.get("payment_intent"):
            order = await self._order_for(Order.stripe_payment_intent == data["payment_intent"])
            if order is not None:
                await self._record_refund(order, data)
        await self.commit()
        return True

    async def _order_for(self, condition: Any) -> Order | None:
        order = await self.db_session.scalar(select(Order).where(condition))
        if order is not None:
            scope_to_county(self.db_session, order.county_id)
        return order

    async def _apply_session_event(self, order: Order, event_type: str, checkout: Any) -> None:
        if event_type in {"checkout.session.completed", "checkout.session.async_payment_succeeded"}:
            if checkout.get("payment_status") in {"paid", "no_payment_required"}:
                await self.mark_paid(order, checkout)
            else:
                await self._note(order, "payment started; waiting for the payment method to confirm")
        elif event_type == "checkout.session.async_payment_failed":
            await release_hold(
                self.db_session, order, OrderStatus.CANCELLED, "payment failed", actor=self.actor
            )
        elif event_type == "checkout.session.expired":
            await release_hold(
                self.db_session, order, OrderStatus.EXPIRED, "checkout session expired", actor=self.actor
            )

    async def mark_paid(self, order: Order, checkout: Any) -> bool:
        """Fulfil a paid session once, if it paid exactly this order's total in its currency."""
        amount, currency = checkout.get("amount_total"), str(checkout.get("currency") or "")
        if amount != order.total or currency.lower() != order.currency.lower():
            await self._flag(
                order, f"paid {amount} {currency.upper()}, order total {order.total} {order.currency}"
            )
            return False
        values = {"paid_at": utcnow(), "stripe_payment_intent": checkout.get("payment_intent")}
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
        elif order.status in UNPAID_ENDS:
            # The hold was already given back (cancel, lost event): take the stock again if it is there.
            if await stock.hold(self.db_session, await stock.lines_of(self.db_session, order.id)):
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
            if not paid:  # another delivery settled it meanwhile: give back what was just taken
                await stock.release(self.db_session, order.id)
        if paid:
            self._newly_paid.append(order.id)
        return paid

    async def _record_refund(self, order: Order, charge: Any) -> None:
        refunded = int(charge.get("amount_refunded") or 0)
        grown = await self.db_session.execute(  # only ever grows, whatever order deliveries come in
            update(Order)
            .where(Order.id == order.id, Order.amount_refunded < refunded)
            .values(amount_refunded=refunded)
            .execution_options(synchronize_session=False)
        )
        if grown.rowcount != 1:
            return
        note = f"refunded {refunded} of {order.total}"
        if refunded < order.total or not await change_status(
            self.db_session, order, OrderStatus.REFUNDED, actor=self.actor, note=note
        ):
            await self._note(order, note)

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
    A platform-level job (orders of any county), so it leaves the session scoped to all counties.
    """
    now = now or utcnow()
    scope_to_all_counties(db_session)
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
            values: dict[str, Any] = {"confirmation_sent_at": utcnow(), "confirmation_claimed_until": None}
        else:
            values = {"confirmation_claimed_until": now + CONFIRMATION_CLAIM * 2 ** (attempt - 1)}
            if attempt >= CONFIRMATION_TRIES:
                note = f"confirmation email not sent after {attempt} tries: check the address {order.email}"
                record(db_session, order, Actor.SWEEPER, note)
                logger.error("gave up on the confirmation of order %s after %s tries", order.number, attempt)
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
    scope_to_all_counties(db_session)
    missed = (
        await db_session.scalars(
            select(Order.id)
            .where(
                Order.paid_at < now - CONFIRMATION_GRACE,
                _confirmation_due(now),
                Order.status.in_((OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED)),
            )
            .order_by(Order.paid_at)
            .limit(100)
        )
    ).all()
    await send_confirmations(db_session, mailer, missed, now)
    return len(missed)


async def release_expired(
    db_session: AsyncSession, gateway: PaymentGateway, mailer: Mailer, now: datetime.datetime | None = None
) -> list[str]:
    """Settle pending orders whose Checkout Session has expired but whose event never came.

    Asks Stripe for each session's real state: a paid one is fulfilled, anything else is
    expired there and its stock released here. Returns the order numbers it settled.
    """
    now = now or utcnow()
    scope_to_all_counties(db_session)
    overdue = (
        await db_session.scalars(
            select(Order)
            .where(
                Order.status == OrderStatus.PENDING_PAYMENT,
                Order.checkout_expires_at < now,
                Order.payment_flag.is_(None),  # flagged orders wait for a person
            )
            .order_by(Order.checkout_expires_at)
            .limit(200)
        )
    ).all()
    events = PaymentEventService(db_session, gateway, mailer, actor=Actor.SWEEPER)
    settled = []
    for order in overdue:
        try:
            checkout = (
                await gateway.close_session(order.stripe_session_id) if order.stripe_session_id else None
            )
        except stripe.StripeError:
            logger.warning("sweeper could not reach Stripe for order %s; next run retries", order.number)
            continue
        scope_to_county(db_session, order.county_id)
        if checkout is not None and checkout.status == "complete":
            if checkout.payment_status != "paid":
                continue  # a delayed payment method is still settling; its event decides
            changed = await events.mark_paid(order, checkout.to_dict())
        else:
            changed = await release_hold(
                db_session, order, OrderStatus.EXPIRED, "checkout session expired", actor=Actor.SWEEPER
            )
        await events.commit()
        scope_to_all_counties(db_session)
        if changed:
            settled.append(order.number)
    return settled
