"""The page cache: catalog pages are reused for everyone, and nothing personal is reused with them."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import event

from storefront import page_cache
from storefront.app import create_app
from tests.support.factories import make_catalog, make_county


@pytest.fixture
async def cached_app(settings, session_maker):
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        await make_catalog(session, county, products=3)
        await session.commit()
    return create_app(replace(settings, page_cache_seconds=60))


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


async def test_referral_links_share_the_cached_page(cached_app):
    async with AsyncTestClient(app=cached_app) as client:
        statements = []
        engine = cached_app.state.db_config.get_engine().sync_engine
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        await client.get("/c/raohe/")
        statements.clear()
        await client.get("/c/raohe/?ref=laowang")
        assert statements == []


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


async def test_visitors_asking_at_once_for_a_missing_page_do_not_wait_on_each_other(cached_app, monkeypatch):
    monkeypatch.setattr(page_cache, "RENDER_WAIT_SECONDS", 120)
    transport = httpx.ASGITransport(app=cached_app)
    async with (
        cached_app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://shop.test") as client,
    ):
        # A 404 is never stored: without releasing its waiters they would hang for two minutes.
        requests = asyncio.gather(*(client.get("/c/raohe/category/nothing-here") for _ in range(10)))
        pages = await asyncio.wait_for(requests, timeout=30)
    assert {page.status_code for page in pages} == {404}
