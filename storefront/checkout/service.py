"""Starting a checkout: hold the stock, build the order, open its payment page at Stripe.

A visitor has at most one checkout awaiting payment per county (a unique index on the visitor's
key while pending): pressing "Pay" again, or after the Back button, cancels the earlier one, and
presses at the same instant all end on the same payment page.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import secrets
import uuid
from dataclasses import asdict, dataclass

import stripe
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.cart.service import CartView
from storefront.checkout.cancel import cancel_checkout
from storefront.clock import beijing_date, utcnow
from storefront.metrics.creators import referring_creator
from storefront.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from storefront.orders.states import Actor
from storefront.payments.gateway import CHECKOUT_LIFETIME, PaymentGateway
from storefront.stock import holds
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


def new_order_number(county: County, now: datetime.datetime) -> str:
    """Readable over the phone: county prefix, Beijing date, and six characters without 0/O or 1/I."""
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
    return f"{county.slug[:2].upper()}{beijing_date(now):%y%m%d}{suffix}"


@dataclass(frozen=True)
class ShippingAddress:
    """Where an order goes, in Chinese conventions: division names, not codes; postal code optional.
    Its fields are the order's own columns of the same names."""

    recipient: str
    mobile: str
    province: str
    city: str
    district: str
    address: str
    postal_code: str = ""
    note: str = ""


class CheckoutService:
    def __init__(self, db_session: AsyncSession, county: County, gateway: PaymentGateway) -> None:
        self.db_session = db_session
        self.county = county
        self.gateway = gateway

    async def start(
        self,
        cart: CartView,
        address: ShippingAddress,
        *,
        email: str,
        visitor: str,
        language: str,
        shop_url: str,
        referral_code: str | None = None,
        referral_clicked_at: datetime.datetime | None = None,
    ) -> Order:
        """The visitor's pending order with its Stripe payment page, holding the cart's stock.

        ``email`` is where the confirmation goes; ``visitor`` names the shopper's session (a hash of
        its id); ``shop_url`` is the shop's absolute address (Stripe sends the shopper back there).
        ``referral_code``, clicked in this shop at ``referral_clicked_at``, attributes the order to
        the county's active creator of that code if the click is at most 30 days old.
        """
        now = utcnow()
        if await self._close_open(visitor, now):
            return await self._opened_meanwhile(visitor)
        creator_id = await referring_creator(
            self.db_session, self.county.id, referral_code, referral_clicked_at, now
        )
        order = self._build_order(
            cart, address, now, email=email, visitor=visitor, language=language, referral_code=referral_code
        )
        if creator_id is not None:
            order.creator_id = creator_id
            order.referred_at = referral_clicked_at
        db_session = self.db_session
        # End the read transaction so the order's INSERT is the first statement of the write one
        # (on SQLite that takes the write lock up front instead of failing to upgrade a read lock).
        await db_session.commit()
        db_session.add(order)
        try:
            await db_session.flush()
        except IntegrityError:  # this visitor's other press opened a checkout at the same instant
            await db_session.rollback()
            return await self._opened_meanwhile(visitor)
        await self._hold_stock(cart)
        await db_session.commit()
        return await self._open_payment(order, visitor, shop_url, now)

    async def _hold_stock(self, cart: CartView) -> None:
        """Hold the cart's stock as the last statement before the order's commit: the variants' rows
        stay locked only from this UPDATE to that COMMIT, so a spike's checkouts of one variant wait
        on each other as briefly as they can (one worker's event loop turn, not the order's INSERTs)."""
        db_session = self.db_session
        short = await holds.hold(db_session, {line.variant.id: line.quantity for line in cart.lines})
        if short:
            await db_session.rollback()  # which also takes back the order written above
            if self.county in db_session:
                await db_session.refresh(self.county)  # the rollback expired it; the form is shown again
            raise OutOfStockError(short)

    def _build_order(
        self,
        cart: CartView,
        address: ShippingAddress,
        now: datetime.datetime,
        *,
        email: str,
        visitor: str,
        language: str,
        referral_code: str | None,
    ) -> Order:
        """The pending order, its lines copied from the cart at today's prices."""
        county = self.county
        return Order(
            county_id=county.id,
            number=new_order_number(county, now),
            visitor_key=visitor,
            language=language,
            email=email,
            **asdict(address),
            currency=county.currency,
            subtotal=cart.subtotal,
            shipping_fee=cart.shipping,
            total=cart.total,
            idempotency_key=str(uuid.uuid4()),
            referral_code=referral_code,
            # Known before Stripe answers, so the sweeper finds this hold even if nothing follows.
            checkout_expires_at=now + CHECKOUT_LIFETIME,
            lines=[
                OrderLine(
                    county_id=county.id,
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
            events=[OrderEvent(county_id=county.id, status=OrderStatus.PENDING_PAYMENT, actor=Actor.SHOPPER)],
        )

    async def _open_payment(self, order: Order, visitor: str, shop_url: str, now: datetime.datetime) -> Order:
        """Open the Stripe Checkout Session of ``order``; if Stripe fails, the order is cancelled."""
        db_session = self.db_session
        try:
            checkout_session = await self.gateway.create_checkout_session(
                order,
                self.county,
                success_url=f"{shop_url}/checkout/complete?order={order.number}&session_id={{CHECKOUT_SESSION_ID}}",
                cancel_url=f"{shop_url}/checkout/cancel?order={order.number}",
                now=now,
            )
        except stripe.StripeError as error:
            logger.warning("checkout session for %s failed: %s", order.number, error)
            await holds.release_hold(
                db_session, order, OrderStatus.CANCELLED, "payment service unavailable", actor=Actor.SHOPPER
            )
            await db_session.commit()
            raise PaymentUnavailableError(str(error)) from error
        order.stripe_session_id = checkout_session.id
        order.stripe_checkout_url = checkout_session.url
        order.checkout_expires_at = datetime.datetime.fromtimestamp(checkout_session.expires_at, datetime.UTC)
        await db_session.commit()
        await db_session.refresh(order)
        if order.status != OrderStatus.PENDING_PAYMENT:  # a later press cancelled it while Stripe answered
            try:
                await self.gateway.close_checkout_session(checkout_session.id)
            except stripe.StripeError:
                logger.warning(
                    "could not close order %s's Checkout Session; the webhook still records a payment",
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
                await cancel_checkout(self.db_session, self.gateway, order)
            except stripe.StripeError:
                logger.warning(
                    "could not close order %s's Checkout Session; the sweeper releases it", order.number
                )
        return False
