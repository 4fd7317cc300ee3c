"""The brand form: what a county's shop looks like and tells shoppers (``/admin/brand``).

One pydantic model, :class:`BrandForm`, read through :func:`storefront.forms.read_form`; anything
else a client sends (``county_id``, ``slug``, ``content_version``, ``logo_path``, ...) is ignored.
Platform pages that create a county reuse it (:meth:`BrandForm.columns` gives the ``County``
columns it sets).

- Colours are ``#rrggbb`` (``#rgb`` and upper case accepted), stored lower case in six digits; the
  text colour (of text set on the primary colour) must reach WCAG AA on it: a contrast ratio of at
  least 4.5:1 by the WCAG relative-luminance formula (:func:`contrast_ratio`).
- Shipping fee and free-shipping threshold are typed in yuan, kept in fen, by the price rules of
  :mod:`storefront.catalog.admin_forms`; the fee may be ¥0 (always free), the threshold may be
  left empty (no free shipping).
- The custom domain is a host name only (no scheme, port or path), kept lower case; that no other
  county has it and that it is not one of the platform's own hosts is checked when saving
  (:mod:`storefront.tenancy.service`), as only the database and the settings know.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, ValidationInfo, field_validator

from storefront.catalog.admin_forms import _price
from storefront.forms import FormModel, Text, field_error, form_text, limited, required
from storefront.i18n import N_
from storefront.money import Fen, decimal_string

AA_CONTRAST = 4.5
"""WCAG 2 level AA for normal text: the least contrast ratio text must have on its background."""

HEX_COLOUR = re.compile(r"#?([0-9a-f]{3}|[0-9a-f]{6})")
HOST_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{3,28}")
WECHAT_ID = re.compile(r"[a-zA-Z][-_a-zA-Z0-9]{5,19}")
SC_NUMBER = re.compile(r"SC[0-9]{14}")
ZERO_YUAN = re.compile(r"0+(\.0{0,2})?")
LONG_TEXT = 4000


def normalize_colour(raw: Any) -> str:
    """``#RGB``, ``#rgb``, ``#RRGGBB`` (the ``#`` may be left out) to ``#rrggbb``."""
    text = form_text(raw).lower()
    found = HEX_COLOUR.fullmatch(text)
    if not found:
        raise field_error(N_("Please give a colour as # and six hex digits, such as #8a3b12."))
    digits = found.group(1)
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return f"#{digits}"


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``: 0 for black, 1 for white."""
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def shown_ratio(ratio: float) -> str:
    """A ratio as people read it, rounded down (4.499 is "4.49", never a passing "4.50")."""
    return str(Decimal(ratio).quantize(Decimal("0.01"), rounding=ROUND_DOWN))


def _amount(raw: Any) -> str:
    text = form_text(raw).replace("¥", "").replace("￥", "").strip()
    if text.startswith("-"):
        raise field_error(N_("An amount cannot be negative."))
    return text


def _fee(raw: Any) -> Fen:
    """Yuan as a price is typed, ¥0 allowed: free shipping for every order."""
    return 0 if ZERO_YUAN.fullmatch(_amount(raw)) else _price(raw)


def _threshold(raw: Any) -> Fen | None:
    """Yuan as a price is typed; empty for no free shipping."""
    return _price(raw) if _amount(raw) else None


def _yuan(amount: Fen | None) -> str:
    return "" if amount is None else decimal_string(amount)


def _host(raw: Any) -> str | None:
    """A host name as typed (upper case and a trailing dot forgiven) to lower case; empty for none."""
    text = form_text(raw).lower().rstrip(".")
    if not text:
        return None
    if "://" in text or "/" in text or ":" in text or "@" in text:
        raise field_error(
            N_("Please give the domain name only, such as shop.example.cn: no http://, port or path.")
        )
    if not text.isascii():
        try:
            text = text.encode("idna").decode("ascii")
        except UnicodeError:
            raise field_error(N_("Please give a valid domain name, such as shop.example.cn.")) from None
    labels = text.split(".")
    if (
        len(text) > 253
        or len(labels) < 2
        or not all(HOST_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise field_error(N_("Please give a valid domain name, such as shop.example.cn."))
    return text


def matching(pattern: re.Pattern[str], message: str) -> AfterValidator:
    """A field that may stay empty, or else must be written as ``pattern`` says (``message`` if not)."""

    def check(value: str) -> str:
        if value and not pattern.fullmatch(value):
            raise field_error(message)
        return value

    return AfterValidator(check)


def _lines(raw: Any) -> str:
    """Text as typed, with the line breaks browsers send (CR LF) as plain newlines: a blank line
    between paragraphs is then ``\\n\\n`` however it was typed."""
    return form_text(raw).replace("\r\n", "\n").replace("\r", "\n")


def _text(limit: int) -> Any:
    return Annotated[str, BeforeValidator(_lines), limited(limit)]


Colour = Annotated[str, BeforeValidator(normalize_colour)]
Fee = Annotated[int, BeforeValidator(_fee), PlainSerializer(_yuan)]
Threshold = Annotated[int | None, BeforeValidator(_threshold), PlainSerializer(_yuan)]
Host = Annotated[str | None, BeforeValidator(_host), PlainSerializer(lambda host: host or "")]
Short = _text(100)
Line = _text(200)
Long = _text(LONG_TEXT)


class BrandForm(FormModel):
    """A county's brand as its admin types it. ``model_dump()`` gives it back as typed (yuan, empty
    for none), to fill the form again; :meth:`columns` gives the ``County`` columns to store."""

    name_zh: Annotated[Text, required(N_("Please give the county's name in Chinese.")), limited(100)] = ""
    name_en: Short = ""
    tagline_zh: Line = ""
    tagline_en: Line = ""
    story_zh: Long = ""
    story_en: Long = ""
    primary_color: Colour = None  # type: ignore[assignment]
    accent_color: Colour = None  # type: ignore[assignment]
    text_color: Colour = None  # type: ignore[assignment]
    shipping_fee: Fee = None  # type: ignore[assignment]
    free_shipping_threshold: Threshold = None
    custom_domain: Host = None
    service_phone: Annotated[
        _text(30), matching(PHONE, N_("Please give a phone number of digits, such as 400-123-4567."))
    ] = ""
    service_wechat: Annotated[
        _text(50),
        matching(WECHAT_ID, N_("A WeChat ID has 6 to 20 letters, digits, - or _, and starts with a letter.")),
    ] = ""
    service_hours_zh: Short = ""
    service_hours_en: Short = ""
    shipping_promise_zh: Line = ""
    shipping_promise_en: Line = ""
    after_sales_zh: Long = ""
    after_sales_en: Long = ""
    business_licence: Short = ""
    food_licence: Annotated[
        Short,
        AfterValidator(lambda value: value.upper().replace(" ", "")),
        matching(
            SC_NUMBER,
            N_("A food production licence number is SC and 14 digits, such as SC12723052400012."),
        ),
    ] = ""
    origin_mark_zh: Line = ""
    origin_mark_en: Line = ""

    @field_validator("text_color")
    @classmethod
    def _readable_on_primary(cls, text_color: str, info: ValidationInfo) -> str:
        primary = info.data.get("primary_color")
        if primary is not None and (ratio := contrast_ratio(text_color, primary)) < AA_CONTRAST:
            raise field_error(
                N_(
                    "Text in %(text)s on the primary colour %(primary)s has a contrast of only "
                    "%(ratio)s:1; at least 4.5:1 is needed to be readable (WCAG AA). "
                    "Choose a lighter or darker colour."
                ),
                text=text_color,
                primary=primary,
                ratio=shown_ratio(ratio),
            )
        return text_color

    def columns(self) -> dict[str, Any]:
        """The ``County`` columns this form sets, typed as stored (fen, None for no threshold or
        domain, colours ``#rrggbb``)."""
        return {name: getattr(self, name) for name in type(self).model_fields}

    @classmethod
    def shown(cls, county: Any) -> dict[str, str]:
        """A county's stored brand as the form shows it (fees in yuan, empty for none)."""
        return {
            name: _yuan(value) if name in {"shipping_fee", "free_shipping_threshold"} else value or ""
            for name in cls.model_fields
            for value in [getattr(county, name)]
        }
