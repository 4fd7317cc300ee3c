"""Creators, the events shoppers leave, and the daily roll-ups the dashboard reads (DESIGN section 5)."""

from __future__ import annotations

import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from storefront.db import Base, TenantScoped


class Creator(TenantScoped, Base):
    """A video creator who sells the county's produce through ``?ref=CODE`` links."""

    __tablename__ = "creators"

    name: Mapped[str] = mapped_column(String(100))
    platform: Mapped[str] = mapped_column(String(20))
    """douyin, kuaishou, channels (WeChat Channels), xiaohongshu or other."""
    handle: Mapped[str] = mapped_column(String(100), default="")
    code: Mapped[str] = mapped_column(String(64))
    commission_bp: Mapped[int] = mapped_column(Integer, default=0)
    """Commission in basis points of sales (500 is 5 %)."""
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


Index("uq_creators_county_id_lower_code", Creator.county_id, func.lower(Creator.code), unique=True)
"""A code is unique in its county whatever its letter case (``Li`` and ``li`` are one code: visits
are counted by code regardless of case), even for two saves at the same instant."""


class Event(TenantScoped, Base):
    """One fact, appended and never changed: a visit, a page or product view, a search, a cart or
    checkout step, a payment or a refund; with an anonymous visitor id, never personal data."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_county_kind_at", "county_id", "kind", "at"),)

    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    visitor: Mapped[str] = mapped_column(String(32), default="")
    creator_code: Mapped[str | None] = mapped_column(String(64), default=None)
    device: Mapped[str] = mapped_column(String(10), default="")
    """phone, tablet or desktop."""
    product_id: Mapped[int | None] = mapped_column(Integer, default=None)
    """No foreign key: a fact outlives the product it was about."""
    order_id: Mapped[int | None] = mapped_column(Integer, default=None)
    query: Mapped[str | None] = mapped_column(String(100), default=None)
    results: Mapped[int | None] = mapped_column(Integer, default=None)
    """How many products a search's first page showed (at most a page, 0: nothing matched)."""
    amount: Mapped[int | None] = mapped_column(BigInteger, default=None)
    """Fen paid or refunded."""


class RolledUp:
    """One metric's value for the county or one of its products, producers, buyer provinces,
    creators or searches (``dimension`` and ``key``; the vocabulary is in ``rollups``)."""

    dimension: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(100), default="")
    metric: Mapped[str] = mapped_column(String(32))
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class DailyMetric(RolledUp, TenantScoped, Base):
    """A roll-up: one metric's value for one Beijing day."""

    __tablename__ = "daily_metrics"
    __table_args__ = (
        UniqueConstraint("county_id", "day", "dimension", "key", "metric"),
        Index("ix_daily_metrics_lookup", "county_id", "dimension", "metric", "day"),
    )

    day: Mapped[datetime.date] = mapped_column(Date)


class MonthlyMetric(RolledUp, TenantScoped, Base):
    """A month's roll-ups added up: per calendar month (``month`` is its first day), the sum of its
    days' :class:`DailyMetric` rows of every dimension but the county's (which is read by day), so
    a year is read in twelve months' rows instead of 365 days'. Written by the roll-ups (with a
    marker row, ``county`` / ``rolled_up``) only when every day of the month is rolled up."""

    __tablename__ = "monthly_metrics"
    __table_args__ = (UniqueConstraint("county_id", "month", "dimension", "key", "metric"),)

    month: Mapped[datetime.date] = mapped_column(Date)


class BuyerOrder(TenantScoped, Base):
    """A purchase in its buyer's chain: one row per order that counts as paid (its ``order_paid``
    fact, the order never cancelled or expired), with the Beijing days of the same buyer's previous
    and next such order in the county, ordered by (paid time, order id). The period's unique and
    repeat buyers are then counted over an index range (see ``definitions.buyer_counts``) instead of
    a distinct count over every order of the period. Kept by ``storefront.metrics.buyers``, rebuilt
    by ``storefront metrics rebuild``."""

    __tablename__ = "buyer_orders"
    __table_args__ = (
        Index("ix_buyer_orders_period", "county_id", "paid_day", "previous_day", "next_day"),
        Index("ix_buyer_orders_chain", "county_id", "buyer", "paid_at", "order_id"),
        Index("ix_buyer_orders_next", "county_id", "next_day", "previous_day", "paid_day"),
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    buyer: Mapped[str] = mapped_column(String(254))
    """The order's email, lower-case (``definitions``' buyer key)."""
    paid_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    """The time of the order's ``order_paid`` fact."""
    paid_day: Mapped[datetime.date] = mapped_column(Date)
    """Its Beijing day."""
    previous_day: Mapped[datetime.date | None] = mapped_column(Date, default=None)
    """The ``paid_day`` of the buyer's previous order in the chain; None for the first."""
    next_day: Mapped[datetime.date | None] = mapped_column(Date, default=None)
    """The ``paid_day`` of the buyer's next order in the chain; None for the last."""


class BuyerCount(TenantScoped, Base):
    """The unique and repeat buyers of a settled period (``definitions.buyer_counts``), counted once
    by the roll-up job for the periods the dashboard's presets ask for, so the dashboard does not
    read every purchase of a year on each request. Kept by ``storefront.metrics.buyers``."""

    __tablename__ = "buyer_counts"
    __table_args__ = (UniqueConstraint("county_id", "first", "last"),)

    first: Mapped[datetime.date] = mapped_column(Date)
    last: Mapped[datetime.date] = mapped_column(Date)
    buyers: Mapped[int] = mapped_column(Integer)
    repeaters: Mapped[int] = mapped_column(Integer)
