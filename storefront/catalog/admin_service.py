"""What county admins do to their catalog: find products, change a variant's price or on-hand stock,
switch a product on or off (the product list); create and edit products, their variants, producers
and categories (the edit pages), and put categories in the order the shop shows them.

Every query runs in the admin's county-scoped session (:mod:`storefront.admin.guard`), so another
county's id finds nothing (:class:`CatalogItemNotFoundError`) and changes nothing. Every save
bumps the county's content version in the same transaction, so shoppers see it on the next
request, cached pages included. The caller commits (or rolls back after a refusal).
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from math import ceil
from typing import TypeVar

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from storefront.catalog.admin_forms import (
    CategoryForm,
    NewProductForm,
    ProducerForm,
    ProductForm,
    VariantForm,
)
from storefront.catalog.models import Category, Producer, Product, Variant
from storefront.clock import utcnow
from storefront.i18n import N_
from storefront.money import Fen
from storefront.stock.service import StockLevels, VariantNotFoundError, recount_on_hand, set_on_hand
from storefront.tenancy.service import bump_content_version

ADMIN_PAGE_SIZE = 20
SEARCH_TERMS = 5
SLUG_TAKEN = N_("This web address name is already used in your county; please choose another.")
SKU_TAKEN = N_("This SKU is already used in your county; please choose another.")
NOT_IN_LIST = N_("Please choose from the list.")

T = TypeVar("T")
Unique = tuple[str, InstrumentedAttribute, object]
"""A field of a save the county holds unique: (form field, column, value)."""


class CatalogItemNotFoundError(LookupError):
    """No such product or variant in the admin's county."""


class CatalogFieldError(ValueError):
    """A save refused for fields only the database can judge (a slug or SKU taken, a category that
    is not the county's); ``fields`` maps each form field to its (``N_``-marked) message. Nothing
    was saved; after a clash the session was rolled back (its loaded objects are expired)."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


class VariantHeldError(ValueError):
    """A variant that open checkouts hold units of cannot be removed until they end."""

    def __init__(self, held: int) -> None:
        super().__init__(f"{held} units held")
        self.held = held


class LastVariantError(ValueError):
    """A product keeps at least one variant: something to buy."""


@dataclass(frozen=True)
class ProductPage:
    """A page of the admin's list, how many products it pages through, and the words searched for."""

    items: list[Product]
    total: int
    number: int
    query: str = ""

    @property
    def count(self) -> int:
        return max(1, ceil(self.total / ADMIN_PAGE_SIZE))


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class CatalogAdmin:
    def __init__(self, db_session: AsyncSession, county_id: int) -> None:
        self.db_session = db_session
        self.county_id = county_id

    async def page(self, number: int = 1, query: str = "") -> ProductPage:
        """A page of the county's products (active or not) with their variants; ``query`` finds
        words in either name or a variant's SKU."""
        conditions = []
        for term in query.split()[:SEARCH_TERMS]:
            pattern = f"%{_escape_like(term)}%"
            conditions.append(
                or_(
                    Product.name_zh.ilike(pattern, escape="\\"),
                    Product.name_en.ilike(pattern, escape="\\"),
                    Product.slug.ilike(pattern, escape="\\"),
                    Product.id.in_(select(Variant.product_id).where(Variant.sku.ilike(pattern, escape="\\"))),
                )
            )
        total = await self.db_session.scalar(select(func.count(Product.id)).where(*conditions)) or 0
        number = max(1, min(number, max(1, ceil(total / ADMIN_PAGE_SIZE))))
        items = await self.db_session.scalars(
            select(Product)
            .where(*conditions)
            .options(selectinload(Product.variants))
            .order_by(Product.position, Product.id)
            .limit(ADMIN_PAGE_SIZE)
            .offset((number - 1) * ADMIN_PAGE_SIZE)
        )
        return ProductPage(items=list(items), total=total, number=number, query=query)

    async def variant(self, variant_id: int, product_id: int | None = None) -> Variant:
        """The county's variant (of ``product_id``, when given)."""
        of_product = () if product_id is None else (Variant.product_id == product_id,)
        found = await self.db_session.scalar(
            select(Variant)
            .where(Variant.id == variant_id, *of_product)
            .execution_options(populate_existing=True)
        )
        if found is None:
            raise CatalogItemNotFoundError(variant_id)
        return found

    async def product(self, product_id: int) -> Product:
        found = await self.db_session.scalar(
            select(Product)
            .where(Product.id == product_id)
            .options(selectinload(Product.variants))
            .execution_options(populate_existing=True)
        )
        if found is None:
            raise CatalogItemNotFoundError(product_id)
        return found

    async def set_price(self, variant_id: int, price: Fen) -> Variant:
        await self._save(Variant, variant_id, price=price)
        return await self.variant(variant_id)

    async def set_on_hand(self, variant_id: int, on_hand: int, shown: int | None = None) -> StockLevels:
        """On hand as counted; what open checkouts hold stays held (OnHandBelowHeldError if less).
        Typed on a page that showed ``shown`` on hand: only if that is still the count
        (OnHandChangedError if units were sold or counted meanwhile)."""
        try:
            if shown is None:
                levels = await set_on_hand(self.db_session, variant_id, on_hand)
            else:
                levels = await recount_on_hand(self.db_session, variant_id, on_hand, shown)
        except VariantNotFoundError as missing:
            raise CatalogItemNotFoundError(variant_id) from missing
        await bump_content_version(self.db_session, self.county_id)
        return levels

    async def set_active(self, product_id: int, active: bool) -> Product:
        await self._save(Product, product_id, is_active=active, updated_at=utcnow())
        return await self.product(product_id)

    # The edit pages: products and their variants

    async def choices(self) -> tuple[list[Category], list[Producer]]:
        """The county's categories (in shop order) and producers, for a product's selects."""
        categories = await self.categories()
        producers = await self.producers()
        return categories, producers

    async def create_product(self, form: NewProductForm) -> Product:
        """A new product with its first variant (the stock on hand all available)."""
        await self._check_choices(form)
        product = Product(**_product_values(form))
        Variant(product=product, position=0, held=0, **_variant_values(form), stock=form.on_hand)
        return await self._add(product, ("slug", Product.slug, form.slug), ("sku", Variant.sku, form.sku))

    async def update_product(self, product_id: int, form: ProductForm) -> None:
        await self._check_choices(form)
        await self._update_slugged(Product, product_id, form, **_product_values(form), updated_at=utcnow())

    async def add_variant(self, product_id: int, form: VariantForm) -> Variant:
        product = await self.product(product_id)
        variant = Variant(
            product_id=product.id, held=0, position=form.position, stock=form.on_hand, **_variant_values(form)
        )
        await self._add(variant, ("sku", Variant.sku, form.sku))
        await self._touch(product.id)
        return variant

    async def update_variant(self, product_id: int, variant_id: int, form: VariantForm) -> None:
        """Label, SKU, price and position; on hand as counted, if it was typed other than the page
        showed it (OnHandBelowHeldError below what open checkouts hold, OnHandChangedError if the
        count moved since the page was opened; nothing changed either way)."""
        variant = await self.variant(variant_id, product_id)
        if form.on_hand != form.on_hand_shown:
            await self.set_on_hand(variant.id, form.on_hand, shown=form.on_hand_shown)
        await self._unique(
            self._save(Variant, variant.id, position=form.position, **_variant_values(form)),
            ("sku", Variant.sku, form.sku),
            own_id=variant.id,
        )
        await self._touch(product_id)

    async def remove_variant(self, product_id: int, variant_id: int) -> None:
        """Take a variant off sale for good: refused while checkouts hold units of it
        (:class:`VariantHeldError`) or when it is the product's last (:class:`LastVariantError`).
        Orders keep their copy of what was bought."""
        # The product's variants first, in id order (PostgreSQL): two removals of its last two
        # variants take turns, and the product's row comes after its variants' as in a checkout
        # (storefront.stock.holds, then the sold-out flag at commit), so the two never deadlock.
        await self.db_session.execute(
            select(Variant.id).where(Variant.product_id == product_id).order_by(Variant.id).with_for_update()
        )
        variant = await self.variant(variant_id, product_id)
        if variant.held:
            raise VariantHeldError(variant.held)
        siblings = await self.db_session.scalar(
            select(func.count(Variant.id)).where(Variant.product_id == product_id)
        )
        if (siblings or 0) <= 1:
            raise LastVariantError(product_id)
        removed = await self.db_session.execute(
            delete(Variant)
            .where(Variant.id == variant.id, Variant.held == 0)
            .returning(Variant.id)
            .execution_options(synchronize_session=False)
        )
        if removed.first() is None:  # a checkout held some in between
            raise VariantHeldError((await self.variant(variant.id)).held)
        self.db_session.expunge(variant)
        await self._touch(product_id)

    async def _touch(self, product_id: int) -> None:
        """The product changed (through one of its variants): its time, and the county's version."""
        await self._save(Product, product_id, updated_at=utcnow())

    async def _check_choices(self, form: ProductForm) -> None:
        """The category and producer chosen are the county's (another county's id finds nothing)."""
        wrong = {}
        for field, model, chosen in (
            ("category_id", Category, form.category_id),
            ("producer_id", Producer, form.producer_id),
        ):
            if (
                chosen is not None
                and await self.db_session.scalar(select(model.id).where(model.id == chosen)) is None
            ):
                wrong[field] = NOT_IN_LIST
        if wrong:
            raise CatalogFieldError(wrong)

    # Producers and categories

    async def producers(self) -> list[Producer]:
        return list(await self.db_session.scalars(select(Producer).order_by(Producer.name_zh, Producer.id)))

    async def producer(self, producer_id: int) -> Producer:
        return await self._one(Producer, producer_id)

    async def create_producer(self, form: ProducerForm) -> Producer:
        return await self._add(Producer(**form.model_dump()), ("slug", Producer.slug, form.slug))

    async def update_producer(self, producer_id: int, form: ProducerForm) -> None:
        await self._update_slugged(Producer, producer_id, form, **form.model_dump())

    async def categories(self) -> list[Category]:
        """In the order the shop shows them."""
        return list(await self.db_session.scalars(select(Category).order_by(Category.position, Category.id)))

    async def category(self, category_id: int) -> Category:
        return await self._one(Category, category_id)

    async def create_category(self, form: CategoryForm) -> Category:
        """A new category, last in the shop's order."""
        last = await self.db_session.scalar(select(func.max(Category.position)))
        category = Category(position=(last or 0) + 1, **form.model_dump())
        return await self._add(category, ("slug", Category.slug, form.slug))

    async def update_category(self, category_id: int, form: CategoryForm) -> None:
        await self._update_slugged(Category, category_id, form, **form.model_dump())

    async def move_category(self, category_id: int, step: int) -> None:
        """One place up (``step`` -1) or down (+1) in the shop's order; at either end it stays.
        The categories are numbered 1, 2, 3... again, so equal positions cannot stall a move."""
        ordered = await self.db_session.scalars(
            select(Category).order_by(Category.position, Category.id).with_for_update()
        )
        ordered = list(ordered)
        index = next((number for number, item in enumerate(ordered) if item.id == category_id), None)
        if index is None:
            raise CatalogItemNotFoundError(category_id)
        other = index + step
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            if item.position != position:
                item.position = position
        await self.db_session.flush()
        await bump_content_version(self.db_session, self.county_id)

    async def _one(self, model: type[T], item_id: int) -> T:
        found = await self.db_session.scalar(
            select(model).where(model.id == item_id).execution_options(populate_existing=True)  # type: ignore[attr-defined]
        )
        if found is None:
            raise CatalogItemNotFoundError(item_id)
        return found

    async def _add(self, item: T, *fields: Unique) -> T:
        """A new row (and the rows it brings, such as a product's first variant), its slug or
        SKU unique in the county; the county's content version goes up."""
        self.db_session.add(item)
        await self._unique(self.db_session.flush(), *fields)
        await bump_content_version(self.db_session, self.county_id)
        return item

    async def _update_slugged(
        self,
        model: type[Product | Producer | Category],
        item_id: int,
        form: ProductForm | ProducerForm | CategoryForm,
        **values: object,
    ) -> None:
        await self._unique(
            self._save(model, item_id, **values), ("slug", model.slug, form.slug), own_id=item_id
        )

    async def _unique(self, save: Awaitable[T], *fields: Unique, own_id: int | None = None) -> T:
        """Run ``save``; when the database refuses it for a slug or SKU already taken in the county
        (typed twice, or two saves racing), roll back and say which field (CatalogFieldError).
        ``own_id``: the row being saved, which may keep its own slug or SKU."""
        try:
            return await save
        except IntegrityError:
            await self.db_session.rollback()
        taken = {}
        for field, column, value in fields:
            model = column.class_
            others = () if own_id is None else (model.id != own_id,)
            if (
                await self.db_session.scalar(select(column).where(column == value, *others).limit(1))
                is not None
            ):
                taken[field] = SKU_TAKEN if field == "sku" else SLUG_TAKEN
        await self.db_session.rollback()  # end the read, leaving the session as the refusal left it
        first = fields[0][0]
        raise CatalogFieldError(taken or {first: SKU_TAKEN if first == "sku" else SLUG_TAKEN})

    async def _save(
        self, model: type[Product | Variant | Producer | Category], item_id: int, **values: object
    ) -> None:
        """One UPDATE of the county's row (none of another county's), and the content version."""
        changed = await self.db_session.execute(
            update(model)
            .where(model.id == item_id)
            .values(**values)
            .returning(model.id)
            .execution_options(synchronize_session=False)
        )
        if changed.first() is None:
            raise CatalogItemNotFoundError(item_id)
        await bump_content_version(self.db_session, self.county_id)


def _product_values(form: ProductForm) -> dict[str, object]:
    """A product's columns from its form (the form's ``active`` is the column ``is_active``)."""
    values = form.model_dump(include=set(ProductForm.model_fields))
    values["is_active"] = values.pop("active")
    return values


def _variant_values(form: VariantForm | NewProductForm) -> dict[str, object]:
    """A variant's label, SKU and price (on hand goes through the stock service, position apart)."""
    return form.model_dump(include={"label_zh", "label_en", "sku", "price"})
