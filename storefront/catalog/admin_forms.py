"""The product list's inline forms: a variant's price (yuan), its on-hand stock, a product's active flag.

Read through :func:`storefront.forms.read_form`; anything else a client sends (``county_id``,
``held``, ``stock``, ...) is ignored.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator

from storefront.forms import FormModel, field_error, form_text
from storefront.i18n import N_
from storefront.money import Fen

YUAN = re.compile(r"([0-9]{1,7})(?:\.([0-9]{0,2}))?")
MAX_PRICE: Fen = 100_000_000  # ¥1,000,000.00: more than any jar of honey costs
MAX_ON_HAND = 1_000_000
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


def _price(raw: Any) -> Fen:
    """Yuan as typed ("12.80", "12.8", "12", "¥12.80") to fen: at most two decimals, more than zero."""
    text = form_text(raw).replace("¥", "").replace("￥", "").replace(",", "").strip()
    if not text:
        raise field_error(N_("Please enter a price in yuan, such as 12.80."))
    if text.startswith("-"):
        raise field_error(N_("The price cannot be negative."))
    if re.fullmatch(r"[0-9]*\.[0-9]{3,}", text):
        raise field_error(N_("Please give the price with at most two decimals, such as 12.80."))
    found = YUAN.fullmatch(text)
    if not found:
        if re.fullmatch(r"[0-9]{8,}(\.[0-9]*)?", text):
            raise field_error(N_("The price cannot be more than ¥1,000,000."))
        raise field_error(N_("Please enter a price in yuan, such as 12.80."))
    fen = int(Decimal(f"{found.group(1)}.{found.group(2) or '0'}").scaleb(2))
    if fen <= 0:
        raise field_error(N_("The price must be more than ¥0.00."))
    if fen > MAX_PRICE:
        raise field_error(N_("The price cannot be more than ¥1,000,000."))
    return fen


def _on_hand(raw: Any) -> int:
    text = form_text(raw)
    if text.startswith("-"):
        raise field_error(N_("Stock on hand cannot be negative."))
    if not WHOLE_NUMBER.fullmatch(text):
        raise field_error(N_("Please enter the stock on hand as a whole number, such as 20."))
    count = int(text)
    if count > MAX_ON_HAND:
        raise field_error(N_("Stock on hand cannot be more than %(limit)s."), limit=MAX_ON_HAND)
    return count


def _active(raw: Any) -> bool:
    """A checkbox (``on``, absent when unticked) or a button's value (``1`` / ``0``)."""
    return form_text(raw).lower() in {"1", "on", "true", "yes"}


Price = Annotated[int, BeforeValidator(_price)]
OnHand = Annotated[int, BeforeValidator(_on_hand)]
Active = Annotated[bool, BeforeValidator(_active)]


class PriceForm(FormModel):
    price: Price = None  # type: ignore[assignment]


class OnHandForm(FormModel):
    on_hand: OnHand = None  # type: ignore[assignment]


class ActiveForm(FormModel):
    active: Active = None  # type: ignore[assignment]
