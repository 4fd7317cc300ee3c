"""The dashboard's range: one of the presets, or a custom range of Beijing days; and the month of a
producer's statement.

Read through :func:`storefront.forms.read_form` from the query string; what does not read is a
message on its field (in the admin's language) and the typed values are shown again.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, model_validator

from storefront.forms import FormModel, Text, field_error, form_text
from storefront.i18n import N_
from storefront.metrics.periods import PRESETS
from storefront.orders.admin_forms import FIRST_YEAR, LAST_YEAR, _date_or_none

CUSTOM = "custom"
DEFAULT_PRESET = "30d"
LONGEST_RANGE_DAYS = 3 * 366
"""A custom range covers at most about three years (a comparison then reads six)."""
MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def _known_range(value: str) -> str:
    if value and value not in (*PRESETS, CUSTOM):
        raise field_error(N_("Please choose a period from the list."))
    return value


class RangeForm(FormModel):
    """``range`` is a preset's name or ``custom``; a custom range needs both dates, in order (its
    refusal is the form's own message, under the key ``""``).

    Dates typed without ``range`` mean a custom range; nothing at all means :data:`DEFAULT_PRESET`.
    """

    range: Annotated[Text, AfterValidator(_known_range)] = ""
    date_from: Annotated[datetime.date | None, BeforeValidator(_date_or_none)] = None
    date_to: Annotated[datetime.date | None, BeforeValidator(_date_or_none)] = None

    @model_validator(mode="after")
    def _custom_range(self) -> RangeForm:
        if self.preset != CUSTOM:
            return self
        if self.date_from is None:
            raise field_error(N_("Please enter the first day of the range."))
        if self.date_to is None:
            raise field_error(N_("Please enter the last day of the range."))
        if self.date_to < self.date_from:
            raise field_error(N_("The last day must not be before the first day."))
        if (self.date_to - self.date_from).days >= LONGEST_RANGE_DAYS:
            raise field_error(N_("Please choose a range of at most three years."))
        return self

    @property
    def preset(self) -> str:
        if self.range:
            return self.range
        return CUSTOM if (self.date_from or self.date_to) else DEFAULT_PRESET


def _month(value: object) -> datetime.date:
    text = form_text(value)
    match = MONTH.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise field_error(N_("Please enter a month as YYYY-MM."))
    year = int(match.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise field_error(
            N_("Please enter a date between %(first)s and %(last)s."), first=FIRST_YEAR, last=LAST_YEAR
        )
    return datetime.date(year, int(match.group(2)), 1)


def _producer_id(value: object) -> int:
    text = form_text(value)
    if not text.isdigit() or not 0 < int(text) < 2**31:
        raise field_error(N_("Please choose a producer."))
    return int(text)


class StatementForm(FormModel):
    """A producer's monthly statement: which producer, which month (``YYYY-MM``)."""

    producer: Annotated[int, BeforeValidator(_producer_id)]
    month: Annotated[datetime.date, BeforeValidator(_month)]
