"""The checkout forms: the contact and shipping address, and cancelling a checkout.

Read through :func:`storefront.forms.read_form`: every error next to its field, nothing typed lost.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo, field_validator

from storefront.checkout import divisions
from storefront.checkout.service import ShippingAddress
from storefront.forms import (
    FormModel,
    Text,
    field_error,
    limited,
    mail_address,
    required,
    without_separators,
)
from storefront.i18n import N_
from storefront.orders.forms import OrderNumber

MOBILE = re.compile(r"1[3-9][0-9]{9}")
POSTAL_CODE = re.compile(r"[0-9]{6}")


def _mobile(value: str) -> str:
    if not MOBILE.fullmatch(value):
        raise field_error(N_("A mobile number has 11 digits and starts with 13 to 19."))
    return value


def _postal_code(value: str) -> str:
    if value and not POSTAL_CODE.fullmatch(value):
        raise field_error(N_("A postal code has 6 digits."))
    return value


class CheckoutForm(FormModel):
    """Contact email and a Chinese shipping address; divisions are codes from ``divisions``."""

    email: Annotated[
        Text, required(N_("Please enter your email address.")), limited(254), AfterValidator(mail_address)
    ] = ""
    recipient: Annotated[Text, required(N_("Please enter the recipient's name.")), limited(50)] = ""
    mobile: Annotated[
        Text,
        AfterValidator(without_separators),
        required(N_("Please enter a mobile number.")),
        AfterValidator(_mobile),
    ] = ""
    province: Annotated[Text, required(N_("Please choose a province."))] = ""
    city: Text = ""
    district: Text = ""
    address: Annotated[Text, required(N_("Please enter the street address.")), limited(200)] = ""
    postal_code: Annotated[Text, AfterValidator(_postal_code)] = ""
    note: Annotated[Text, limited(500)] = ""

    @field_validator("city")
    @classmethod
    def _city_chosen(cls, city: str, info: ValidationInfo) -> str:
        if "province" in info.data and not city:  # without a province, only that is asked for
            raise field_error(N_("Please choose a city."))
        return city

    @field_validator("district")
    @classmethod
    def _district_of_the_city(cls, district: str, info: ValidationInfo) -> str:
        province, city = info.data.get("province"), info.data.get("city")
        if province and city and divisions.resolve(province, city, district) is None:
            raise field_error(N_("Please choose a district of the chosen city."))
        return district

    @property
    def shipping_address(self) -> ShippingAddress:
        names = divisions.resolve(self.province, self.city, self.district)
        assert names is not None  # checked by _district_of_the_city
        province, city, district = names
        typed = self.model_dump(include={"recipient", "mobile", "address", "postal_code", "note"})
        return ShippingAddress(**typed, province=province, city=city, district=district)


class CancelCheckoutForm(FormModel):
    order: OrderNumber = ""
