"""Cancelling a checkout the shopper gave up on: closed at Stripe first, then its stock given back."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storefront.orders.models import Order, OrderStatus
from storefront.orders.states import UNPAID_ENDS, Actor
from storefront.payments.gateway import PaymentGateway
from storefront.stock.holds import release_hold


async def cancel_checkout(db_session: AsyncSession, gateway: PaymentGateway, order: Order) -> bool:
    """True when the order ends unpaid (cancelled now, or expired meanwhile); False when it was
    paid after all (the webhook fulfils it). Raises ``stripe.StripeError`` when Stripe cannot be
    reached, leaving the order as it was."""
    if order.status == OrderStatus.PENDING_PAYMENT and order.stripe_session_id:
        checkout_session = await gateway.close_checkout_session(order.stripe_session_id)
        if checkout_session.status == "complete":
            return False
    await release_hold(db_session, order, OrderStatus.CANCELLED, "cancelled by shopper", actor=Actor.SHOPPER)
    await db_session.commit()
    await db_session.refresh(order)
    return order.status in UNPAID_ENDS
