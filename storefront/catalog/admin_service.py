"""What county admins do to the catalog from the product list: find products, change a variant's
price or on-hand stock, switch a product on or off.

Every query runs in the admin's county-scoped session (:mod:`storefront.admin.guard`), so another
county's id finds nothing (:class:`CatalogItemNotFoundError`) and changes nothing. Every save
bumps the county's content version in the same transaction, so shoppers see it on the next
request, cached pages included. The caller commits (or rolls back after a refusal).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storefront.catalog.models import Product, Variant
from storefront.catalog.service import Page
from storefront.clock import utcnow
from storefront.money import Fen
from storefront.stock.service import StockLevels, VariantNotFoundError, set_on_hand
from storefront.tenancy.service import bump_content_version

ADMIN_PAGE_SIZE = 20
SEARCH_TERMS = 5


class CatalogItemNotFoundError(LookupError):
    """No such product or variant in the admin's county."""


@dataclass(frozen=True)
class ProductPage(Page):
    """A page of the admin's list, and the words it was searched for."""

    query: str = ""


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
        return ProductPage(items=list(items), total=total, number=number, size=ADMIN_PAGE_SIZE, query=query)

    async def variant(self, variant_id: int) -> Variant:
        found = await self.db_session.scalar(
            select(Variant).where(Variant.id == variant_id).execution_options(populate_existing=True)
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

    async def set_on_hand(self, variant_id: int, on_hand: int) -> StockLevels:
        """On hand as counted; what open checkouts hold stays held (OnHandBelowHeldError if less)."""
        try:
            levels = await set_on_hand(self.db_session, variant_id, on_hand)
        except VariantNotFoundError as missing:
            raise CatalogItemNotFoundError(variant_id) from missing
        await bump_content_version(self.db_session, self.county_id)
        return levels

    async def set_active(self, product_id: int, active: bool) -> Product:
        await self._save(Product, product_id, is_active=active, updated_at=utcnow())
        return await self.product(product_id)

    async def _save(self, model: type[Product | Variant], item_id: int, **values: object) -> None:
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
