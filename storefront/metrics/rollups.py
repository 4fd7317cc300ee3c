"""Daily roll-ups: the additive numbers of each closed Beijing day, stored so the dashboard never
scans years of events (issue 9 part 6).

A roll-up row is ``DailyMetric(county, day, dimension, key, metric, value)``; the values are
computed by :func:`storefront.metrics.definitions.raw_facts`, so a day read from roll-ups and the
same day read from the raw rows give the same numbers (the tests check it). The vocabulary:

============  ==================================  =============================================
dimension     key                                 metrics (all per Beijing day)
============  ==================================  =============================================
county        ``""``                              ``paid`` (fen of ``order_paid`` events),
                                                  ``refunded`` (fen of ``order_refunded``),
                                                  ``orders`` (orders paid), ``visitors``,
                                                  ``product_viewers``, ``cart_adders``,
                                                  ``checkout_starters`` (distinct visitors that
                                                  day), ``rolled_up`` (1: the day is built)
product       ``p<product id>``, or ``n<copied    ``units``, ``paid`` (line amounts),
              name>`` for a deleted variant       ``refunded`` (the lines' refund shares)
producer      ``<producer id>``                   ``units``, ``paid``, ``refunded`` (as product)
province      the buyer's province                ``paid``, ``refunded``, ``orders``
creator       ``<creator id>``                    ``visits``, ``orders``, ``paid``, ``refunded``
search        the query (collapsed, lower-case)   ``zero_results`` (searches that found nothing)
ship_hours    whole hours from payment            ``orders`` shipped that day after that long
payment_      the order's ``payment_method``      ``paid``, ``refunded``, ``orders``
method        (``""`` when unknown)
============  ==================================  =============================================

Only closed days are rolled up (before today in Beijing); today is always read raw. A day is
rebuilt whole (its rows deleted and written again in one transaction), so a rebuild can be repeated
at any time. A month whose days are all rolled up is added up once more (``MonthlyMetric``, every
dimension but the county's), rewritten whenever one of its days is, so a year is read in months.
The roll-up job (:func:`run_rollups`) rebuilds yesterday, and any of the last week's days not built
yet, every :data:`ROLLUP_INTERVAL_SECONDS`, in one worker at a time (a lease in
``storefront.jobs``), so late events of yesterday are caught.

The buyer chain (``BuyerOrder``, what the buyer counts read) is not per day: it is kept as orders
are paid (``storefront.metrics.buyers``) and written again whole by :func:`rebuild_buyers`. The job
also stores the buyer counts of the settled part of each period the dashboard's presets compare
(:func:`store_buyer_counts`), so a dashboard reads a year's buyers in two small queries.
"""

from __future__ import annotations

import datetime
import logging

from advanced_alchemy.types import DateTimeUTC
from litestar import Litestar
from sqlalchemy import Date, delete, func, insert, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.clock import beijing_date, beijing_day, utcnow
from storefront.db import all_counties_scope, county_scope
from storefront.jobs import every
from storefront.metrics.buyers import buyer_key, settled_until
from storefront.metrics.definitions import (
    COUNTY,
    NEVER_SOLD,
    ROLLED_UP,
    beijing_today,
    chain_counts,
    compared_periods,
    raw_facts,
)
from storefront.metrics.events import ORDER_PAID
from storefront.metrics.locks import lock_county_chain, lock_county_rollups, lock_stored_counts
from storefront.metrics.models import BuyerCount, BuyerOrder, DailyMetric, Event, MonthlyMetric
from storefront.metrics.periods import PRESETS, Period, month_of, preset
from storefront.orders.models import Order
from storefront.tenancy.models import County

logger = logging.getLogger(__name__)

ROLLUP_LEASE = "metrics-rollups"
ROLLUP_INTERVAL_SECONDS = 300
CATCH_UP_DAYS = 7
"""How many closed days back the job looks for days not rolled up yet."""
CHUNK_DAYS = 31


def closed(first_day: datetime.date, last_day: datetime.date, today: datetime.date) -> Period | None:
    """The part of ``first_day``..``last_day`` before ``today`` (None when nothing is closed)."""
    last = min(last_day, today - datetime.timedelta(days=1))
    return Period(first_day, last) if first_day <= last else None


async def rebuild(
    db_session: AsyncSession,
    county_id: int,
    first_day: datetime.date,
    last_day: datetime.date,
    *,
    today: datetime.date | None = None,
) -> int:
    """Write the roll-ups of ``county_id`` for each closed Beijing day from ``first_day`` to
    ``last_day`` (days from today on are left alone); returns how many days were written.

    Flushes but does not commit: the caller commits (one transaction, so a reader sees a day
    either before or after, never half built).
    """
    period = closed(first_day, last_day, today or beijing_today())
    if period is None:
        return 0
    await lock_county_rollups(db_session, county_id)  # a late money fact meanwhile waits, then reopens
    with county_scope(db_session, county_id):
        for start in range(0, period.days, CHUNK_DAYS):
            first = period.first + datetime.timedelta(days=start)
            chunk = Period(first, min(period.last, first + datetime.timedelta(days=CHUNK_DAYS - 1)))
            # Deleted first: on SQLite that takes the write lock, so no late fact commits between
            # reading the day's raw rows and writing its roll-ups.
            await db_session.execute(
                delete(DailyMetric)
                .where(DailyMetric.day >= chunk.first, DailyMetric.day <= chunk.last)
                .execution_options(synchronize_session=False)
            )
            facts = await raw_facts(db_session, chunk)
            rows = [
                {
                    "county_id": county_id,
                    "day": on,
                    "dimension": dimension,
                    "key": key,
                    "metric": metric,
                    "value": value,
                }
                for (on, dimension, key, metric), value in facts.items()
            ]
            rows += [
                {
                    "county_id": county_id,
                    "day": on,
                    "dimension": COUNTY,
                    "key": "",
                    "metric": ROLLED_UP,
                    "value": 1,
                }
                for on in chunk.each_day()
            ]
            await db_session.execute(insert(DailyMetric), rows)
        await db_session.flush()
    for month in sorted({on.replace(day=1) for on in period.each_day()}):
        await rebuild_month(db_session, county_id, month)
    return period.days


async def rebuild_month(db_session: AsyncSession, county_id: int, month: datetime.date) -> None:
    """Add up the daily roll-ups of ``month`` (its first day) into its monthly ones, if every day
    of it is rolled up; else only delete them (a day was reopened or is not built yet). Flushes but
    does not commit."""
    days = month_of(month)
    # Across counties: the tenant scope refuses INSERT ... SELECT, so the county is named here.
    with all_counties_scope(db_session):
        await db_session.execute(
            delete(MonthlyMetric).where(MonthlyMetric.county_id == county_id, MonthlyMetric.month == month)
        )
        in_month = (
            DailyMetric.county_id == county_id,
            DailyMetric.day >= days.first,
            DailyMetric.day <= days.last,
        )
        built = await db_session.scalar(
            select(func.count()).where(
                *in_month, DailyMetric.dimension == COUNTY, DailyMetric.metric == ROLLED_UP
            )
        )
        if built != days.days:
            return
        now = literal(utcnow(), DateTimeUTC(timezone=True))
        sums = (
            select(
                DailyMetric.county_id,
                literal(month, Date),
                DailyMetric.dimension,
                DailyMetric.key,
                DailyMetric.metric,
                func.sum(DailyMetric.value),
                now,
                now,
            )
            .where(*in_month, DailyMetric.dimension != COUNTY)
            .group_by(DailyMetric.county_id, DailyMetric.dimension, DailyMetric.key, DailyMetric.metric)
        )
        columns = ["county_id", "month", "dimension", "key", "metric", "value", "created_at", "updated_at"]
        await db_session.execute(insert(MonthlyMetric).from_select(columns, sums))
        db_session.add(
            MonthlyMetric(
                county_id=county_id, month=month, dimension=COUNTY, key="", metric=ROLLED_UP, value=1
            )
        )
        await db_session.flush()


async def rebuild_buyers(db_session: AsyncSession, county_id: int) -> int:
    """Write the county's buyer chain (:class:`~.models.BuyerOrder`) again from its orders and their
    ``order_paid`` facts, in one ``INSERT ... SELECT``: each purchase with LAG / LEAD of the Beijing
    day over its buyer's purchases in (paid time, order id) order, exactly as
    :func:`storefront.metrics.buyers.add_buyer_order` links them one by one. Returns the rows
    written; flushes but does not commit."""
    first_paid = (
        select(Event.order_id, func.min(Event.at).label("paid_at"))
        .where(Event.county_id == county_id, Event.kind == ORDER_PAID)
        .group_by(Event.order_id)
        .subquery()
    )
    paid_day = beijing_day(first_paid.c.paid_at)
    chain = {"partition_by": buyer_key(), "order_by": (first_paid.c.paid_at, Order.id)}
    now = literal(utcnow(), DateTimeUTC(timezone=True))
    purchases = (
        select(
            Order.county_id,
            Order.id,
            buyer_key(),
            first_paid.c.paid_at,
            paid_day,
            func.lag(paid_day, type_=Date).over(**chain),
            func.lead(paid_day, type_=Date).over(**chain),
            now,
            now,
        )
        .join(first_paid, first_paid.c.order_id == Order.id)
        .where(Order.county_id == county_id, Order.status.not_in(NEVER_SOLD))
    )
    columns = ["county_id", "order_id", "buyer", "paid_at", "paid_day", "previous_day", "next_day"]
    await lock_county_chain(db_session, county_id)  # payments linking orders meanwhile wait, then see it
    # Across counties: the tenant scope refuses INSERT ... SELECT, so the county is named here.
    with all_counties_scope(db_session):
        await db_session.execute(delete(BuyerCount).where(BuyerCount.county_id == county_id))
        await db_session.execute(delete(BuyerOrder).where(BuyerOrder.county_id == county_id))
        result = await db_session.execute(
            insert(BuyerOrder).from_select([*columns, "created_at", "updated_at"], purchases)
        )
        await db_session.flush()
    return result.rowcount


def settled_periods(today: datetime.date) -> set[Period]:
    """The settled part (up to :func:`~storefront.metrics.buyers.settled_until`) of each period the
    dashboard compares for each preset: the buyer counts the job stores."""
    settled = settled_until(today)
    return {
        Period(period.first, min(period.last, settled))
        for name in PRESETS
        for period in compared_periods(preset(name, today))
        if period.first <= settled
    }


async def store_buyer_counts(db_session: AsyncSession, county_id: int, today: datetime.date) -> None:
    """Count and store the buyers of :func:`settled_periods` not stored yet, and delete those no
    preset asks for any more. Flushes, does not commit.

    A late payment (``storefront.metrics.buyers``) waits for this transaction, then drops what it
    changes, or this transaction for it; another run storing the county's counts (the job, a
    rebuild from the command line) waits too. Both locks come first on PostgreSQL (a late payment
    deletes counts while holding the chain); on SQLite the first statement is a write, so no
    payment commits meanwhile."""
    wanted = settled_periods(today)
    await lock_stored_counts(db_session, county_id)
    await lock_county_chain(db_session, county_id, shared=True)
    with county_scope(db_session, county_id):
        await db_session.execute(
            delete(BuyerCount)
            .where(tuple_(BuyerCount.first, BuyerCount.last).not_in([(p.first, p.last) for p in wanted]))
            .execution_options(synchronize_session=False)
        )
        stored = {Period(*row) for row in await db_session.execute(select(BuyerCount.first, BuyerCount.last))}
        for period in sorted(wanted - stored):
            buyers, repeaters = await chain_counts(db_session, period)
            db_session.add(
                BuyerCount(
                    county_id=county_id,
                    first=period.first,
                    last=period.last,
                    buyers=buyers,
                    repeaters=repeaters,
                )
            )
        await db_session.flush()


async def missing_days(db_session: AsyncSession, county_id: int, period: Period) -> list[datetime.date]:
    """The days of ``period`` without roll-ups."""
    with county_scope(db_session, county_id):
        built = set(
            await db_session.scalars(
                select(DailyMetric.day).where(
                    DailyMetric.dimension == COUNTY,
                    DailyMetric.metric == ROLLED_UP,
                    DailyMetric.day >= period.first,
                    DailyMetric.day <= period.last,
                )
            )
        )
    return [on for on in period.each_day() if on not in built]


async def refresh(db_session: AsyncSession, today: datetime.date | None = None) -> int:
    """Rebuild yesterday, and the last week's days never built, for every active county, and store
    its buyer counts (:func:`store_buyer_counts`), committing county by county; returns how many
    county-days were written."""
    today = today or beijing_today()
    yesterday = today - datetime.timedelta(days=1)
    week = Period(today - datetime.timedelta(days=CATCH_UP_DAYS), yesterday)
    with all_counties_scope(db_session):
        counties = list(
            await db_session.scalars(select(County.id).where(County.is_active).order_by(County.id))
        )
    written = 0
    for county_id in counties:
        days = set(await missing_days(db_session, county_id, week)) | {yesterday}
        for on in sorted(days):
            written += await rebuild(db_session, county_id, on, on, today=today)
        await db_session.commit()
        await store_buyer_counts(db_session, county_id, today)
        await db_session.commit()
    return written


class UnknownCounty(LookupError):
    """No county has the slug asked for."""


async def rebuild_all(
    db_session: AsyncSession,
    county_slug: str | None = None,
    since: datetime.date | None = None,
    today: datetime.date | None = None,
) -> dict[str, int]:
    """``storefront metrics rebuild``: rebuild the buyer chain (:func:`rebuild_buyers`) and its
    stored counts, and every closed day since ``since`` (by default the county's first event) of one
    county (by slug) or of all, committing every :data:`CHUNK_DAYS` days; returns the days written
    per county slug."""
    today = today or beijing_today()
    with all_counties_scope(db_session):
        query = select(County.id, County.slug).order_by(County.id)
        if county_slug is not None:
            query = query.where(County.slug == county_slug)
        counties = (await db_session.execute(query)).all()
        if county_slug is not None and not counties:
            raise UnknownCounty(county_slug)
        firsts = dict(
            (
                await db_session.execute(
                    select(Event.county_id, func.min(Event.at))
                    .where(Event.county_id.in_([county_id for county_id, _slug in counties]))
                    .group_by(Event.county_id)
                )
            ).all()
        )
    written: dict[str, int] = {}
    for county_id, slug in counties:
        await rebuild_buyers(db_session, county_id)
        await db_session.commit()
        await store_buyer_counts(db_session, county_id, today)
        await db_session.commit()
        first = since or (beijing_date(firsts[county_id]) if county_id in firsts else None)
        written[slug] = 0
        if first is None or (period := closed(first, today, today)) is None:
            continue
        for start in range(0, period.days, CHUNK_DAYS):
            chunk_first = period.first + datetime.timedelta(days=start)
            chunk_last = min(period.last, chunk_first + datetime.timedelta(days=CHUNK_DAYS - 1))
            written[slug] += await rebuild(db_session, county_id, chunk_first, chunk_last, today=today)
            await db_session.commit()
    return written


async def _refresh(app: Litestar) -> None:
    async with app.state.db_config.get_session() as db_session:
        await refresh(db_session)


run_rollups = every(ROLLUP_LEASE, lambda _app: ROLLUP_INTERVAL_SECONDS, _refresh)
"""App lifespan: refresh the roll-ups every few minutes, in one worker at a time."""
