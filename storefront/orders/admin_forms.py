"""The admin's order forms: the list's filters and search, and marking an order shipped.

Read through :func:`storefront.forms.read_form`; anything else a client sends (``county_id``,
``status``, ``amount_refunded``, ...) is no field of these models and is ignored.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

from storefront.forms import FormModel, Text, clipped, field_error, form_text, required
from storefront.i18n import N_
from storefront.orders.models import COURIERS, OrderStatus

TRACKING_NUMBER = re.compile(r"[A-Za-z0-9]{6,30}")


def _known_courier(value: str) -> str:
    if value not in COURIERS:
        raise field_error(N_("Please choose a courier from the list."))
    return value


def _tracking_number(value: str) -> str:
    value = value.replace(" ", "")
    if not TRACKING_NUMBER.fullmatch(value):
        raise field_error(N_("A tracking number is 6 to 30 letters and digits."))
    return value.upper()


class ShipForm(FormModel):
    courier: Annotated[Text, required(N_("Please choose a courier.")), AfterValidator(_known_courier)]
    tracking_number: Annotated[Text, AfterValidator(_tracking_number)]


def _status_or_any(value: str) -> str:
    if value and value not in OrderStatus.__members__.values():
        raise field_error(N_("Please choose a status from the list."))
    return value


def _date_or_none(value: object) -> datetime.date | None:
    value = form_text(value)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise field_error(N_("Please enter a date as YYYY-MM-DD.")) from None


class OrderFilterForm(FormModel):
    """The order list's query: every field optional; an empty field filters nothing."""

    q: Annotated[Text, clipped(100)] = ""
    status: Annotated[Text, AfterValidator(_status_or_any)] = ""
    date_from: Annotated[datetime.date | None, BeforeValidator(_date_or_none)] = None
    date_to: Annotated[datetime.date | None, BeforeValidator(_date_or_none)] = None
    flagged: Annotated[bool, BeforeValidator(lambda value: form_text(value) in {"1", "on", "true"})] = False
