"""Periods of Beijing days the dashboard counts over: presets, the period before, the year before.

Every day here is a Beijing calendar day (``storefront.clock.beijing_date``); a period holds its
first and last day both. ``today`` is always passed in (the caller's Beijing day), so the same
preset gives the same days in tests and on the server.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from storefront.clock import BEIJING

PRESETS = ("today", "7d", "30d", "this_month", "last_12_months", "this_year")


@dataclass(frozen=True, order=True)
class Period:
    """Beijing days from ``first`` to ``last``, both included."""

    first: datetime.date
    last: datetime.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            msg = f"a period cannot end ({self.last}) before it starts ({self.first})"
            raise ValueError(msg)

    @property
    def days(self) -> int:
        """How many days the period holds (1 for a single day)."""
        return (self.last - self.first).days + 1

    def each_day(self) -> list[datetime.date]:
        return [self.first + datetime.timedelta(days=n) for n in range(self.days)]

    @property
    def starts_at(self) -> datetime.datetime:
        """The first moment of the period (Beijing midnight of ``first``), in UTC."""
        return beijing_midnight(self.first)

    @property
    def ends_before(self) -> datetime.datetime:
        """The first moment after the period (Beijing midnight after ``last``), in UTC."""
        return beijing_midnight(self.last + datetime.timedelta(days=1))


def beijing_midnight(day: datetime.date) -> datetime.datetime:
    """When the Beijing day ``day`` begins, as a UTC time (16:00 UTC the day before)."""
    return datetime.datetime.combine(day, datetime.time(), BEIJING).astimezone(datetime.UTC)


def preset(name: str, today: datetime.date) -> Period:
    """The period a preset names, ending ``today`` (a Beijing day):

    - ``today``: today only;
    - ``7d`` / ``30d``: the last 7 / 30 days, today included;
    - ``this_month``: from the 1st of this month to today;
    - ``last_12_months``: from the day after this day a year ago to today (365 days, 366 across
      a 29 February);
    - ``this_year``: from 1 January to today.

    An unknown name is a ``ValueError``.
    """
    if name == "today":
        return Period(today, today)
    if name == "7d":
        return Period(today - datetime.timedelta(days=6), today)
    if name == "30d":
        return Period(today - datetime.timedelta(days=29), today)
    if name == "this_month":
        return Period(today.replace(day=1), today)
    if name == "last_12_months":
        return Period(shift_years(today, -1) + datetime.timedelta(days=1), today)
    if name == "this_year":
        return Period(today.replace(month=1, day=1), today)
    msg = f"unknown period preset {name!r}; one of {', '.join(PRESETS)}"
    raise ValueError(msg)


def previous(period: Period) -> Period:
    """The period of the same number of days that ends the day before ``period`` starts."""
    last = period.first - datetime.timedelta(days=1)
    return Period(last - datetime.timedelta(days=period.days - 1), last)


def shift_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` later (or earlier); 29 February becomes 28 February in a
    year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def year_before(period: Period) -> Period:
    """The same calendar days one year earlier: 1-31 March 2025 gives 1-31 March 2024; a day
    29 February (first or last) becomes 28 February, so 1-29 February 2024 gives 1-28 February
    2023. (Its length may then differ from ``period`` by a day.)"""
    return Period(shift_years(period.first, -1), shift_years(period.last, -1))


def month_of(day: datetime.date) -> Period:
    """The whole calendar month ``day`` falls in."""
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return Period(first, following - datetime.timedelta(days=1))
