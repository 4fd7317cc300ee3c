"""Shop pages of one county: home, categories, products, producers, search, sitemap."""

from __future__ import annotations

from typing import Annotated, TypeAlias

from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from storefront.catalog.service import CategoryService, Page, ProducerService, ProductService, product_json_ld
from storefront.db import DbSession
from storefront.fragments import from_htmx, page_or_fragment
from storefront.metrics.events import search_header
from storefront.origins import origin
from storefront.page_cache import LIVE_PAGE, SHARED_PAGE, fragment_cache_key
from storefront.tenancy.dependencies import CurrentCounty
from storefront.web import canonical_url

PageNumber: TypeAlias = Annotated[int, QueryParameter(name="page", ge=1, le=10_000)]
Products: TypeAlias = NamedDependency[ProductService]


async def provide_products(db_session: DbSession) -> ProductService:
    return ProductService(session=db_session)


def _existing(page: Page) -> Page:
    """The page; asking past the last page is a 404, not an empty page to cache."""
    if page.has_previous and not page.items:
        raise NotFoundException(detail="no such page")
    return page


class ShopController(Controller):
    path = "/"
    dependencies = {"products": Provide(provide_products)}

    @get("/", name="shop:home", **SHARED_PAGE)
    async def home(
        self, county: CurrentCounty, products: Products, db_session: DbSession, page: PageNumber = 1
    ) -> Template:
        categories = await CategoryService(session=db_session).navigation()
        return Template(
            "shop/home.html",
            context={
                "county": county,
                "categories": categories,
                "page": _existing(await products.page(page)),
            },
        )

    @get("/category/{slug:str}", name="shop:category", **SHARED_PAGE)
    async def category(
        self,
        county: CurrentCounty,
        products: Products,
        db_session: DbSession,
        slug: FromPath[str],
        page: PageNumber = 1,
    ) -> Template:
        categories = await CategoryService(session=db_session).navigation()
        current = next((category for category in categories if category.slug == slug), None)
        if current is None:
            raise NotFoundException(detail="category not found")
        return Template(
            "shop/category.html",
            context={
                "county": county,
                "categories": categories,
                "category": current,
                "page": _existing(await products.page(page, category=current)),
            },
        )

    @get("/products/{slug:str}", name="shop:product", **LIVE_PAGE)
    async def product(
        self, request: Request, county: CurrentCounty, products: Products, slug: FromPath[str]
    ) -> Template:
        product = await products.detail(slug)
        if product is None:
            raise NotFoundException(detail="product not found")
        json_ld = product_json_ld(product, county, page_url=canonical_url(request), base_url=origin(request))
        return Template(
            "shop/product.html", context={"county": county, "product": product, "json_ld": json_ld}
        )

    @get("/producers/{slug:str}", name="shop:producer", **SHARED_PAGE)
    async def producer(
        self,
        county: CurrentCounty,
        products: Products,
        db_session: DbSession,
        slug: FromPath[str],
        page: PageNumber = 1,
    ) -> Template:
        producer = await ProducerService(session=db_session).get_one_or_none(slug=slug)
        if producer is None:
            raise NotFoundException(detail="producer not found")
        return Template(
            "shop/producer.html",
            context={
                "county": county,
                "producer": producer,
                "page": _existing(await products.page(page, producer=producer)),
            },
        )

    @get("/search", name="shop:search", cache_key_builder=fragment_cache_key, **LIVE_PAGE)
    async def search(
        self,
        request: Request,
        county: CurrentCounty,
        products: Products,
        q: Annotated[str, QueryParameter(max_length=100)] = "",
        page: PageNumber = 1,
    ) -> Template:
        """The search page, or its results for the live search (HTMX, at each pause in typing); kept
        one second, as the product page, for the crowd a livestream sends to one search.

        Only a finished search is recorded, once: the form submitted (with or without JavaScript: a
        plain GET) or a search's address loaded, never a page reached by its Previous and Next
        links (they name their ``page``) nor the live search's prefixes, which would fill "searches
        that found nothing".
        """
        query = q.strip()
        results = _existing(await products.search(query, page))
        best_sellers = [] if results.items else await products.best_sellers()
        context = {"county": county, "query": query, "page": results, "best_sellers": best_sellers}
        recorded = query and "page" not in request.query_params and not from_htmx(request)
        headers = search_header(query, len(results.items)) if recorded else None
        live_search = "partials/live_search.html"
        return page_or_fragment(request, "shop/search.html", live_search, context, headers=headers)

    @get("/about", name="shop:about", **SHARED_PAGE)
    async def about(self, county: CurrentCounty) -> Template:
        return Template("shop/about.html", context={"county": county})

    @get("/sitemap.xml", name="shop:sitemap", media_type="application/xml", **SHARED_PAGE)
    async def sitemap(
        self, request: Request, county: CurrentCounty, products: Products, db_session: DbSession
    ) -> Template:
        return Template(
            "shop/sitemap.xml",
            context={
                "county": county,
                "categories": await CategoryService(session=db_session).navigation(),
                "products": await products.sitemap_entries(),
            },
            media_type="application/xml",
        )
