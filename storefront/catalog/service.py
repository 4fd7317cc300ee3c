"""Catalog reads for the shop: product grids, product pages, producers, search.

Every listing is a fixed number of queries however many products a county has, and reads only its
page: the shop's order is an index (:data:`~storefront.catalog.models.SHOP_ORDER`), listing columns
(cheapest price, stock, cover image) are correlated subqueries computed for the page's rows only,
and no total is counted (a count reads every product of the listing): a page reads one row more
than it shows to know whether a next page exists, and its ids come first, off the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.filters import LimitOffset
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from storefront.catalog.models import BEST_SELLING_FIRST, SHOP_ORDER, Category, Producer, Product
from storefront.catalog.search import Search, ranked_page
from storefront.db import scoped_county_id
from storefront.money import decimal_string
from storefront.tenancy.models import County

PAGE_SIZE = 12
BEST_SELLERS = 4
_LISTING = (
    joinedload(Product.producer),
    undefer(Product.min_price),
    undefer(Product.total_stock),
    undefer(Product.cover_path),
)


@dataclass(frozen=True)
class Page:
    items: list[Product]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first(self) -> int:
        """The place of the page's first product among all the listing's (from 1)."""
        return (self.number - 1) * PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1


class ProductRepository(SQLAlchemyAsyncRepository[Product]):
    model_type = Product


class CategoryRepository(SQLAlchemyAsyncRepository[Category]):
    model_type = Category


class ProducerRepository(SQLAlchemyAsyncRepository[Producer]):
    model_type = Producer


class CategoryService(SQLAlchemyAsyncRepositoryService[Category, CategoryRepository]):
    repository_type = CategoryRepository

    async def navigation(self) -> list[Category]:
        return list(await self.get_many(order_by=[(Category.position, False), (Category.id, False)]))


class ProducerService(SQLAlchemyAsyncRepositoryService[Producer, ProducerRepository]):
    repository_type = ProducerRepository


class ProductService(SQLAlchemyAsyncRepositoryService[Product, ProductRepository]):
    repository_type = ProductRepository

    async def page(
        self, number: int = 1, *, category: Category | None = None, producer: Producer | None = None
    ) -> Page:
        filters = [Product.is_active.is_(True)]
        if category is not None:
            filters.append(Product.category_id == category.id)
        if producer is not None:
            filters.append(Product.producer_id == producer.id)
        number = max(1, number)
        # The page's ids first, off the listing's index: PostgreSQL would otherwise compute every
        # listing column of the rows a deep page skips.
        on_page = (
            select(Product.id)
            .where(*filters)
            .order_by(*SHOP_ORDER)
            .limit(PAGE_SIZE + 1)
            .offset((number - 1) * PAGE_SIZE)
            .subquery()
        )
        items = await self.get_many(
            statement=select(Product).join(on_page, on_page.c.id == Product.id),
            load=list(_LISTING),
            order_by=list(SHOP_ORDER),
        )
        return _page(items, number)

    async def detail(self, slug: str) -> Product | None:
        return await self.get_one_or_none(
            Product.slug == slug,
            Product.is_active.is_(True),
            load=[
                joinedload(Product.producer),
                joinedload(Product.category),
                selectinload(Product.variants),
                selectinload(Product.images),
            ],
        )

    async def best_sellers(self, limit: int = BEST_SELLERS) -> list[Product]:
        """What to suggest where a shopper found nothing (empty cart, empty search, a page not
        found): the products in stock that sold the most units, in the shop's order when even."""
        return list(
            await self.get_many(
                Product.is_active.is_(True),
                Product.sold_out.is_(False),
                LimitOffset(limit=limit, offset=0),
                load=list(_LISTING),
                order_by=[*BEST_SELLING_FIRST, *SHOP_ORDER],
            )
        )

    async def search(self, query: str, number: int = 1) -> Page:
        """A page of the products matching ``query`` in either language, off the search index
        (storefront.catalog.search): 蜂蜜 finds 东北黑蜂蜂蜜, "honey" finds Black Bee Honey; the
        products whose names hold it first, then the other matches. Pages as the listings do, so a
        broad query in a big county reaches every match."""
        number = max(1, number)
        search = Search.of(query)
        if search is None:
            return _page([], number)
        session = self.repository.session
        dialect = session.get_bind().dialect.name
        start, wanted = (number - 1) * PAGE_SIZE, PAGE_SIZE + 1
        keys = search.keys
        if len(keys) > 1:  # walk the rarest key's rows: the fewest to pass over for a page
            counts = (await session.execute(search.key_counts())).one()
            keys = [min(zip(counts, keys, strict=True))[1]]
        in_names = search.in_names(keys[0])
        items = list(await session.scalars(ranked_page(in_names, wanted, start).options(*_LISTING)))
        if len(items) < wanted:
            # Past the names' matches: the others follow them, counted from where the names' end.
            names_end = start + len(items)
            if not items and start:
                names_end = await session.scalar(select(func.count()).select_from(in_names.subquery()))
            offset = start + len(items) - names_end
            others = search.elsewhere(dialect, scoped_county_id(session))
            elsewhere = ranked_page(others, wanted - len(items), offset)
            items += await session.scalars(elsewhere.options(*_LISTING))
        return _page(items, number)

    async def sitemap_entries(self) -> list[tuple[str, object]]:
        rows = await self.repository.session.execute(
            select(Product.slug, Product.updated_at).where(Product.is_active.is_(True)).order_by(Product.id)
        )
        return list(rows.all())


def _page(items: Sequence[Product], number: int) -> Page:
    """Page ``number`` from the rows read for it: one more than a page, to know whether a next exists."""
    return Page(items=list(items[:PAGE_SIZE]), number=number, has_next=len(items) > PAGE_SIZE)


def product_json_ld(product: Product, county: County, *, page_url: str, base_url: str) -> dict[str, Any]:
    """schema.org Product data for search engines, one Offer per variant."""
    base = base_url.rstrip("/")
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.t("name"),
        "description": product.t("description"),
        "image": [f"{base}/media/{image.path}" for image in product.images],
        "brand": {"@type": "Brand", "name": county.t("name")},
        "countryOfOrigin": "CN",
        "url": page_url,
        "offers": [
            {
                "@type": "Offer",
                "sku": variant.sku,
                "name": variant.t("label"),
                "price": decimal_string(variant.price, county.currency),
                "priceCurrency": county.currency,
                "availability": "https://schema.org/InStock"
                if variant.stock > 0
                else "https://schema.org/SoldOut",
                "url": page_url,
            }
            for variant in product.variants
        ],
    }
    if product.producer is not None:
        data["manufacturer"] = {"@type": "Organization", "name": product.producer.t("name")}
    return data
