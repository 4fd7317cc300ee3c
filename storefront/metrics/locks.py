"""What the metrics' writers hold until their transaction ends, so that two of them touching the
same numbers run one after the other and the second sees what the first committed.

PostgreSQL: transaction advisory locks, named (the next statement sees what the holder committed).
SQLite runs one writer at a time, so nothing is taken there.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from sqlalchemy import func, select

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


async def hold(db_session: AsyncSession, name: str, *, shared: bool = False) -> None:
    """Hold the lock called ``name`` until the transaction ends (others may share a shared one)."""
    if db_session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
    lock = func.pg_advisory_xact_lock_shared if shared else func.pg_advisory_xact_lock
    await db_session.execute(select(lock(key)))


async def lock_county_chain(db_session: AsyncSession, county_id: int, *, shared: bool = False) -> None:
    """The county's buyer chain: exclusively by a rebuild and by a late payment, shared by other
    payments and by the job counting buyers."""
    await hold(db_session, f"buyer_orders:{county_id}", shared=shared)


async def lock_buyer(db_session: AsyncSession, county_id: int, buyer: str) -> None:
    """One buyer's chain: two of their orders paid at the same instant are linked one after the
    other, each seeing the other's row."""
    await hold(db_session, f"buyer_orders:{county_id}:{buyer}")


async def lock_stored_counts(db_session: AsyncSession, county_id: int) -> None:
    """The county's stored buyer counts, by whatever stores them (the job, the rebuild command), so
    two runs never store the same count twice."""
    await hold(db_session, f"buyer_counts:{county_id}")


async def lock_county_rollups(db_session: AsyncSession, county_id: int) -> None:
    """The county's daily and monthly roll-ups, by a rebuild of its days and by a late money fact
    reopening a day: the second waits, then sees the first's rows (a month rewritten without the
    late fact, or a day reopened under a rebuild, would be counted wrong for good)."""
    await hold(db_session, f"rollups:{county_id}")
