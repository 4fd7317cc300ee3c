"""The order lookup form: an order number and the email or mobile given at checkout."""

from __future__ import annotations

from typing import Annotated

from storefront.forms import FormModel, Text, clipped

OrderNumber = Annotated[Text, clipped(32)]
"""An order number as typed; longer text can only find nothing, so it is cut, not judged."""


class OrderLookupForm(FormModel):
    number: OrderNumber = ""
    contact: Annotated[Text, clipped(254)] = ""
