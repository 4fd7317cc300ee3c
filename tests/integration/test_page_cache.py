"""The page cache: catalog pages are reused for everyone, and nothing personal is reused with them."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
import redis.asyncio
from litestar.testing import AsyncTestClient
from sqlalchemy import event, select

from storefront import page_cache, sessions
from storefront.app import create_app
from storefront.catalog.models import Variant
from storefront.clock import utcnow
from storefront.db import all_counties_scope, scope_to_county
from storefront.stock.holds import hold
from tests.support.factories import make_catalog, make_county
from tests.support.shopper import Shopper

CACHED_PAGES = {
    "directory": "/",
    "shop:home": "/c/raohe/",
    "shop:category": "/c/raohe/category/honey",
    "shop:producer": "/c/raohe/producers/li-family-raohe",
    "shop:about": "/c/raohe/about",
    "shop:sitemap": "/c/raohe/sitemap.xml",
    "shop:product": "/c/raohe/products/linden-honey",
    "shop:search": "/c/raohe/search?q=honey",
}


@pytest.fixture
async def catalog(session_maker) -> int:
    """The catalog of one county; the id of a variant to put in a cart."""
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        products = await make_catalog(session, county, products=3)
        products[0].slug = "linden-honey"
        variant_id = await session.scalar(select(Variant.id).order_by(Variant.id))
        await session.commit()
    return variant_id


@pytest.fixture
async def cached_app(settings, catalog):
    return create_app(replace(settings, page_cache_seconds=60))


def cached_route_names(app) -> set[str]:
    return {
        handler.name
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        if handler.cache
    }


def test_every_cached_route_is_checked_below(cached_app):
    assert cached_route_names(cached_app) == set(CACHED_PAGES)


def visitor(app) -> httpx.AsyncClient:
    """A browser of its own (cookies), on the test's event loop so several can share the app."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")


@pytest.mark.parametrize("name", sorted(CACHED_PAGES))
@pytest.mark.parametrize("first_visitor", ["with a cart", "from a referral link"])
async def test_a_lapsed_page_rendered_for_one_visitor_hands_nothing_of_theirs_to_the_next(
    settings, catalog, monkeypatch, name, first_visitor
):
    """As the leak was found: the cached copy lapses, a visitor with a session (or a ``?ref=``
    visit) renders it again, and the next visitor, with no cookies at all, gets it from the cache."""
    clock = [page_cache.time()]
    monkeypatch.setattr(page_cache, "time", lambda: clock[0])
    app = create_app(replace(settings, page_cache_seconds=10))
    path = CACHED_PAGES[name]
    async with app.lifespan(), visitor(app) as earlier, visitor(app) as first, visitor(app) as second:
        await earlier.get(path)  # cached once, as after any earlier visit
        clock[0] += 11  # lapsed
        if first_visitor == "with a cart":
            assert (await Shopper(first, "raohe").add(catalog)).status_code == 303
            own_session = first.cookies["session"]
            tomorrow = utcnow() + timedelta(days=1)  # the page that renews the session, with its cookie
            monkeypatch.setattr(sessions, "utcnow", lambda: tomorrow)
            rendered = await first.get(path)
            assert f"session={own_session}" in rendered.headers["set-cookie"]
        else:
            rendered = await first.get(f"{path}{'&' if '?' in path else '?'}ref=CREATOR_X")
            assert "ref=CREATOR_X" in rendered.headers["set-cookie"]
        assert rendered.status_code == 200

        statements = []
        engine = app.state.db_config.get_engine().sync_engine
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        page = await second.get(path)
        assert page.status_code == 200
        assert statements == []  # from the cache, as rendered for the first visitor
        assert page.headers.get_list("set-cookie") == []
        assert "CREATOR_X" not in page.text and not second.cookies


async def test_referral_visits_get_the_cached_page_without_a_session_and_remember_their_own_code(cached_app):
    statements = []
    engine = cached_app.state.db_config.get_engine().sync_engine
    async with cached_app.lifespan():
        async with visitor(cached_app) as earlier:
            await earlier.get("/c/raohe/")
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        for code in ("laowang", "xiaoli", "dajie"):
            async with visitor(cached_app) as referred:
                page = await referred.get(f"/c/raohe/?ref={code}")
                assert page.status_code == 200
                assert referred.cookies.get("ref") == code
                assert "session" not in referred.cookies  # nothing stored on the server for a visit
                assert code not in page.text  # the language links do not carry anyone's code
    assert statements == []


async def test_a_page_keys_only_on_what_it_reads_so_junk_queries_add_no_entries(cached_app):
    store = cached_app.stores.get(page_cache.STORE_NAME).store
    async with AsyncTestClient(app=cached_app) as client:
        for number in range(300):
            assert (await client.get(f"/c/raohe/?junk{number}={number}")).status_code == 200
        for variant in ("?page=1", "?page=1&page=1", "?page=1&ref=x"):
            assert (await client.get(f"/c/raohe/{variant}")).status_code == 200
        for refused in ("?page=01", "?page=0001&ref=x"):  # as the handler reads them, cached or not
            assert (await client.get(f"/c/raohe/{refused}")).status_code == 400
        assert len(store._store) == 2  # the home page, and its page 1
        for host in ("raohe.shop.test", "raohe.shop.test:81", "RAOHE.shop.test.", "raohe.shop.test.:99"):
            assert (await client.get("/", headers={"Host": host})).status_code == 200
        assert len(store._store) == 3  # one more: the county's own host


async def test_a_page_number_given_twice_is_cached_and_linked_as_the_page_shown(settings, session_maker):
    """The handler reads the last of ``?page=2&page=3``: that page must not be kept as page 2's, for
    every shopper who presses Next after it."""
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        await make_catalog(session, county, products=40)
        await session.commit()
    app = create_app(replace(settings, page_cache_seconds=60))
    async with app.lifespan(), visitor(app) as attacker, visitor(app) as shopper:
        third = await attacker.get("/c/raohe/?page=2&page=3")
        second = await shopper.get("/c/raohe/?page=2")
        assert third.status_code == second.status_code == 200
        assert 'rel="prev" href="?page=2"' in third.text and 'rel="prev" href="?page=1"' in second.text
        assert 'href="/c/raohe/?page=3&amp;lang=en"' in third.text  # its language link, page 3 too


async def test_pages_kept_in_redis_expire(settings, catalog, redis_server):
    app = create_app(replace(settings, page_cache_seconds=30, redis_url=redis_server))
    async with app.lifespan(), visitor(app) as browser:
        for path in CACHED_PAGES.values():
            assert (await browser.get(path)).status_code == 200
    client = redis.asyncio.Redis.from_url(redis_server)
    keys = [key async for key in client.scan_iter("*pages*")]
    assert len(keys) == len(CACHED_PAGES)
    lifetimes = [await client.ttl(key) for key in keys]
    assert all(0 < seconds <= 60 for seconds in lifetimes)
    await client.flushall()
    await client.aclose()


async def test_a_cached_page_is_served_without_queries(cached_app):
    async with AsyncTestClient(app=cached_app) as client:
        statements = []
        engine = cached_app.state.db_config.get_engine().sync_engine
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        first = await client.get("/c/raohe/")
        assert statements
        statements.clear()
        second = await client.get("/c/raohe/")
        assert statements == []
        assert second.text == first.text


async def test_visitors_never_share_a_csrf_token_or_session_through_the_cache(cached_app):
    tokens = set()
    for _ in range(3):
        async with AsyncTestClient(app=cached_app) as visitor:
            for path in ("/", "/c/raohe/", "/c/raohe/category/honey", "/c/raohe/about"):
                assert (await visitor.get(path)).headers.get_list("set-cookie") == []
            await visitor.get("/c/raohe/cart")  # an uncached page hands out the visitor's own token
            tokens.add(visitor.cookies.get("csrftoken"))
    assert None not in tokens and len(tokens) == 3


async def test_languages_are_cached_apart(cached_app):
    async with AsyncTestClient(app=cached_app) as client:
        chinese = await client.get("/c/raohe/")
        english = await client.get("/c/raohe/", headers={"Accept-Language": "en"})
        assert "已售罄" not in english.text and "Linden honey" in english.text
        assert "椴树蜂蜜" in chinese.text and 'lang="zh-Hans"' in chinese.text


async def test_a_lapsed_page_is_rendered_once_however_many_ask_at_once(cached_app):
    statements = []
    engine = cached_app.state.db_config.get_engine().sync_engine
    transport = httpx.ASGITransport(app=cached_app)  # same event loop: the requests really overlap
    async with (
        cached_app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://shop.test") as client,
    ):
        await client.get("/")  # loads the host table once
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        pages = await asyncio.gather(*(client.get("/c/raohe/") for _ in range(20)))
    assert {page.status_code for page in pages} == {200}
    assert len({page.text for page in pages}) == 1
    assert len(statements) == 3  # one render: county, categories, products


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/c/raohe/category/nothing-here", {}),
        ("/c/raohe/search?q=honey&page=9", {}),
        ("/c/raohe/search?q=honey&page=9", {"HX-Request": "true"}),  # a fragment's key of its own
    ],
)
async def test_visitors_asking_at_once_for_a_missing_page_do_not_wait_on_each_other(
    cached_app, monkeypatch, path, headers
):
    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 120)
    transport = httpx.ASGITransport(app=cached_app)
    async with (
        cached_app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://shop.test") as client,
    ):
        # A 404 is never stored: without releasing its waiters they would hang for two minutes.
        requests = asyncio.gather(*(client.get(path, headers=headers) for _ in range(10)))
        pages = await asyncio.wait_for(requests, timeout=30)
    assert {page.status_code for page in pages} == {404}


@pytest.mark.parametrize("fragment_first", [True, False])
async def test_the_live_search_and_the_search_page_are_cached_apart(cached_app, fragment_first, monkeypatch):
    """The live search answers HTMX with the results alone, the search page with a whole page; the
    same words must never hand one the other's copy, and each is served again from the cache."""
    now = page_cache.time()
    monkeypatch.setattr(page_cache, "time", lambda: now)  # a search is fresh for 1 s only
    live = {"HX-Request": "true"}
    order = [live, {}] if fragment_first else [{}, live]
    statements = []
    engine = cached_app.state.db_config.get_engine().sync_engine
    async with AsyncTestClient(app=cached_app) as client:
        answers = {}
        for headers in order:
            answer = await client.get("/c/raohe/search?q=honey", headers=headers)
            assert "HX-Request" in answer.headers["vary"]  # and so kept apart by browsers too
            answers[bool(headers)] = answer.text
        restored = {**live, "HX-History-Restore-Request": "true"}  # HTMX rebuilding a page of its history
        assert "<html" in (await client.get("/c/raohe/search?q=honey", headers=restored)).text
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        for headers in order:
            again = await client.get("/c/raohe/search?q=honey", headers=headers)
            assert again.text == answers[bool(headers)]
    assert "<html" in answers[False] and "<html" not in answers[True]
    assert 'class="product-card' in answers[True]
    assert statements == []


@pytest.mark.parametrize("path", ["/c/raohe/", "/c/raohe/category/honey"])
async def test_a_page_number_of_thousands_of_digits_is_a_clear_400(cached_app, path):
    """Longer than Python turns into a number: refused like any page out of range, never a crash."""
    async with AsyncTestClient(app=cached_app) as client:
        response = await client.get(f"{path}?page={'1' * 5000}")
        assert response.status_code == 400
        assert "<html" in response.text


async def test_what_a_checkout_takes_shows_on_the_cached_product_page_within_a_second(
    settings, catalog, session_maker, monkeypatch
):
    """Product pages are shared for a second: a checkout holding the last jars (no admin save, no
    new content version) shows as sold out once that second is over, not a page-cache lifetime later."""
    clock = [page_cache.time()]
    monkeypatch.setattr(page_cache, "time", lambda: clock[0])
    app = create_app(replace(settings, page_cache_seconds=60))
    path = f"{CACHED_PAGES['shop:product']}?lang=en"
    async with app.lifespan(), visitor(app) as shopper:
        assert (await shopper.get(path)).text.count("In stock") == 2
        async with session_maker() as session:
            with all_counties_scope(session):
                county_id = await session.scalar(select(Variant.county_id).where(Variant.id == catalog))
            scope_to_county(session, county_id)
            product_id = await session.scalar(select(Variant.product_id).where(Variant.id == catalog))
            jars = await session.scalars(select(Variant.id).where(Variant.product_id == product_id))
            assert await hold(session, dict.fromkeys(jars, 20)) == []
            await session.commit()
        clock[0] += 0.5
        assert (await shopper.get(path)).text.count("In stock") == 2  # the same copy: it is cached
        clock[0] += 0.6
        page = (await shopper.get(path)).text
        assert "In stock" not in page and page.count("Sold out") >= 2


@pytest.mark.parametrize("path", ["/c/raohe/search?q=honey", "/c/raohe/cart", "/"])
@pytest.mark.parametrize("host", ["testserver.local:abc", "raohe.shop.test:99999"])
async def test_a_host_with_a_port_that_is_no_port_is_a_400_not_a_500(cached_app, path, host):
    async with AsyncTestClient(app=cached_app, base_url="http://testserver.local") as client:
        assert (await client.get(path, headers={"Host": host})).status_code == 400
    assert (
        page_cache.STORE_NAME not in cached_app.stores._stores
        or not cached_app.stores.get(page_cache.STORE_NAME)._rendering
    )


async def test_a_render_that_fails_beyond_its_error_page_does_not_hold_up_the_next_shopper(
    settings, catalog, monkeypatch
):
    """A failure even the error page cannot answer (Litestar's bare 500) must still release the
    page's render: the next shopper renders it at once instead of waiting, and no claim is kept."""
    import storefront.app
    from storefront.tenancy.service import CountyService

    async def broken(*_args, **_kwargs):
        raise RuntimeError("the shop is broken")

    def broken_error_page(*_args, **_kwargs):
        raise RuntimeError("the error page is broken too")

    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 120)
    monkeypatch.setattr(storefront.app, "_error_page", broken_error_page)
    monkeypatch.setattr(CountyService, "get_active", broken)
    app = create_app(replace(settings, page_cache_seconds=60))
    async with AsyncTestClient(app=app, raise_server_exceptions=False) as client:
        for number in range(3):
            for _ in range(2):  # the second asks for the page the first claimed
                answer = await asyncio.wait_for(client.get(f"/c/raohe/search?q=honey{number}"), timeout=30)
                assert answer.status_code == 500
        assert app.stores.get(page_cache.STORE_NAME)._rendering == {}
