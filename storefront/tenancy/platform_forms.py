"""The new-county form of the platform admin (``/admin/counties``).

Read through :func:`storefront.forms.read_form`; anything else a client sends (``county_id``,
``is_active``, ``content_version``, ``custom_domain``, ...) is ignored. The slug names the shop in
its address (``/c/{slug}/`` and ``{slug}.{STOREFRONT_BASE_DOMAIN}``): lower-case ASCII letters,
digits and hyphens, a valid host label, never one of the platform's own (``www``). That no other
county has it is checked when saving (:mod:`storefront.tenancy.platform_service`).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from storefront.forms import FormModel, Text, field_error, limited, required
from storefront.i18n import N_
from storefront.tenancy.hosts import PLATFORM_LABELS

SLUG = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


def _slug(value: str) -> str:
    value = value.lower() if value.isascii() else value
    if not SLUG.fullmatch(value):
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
    """A new county's address (slug), names, province and tagline in Chinese and English."""

    slug: Annotated[
        Text, required(N_("Please give the county's address name, such as raohe.")), AfterValidator(_slug)
    ] = ""
    name_zh: Annotated[Text, required(N_("Please give the county's name in Chinese.")), limited(100)] = ""
    name_en: Annotated[Text, required(N_("Please give the county's name in English.")), limited(100)] = ""
    province_zh: Annotated[Text, required(N_("Please give the province in Chinese.")), limited(50)] = ""
    province_en: Annotated[Text, required(N_("Please give the province in English.")), limited(50)] = ""
    tagline_zh: Annotated[Text, limited(200)] = ""
    tagline_en: Annotated[Text, limited(200)] = ""

    def columns(self) -> dict[str, str]:
        """The ``County`` columns this form sets."""
        return self.model_dump()
