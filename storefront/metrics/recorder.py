"""The buffered batch writer of shopper events.

A page puts its events in an in-process queue (:meth:`EventRecorder.put`: no await, no query, never
blocks); a background task started in the app's lifespan (:func:`run_event_writer`) writes them
in batches, when ``batch_size`` are waiting or ``interval`` seconds after the first one, whichever
comes first, and writes what is left at shutdown. When the queue holds ``capacity`` events (the
database has been down a while), new ones are dropped and counted rather than slowing pages.

The writer has its own small connection pool, so a burst of events never takes the connections
that pages need; each batch costs one query to resolve the county and product slugs that cached
pages name (counties are then remembered), and the rows go to the database driver as they are
(:func:`_insert`): the ORM's bulk insert spent some 50 µs of the server's CPU on each event, more
than the page view it records.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import functools
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from storefront.catalog.models import Product
from storefront.clock import utcnow
from storefront.db import all_counties_scope
from storefront.metrics.models import Event
from storefront.tenancy.models import County

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from litestar import Litestar
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
INTERVAL_SECONDS = 0.5
CAPACITY = 100_000
COUNTY_MEMORY_SECONDS = 300.0


class PendingEvent(NamedTuple):
    """An event waiting to be written: its county by id (known in handlers) or by slug (a cached page)."""

    kind: str
    at: datetime.datetime
    county_id: int | None
    county_slug: str
    visitor: str = ""
    creator_code: str | None = None
    device: str = ""
    product_id: int | None = None
    product_slug: str | None = None
    order_id: int | None = None
    query: str | None = None
    results: int | None = None
    amount: int | None = None


class EventRecorder:
    def __init__(
        self,
        engine: AsyncEngine | None = None,
        *,
        batch_size: int = BATCH_SIZE,
        interval: float = INTERVAL_SECONDS,
        capacity: int = CAPACITY,
    ) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.interval = interval
        self.capacity = capacity
        self.dropped = 0
        self.written = 0
        self._queue: deque[PendingEvent] = deque()
        self._bind()
        self._counties: dict[str, int] = {}
        self._counties_read_at = 0.0

    def _bind(self) -> None:
        """New signals for the event loop the writer runs in (an app may be served by several in turn)."""
        self._arrived = asyncio.Event()
        self._full = asyncio.Event()
        self._lock = asyncio.Lock()
        if self._queue:
            self._arrived.set()

    def put(self, event: PendingEvent) -> None:
        if len(self._queue) >= self.capacity:
            self.dropped += 1
            if self.dropped % 1000 == 1:
                logger.warning("event queue full (%s): %s events dropped so far", self.capacity, self.dropped)
            return
        self._queue.append(event)
        self._arrived.set()
        if len(self._queue) >= self.batch_size:
            self._full.set()

    @property
    def waiting(self) -> int:
        return len(self._queue)

    async def run(self) -> None:
        """Write batches until cancelled."""
        while True:
            await self._arrived.wait()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._full.wait(), self.interval)
            try:
                # Shielded: stopping the writer never cuts a batch off between its commit and its count.
                await asyncio.shield(self.flush())
            except Exception:  # the database is away: the events wait in the queue for the next turn
                logger.exception("writing %s events failed", self.waiting)
                await asyncio.sleep(self.interval)

    async def stop(self, task: asyncio.Task[None]) -> None:
        """Stop the writer ``task``, write what is still queued, close the pool."""
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        try:
            await self.flush()
        except Exception:
            logger.exception("%s events could not be written at shutdown", self.waiting)
        if self.engine is not None:
            await self.engine.dispose()

    async def flush(self) -> None:
        """Write the events queued when called, in batches (those queued meanwhile wait for the next
        turn, so a steady stream is written in full batches, not one small batch after another)."""
        async with self._lock:
            self._arrived.clear()
            self._full.clear()
            left = len(self._queue)
            while left > 0 and self._queue:
                batch = [self._queue.popleft() for _ in range(min(self.batch_size, left, len(self._queue)))]
                try:
                    await self._write(batch)
                except Exception:
                    self._queue.extendleft(reversed(batch))  # kept, in order, for the next try
                    self._arrived.set()
                    raise
                left -= len(batch)
                self.written += len(batch)
            if self._queue:
                self._arrived.set()
                if len(self._queue) >= self.batch_size:
                    self._full.set()

    async def _write(self, batch: list[PendingEvent]) -> None:
        assert self.engine is not None, "the event writer runs without a database"
        async with async_sessionmaker(self.engine)() as session:
            with all_counties_scope(session):
                counties, products = await self._resolve(session, batch)
                connection = await session.connection()
                rows = _rows(batch, counties, products, sqlite=connection.dialect.name == "sqlite")
                if rows:
                    await _insert(connection, rows)
                await session.commit()

    async def _resolve(
        self, session: AsyncSession, batch: list[PendingEvent]
    ) -> tuple[dict[str, int], dict[tuple[int, str], int]]:
        """County ids by slug (counties are remembered a while) and product ids by county and product
        slug: one query for the batch, none when every county is known and no product is named."""
        if time.monotonic() - self._counties_read_at > COUNTY_MEMORY_SECONDS:
            self._counties, self._counties_read_at = {}, time.monotonic()
        named = [event for event in batch if event.product_slug and event.product_id is None]
        counties = {e.county_slug for e in batch if e.county_id is None} - self._counties.keys()
        counties |= {event.county_slug for event in named}
        products: dict[tuple[int, str], int] = {}
        if counties:
            found = (
                select(County.slug, County.id, Product.slug, Product.id)
                .outerjoin(
                    Product,
                    and_(Product.county_id == County.id, Product.slug.in_({e.product_slug for e in named})),
                )
                .where(County.slug.in_(counties))
            )
            for county_slug, county_id, product_slug, product_id in await session.execute(found):
                self._counties[county_slug] = county_id
                if product_id is not None:
                    products[county_id, product_slug] = product_id
        return self._counties, products


_COLUMNS = (
    "county_id", "kind", "at", "visitor", "creator_code", "device", "product_id", "order_id", "query",
    "results", "amount", "created_at", "updated_at",
)  # fmt: skip
_PLACEHOLDERS = {"qmark": lambda _: "?", "numeric_dollar": lambda number: f"${number}"}


async def _insert(connection: AsyncConnection, rows: list[tuple[object, ...]]) -> None:
    """PostgreSQL takes the rows by ``COPY`` (asyncpg's binary copy, the cheapest way in for this
    process and for the database); SQLite by one INSERT executed for every row."""
    if connection.dialect.driver == "asyncpg":
        raw = await connection.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(Event.__tablename__, records=rows, columns=_COLUMNS)
    else:
        await connection.exec_driver_sql(_insert_statement(connection.dialect.paramstyle), rows)


@functools.cache
def _insert_statement(paramstyle: str) -> str:
    """The INSERT of one event row, in the driver's own placeholders (SQLite's ``?``)."""
    values = ", ".join(_PLACEHOLDERS[paramstyle](number) for number in range(1, len(_COLUMNS) + 1))
    return f"INSERT INTO {Event.__tablename__} ({', '.join(_COLUMNS)}) VALUES ({values})"


def _rows(
    batch: list[PendingEvent],
    counties: dict[str, int],
    products: dict[tuple[int, str], int],
    *,
    sqlite: bool,
) -> list[tuple[object, ...]]:
    """The batch's rows in the order of :func:`_insert_statement`; events of no known county are left out."""
    written_at = _stored(utcnow(), sqlite=sqlite)
    rows = []
    for event in batch:
        county_id = event.county_id or counties.get(event.county_slug)
        if county_id is None:
            continue
        product_id = event.product_id
        if product_id is None and event.product_slug:
            product_id = products.get((county_id, event.product_slug))
        at = _stored(event.at, sqlite=sqlite)
        rows.append(
            (county_id, event.kind, at, event.visitor, event.creator_code, event.device, product_id,
             event.order_id, event.query, event.results, event.amount, written_at, written_at)
        )  # fmt: skip
    return rows


def _stored(moment: datetime.datetime, *, sqlite: bool) -> datetime.datetime | str:
    """A UTC time as the ``DateTimeUTC`` columns store it: as it is for PostgreSQL, and as SQLAlchemy
    writes it in SQLite (naive UTC text with microseconds, which sorts and compares as a time)."""
    if not sqlite:
        return moment
    return moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def writer_engine(database_url: str, connect_args: dict[str, object]) -> AsyncEngine:
    """The writer's own pool: two connections are plenty for one INSERT at a time."""
    if database_url.startswith("sqlite"):
        return create_async_engine(database_url, connect_args=connect_args)
    return create_async_engine(database_url, connect_args=connect_args, pool_size=2, max_overflow=0)


@contextlib.asynccontextmanager
async def run_event_writer(app: Litestar) -> AsyncIterator[None]:
    """Writes the app's events in the background; what is queued at shutdown is written then."""
    recorder: EventRecorder | None = app.state.get("events")
    if recorder is None:
        yield
        return
    recorder._bind()
    task = asyncio.create_task(recorder.run())
    try:
        yield
    finally:
        await recorder.stop(task)
