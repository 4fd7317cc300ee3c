"""Periods of Beijing days: presets, the period before and the same days a year before."""

from __future__ import annotations

import datetime

import pytest

from storefront.metrics.periods import PRESETS, Period, month_of, preset, previous, year_before

D = datetime.date
UTC = datetime.UTC


@pytest.mark.parametrize(
    ("name", "today", "first", "days"),
    [
        ("today", D(2026, 11, 29), D(2026, 11, 29), 1),
        ("7d", D(2026, 11, 29), D(2026, 11, 23), 7),
        ("30d", D(2026, 3, 1), D(2026, 1, 31), 30),
        ("this_month", D(2026, 11, 29), D(2026, 11, 1), 29),
        ("this_month", D(2026, 11, 1), D(2026, 11, 1), 1),
        ("last_12_months", D(2026, 11, 29), D(2025, 11, 30), 365),
        ("last_12_months", D(2024, 2, 29), D(2023, 3, 1), 366),
        ("last_12_months", D(2025, 2, 28), D(2024, 2, 29), 366),
        ("this_year", D(2026, 1, 1), D(2026, 1, 1), 1),
        ("this_year", D(2024, 12, 31), D(2024, 1, 1), 366),
    ],
)
def test_each_preset_ends_today_and_starts_where_its_name_says(name, today, first, days):
    period = preset(name, today)

    assert (period.first, period.last, period.days) == (first, today, days)


def test_every_preset_is_known_and_nothing_else_is():
    assert all(preset(name, D(2026, 5, 5)).last == D(2026, 5, 5) for name in PRESETS)
    with pytest.raises(ValueError, match="unknown period preset"):
        preset("forever", D(2026, 5, 5))


def test_the_previous_period_has_the_same_length_and_ends_the_day_before():
    assert previous(Period(D(2026, 3, 1), D(2026, 3, 31))) == Period(D(2026, 1, 29), D(2026, 2, 28))
    assert previous(Period(D(2026, 1, 1), D(2026, 1, 1))) == Period(D(2025, 12, 31), D(2025, 12, 31))
    assert previous(preset("7d", D(2026, 1, 3))) == Period(D(2025, 12, 21), D(2025, 12, 27))


def test_the_year_before_is_the_same_calendar_days_with_29_february_as_the_28th():
    assert year_before(Period(D(2026, 1, 1), D(2026, 1, 4))) == Period(D(2025, 1, 1), D(2025, 1, 4))
    assert year_before(Period(D(2024, 2, 1), D(2024, 2, 29))) == Period(D(2023, 2, 1), D(2023, 2, 28))
    assert year_before(Period(D(2024, 2, 29), D(2024, 2, 29))) == Period(D(2023, 2, 28), D(2023, 2, 28))
    assert year_before(Period(D(2025, 2, 28), D(2025, 3, 1))) == Period(D(2024, 2, 28), D(2024, 3, 1))


def test_a_period_is_counted_from_beijing_midnight_in_utc():
    period = Period(D(2026, 1, 1), D(2026, 1, 1))

    assert period.starts_at == datetime.datetime(2025, 12, 31, 16, 0, tzinfo=UTC)
    assert period.ends_before == datetime.datetime(2026, 1, 1, 16, 0, tzinfo=UTC)
    assert period.each_day() == [D(2026, 1, 1)]


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="cannot end"):
        Period(D(2026, 1, 2), D(2026, 1, 1))


def test_a_month_is_its_whole_calendar_month():
    assert month_of(D(2024, 2, 10)) == Period(D(2024, 2, 1), D(2024, 2, 29))
    assert month_of(D(2026, 12, 31)) == Period(D(2026, 12, 1), D(2026, 12, 31))
