"""Stored UTC times counted in Beijing days by the database itself, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import func, select

from storefront.clock import BEIJING, beijing_date, beijing_day
from storefront.db import scope_to_county
from storefront.orders.models import Order
from tests.support.factories import make_county
from tests.support.orders import paid_order

UTC = datetime.UTC
PAID_AT = [
    datetime.datetime(2026, 11, 27, 23, 0, tzinfo=UTC),  # 11-28 07:00 in Beijing
    datetime.datetime(2026, 11, 28, 15, 59, tzinfo=UTC),  # 11-28 23:59
    datetime.datetime(2026, 11, 28, 16, 0, tzinfo=UTC),  # 11-29 00:00
    datetime.datetime(2026, 11, 28, 16, 1, tzinfo=UTC),  # 11-29 00:01
    datetime.datetime(2026, 11, 29, 1, 30, tzinfo=BEIJING),  # written in Beijing time: 11-28 17:30 UTC
    datetime.datetime(2026, 11, 29, 15, 59, 59, 999999, tzinfo=UTC),  # 11-29 23:59:59.999999
    datetime.datetime(2026, 11, 29, 16, 0, tzinfo=UTC),  # 11-30 00:00
]


@pytest.fixture
async def session(session_maker):
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        await session.commit()
        scope_to_county(session, county.id)
        session.add_all(paid_order(county.id, f"buyer{n}@example.cn", at) for n, at in enumerate(PAID_AT))
        await session.commit()
        yield session


async def test_paid_orders_fall_on_their_beijing_day_on_either_database(session):
    day = beijing_day(Order.paid_at)

    counted = (await session.execute(select(day, func.count()).group_by(day).order_by(day))).all()

    assert [tuple(row) for row in counted] == [
        (datetime.date(2026, 11, 28), 2),
        (datetime.date(2026, 11, 29), 4),
        (datetime.date(2026, 11, 30), 1),
    ]


async def test_the_database_and_the_pages_agree_on_each_day(session):
    rows = (await session.execute(select(Order.paid_at, beijing_day(Order.paid_at)))).all()

    assert len(rows) == len(PAID_AT)
    assert all(day == beijing_date(paid_at) for paid_at, day in rows)


async def test_orders_paid_a_minute_apart_across_16_00_utc_are_on_different_days(session):
    def paid_on(day: datetime.date):
        return select(Order.paid_at).where(beijing_day(Order.paid_at) == day).order_by(Order.paid_at)

    on_the_28th = list(await session.scalars(paid_on(datetime.date(2026, 11, 28))))
    on_the_29th = list(await session.scalars(paid_on(datetime.date(2026, 11, 29))))

    assert on_the_28th[-1] == datetime.datetime(2026, 11, 28, 15, 59, tzinfo=UTC)
    assert on_the_29th[0] == datetime.datetime(2026, 11, 28, 16, 0, tzinfo=UTC)
    assert datetime.datetime(2026, 11, 28, 16, 1, tzinfo=UTC) in on_the_29th
