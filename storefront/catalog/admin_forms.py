"""The catalog's admin forms: the product list's inline edits (a variant's price in yuan, its
on-hand stock, a product's active flag) and the edit pages of products, variants, producers and
categories. Each rule (price, on hand, slug, SKU, position) is written once here and used by
every form that has the field.

Read through :func:`storefront.forms.read_form`; anything else a client sends (``county_id``,
``held``, ``stock``, ...) is ignored.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from storefront.forms import FormModel, Text, field_error, form_text, limited, required
from storefront.i18n import N_
from storefront.money import Fen

YUAN = re.compile(r"([0-9]{1,7})(?:\.([0-9]{0,2}))?")
MAX_PRICE: Fen = 100_000_000  # ¥1,000,000.00: more than any jar of honey costs
MAX_ON_HAND = 1_000_000
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
MAX_POSITION = 1_000_000
LONG_TEXT = 20_000
PRODUCER_KINDS = {"farmer": N_("Farmer"), "coop": N_("Co-operative")}


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


def _shown_count(raw: Any) -> int | None:
    """A count the page itself wrote in a hidden field (none when absent: a page from before it)."""
    text = form_text(raw)
    if not text:
        return None
    if not WHOLE_NUMBER.fullmatch(text):
        raise field_error(N_("This page is out of date; please reload it and try again."))
    return int(text)


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


def _code(value: str, *, limit: int, pattern: re.Pattern[str], empty: str, wrong: str) -> str:
    """A short name machines read (a slug, a SKU): given, at most ``limit`` long, of ``pattern``."""
    if not value:
        raise field_error(empty)
    if len(value) > limit:
        raise field_error(N_("Please keep this under %(limit)s characters."), limit=limit)
    if not pattern.fullmatch(value):
        raise field_error(wrong)
    return value


def _slug(value: str) -> str:
    """The last part of a shop address: ``Linden-Honey`` is taken as ``linden-honey``."""
    return _code(
        value.lower(),
        limit=63,
        pattern=SLUG,
        empty=N_("Please enter a web address name, such as linden-honey."),
        wrong=N_("Use lower-case letters a-z, digits and hyphens only, such as linden-honey."),
    )


def _sku(value: str) -> str:
    return _code(
        value,
        limit=64,
        pattern=SKU,
        empty=N_("Please enter a SKU, such as HONEY-500."),
        wrong=N_("A SKU is letters, digits, dots, hyphens and underscores, such as HONEY-500."),
    )


def _position(raw: Any) -> int:
    """Where an item comes in its list (smaller first); blank is 0."""
    text = form_text(raw)
    if not text:
        return 0
    if not WHOLE_NUMBER.fullmatch(text) or int(text) > MAX_POSITION:
        raise field_error(
            N_("Please enter the position as a whole number from 0 to %(limit)s."), limit=MAX_POSITION
        )
    return int(text)


def _choice_id(raw: Any) -> int | None:
    """The id of an option of a select (checked against the county's rows by the service); blank is none."""
    text = form_text(raw)
    if not text:
        return None
    if not WHOLE_NUMBER.fullmatch(text):
        raise field_error(N_("Please choose from the list."))
    return int(text)


def _producer_kind(value: str) -> str:
    if value not in PRODUCER_KINDS:
        raise field_error(N_("Please choose from the list."))
    return value


Price = Annotated[int, BeforeValidator(_price)]
OnHand = Annotated[int, BeforeValidator(_on_hand)]
ShownCount = Annotated[int | None, BeforeValidator(_shown_count)]
Active = Annotated[bool, BeforeValidator(_active)]
Slug = Annotated[Text, AfterValidator(_slug)]
Sku = Annotated[Text, AfterValidator(_sku)]
Position = Annotated[int, BeforeValidator(_position)]
ChoiceId = Annotated[int | None, BeforeValidator(_choice_id)]
LongText = Annotated[Text, limited(LONG_TEXT)]


class PriceForm(FormModel):
    price: Price = None  # type: ignore[assignment]


class OnHandForm(FormModel):
    on_hand: OnHand = None  # type: ignore[assignment]
    on_hand_shown: ShownCount = None
    """The count the list showed (a hidden field): see :class:`VariantForm`."""


class ActiveForm(FormModel):
    active: Active = None  # type: ignore[assignment]


class ProductForm(FormModel):
    """A product's own fields (the edit page); its variants have forms of their own."""

    slug: Slug = ""
    name_zh: Annotated[Text, required(N_("Please enter the product's name in Chinese.")), limited(200)] = ""
    name_en: Annotated[Text, limited(200)] = ""
    description_zh: LongText = ""
    description_en: LongText = ""
    origin_zh: LongText = ""
    origin_en: LongText = ""
    category_id: ChoiceId = None
    producer_id: ChoiceId = None
    active: Active = None  # type: ignore[assignment]
    position: Position = None  # type: ignore[assignment]


class VariantFields(FormModel):
    """What a shopper buys: a label, a SKU, a price in yuan and the stock on hand."""

    label_zh: Annotated[
        Text, required(N_("Please enter the variant's label in Chinese, such as 500克瓶装.")), limited(100)
    ] = ""
    label_en: Annotated[Text, limited(100)] = ""
    sku: Sku = ""
    price: Price = None  # type: ignore[assignment]
    on_hand: OnHand = None  # type: ignore[assignment]


class VariantForm(VariantFields):
    position: Position = None  # type: ignore[assignment]
    on_hand_shown: ShownCount = None
    """The on-hand count the edit page showed (a hidden field): stock is counted again only if
    ``on_hand`` was typed otherwise, and only while the count is still this one."""


class NewProductForm(ProductForm, VariantFields):
    """A new product and its first variant: a product is never without something to buy."""


class ProducerForm(FormModel):
    slug: Slug = ""
    kind: Annotated[Text, AfterValidator(_producer_kind)] = "farmer"
    name_zh: Annotated[Text, required(N_("Please enter the producer's name in Chinese.")), limited(100)] = ""
    name_en: Annotated[Text, limited(100)] = ""
    village_zh: Annotated[Text, limited(100)] = ""
    village_en: Annotated[Text, limited(100)] = ""
    story_zh: LongText = ""
    story_en: LongText = ""


class CategoryForm(FormModel):
    slug: Slug = ""
    name_zh: Annotated[Text, required(N_("Please enter the category's name in Chinese.")), limited(100)] = ""
    name_en: Annotated[Text, limited(100)] = ""


def _direction(value: str) -> str:
    if value not in {"up", "down"}:
        raise field_error(N_("Please choose from the list."))
    return value


class MoveForm(FormModel):
    """A category's "Move up" or "Move down" button."""

    direction: Annotated[Text, AfterValidator(_direction)] = ""
