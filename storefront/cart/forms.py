"""The cart's forms: adding a variant, changing a line's quantity."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator

from storefront.forms import FormModel, field_error, form_text
from storefront.i18n import N_

WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
VARIANT_ID = re.compile(r"[0-9]{1,18}")  # fits a BIGINT


def _quantity(raw: Any) -> int:
    """A quantity typed by a shopper: a whole number from 1 up."""
    text = form_text(raw)
    if not WHOLE_NUMBER.fullmatch(text):
        raise field_error(N_("Please enter the quantity as a whole number, such as 1 or 2."))
    quantity = int(text)
    if quantity < 1:
        raise field_error(N_("The quantity must be at least 1."))
    return quantity


def _variant_id(raw: Any) -> int:
    text = form_text(raw)
    if not VARIANT_ID.fullmatch(text):
        raise field_error(N_("Please choose a size first."))
    return int(text)


Quantity = Annotated[int, BeforeValidator(_quantity)]
VariantId = Annotated[int, BeforeValidator(_variant_id)]


# A field left out is judged as if sent empty (``None`` is validated like "", so it is refused).


class AddToCartForm(FormModel):
    variant_id: VariantId = None  # type: ignore[assignment]
    quantity: Quantity = 1


class QuantityForm(FormModel):
    quantity: Quantity = None  # type: ignore[assignment]
