"""Time: stored in UTC, shown and counted in Beijing time (China Standard Time, UTC+8, no daylight saving)."""

from __future__ import annotations

import datetime

BEIJING = datetime.timezone(datetime.timedelta(hours=8), "CST")


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def beijing_time(moment: datetime.datetime) -> str:
    """A stored time as a Chinese shopper reads it: ``2026-11-29 08:30``."""
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def beijing_date(moment: datetime.datetime) -> datetime.date:
    """The day it is in Beijing at ``moment`` (from 16:00 UTC, already the next day)."""
    return moment.astimezone(BEIJING).date()
