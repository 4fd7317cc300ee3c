"""Time: stored in UTC, shown and dated in Beijing time, by storefront/clock.py only."""

from __future__ import annotations

import datetime
import re

import pytest

from storefront.checkout.service import new_order_number
from storefront.clock import BEIJING, beijing_date, beijing_time
from storefront.tenancy.models import County
from tests.support.sources import said_outside


def test_times_are_shown_in_beijing_time():
    moment = datetime.datetime(2026, 11, 28, 18, 42, tzinfo=datetime.UTC)
    assert beijing_time(moment) == "2026-11-29 02:42"


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime.datetime(2026, 11, 28, 15, 59, 59, tzinfo=datetime.UTC), datetime.date(2026, 11, 28)),
        (datetime.datetime(2026, 11, 28, 16, 0, tzinfo=datetime.UTC), datetime.date(2026, 11, 29)),
        (datetime.datetime(2026, 11, 29, 0, 30, tzinfo=BEIJING), datetime.date(2026, 11, 29)),
    ],
)
def test_the_beijing_day_begins_at_16_00_utc(moment, day):
    assert beijing_date(moment) == day


def test_an_order_placed_at_one_in_the_morning_in_beijing_carries_that_day_in_its_number():
    placed = datetime.datetime(2026, 11, 28, 17, 0, tzinfo=datetime.UTC)  # 2026-11-29 01:00 in Beijing

    number = new_order_number(County(slug="raohe"), placed)

    assert re.fullmatch(r"RA261129[2-9A-HJ-NP-Z]{6}", number)


def test_only_the_clock_reads_the_time_or_knows_beijing_is_utc_plus_8():
    """A second ``datetime.now`` or UTC+8 would let a page and the dashboard disagree on the day."""
    assert said_outside("clock.py", r"datetime\.now\(|\bhours=8\b|UTC\+8|\+08:00|Asia/Shanghai") == []
