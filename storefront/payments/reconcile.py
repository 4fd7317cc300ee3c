"""Checkouts whose Stripe events never came: settled with Stripe's own answer by the sweeper."""

from __future__ import annotations

import datetime
import logging

import stripe
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.clock import utcnow
from storefront.db import all_counties_scope, county_scope
from storefront.notifications.mail import Mailer
from storefront.orders.models import Order, OrderStatus
from storefront.orders.states import Actor
from storefront.payments.events import PaymentEventService
from storefront.payments.gateway import PaymentGateway
from storefront.stock import holds

logger = logging.getLogger(__name__)


async def release_expired(
    db_session: AsyncSession, gateway: PaymentGateway, mailer: Mailer, now: datetime.datetime | None = None
) -> list[str]:
    """Settle pending orders whose Checkout Session has expired but whose event never came.

    Asks Stripe for each session's real state: a paid one is fulfilled, anything else is
    expired there and its stock released here. Returns the order numbers it settled.
    """
    now = now or utcnow()
    with all_counties_scope(db_session):
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
            checkout_session = (
                await gateway.close_checkout_session(order.stripe_session_id)
                if order.stripe_session_id
                else None
            )
        except stripe.StripeError:
            logger.warning("sweeper could not reach Stripe for order %s; next run retries", order.number)
            continue
        paid = checkout_session is not None and checkout_session.status == "complete"
        if paid and checkout_session.payment_status != "paid":
            continue  # a delayed payment method is still settling; its event decides
        payment = await gateway.payment_of(checkout_session.payment_intent) if paid else None
        with county_scope(db_session, order.county_id):
            if payment is not None:
                # No event to date it: the charge's own time, or now when Stripe cannot say.
                paid_at = payment.charged_at or utcnow()
                changed = await events.mark_paid(order, checkout_session.to_dict(), payment.method, paid_at)
            else:
                changed = await holds.release_hold(
                    db_session, order, OrderStatus.EXPIRED, "checkout session expired", actor=Actor.SWEEPER
                )
            await events.commit()
        if changed:
            settled.append(order.number)
    return settled
