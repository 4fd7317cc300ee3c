"""Stored buyer counts: the roll-up job counts the buyers of the periods the dashboard's presets
compare once, and the dashboard adds the last days' purchases to them; late payments drop what
they change. Every answer must equal the raw distinct counts (``rollups=False``)."""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import select, update

from storefront.db import scope_to_county
from storefront.metrics.definitions import beijing_today, buyer_counts, compared_periods
from storefront.metrics.models import BuyerCount
from storefront.metrics.periods import PRESETS, Period, preset
from storefront.metrics.rollups import rebuild_all, refresh, settled_periods, store_buyer_counts
from tests.integration.test_metrics import _pay, bj
from tests.support.databases import second_waits_for_first
from tests.support.factories import make_county

TODAY = beijing_today()
LAST_12_MONTHS = preset("last_12_months", TODAY)


def days_ago(days: int, hour: int = 10) -> datetime.datetime:
    """``hour`` o'clock Beijing time ``days`` days before today (today's hours already passed)."""
    on = TODAY - datetime.timedelta(days=days)
    return bj(on.year, on.month, on.day, hour) if days else datetime.datetime.now(datetime.UTC)


PURCHASES = [
    ("ann@example.cn", 40),  # first ever, settled; again yesterday: a repeat buyer since yesterday
    ("ann@example.cn", 1),
    ("bo@example.cn", 30),  # twice within the settled days
    ("bo@example.cn", 20),
    ("cy@example.cn", 400),  # last year, again this year
    ("cy@example.cn", 10),
    ("ed@example.cn", 5),  # settled, again today
    ("ed@example.cn", 0),
    ("di@example.cn", 0),  # today only
    ("fu@example.cn", 1),  # yesterday only
]


def every_compared_period() -> set[Period]:
    return {period for name in PRESETS for period in compared_periods(preset(name, TODAY))}


@pytest.fixture
async def shop(session_maker):
    """A county with the purchases above, its roll-ups and buyer counts stored by the job."""
    async with session_maker() as session:
        county = (await make_county(session, "buyers")).id
        await session.commit()
        scope_to_county(session, county)
        for email, days in PURCHASES:
            await _pay(session, county, email, days_ago(days))
        await refresh(session, today=TODAY)
        yield session, county


async def stored(session) -> dict[Period, tuple[int, int]]:
    rows = await session.execute(
        select(BuyerCount.first, BuyerCount.last, BuyerCount.buyers, BuyerCount.repeaters)
    )
    return {Period(first, last): (buyers, repeaters) for first, last, buyers, repeaters in rows}


async def test_the_job_stores_the_settled_counts_and_the_dashboard_adds_the_last_days(shop):
    session, _county = shop

    assert set(await stored(session)) == settled_periods(TODAY)
    # ann (repeat since yesterday), bo (repeat), cy (bought last year), ed (again today), di, fu.
    assert await buyer_counts(session, LAST_12_MONTHS) == (6, 4)
    for period in every_compared_period():
        assert await buyer_counts(session, period) == await buyer_counts(session, period, rollups=False), (
            period
        )


async def test_the_dashboard_reads_the_stored_counts(shop):
    session, _county = shop
    settled = Period(LAST_12_MONTHS.first, TODAY - datetime.timedelta(days=2))
    await session.execute(
        update(BuyerCount)
        .where(BuyerCount.first == settled.first, BuyerCount.last == settled.last)
        .values(buyers=100, repeaters=50)
    )

    # The stored 100 / 50 plus the last two days: di and fu new, ann and ed now repeat buyers.
    assert await buyer_counts(session, LAST_12_MONTHS) == (102, 52)


async def test_a_late_payment_drops_the_counts_it_changes(shop):
    session, county = shop
    kept = await stored(session)

    await _pay(session, county, "gu@example.cn", days_ago(15))  # its webhook came two weeks late
    await _pay(session, county, "fu@example.cn", days_ago(60))  # fu had bought before: now a repeat buyer

    # Only the counts of periods that end before the earlier late day are left.
    assert await stored(session) == {
        period: counts for period, counts in kept.items() if period.last < days_ago(60).date()
    }
    assert await buyer_counts(session, LAST_12_MONTHS) == (7, 5)
    for period in every_compared_period():
        assert await buyer_counts(session, period) == await buyer_counts(session, period, rollups=False), (
            period
        )
    await refresh(session, today=TODAY)  # the job counts them again
    assert set(await stored(session)) == settled_periods(TODAY)
    assert await buyer_counts(session, LAST_12_MONTHS) == (7, 5)


async def test_a_payment_today_keeps_the_stored_counts(shop):
    session, county = shop
    before = await stored(session)

    await _pay(session, county, "hu@example.cn", days_ago(0))
    await _pay(session, county, "bo@example.cn", days_ago(0))

    assert await stored(session) == before
    assert await buyer_counts(session, LAST_12_MONTHS) == (7, 4)


async def test_a_rebuild_counts_the_buyers_again(shop):
    session, _county = shop
    before = await stored(session)
    await session.execute(update(BuyerCount).values(buyers=100))

    await rebuild_all(session, "buyers", today=TODAY)

    assert await stored(session) == before


@pytest.mark.parametrize("first", ["payment", "job"])
async def test_a_late_payment_and_the_job_at_the_same_time_leave_right_counts(session_maker, first):
    """The job counting buyers while a late webhook pays an order of a settled day: whichever
    starts first, the other waits for it, so no stored count misses the payment."""
    async with session_maker() as session:
        county = (await make_county(session, "buyers")).id
        await session.commit()
        scope_to_county(session, county)
        await _pay(session, county, "li@example.cn", days_ago(100))
    payment, job = session_maker(), session_maker()
    scope_to_county(payment, county)

    async def pay(*, commit: bool) -> None:
        await _pay(payment, county, "mo@example.cn", days_ago(50), commit=commit)

    async def store(*, commit: bool) -> None:
        await store_buyer_counts(job, county, TODAY)
        if commit:
            await job.commit()

    await second_waits_for_first(first, {"payment": (pay, payment), "job": (store, job)})

    async with session_maker() as session:
        scope_to_county(session, county)
        await store_buyer_counts(session, county, TODAY)  # what a later run adds, if anything
        await session.commit()
        assert await buyer_counts(session, LAST_12_MONTHS) == (2, 0)
        for period in every_compared_period():
            assert await buyer_counts(session, period) == await buyer_counts(session, period, rollups=False)


async def test_two_runs_storing_the_counts_at_once_store_each_count_once(session_maker):
    """The roll-up job and `storefront metrics rebuild` at the same moment: the second waits, then
    finds the counts stored, instead of failing on the first's rows."""
    async with session_maker() as session:
        county = (await make_county(session, "buyers")).id
        await session.commit()
        scope_to_county(session, county)
        await _pay(session, county, "li@example.cn", days_ago(100))
    runs = {name: session_maker() for name in ("job", "rebuild")}

    def store_in(name):
        async def store(*, commit: bool) -> None:
            await store_buyer_counts(runs[name], county, TODAY)
            if commit:
                await runs[name].commit()

        return store

    await second_waits_for_first("job", {name: (store_in(name), session) for name, session in runs.items()})

    async with session_maker() as session:
        scope_to_county(session, county)
        assert set(await stored(session)) == settled_periods(TODAY)
