"""A county's catalog as a CSV file, out and back in: one row per variant.

Export writes every product of the session's county (products without variants get one row with
the variant cells empty). Import reads such a file in four steps: :func:`read_rows` (the text to
a header and numbered rows, with the file's limits), :func:`plan_import` (every row judged by the
catalog's own rules, then compared with the county's catalog: what would be created, which fields
would change from what to what, and every bad row with its line and reason), and
:func:`apply_plan` (all of it in the caller's transaction, or nothing while any row is bad).

The rules are the catalog's: prices and on-hand counts through the ``Price`` and ``OnHand`` types
of :mod:`storefront.catalog.admin_forms`, on-hand stock set through
:func:`storefront.stock.service.set_on_hand` (units held by open checkouts stay held), and every
query in the caller's county-scoped session, so a SKU or slug of another county is simply not
found: in this county it is new. Nothing is deleted: products and variants missing from the file
are left as they are.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BeforeValidator
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storefront.catalog.admin_forms import ProductForm, VariantFields
from storefront.catalog.models import Category, Producer, Product, Variant
from storefront.clock import utcnow
from storefront.forms import FormModel, Text, field_error, form_text, limited, read_form
from storefront.i18n import N_
from storefront.i18n import gettext as _
from storefront.money import decimal_string
from storefront.spreadsheets import cell_value
from storefront.stock.service import set_on_hand
from storefront.tenancy.service import bump_content_version

PRODUCT_COLUMNS = (
    "product_slug",
    "name_zh",
    "name_en",
    "category_slug",
    "producer_slug",
    "active",
    "description_zh",
    "description_en",
    "origin_zh",
    "origin_en",
)
VARIANT_COLUMNS = ("sku", "label_zh", "label_en", "price", "on_hand")
COLUMNS = PRODUCT_COLUMNS + VARIANT_COLUMNS
MAX_HEADER_CELLS = 2 * len(COLUMNS)
REQUIRED_COLUMNS = ("product_slug", "name_zh", "sku", "label_zh", "price", "on_hand")

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
CODE_LIMIT = 63

YES = frozenset({"1", "yes", "y", "true", "on", "是"})
NO = frozenset({"0", "no", "n", "false", "off", "否"})
HELD_MESSAGE = N_(
    "Stock on hand cannot be less than the %(held)s held by open checkouts; "
    "those units are not yours to count until the checkouts end."
)


def _yes_no(raw: Any) -> bool:
    text = form_text(raw).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise field_error(N_("Please write 1 (on sale) or 0 (not on sale)."))


class ProductCsvColumns(FormModel):
    """The product columns a CSV has beside :class:`ProductForm`'s: category and producer by slug
    (found among the county's, or refused), and "active" as 1 or 0 (a typo is refused, not taken
    for 0)."""

    category_slug: Annotated[Text, limited(CODE_LIMIT)] = ""
    producer_slug: Annotated[Text, limited(CODE_LIMIT)] = ""
    active: Annotated[bool, BeforeValidator(_yes_no)] = "1"  # type: ignore[assignment]


CSV_ONLY = frozenset(ProductCsvColumns.model_fields)
FORM_FIELD = {"product_slug": "slug"}
"""CSV columns named otherwise in :class:`ProductForm`."""
COLUMN = {field: column for column, field in FORM_FIELD.items()}
TEXT_FIELDS = ("name_zh", "name_en", "description_zh", "description_en", "origin_zh", "origin_en")


@dataclass(frozen=True)
class RowError:
    """A bad row (or the header, line 1): its line in the file, the column at fault ("" for the
    whole line) and the reason, in the admin's language."""

    line: int
    column: str
    message: str


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: str
    new: str


@dataclass
class ProductPlan:
    line: int
    slug: str
    shown: dict[str, str]
    """The row's product cells as judged (only the columns the file has)."""
    values: dict[str, Any]
    """The same as model attributes (``category_slug`` as ``category_id``, ...)."""
    existing: Product | None
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class VariantPlan:
    line: int
    sku: str
    product_slug: str
    shown: dict[str, str]
    values: dict[str, Any]
    on_hand: int
    existing: Variant | None
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class ImportPlan:
    """What a file would do to the county's catalog, and every reason it cannot."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    products: list[ProductPlan] = field(default_factory=list)
    variants: list[VariantPlan] = field(default_factory=list)
    unchanged: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors and self.rows > 0

    @property
    def new_products(self) -> list[ProductPlan]:
        return [plan for plan in self.products if plan.existing is None]

    @property
    def changed_products(self) -> list[ProductPlan]:
        return [plan for plan in self.products if plan.existing is not None and plan.changes]

    @property
    def new_variants(self) -> list[VariantPlan]:
        return [plan for plan in self.variants if plan.existing is None]

    @property
    def changed_variants(self) -> list[VariantPlan]:
        return [plan for plan in self.variants if plan.existing is not None and plan.changes]

    @property
    def has_changes(self) -> bool:
        return any(plan.existing is None or plan.changes for plan in [*self.products, *self.variants])

    def fingerprint(self) -> str:
        """Every change the plan would make (old and new values): a preview whose catalog has moved
        on since has another fingerprint."""
        entries = [
            [kind, plan.line, key, plan.existing is None, [[c.column, c.old, c.new] for c in plan.changes]]
            for kind, plans in (("product", self.products), ("variant", self.variants))
            for plan in plans
            for key in [plan.slug if isinstance(plan, ProductPlan) else plan.sku]
        ]
        return hashlib.sha256(json.dumps(entries, ensure_ascii=False).encode()).hexdigest()


class UnreadableCsvError(ValueError):
    """The file as a whole cannot be judged row by row: ``message`` (an ``N_`` msgid) with ``params``."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class TooManyRowsError(UnreadableCsvError):
    """More than :data:`MAX_ROWS` rows."""


@dataclass(frozen=True)
class CsvRows:
    header: list[str]
    rows: list[tuple[int, list[str]]]
    """Each data row with the line of the file it starts on (the header is line 1)."""


def read_rows(text: str) -> CsvRows:
    """The file's header (trimmed, lower case) and its non-blank rows; a file that is not CSV, or
    has more than :data:`MAX_ROWS` rows, is an :class:`UnreadableCsvError`."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if header is None:
                header = [cell_value(cell).strip().lower() for cell in cells]
            elif any(cell.strip() for cell in cells):
                rows.append((start, cells))
                if len(rows) > MAX_ROWS:
                    message = N_("The file has more than %(limit)s rows; please split it into smaller files.")
                    raise TooManyRowsError(message, limit=MAX_ROWS)
            start = reader.line_num + 1
    except csv.Error as error:
        message = N_("Line %(line)s could not be read as CSV; please save the file from Excel or WPS as CSV.")
        raise UnreadableCsvError(message, line=reader.line_num) from error
    return CsvRows(header or [], rows)


def header_errors(header: Sequence[str]) -> list[RowError]:
    """What is wrong with the first row: each unknown or repeated name said once; a row far wider
    than the columns there are is one message (a file of a million commas is no catalog)."""
    if len(header) > MAX_HEADER_CELLS:
        message = N_(
            "The first row has %(count)s columns, and a catalog has at most %(most)s: is this the right file?"
        )
        return [RowError(1, "", _(message) % {"count": f"{len(header):,}", "most": len(COLUMNS)})]
    counts = Counter(header)
    errors = [
        RowError(1, name, _(N_("Unknown column “%(name)s”.")) % {"name": name})
        for name in counts
        if name and name not in COLUMNS
    ]
    errors.extend(
        RowError(1, name, _(N_("The column “%(name)s” is there twice.")) % {"name": name})
        for name, count in counts.items()
        if count > 1 and name in COLUMNS
    )
    errors.extend(
        RowError(1, name, _(N_("The column “%(name)s” is missing.")) % {"name": name})
        for name in REQUIRED_COLUMNS
        if name not in counts
    )
    return errors


class CatalogSnapshot:
    """The county's catalog as the import compares with it (the session is county-scoped)."""

    def __init__(
        self, products: list[Product], categories: list[Category], producers: list[Producer]
    ) -> None:
        self.products = {product.slug: product for product in products}
        self.variants = {variant.sku: variant for product in products for variant in product.variants}
        self.category_ids = {category.slug: category.id for category in categories}
        self.producer_ids = {producer.slug: producer.id for producer in producers}
        self.category_slugs = {category.id: category.slug for category in categories}
        self.producer_slugs = {producer.id: producer.slug for producer in producers}
        self.product_slugs = {product.id: product.slug for product in products}

    @classmethod
    async def load(cls, db_session: AsyncSession) -> CatalogSnapshot:
        products = await db_session.scalars(
            select(Product)
            .options(selectinload(Product.variants))
            .order_by(Product.position, Product.id)
            .execution_options(populate_existing=True)
        )
        categories = await db_session.scalars(select(Category))
        producers = await db_session.scalars(select(Producer))
        return cls(list(products), list(categories), list(producers))

    def product_cells(self, product: Product) -> dict[str, str]:
        return {
            "product_slug": product.slug,
            "name_zh": product.name_zh,
            "name_en": product.name_en or "",
            "category_slug": self.category_slugs.get(product.category_id, ""),
            "producer_slug": self.producer_slugs.get(product.producer_id, ""),
            "active": "1" if product.is_active else "0",
            "description_zh": product.description_zh or "",
            "description_en": product.description_en or "",
            "origin_zh": product.origin_zh or "",
            "origin_en": product.origin_en or "",
        }

    @staticmethod
    def variant_cells(variant: Variant | None) -> dict[str, str]:
        if variant is None:
            return dict.fromkeys(VARIANT_COLUMNS, "")
        return {
            "sku": variant.sku,
            "label_zh": variant.label_zh,
            "label_en": variant.label_en or "",
            "price": decimal_string(variant.price),
            "on_hand": str(variant.on_hand),
        }

    def export_rows(self) -> list[list[str]]:
        rows = []
        for product in self.products.values():
            product_cells = self.product_cells(product)
            for variant in product.variants or [None]:
                cells = {**product_cells, **self.variant_cells(variant)}
                rows.append([cells[name] for name in COLUMNS])
        return rows


async def export_rows(db_session: AsyncSession) -> list[list[str]]:
    """The county's catalog as CSV rows under :data:`COLUMNS`, one per variant."""
    return (await CatalogSnapshot.load(db_session)).export_rows()


def _form_errors(line: int, errors: Mapping[str, str], present: set[str]) -> list[RowError]:
    return [RowError(line, column, message) for column, message in errors.items() if column in present]


def _shown_product(form: ProductForm, columns: ProductCsvColumns, present: set[str]) -> dict[str, str]:
    cells = {name: getattr(form, name) for name in TEXT_FIELDS}
    cells.update(product_slug=form.slug, category_slug=columns.category_slug)
    cells.update(producer_slug=columns.producer_slug, active="1" if columns.active else "0")
    return {name: value for name, value in cells.items() if name in present}


class _Planner:
    def __init__(self, catalog: CatalogSnapshot, header: list[str]) -> None:
        self.catalog = catalog
        self.header = header
        self.present = set(header)
        self.plan = ImportPlan()
        self.products: dict[str, ProductPlan] = {}
        self.skus: dict[str, int] = {}

    def row(self, line: int, cells: list[str]) -> None:
        self.plan.rows += 1
        errors: list[RowError] = []
        if len(cells) > len(self.header) and any(cell.strip() for cell in cells[len(self.header) :]):
            message = _(N_("This line has %(cells)s cells but the header names %(columns)s columns."))
            errors.append(RowError(line, "", message % {"cells": len(cells), "columns": len(self.header)}))
        values = {name: cell_value(cell) for name, cell in zip(self.header, cells, strict=False) if name}
        product_form = read_form(
            ProductForm,
            {
                FORM_FIELD.get(k, k): v
                for k, v in values.items()
                if k in PRODUCT_COLUMNS and k not in CSV_ONLY
            },
        )
        columns_form = read_form(ProductCsvColumns, {k: v for k, v in values.items() if k in CSV_ONLY})
        product_errors = {COLUMN.get(k, k): message for k, message in product_form.errors.items()}
        errors += _form_errors(line, {**product_errors, **columns_form.errors}, self.present)
        variant_present = any(form_text(values.get(name)) for name in VARIANT_COLUMNS)
        variant_form = read_form(VariantFields, {k: v for k, v in values.items() if k in VARIANT_COLUMNS})
        if variant_present:
            errors += _form_errors(line, variant_form.errors, self.present)
        product = variant = None
        if product_form.data is not None and columns_form.data is not None:
            product = self._product(line, product_form.data, columns_form.data, errors)
        if variant_present and variant_form.data is not None:
            variant = self._variant(line, variant_form.data, product_form.values["slug"], errors)
        if errors:
            self.plan.errors += errors
            return
        if product is not None and product.line == line:
            self.products[product.slug] = product
            self.plan.products.append(product)
        if variant is not None:
            self.plan.variants.append(variant)
        untouched = product is not None and product.existing is not None and not product.changes
        if untouched and (variant is None or (variant.existing is not None and not variant.changes)):
            self.plan.unchanged += 1

    def _product(
        self, line: int, data: ProductForm, columns: ProductCsvColumns, errors: list[RowError]
    ) -> ProductPlan:
        shown = _shown_product(data, columns, self.present)
        values: dict[str, Any] = {}
        for name, value in shown.items():
            if name == "category_slug":
                values["category_id"] = self._lookup(line, name, value, self.catalog.category_ids, errors)
            elif name == "producer_slug":
                values["producer_id"] = self._lookup(line, name, value, self.catalog.producer_ids, errors)
            elif name == "active":
                values["is_active"] = columns.active
            elif name != "product_slug":
                values[name] = value
        earlier = self.products.get(data.slug)
        if earlier is not None:
            if earlier.shown != shown:
                message = _(
                    N_(
                        "The product “%(slug)s” is on line %(line)s with other product details; "
                        "please give every row of a product the same product columns."
                    )
                ) % {"slug": data.slug, "line": earlier.line}
                errors.append(RowError(line, "product_slug", message))
            return earlier
        existing = self.catalog.products.get(data.slug)
        old = self.catalog.product_cells(existing) if existing is not None else {}
        changes = [
            FieldChange(name, old.get(name, ""), value)
            for name, value in shown.items()
            if name != "product_slug" and (existing is None or old[name] != value)
        ]
        return ProductPlan(line, data.slug, shown, values, existing, changes)

    @staticmethod
    def _lookup(line: int, name: str, slug: str, known: dict[str, int], errors: list[RowError]) -> int | None:
        if not slug:
            return None
        if slug not in known:
            message = (
                _(N_("There is no category “%(slug)s” in this county."))
                if name == "category_slug"
                else _(N_("There is no producer “%(slug)s” in this county."))
            )
            errors.append(RowError(line, name, message % {"slug": slug}))
        return known.get(slug)

    def _variant(
        self, line: int, data: VariantFields, product_slug: str, errors: list[RowError]
    ) -> VariantPlan:
        if (first := self.skus.get(data.sku)) is not None:
            message = _(N_("The SKU “%(sku)s” is already on line %(line)s.")) % {
                "sku": data.sku,
                "line": first,
            }
            errors.append(RowError(line, "sku", message))
        else:
            self.skus[data.sku] = line
        existing = self.catalog.variants.get(data.sku)
        if existing is not None and self.catalog.product_slugs.get(existing.product_id) != product_slug:
            message = _(N_("The SKU “%(sku)s” belongs to the product “%(slug)s”.")) % {
                "sku": data.sku,
                "slug": self.catalog.product_slugs.get(existing.product_id, ""),
            }
            errors.append(RowError(line, "sku", message))
        if existing is not None and data.on_hand < existing.held:
            errors.append(RowError(line, "on_hand", _(HELD_MESSAGE) % {"held": existing.held}))
        shown = {
            "label_zh": data.label_zh,
            "label_en": data.label_en,
            "price": decimal_string(data.price),
            "on_hand": str(data.on_hand),
        }
        shown = {name: value for name, value in shown.items() if name in self.present}
        old = self.catalog.variant_cells(existing)
        changes = [
            FieldChange(name, old[name], value)
            for name, value in shown.items()
            if existing is None or old[name] != value
        ]
        values = {name: getattr(data, name) for name in ("label_zh", "label_en", "price") if name in shown}
        return VariantPlan(line, data.sku, product_slug, shown, values, data.on_hand, existing, changes)


def plan_import(catalog: CatalogSnapshot, rows: CsvRows) -> ImportPlan:
    """Judge every row and compare the file with the catalog; nothing is written."""
    if errors := header_errors(rows.header):
        return ImportPlan(rows=len(rows.rows), errors=errors)
    planner = _Planner(catalog, rows.header)
    for line, cells in rows.rows:
        planner.row(line, cells)
    if not planner.plan.rows:
        planner.plan.errors.append(RowError(1, "", _(N_("The file has a header but no rows."))))
    return planner.plan


async def apply_plan(db_session: AsyncSession, county_id: int, plan: ImportPlan) -> None:
    """Write the plan in the caller's transaction (the caller commits, or rolls back on an
    :class:`~storefront.stock.service.OnHandBelowHeldError`) and bump the content version once."""
    if not plan.is_valid:
        msg = "a plan with bad rows is never applied"
        raise ValueError(msg)
    if not plan.has_changes:
        return
    now = utcnow()
    position = (await db_session.scalar(select(func.max(Product.position))) or 0) + 1
    created: dict[str, Product] = {}
    for product_plan in plan.products:
        if product_plan.existing is None:
            product = Product(slug=product_plan.slug, position=position, **product_plan.values)
            position += 1
            created[product_plan.slug] = product
            db_session.add(product)
        elif product_plan.changes:
            for name, value in product_plan.values.items():
                setattr(product_plan.existing, name, value)
            product_plan.existing.updated_at = now
    await db_session.flush()
    product_ids = {slug: product.id for slug, product in created.items()}
    product_ids.update({plan.slug: plan.existing.id for plan in plan.products if plan.existing is not None})
    positions = await _variant_positions(db_session)
    on_hand_edits = []
    for variant_plan in plan.variants:
        if variant_plan.existing is None:
            product_id = product_ids[variant_plan.product_slug]
            positions[product_id] = positions.get(product_id, -1) + 1
            db_session.add(
                Variant(
                    product_id=product_id,
                    sku=variant_plan.sku,
                    stock=variant_plan.on_hand,
                    held=0,
                    position=positions[product_id],
                    **variant_plan.values,
                )
            )
        elif variant_plan.changes:
            for name, value in variant_plan.values.items():
                setattr(variant_plan.existing, name, value)
            if variant_plan.existing.on_hand != variant_plan.on_hand:
                on_hand_edits.append((variant_plan.existing.id, variant_plan.on_hand))
    await db_session.flush()
    for variant_id, on_hand in on_hand_edits:
        await set_on_hand(db_session, variant_id, on_hand)
    await bump_content_version(db_session, county_id)


async def _variant_positions(db_session: AsyncSession) -> dict[int, int]:
    rows = await db_session.execute(
        select(Variant.product_id, func.max(Variant.position)).group_by(Variant.product_id)
    )
    return {product_id: position for product_id, position in rows.all()}
