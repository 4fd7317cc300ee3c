"""The admin's order forms: the list's filters and search, marking an order shipped, a refund,
resolving a payment flag.

Read through :func:`storefront.forms.read_form`; anything else a client sends (``county_id``,
``status``, ``amount_refunded``, ...) is no field of these models and is ignored.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ValidationInfo, field_validator

from storefront.forms import FormModel, Text, clipped, field_error, form_text, limited, required
from storefront.i18n import N_
from storefront.money import Fen
from storefront.orders.models import COURIERS, OrderStatus

FIRST_YEAR, LAST_YEAR = 2000, 2100
"""The dates an order list can be filtered by (the calendar's ends would overflow in Beijing time)."""
TRACKING_NUMBER = re.compile(r"[A-Za-z0-9]{6,30}")
YUAN = re.compile(r"([0-9]{1,9})(?:\.([0-9]{0,2}))?")
WHOLE_FEN = re.compile(r"[0-9]{1,12}")


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
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise field_error(N_("Please enter a date as YYYY-MM-DD.")) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise field_error(
            N_("Please enter a date between %(first)s and %(last)s."), first=FIRST_YEAR, last=LAST_YEAR
        )
    return day


class OrderFilterForm(FormModel):
    """The order list's query: every field optional; an empty field filters nothing."""

    q: Annotated[Text, clipped(100)] = ""
    status: Annotated[Text, AfterValidator(_status_or_any)] = ""
    date_from: Annotated[datetime.date | None, BeforeValidator(_date_or_none)] = None
    date_to: Annotated[datetime.date | None, BeforeValidator(_date_or_none)] = None
    flagged: Annotated[bool, BeforeValidator(lambda value: form_text(value) in {"1", "on", "true"})] = False

    @field_validator("date_to")
    @classmethod
    def _in_order(cls, value: datetime.date | None, info: ValidationInfo) -> datetime.date | None:
        first = info.data.get("date_from")
        if value is not None and first is not None and value < first:
            raise field_error(N_("The last day must not be before the first day."))
        return value


def _refund_amount(raw: Any) -> Fen:
    """Yuan as typed ("12.80", "12", "¥1,234.50") to fen: more than zero, at most two decimals."""
    text = form_text(raw).replace("¥", "").replace("￥", "").replace(",", "").strip()
    if text.startswith("-"):
        raise field_error(N_("A refund cannot be negative."))
    found = YUAN.fullmatch(text)
    if not found:
        raise field_error(N_("Please enter the amount in yuan, with at most two decimals, such as 12.80."))
    fen = int(Decimal(f"{found.group(1)}.{found.group(2) or '0'}").scaleb(2))
    if fen <= 0:
        raise field_error(N_("A refund must be more than ¥0.00."))
    return fen


def _fen_seen(raw: Any) -> Fen:
    """What the page showed as already requested (a hidden field): the refund's compare-and-set."""
    text = form_text(raw)
    if not WHOLE_FEN.fullmatch(text):
        raise field_error(N_("This page is out of date; please reload it and try again."))
    return int(text)


class RefundForm(FormModel):
    amount: Annotated[Fen, BeforeValidator(_refund_amount)] = None  # type: ignore[assignment]
    reason: Annotated[Text, limited(200)] = ""
    requested: Annotated[Fen, BeforeValidator(_fen_seen)] = None  # type: ignore[assignment]


class ResolveForm(FormModel):
    note: Annotated[Text, required(N_("Please say how the flag was resolved.")), limited(500)] = ""
