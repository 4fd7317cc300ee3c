"""Orders, their lines and status history, and the Stripe events already processed."""

from __future__ import annotations

import datetime
import enum

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.db import Base, TenantScoped
from storefront.i18n import N_, Localized, gettext
from storefront.money import Fen


class OrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


STATUS_LABELS = {
    OrderStatus.PENDING_PAYMENT: N_("Awaiting payment"),
    OrderStatus.PAID: N_("Paid"),
    OrderStatus.SHIPPED: N_("Shipped"),
    OrderStatus.DELIVERED: N_("Delivered"),
    OrderStatus.EXPIRED: N_("Expired (not paid in time)"),
    OrderStatus.CANCELLED: N_("Cancelled"),
    OrderStatus.REFUNDED: N_("Refunded"),
}


def status_label(status: str) -> str:
    return gettext(STATUS_LABELS.get(status, status))


COURIERS = {
    "SF": N_("SF Express"),
    "ZTO": N_("ZTO Express"),
    "YTO": N_("YTO Express"),
    "YD": N_("Yunda Express"),
    "STO": N_("STO Express"),
    "JD": N_("JD Logistics"),
    "EMS": N_("China Post EMS"),
    "other": N_("Other courier"),
}
"""The couriers an admin ships with, by the code stored in ``Order.courier``."""


def courier_label(code: str) -> str:
    return gettext(COURIERS.get(code, code))


PAYMENT_METHODS = {
    "card": N_("Card"),
    "alipay": N_("Alipay"),
    "wechat_pay": N_("WeChat Pay"),
}
"""How a paid order was paid, by the Stripe payment method type stored in ``Order.payment_method``."""


def payment_method_label(code: str | None) -> str:
    """The method's name; "Unknown" for an order whose method Stripe did not tell us."""
    return gettext(PAYMENT_METHODS.get(code or "", N_("Unknown")))


TEMPLATE_GLOBALS = {
    "status_label": status_label,
    "courier_label": courier_label,
    "payment_method_label": payment_method_label,
}
"""What the orders domain adds to the templates (the app factory registers it)."""


class OrderLine(Localized, TenantScoped, Base):
    """What was bought, with name and price copied at checkout so later edits don't rewrite history."""

    __tablename__ = "order_lines"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id", ondelete="SET NULL"), index=True)
    product_name_zh: Mapped[str] = mapped_column(String(200))
    product_name_en: Mapped[str] = mapped_column(String(200), default="")
    variant_label_zh: Mapped[str] = mapped_column(String(100))
    variant_label_en: Mapped[str] = mapped_column(String(100), default="")
    sku: Mapped[str] = mapped_column(String(64))
    unit_price: Mapped[Fen] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)

    @property
    def line_total(self) -> Fen:
        return self.unit_price * self.quantity


class OrderEvent(TenantScoped, Base):
    """One entry of an order's status history."""

    __tablename__ = "order_events"
    __table_args__ = (
        # Orders shipped in a period (the dashboard's hours to ship, read raw for today).
        Index("ix_order_events_county_status_created_at", "county_id", "status", "created_at"),
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(32), server_default="")
    """Who made the change: shopper, stripe, sweeper or admin:{id} (see orders.states); required
    for every new entry (the empty default is only for history from before actors were kept)."""
    note: Mapped[str] = mapped_column(Text, default="")


class Order(TenantScoped, Base):
    __tablename__ = "orders"

    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.PENDING_PAYMENT, index=True)
    language: Mapped[str] = mapped_column(String(5), default="zh")
    email: Mapped[str] = mapped_column(String(254))
    recipient: Mapped[str] = mapped_column(String(50))
    mobile: Mapped[str] = mapped_column(String(11))
    province: Mapped[str] = mapped_column(String(30))
    city: Mapped[str] = mapped_column(String(30))
    district: Mapped[str] = mapped_column(String(30))
    address: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(6), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    subtotal: Mapped[Fen] = mapped_column(Integer)
    shipping_fee: Mapped[Fen] = mapped_column(Integer)
    total: Mapped[Fen] = mapped_column(Integer)
    amount_refunded: Mapped[Fen] = mapped_column(Integer, default=0)
    """Refunded, as Stripe reported it (``charge.refunded``)."""
    refund_requested: Mapped[Fen] = mapped_column(Integer, default=0, server_default="0")
    """Asked of Stripe by admins so far, reserved before each request: never more than ``total``."""
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    stripe_session_id: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    stripe_checkout_url: Mapped[str | None] = mapped_column(Text, default=None)
    stripe_payment_intent: Mapped[str | None] = mapped_column(String(255), index=True, default=None)
    checkout_expires_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )
    paid_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    confirmation_sent_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )
    payment_flag: Mapped[str | None] = mapped_column(Text, default=None)
    """Why the payment needs a person's look (amount or currency not the order's)."""
    flag_resolved_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )
    flag_resolution: Mapped[str | None] = mapped_column(Text, default=None)
    tracking_number: Mapped[str | None] = mapped_column(String(64), default=None)
    courier: Mapped[str | None] = mapped_column(String(16), default=None)
    """Who carries it once shipped: a code of COURIERS."""
    payment_method: Mapped[str | None] = mapped_column(String(20), default=None)
    """How it was paid (a code of PAYMENT_METHODS), as Stripe reported it; None when unknown."""
    referral_code: Mapped[str | None] = mapped_column(String(64), default=None)
    creator_id: Mapped[int | None] = mapped_column(
        ForeignKey("creators.id", ondelete="SET NULL"), index=True, default=None
    )
    """The county's creator whose link the shopper last followed (within 30 days), if any."""
    referred_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    """When the shopper followed that link."""
    visitor_key: Mapped[str | None] = mapped_column(String(64), default=None)
    """A hash of the shopper's session id: one open checkout per visitor, and whose cart a payment empties."""
    confirmation_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    confirmation_claimed_until: Mapped[datetime.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )
    """A worker sending the confirmation holds it until then; others leave it alone."""

    lines: Mapped[list[OrderLine]] = relationship(lazy="raise", order_by=OrderLine.id)
    events: Mapped[list[OrderEvent]] = relationship(lazy="raise", order_by=OrderEvent.id)

    __table_args__ = (
        # At most one checkout awaiting payment per visitor and county, even for presses at the same instant.
        Index(
            "uq_orders_open_checkout",
            "county_id",
            "visitor_key",
            unique=True,
            sqlite_where=text("status = 'pending_payment'"),
            postgresql_where=text("status = 'pending_payment'"),
        ),
    )


class StripeEvent(Base):
    """A webhook event already processed; the unique id makes a repeated delivery a no-op."""

    __tablename__ = "stripe_events"

    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(100))
