"""Behind a trusted proxy the app sees the visitor's scheme and address, and nobody else's claims."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from storefront.asgi import create_asgi_app
from storefront.config import get_settings
from storefront.orders.controllers import LOOKUPS_PER_MINUTE

PROXY = "10.0.0.2"


@pytest.fixture
async def production_app(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    monkeypatch.setenv("STOREFRONT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", PROXY)
    get_settings.cache_clear()
    yield create_asgi_app()
    get_settings.cache_clear()


@asynccontextmanager
async def browser(app, client_ip: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose requests arrive from ``client_ip``, with the app started."""
    transport = httpx.ASGITransport(app=app, client=(client_ip, 40000))
    async with (
        app.__wrapped__.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://shop.example") as client,
    ):
        yield client


async def test_the_scheme_comes_from_the_trusted_proxy_only(production_app):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    async with browser(production_app, PROXY) as via_proxy:
        page = await via_proxy.get("/", headers=headers)
        assert '<link rel="canonical" href="https://shop.example/">' in page.text
    async with browser(production_app, "198.51.100.7") as direct:
        page = await direct.get("/", headers=headers)
        assert '<link rel="canonical" href="http://shop.example/">' in page.text


async def test_rate_limits_count_visitors_not_the_proxy(production_app):
    async with browser(production_app, PROXY) as via_proxy:
        await via_proxy.get("/c/nowhere/orders")  # a CSRF cookie for the posts below

        async def lookup(visitor: str) -> int:
            token = via_proxy.cookies.get("csrftoken", "")
            response = await via_proxy.post(
                "/c/nowhere/orders",
                data={"number": "X", "contact": "y"},
                headers={"X-Forwarded-For": visitor, "x-csrftoken": token},
            )
            return response.status_code

        for _ in range(LOOKUPS_PER_MINUTE):
            await lookup("203.0.113.9")
        assert await lookup("203.0.113.9") == 429
        assert await lookup("203.0.113.10") != 429
