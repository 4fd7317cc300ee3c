"""Time: stored in UTC, shown and counted in Beijing time (China Standard Time, UTC+8, no daylight saving)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

if TYPE_CHECKING:
    from sqlalchemy.sql.compiler import SQLCompiler

BEIJING = datetime.timezone(datetime.timedelta(hours=8), "CST")
_BEIJING_HOURS = BEIJING.utcoffset(None) // datetime.timedelta(hours=1)


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def beijing_time(moment: datetime.datetime) -> str:
    """A stored time as a Chinese shopper reads it: ``2026-11-29 08:30``."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def beijing_date(moment: datetime.datetime) -> datetime.date:
    """The day it is in Beijing at ``moment`` (from 16:00 UTC, already the next day)."""
    return moment.astimezone(BEIJING).date()


class beijing_day(FunctionElement[datetime.date]):
    """:func:`beijing_date` in SQL, for a stored UTC time column: group and filter by Beijing days,
    e.g. ``select(beijing_day(Order.paid_at), func.count()).group_by(beijing_day(Order.paid_at))``.

    Compiled for SQLite and PostgreSQL; read back as a ``datetime.date`` on both.
    """

    type = Date()
    name = "beijing_day"
    inherit_cache = True


@compiles(beijing_day, "sqlite")
def _beijing_day_sqlite(element: beijing_day, compiler: SQLCompiler, **kw: Any) -> str:
    # DateTimeUTC stores UTC as text without an offset ("2026-11-28 16:01:00.000000"). The seconds
    # are cut first: date(..., '+8 hours') alone rounds to the millisecond, so 15:59:59.9995 UTC
    # would already count as the next day.
    utc = f"strftime('%Y-%m-%d %H:%M:%S', {compiler.process(element.clauses, **kw)})"
    return f"date({utc}, '+{_BEIJING_HOURS} hours')"


@compiles(beijing_day, "postgresql")
def _beijing_day_postgresql(element: beijing_day, compiler: SQLCompiler, **kw: Any) -> str:
    # DateTimeUTC is timestamptz here; AT TIME ZONE with an ISO offset (east positive) gives the
    # Beijing wall-clock time whatever the session's TimeZone, without needing the tz database.
    clock = f"({compiler.process(element.clauses, **kw)}) AT TIME ZONE INTERVAL '+{_BEIJING_HOURS:02d}:00'"
    return f"CAST({clock} AS DATE)"


@compiles(beijing_day)
def _beijing_day_elsewhere(element: beijing_day, compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"beijing_day() has no form for {compiler.dialect.name} (see storefront/clock.py)")
