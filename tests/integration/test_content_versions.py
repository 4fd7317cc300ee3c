"""Changes show at once: a save bumps its county's content version, and the next request renders it
even where the page cache holds the page, on every worker, while other counties' pages stay cached.

Admin screens come later; a route registered here stands in for them: it makes its change with
the request's ``db_session`` and calls ``bump_content_version`` in the same transaction, then
commits as an admin save does (explicitly before a redirect, or by the autocommit of a 200).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import httpx
import pytest
import redis.asyncio
from litestar import Request, Response, post
from litestar.params import FromQuery
from litestar.response import Redirect
from litestar.stores.memory import MemoryStore
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.app import create_app
from storefront.catalog.models import Product, Variant
from storefront.catalog.service import ProductService
from storefront.content_versions import county_version, current_version, publish_content_changes
from storefront.db import DbSession, scope_to_county
from storefront.tenancy.models import County
from storefront.tenancy.service import bump_content_version
from tests.support.factories import make_catalog, make_county

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from litestar import Litestar

OLD_COUNTY, NEW_COUNTY = "饶河县", "黑蜂之乡饶河"
NEW_NAME, NEW_SLUG, NEW_PRICE = "改过名的椴树蜂蜜", "renamed-linden-honey", "¥99.00"
NEW_STORY = "改写过的品牌故事。"


@dataclass(frozen=True)
class Shops:
    raohe: int
    guzhang: int
    product_id: int
    product_name: str
    product_slug: str


RAOHE_PAGES = (
    "/c/raohe/",
    "/c/raohe/category/honey",
    "/c/raohe/producers/li-family-raohe",
    "/c/raohe/about",
    "/c/raohe/sitemap.xml",
)
GUZHANG_PAGES = (
    "/c/guzhang/",
    "/c/guzhang/category/tea",
    "/c/guzhang/producers/li-family-guzhang",
    "/c/guzhang/about",
    "/c/guzhang/sitemap.xml",
)


@pytest.fixture
async def shops(session_maker) -> Shops:
    async with session_maker() as session:
        raohe = await make_county(session, "raohe", name_zh=OLD_COUNTY)
        product = (await make_catalog(session, raohe, products=3))[0]
        guzhang = await make_county(session, "guzhang", name_zh="古丈县")
        await make_catalog(session, guzhang, products=2, category_slug="tea")
        await session.commit()
    return Shops(raohe.id, guzhang.id, product.id, product.name_zh, product.slug)


def expected_after_save(shops: Shops) -> dict[str, tuple[set[str], set[str]]]:
    """Each page after the save: what it must show, and what it must no longer show."""
    product = ({NEW_NAME, NEW_PRICE}, {shops.product_name})
    return {
        "/": ({NEW_COUNTY}, {OLD_COUNTY}),
        "/c/raohe/": product,
        "/c/raohe/category/honey": product,
        "/c/raohe/producers/li-family-raohe": product,
        "/c/raohe/about": ({NEW_STORY, NEW_COUNTY}, {OLD_COUNTY}),
        "/c/raohe/sitemap.xml": ({f"/products/{NEW_SLUG}<"}, {f"/products/{shops.product_slug}<"}),
    }


async def rename_and_reprice(db_session: AsyncSession, shops: Shops) -> None:
    """An admin's save in Raohe: a product's name, address and prices, the county's name and story."""
    scope_to_county(db_session, shops.raohe)
    await db_session.execute(
        update(Product).where(Product.id == shops.product_id).values(name_zh=NEW_NAME, slug=NEW_SLUG)
    )
    await db_session.execute(update(Variant).where(Variant.product_id == shops.product_id).values(price=9900))
    await db_session.execute(
        update(County).where(County.id == shops.raohe).values(name_zh=NEW_COUNTY, story_zh=NEW_STORY)
    )
    await bump_content_version(db_session, shops.raohe)


@post("/test/save", opt={"exclude_from_csrf": True}, status_code=200)
async def save_route(request: Request, db_session: DbSession, redirect: FromQuery[bool] = False) -> Response:
    await request.app.state.change(db_session)
    if redirect:  # autocommit leaves redirects alone: saves that redirect commit themselves
        await db_session.commit()
        return Redirect("/", status_code=303)
    return Response("saved")


def with_save_route(app: Litestar, change: Callable[[AsyncSession], Awaitable[None]]) -> Litestar:
    app.register(save_route)
    app.state.change = change
    return app


async def save(browser: httpx.AsyncClient, *, redirect: bool = False) -> None:
    response = await browser.post("/test/save", params={"redirect": redirect})
    assert response.status_code == (303 if redirect else 200), response.text[:500]


def visitor(app: Litestar) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")


@contextlib.contextmanager
def queries(app: Litestar) -> Iterator[list[str]]:
    """The SQL statements ``app`` sends within the block."""
    statements: list[str] = []
    engine = app.state.db_config.get_engine().sync_engine

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def assert_from_cache(app: Litestar, browser: httpx.AsyncClient, paths: tuple[str, ...]) -> None:
    for path in paths:
        with queries(app) as statements:
            assert (await browser.get(path)).status_code == 200
        assert statements == [], f"{path} was rendered, not served from the cache"


def assert_shows_save(path: str, text: str, shops: Shops) -> None:
    shown, gone = expected_after_save(shops)[path]
    assert all(part in text for part in shown), f"{path} does not show the save"
    assert not any(part in text for part in gone), f"{path} still shows what the save replaced"


@pytest.mark.parametrize("commit", ["explicit, then a redirect", "autocommit of a 200"])
async def test_a_save_shows_at_once_on_its_countys_cached_pages_and_the_directory(settings, shops, commit):
    app = with_save_route(
        create_app(replace(settings, page_cache_seconds=60)), lambda s: rename_and_reprice(s, shops)
    )
    changed = tuple(expected_after_save(shops))
    async with app.lifespan(), visitor(app) as shopper, visitor(app) as admin:
        for path in changed + GUZHANG_PAGES:
            assert (await shopper.get(path)).status_code == 200
        await assert_from_cache(app, shopper, changed + GUZHANG_PAGES)

        await save(admin, redirect=commit.startswith("explicit"))

        for path in changed:
            with queries(app) as statements:
                page = await shopper.get(path)
            assert page.status_code == 200 and statements, f"{path} was not rendered again"
            assert_shows_save(path, page.text, shops)
        await assert_from_cache(app, shopper, changed)  # cached again, at the new version
        await assert_from_cache(app, shopper, GUZHANG_PAGES)  # another county's pages never left


async def test_a_page_rendered_while_a_save_commits_is_not_served_after_it(settings, shops, monkeypatch):
    """The render reads the catalog before the save commits and stores the page after it: the page
    is kept under the version it was rendered at, so the next visitor gets the save."""
    original = ProductService.page
    catalog_read, save_done = asyncio.Event(), asyncio.Event()

    async def page_read_before_the_save(self, *args, **kwargs):
        page = await original(self, *args, **kwargs)
        if not save_done.is_set():
            catalog_read.set()
            await save_done.wait()
        return page

    monkeypatch.setattr(ProductService, "page", page_read_before_the_save)
    app = with_save_route(
        create_app(replace(settings, page_cache_seconds=60)), lambda s: rename_and_reprice(s, shops)
    )
    async with app.lifespan(), visitor(app) as first, visitor(app) as admin, visitor(app) as next_one:
        rendering = asyncio.create_task(first.get("/c/raohe/"))
        await asyncio.wait_for(catalog_read.wait(), 40)  # a busy machine may wait out a lock
        await save(admin, redirect=True)
        save_done.set()
        before = await asyncio.wait_for(rendering, 40)
        after = await next_one.get("/c/raohe/")
    assert shops.product_name in before.text and NEW_NAME not in before.text
    assert_shows_save("/c/raohe/", after.text, shops)


async def test_a_save_that_fails_leaves_the_cached_pages_alone(settings, shops):
    async def change_then_fail(db_session: AsyncSession) -> None:
        await rename_and_reprice(db_session, shops)
        raise RuntimeError("the save fails after its bump")

    app = with_save_route(create_app(replace(settings, page_cache_seconds=60)), change_then_fail)
    async with app.lifespan(), visitor(app) as shopper, visitor(app) as admin:
        for path in ("/", *RAOHE_PAGES):
            assert (await shopper.get(path)).status_code == 200
        assert (await admin.post("/test/save")).status_code == 500  # rolled back
        await assert_from_cache(app, shopper, ("/", *RAOHE_PAGES))
        assert shops.product_name in (await shopper.get("/c/raohe/")).text


async def test_a_save_on_one_worker_shows_on_another_sharing_redis(settings, shops, redis_server):
    """Two app instances on one Redis (as two workers): pages cached by one are served by the
    other, a save made on one shows on the other's next request, and nothing else is rendered."""
    shared = redis.asyncio.Redis.from_url(redis_server)
    await shared.flushall()  # pages another test cached under the same addresses
    config = replace(settings, page_cache_seconds=60, redis_url=redis_server)
    worker_a = with_save_route(create_app(config), lambda s: rename_and_reprice(s, shops))
    worker_b = create_app(config)
    changed = tuple(expected_after_save(shops))
    try:
        async with (
            worker_a.lifespan(),
            worker_b.lifespan(),
            visitor(worker_a) as on_a,
            visitor(worker_b) as on_b,
        ):
            for path in changed + GUZHANG_PAGES:
                assert (await on_b.get(path)).status_code == 200
            await assert_from_cache(worker_a, on_a, changed + GUZHANG_PAGES)

            await save(on_a, redirect=True)

            for path in changed:
                with queries(worker_b) as statements:
                    page = await on_b.get(path)
                assert statements, f"{path} was not rendered again on the other worker"
                assert_shows_save(path, page.text, shops)
            await assert_from_cache(worker_a, on_a, changed + GUZHANG_PAGES)
            await assert_from_cache(worker_b, on_b, changed + GUZHANG_PAGES)
    finally:
        await shared.flushall()
        await shared.aclose()


async def test_concurrent_bumps_all_count(session_maker, shops):
    versions = MemoryStore()
    seen = []

    async def one_save() -> int:
        async with session_maker() as session:
            version = await bump_content_version(session, shops.raohe)
            await session.commit()
            await publish_content_changes(versions, session)
            seen.append(await current_version(versions, county_version("raohe")))
            return version

    numbers = await asyncio.gather(*(one_save() for _ in range(20)))
    async with session_maker() as session:
        stored = await session.scalar(select(County.content_version).where(County.id == shops.raohe))
        other = await session.scalar(select(County.content_version).where(County.id == shops.guzhang))
    assert sorted(numbers) == list(range(1, 21)) and stored == 20 and other == 0
    assert "" not in seen and len(set(seen)) > 1


async def test_a_custom_domain_saved_is_served_at_once_and_one_removed_is_refused_at_once(settings, shops):
    domain: list[str | None] = ["raohe-honey.example"]

    async def set_domain(db_session: AsyncSession) -> None:
        await db_session.execute(
            update(County).where(County.id == shops.raohe).values(custom_domain=domain[0])
        )
        await bump_content_version(db_session, shops.raohe)

    app = with_save_route(create_app(replace(settings, page_cache_seconds=60)), set_domain)
    own_host = {"Host": "raohe-honey.example"}
    async with app.lifespan(), visitor(app) as shopper, visitor(app) as admin:
        assert (await shopper.get("/", headers=own_host)).status_code == 400  # not ours yet
        await save(admin, redirect=True)
        page = await shopper.get("/", headers=own_host)
        assert page.status_code == 200 and OLD_COUNTY in page.text
        domain[0] = None
        await save(admin, redirect=True)
        assert (await shopper.get("/", headers=own_host)).status_code == 400
