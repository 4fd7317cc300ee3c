"""The demo counties: one TOML file per county shop in ``demo/counties/``, checked when loaded.

Translators edit those files; this module says what they may hold. Each file has:

- ``[county]``: the brand, as :class:`~storefront.tenancy.models.County` columns (names, province,
  tagline, story, colours, the text colour on the primary one readable by WCAG AA, shipping fee and
  free-shipping threshold in fen, service contacts and hours, shipping promise, after-sales
  policy, licences, origin marks);
- ``[[categories]]``: Category columns plus ``motif``, the picture drawn for its products (a name
  in :data:`demo.images.MOTIFS`);
- ``[[producers]]``: Producer columns, ``kind`` being ``farmer`` or ``coop``;
- ``[[products]]``: Product columns plus ``category`` and ``producer`` (slugs from the lists
  above), an optional ``motif`` replacing the category's, ``images`` (how many pictures to draw,
  1 to 3) and ``variants`` (label, SKU, price in fen, stock).

Texts come in pairs: ``_zh`` is required, ``_en`` may be empty or left out, and the shop then
shows the Chinese (a few are left empty on purpose, so the fallback shows). Unknown keys, a
product naming a category or producer its county lacks, a repeated slug or SKU, a text longer
than its column: each is refused with the file and the place in it. Files are seeded in name
order; a file is named ``NN-<county slug>.toml``, the number giving only the order.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from demo.images import MOTIFS
from storefront.tenancy.admin_forms import AA_CONTRAST, contrast_ratio, shown_ratio

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pydantic_core import ErrorDetails

M = TypeVar("M", bound=BaseModel)
COUNTIES_DIR = Path(__file__).resolve().parent / "counties"
FILE_NAME = re.compile(r"^\d+-(?P<slug>.+)\.toml$")

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=63)]
Sku = Annotated[str, Field(pattern=r"^\S+$", max_length=64)]
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
Fen = Annotated[int, Field(ge=0)]
# Texts: Chinese is required, English may stay empty; the lengths are the columns'.
Text = Annotated[str, Field(min_length=1)]
TextEn = str
Short = Annotated[str, Field(min_length=1, max_length=100)]
ShortEn = Annotated[str, Field(max_length=100)]
Long = Annotated[str, Field(min_length=1, max_length=200)]
LongEn = Annotated[str, Field(max_length=200)]


def _known_motif(motif: str) -> str:
    if motif not in MOTIFS:
        msg = f"unknown motif {motif!r}; known: {', '.join(sorted(MOTIFS))}"
        raise ValueError(msg)
    return motif


Motif = Annotated[str, AfterValidator(_known_motif)]


class _Entry(BaseModel):
    # strict: a number written as text (or the other way round) is an error, not converted
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Brand(_Entry):
    slug: Slug
    name_zh: Short
    name_en: ShortEn = ""
    province_zh: Annotated[str, Field(min_length=1, max_length=50)]
    province_en: Annotated[str, Field(max_length=50)] = ""
    tagline_zh: Long
    tagline_en: LongEn = ""
    story_zh: Text
    story_en: TextEn = ""
    primary_color: Colour
    accent_color: Colour
    text_color: Colour = "#ffffff"
    shipping_fee: Fen
    free_shipping_threshold: Fen | None = None
    service_phone: Annotated[str, Field(max_length=30)] = ""
    service_wechat: Annotated[str, Field(max_length=50)] = ""
    service_hours_zh: ShortEn = ""
    service_hours_en: ShortEn = ""
    shipping_promise_zh: LongEn = ""
    shipping_promise_en: LongEn = ""
    after_sales_zh: TextEn = ""
    after_sales_en: TextEn = ""
    business_licence: ShortEn = ""
    food_licence: ShortEn = ""
    origin_mark_zh: LongEn = ""
    origin_mark_en: LongEn = ""

    @model_validator(mode="after")
    def _readable_header(self) -> Self:
        ratio = contrast_ratio(self.text_color.lower(), self.primary_color.lower())
        if ratio < AA_CONTRAST:
            msg = f"text_color on primary_color: contrast {shown_ratio(ratio)}:1, below {AA_CONTRAST}:1"
            raise ValueError(msg)
        return self


class Category(_Entry):
    slug: Slug
    name_zh: Short
    name_en: ShortEn = ""
    motif: Motif


class Producer(_Entry):
    slug: Slug
    kind: Literal["farmer", "coop"]
    name_zh: Short
    name_en: ShortEn = ""
    village_zh: Short
    village_en: ShortEn = ""
    story_zh: Text
    story_en: TextEn = ""


class Variant(_Entry):
    label_zh: Short
    label_en: ShortEn = ""
    sku: Sku
    price: Annotated[int, Field(gt=0)]
    stock: Annotated[int, Field(ge=0)]


class Product(_Entry):
    slug: Slug
    category: Slug
    producer: Slug
    motif: Motif | None = None
    name_zh: Long
    name_en: LongEn = ""
    description_zh: Text
    description_en: TextEn = ""
    origin_zh: Text
    origin_en: TextEn = ""
    images: Annotated[int, Field(ge=1, le=3)]
    variants: Annotated[list[Variant], Field(min_length=1)]


class CountyContent(_Entry):
    """One county's file."""

    county: Brand
    categories: Annotated[list[Category], Field(min_length=1)]
    producers: Annotated[list[Producer], Field(min_length=1)]
    products: Annotated[list[Product], Field(min_length=1)]

    @model_validator(mode="after")
    def _references_hold(self) -> Self:
        _unique("category slug", (category.slug for category in self.categories))
        _unique("producer slug", (producer.slug for producer in self.producers))
        _unique("product slug", (product.slug for product in self.products))
        _unique("SKU", (variant.sku for product in self.products for variant in product.variants))
        categories = {category.slug for category in self.categories}
        producers = {producer.slug for producer in self.producers}
        for product in self.products:
            if product.category not in categories:
                msg = f"product {product.slug!r}: no category {product.category!r} in this file"
                raise ValueError(msg)
            if product.producer not in producers:
                msg = f"product {product.slug!r}: no producer {product.producer!r} in this file"
                raise ValueError(msg)
        return self


class DemoContentError(ValueError):
    """A county file that cannot be read or breaks the schema; the message says where."""


def load_counties(folder: Path = COUNTIES_DIR) -> list[CountyContent]:
    """Every county file in ``folder``, checked, in file-name order."""
    counties = [load_county(path) for path in sorted(folder.glob("*.toml"))]
    if not counties:
        msg = f"{folder}: no county files (*.toml)"
        raise DemoContentError(msg)
    try:
        _unique("county slug", (content.county.slug for content in counties))
    except ValueError as error:
        raise DemoContentError(f"{folder}: {error}") from None
    return counties


def load_county(path: Path) -> CountyContent:
    """One county file, checked against the schema; :class:`DemoContentError` if it breaks it."""
    content = read_checked(path, CountyContent)
    match = FILE_NAME.match(path.name)
    if match is None or match["slug"] != content.county.slug:
        msg = f"{path}: name the file NN-{content.county.slug}.toml (NN orders the counties)"
        raise DemoContentError(msg)
    return content


def read_checked(path: Path, model: type[M]) -> M:
    """A TOML file checked against ``model``; :class:`DemoContentError` says where it breaks."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DemoContentError(f"{path}: {error}") from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = "\n".join(f"  {_describe(detail, data)}" for detail in error.errors())
        raise DemoContentError(f"{path}:\n{problems}") from None


def _unique(what: str, values: Iterable[str]) -> None:
    repeated = sorted(value for value, count in Counter(values).items() if count > 1)
    if repeated:
        msg = f"{what} used more than once: {', '.join(repeated)}"
        raise ValueError(msg)


def _describe(error: ErrorDetails, data: Any) -> str:
    """``products[linden-honey].variants[RH-LINDEN-250].price: ...``: entries named by slug or SKU."""
    where, node = "", data
    for part in error["loc"]:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            label = (node.get("slug") or node.get("sku")) if isinstance(node, dict) else None
            where += f"[{label}]" if isinstance(label, str) and label else f"[{part}]"
        else:
            node = node.get(part) if isinstance(node, dict) else None
            where += f".{part}" if where else str(part)
    if error["type"] == "value_error":  # our own checks: their message says it all
        message = str(error.get("ctx", {}).get("error", error["msg"]))
    else:
        message = error["msg"]
        if error["type"] != "missing" and not isinstance(error["input"], dict | list):
            message += f" (found {error['input']!r})"
    return f"{where or 'file'}: {message}"
