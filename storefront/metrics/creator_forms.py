"""The creator form of ``/admin/creators``: name, platform, handle, referral code, commission in
percent (stored as basis points) and the active flag. Read through
:func:`storefront.forms.read_form`; anything else a client sends (``county_id``, ...) is ignored.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from storefront.catalog.admin_forms import Active
from storefront.forms import FormModel, Text, field_error, form_text, limited, required
from storefront.i18n import N_

PLATFORMS = {
    "douyin": N_("Douyin"),
    "kuaishou": N_("Kuaishou"),
    "channels": N_("WeChat Channels"),
    "xiaohongshu": N_("Xiaohongshu"),
    "other": N_("Other"),
}
"""The platforms a creator sells on, by the value stored (``Creator.platform``)."""

CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")
PERCENT = re.compile(r"([0-9]{1,3})(?:\.([0-9]{0,2}))?")
MAX_BASIS_POINTS = 10_000


def _platform(value: str) -> str:
    if value not in PLATFORMS:
        raise field_error(N_("Please choose a platform from the list."))
    return value


def _code(value: str) -> str:
    if not value:
        raise field_error(N_("Please enter a referral code."))
    if len(value) > 64:
        raise field_error(N_("Please keep this under %(limit)s characters."), limit=64)
    if not CODE.fullmatch(value):
        raise field_error(N_("Use letters, digits, hyphens and underscores only, such as laowang-video."))
    return value


def _commission(raw: Any) -> int:
    """A percentage as typed ("5", "5.5", "12.25", "5%") to basis points: 0 to 100, two decimals."""
    text = form_text(raw).replace("%", "").replace("％", "").strip() or "0"
    if re.fullmatch(r"[0-9]*\.[0-9]{3,}", text):
        raise field_error(N_("Please give the commission with at most two decimals, such as 5.25."))
    found = PERCENT.fullmatch(text)
    if not found:
        raise field_error(N_("Please enter the commission as a percentage from 0 to 100, such as 5.25."))
    basis_points = int(Decimal(f"{found.group(1)}.{found.group(2) or '0'}").scaleb(2))
    if basis_points > MAX_BASIS_POINTS:
        raise field_error(N_("Please enter the commission as a percentage from 0 to 100, such as 5.25."))
    return basis_points


def percent(basis_points: int) -> str:
    """Basis points as the form shows them: 500 is "5", 1225 is "12.25", 550 is "5.5"."""
    return f"{Decimal(basis_points).scaleb(-2):f}".rstrip("0").rstrip(".")


class CreatorForm(FormModel):
    name: Annotated[Text, required(N_("Please enter the creator's name.")), limited(100)]
    platform: Annotated[Text, AfterValidator(_platform)] = "douyin"
    handle: Annotated[Text, limited(100)] = ""
    code: Annotated[Text, AfterValidator(_code)]
    commission: Annotated[int, BeforeValidator(_commission)] = 0
    """Basis points (the form's field is in percent)."""
    is_active: Active = None  # type: ignore[assignment]  # unticked: absent from the form
