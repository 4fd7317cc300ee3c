"""The new-county form of the platform admin (``/admin/counties``): its address (slug) and
province, and its brand (names, tagline, colours with the text colour readable on the primary one)
by the rules of the brand form (:class:`storefront.tenancy.admin_forms.BrandForm`).

Read through :func:`storefront.forms.read_form`; anything else a client sends (``county_id``,
``is_active``, ``content_version``, ``custom_domain``, ...) is ignored. The slug names the shop in
its address (``/c/{slug}/`` and ``{slug}.{STOREFRONT_BASE_DOMAIN}``): lower-case ASCII letters,
digits and hyphens, a valid host label, never one of the platform's own (``www``). That no other
county has it is checked when saving (:mod:`storefront.tenancy.platform_service`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator

from storefront.forms import FormModel, SubmittedForm, Text, field_error, limited, read_form, required
from storefront.i18n import N_
from storefront.tenancy.admin_forms import BrandForm
from storefront.tenancy.hosts import COUNTY_LABEL, PLATFORM_LABELS


def _slug(value: str) -> str:
    value = value.lower() if value.isascii() else value
    if not COUNTY_LABEL.fullmatch(value):
        raise field_error(
            N_(
                "Use lower-case letters a-z, digits and hyphens (not at the start or end), "
                "at most 63, such as raohe."
            )
        )
    if value in PLATFORM_LABELS:
        raise field_error(N_("This address is the platform's own; please choose another."))
    return value


class NewCountyForm(FormModel):
    """A new county's address (slug) and province; its brand is read by :class:`BrandForm`."""

    slug: Annotated[
        Text, required(N_("Please give the county's address name, such as raohe.")), AfterValidator(_slug)
    ] = ""
    province_zh: Annotated[Text, required(N_("Please give the province in Chinese.")), limited(50)] = ""
    province_en: Annotated[Text, required(N_("Please give the province in English.")), limited(50)] = ""


BRAND_FIELDS = (
    "name_zh",
    "name_en",
    "tagline_zh",
    "tagline_en",
    "primary_color",
    "accent_color",
    "text_color",
)
"""What of the brand a new county is given on this form (the rest on /admin/brand, once it is open)."""
BRAND_DEFAULTS = {
    "primary_color": "#8a3b12",
    "accent_color": "#f2c14e",
    "text_color": "#ffffff",
    "shipping_fee": "10.00",
}
"""What the form starts with, and the brand fields it does not show (read as the brand form reads them)."""


def read_new_county(data: Mapping[str, Any] | None) -> tuple[SubmittedForm, dict[str, Any] | None]:
    """The form as submitted (values and errors by field, to show again) and, when every field is
    right, the ``County`` columns to create it with. Only the fields on this form are read: a
    forged ``custom_domain``, ``story_zh``, ``is_active``, ... is not."""
    data = data if isinstance(data, Mapping) else {}
    own = read_form(NewCountyForm, data)
    shown = {name: data[name] for name in BRAND_FIELDS if name in data}
    brand = read_form(BrandForm, {**BRAND_DEFAULTS, **shown})
    values = {**own.values, **{name: brand.values.get(name, "") for name in BRAND_FIELDS}}
    errors = {**own.errors, **{name: brand.errors[name] for name in BRAND_FIELDS if name in brand.errors}}
    if errors or own.data is None or brand.data is None:
        return SubmittedForm(values=values, errors=errors), None
    brand_columns = brand.data.columns()
    return SubmittedForm(values=values), {
        **own.data.model_dump(),
        **{name: brand_columns[name] for name in BRAND_FIELDS},
    }
