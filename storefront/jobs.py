"""Scheduled work that must run once across every worker and process: a lease per job in the database."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import utcnow
from storefront.db import Base

if TYPE_CHECKING:
    from litestar import Litestar

logger = logging.getLogger(__name__)


class JobLease(Base):
    """Who may run a scheduled job until when; taken with a conditional UPDATE."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), unique=True)
    held_until: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))


async def take_lease(
    db_session: AsyncSession, name: str, duration: datetime.timedelta, now: datetime.datetime | None = None
) -> bool:
    """Hold the job ``name`` for ``duration`` unless someone holds it now; True for the one caller
    that got it, however many workers try at the same moment (SQLite and PostgreSQL alike).

    Ends the session's transaction first and commits the lease, so take it before other work.
    """
    now = now or utcnow()
    held_until = now + duration
    await db_session.commit()  # on SQLite the UPDATE then takes the write lock up front
    taken = await db_session.execute(
        update(JobLease)
        .where(JobLease.name == name, JobLease.held_until <= now)
        .values(held_until=held_until)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount == 1:
        await db_session.commit()
        return True
    if await db_session.scalar(select(JobLease.id).where(JobLease.name == name)) is not None:
        await db_session.rollback()
        return False  # held by another worker
    db_session.add(JobLease(name=name, held_until=held_until))
    try:
        await db_session.commit()
    except IntegrityError:  # another worker took it first
        await db_session.rollback()
        return False
    return True


async def take_turn(app: Litestar, name: str, seconds: int) -> bool:
    """True in the one worker that runs job ``name`` this time (its lease held for ``seconds``)."""
    async with app.state.db_config.get_session() as db_session:
        return await take_lease(db_session, name, datetime.timedelta(seconds=seconds))


def every(
    name: str, seconds: Callable[[Litestar], int], job: Callable[[Litestar], Awaitable[Any]]
) -> Callable[[Litestar], contextlib.AbstractAsyncContextManager[None]]:
    """An app lifespan that runs ``job`` every ``seconds(app)`` seconds in whichever worker takes the
    lease ``name`` (so once across all of them); a failed run is logged and the next one comes."""

    async def run_forever(app: Litestar) -> None:
        interval = seconds(app)
        while True:
            await asyncio.sleep(interval)
            try:
                if await take_turn(app, name, interval):
                    await job(app)
            except Exception:
                logger.exception("scheduled job %s failed", name)

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        task = asyncio.create_task(run_forever(app))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan
