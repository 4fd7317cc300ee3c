"""Behind a trusted proxy the app sees the visitor's address, and nobody else's claims."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from storefront import app as app_module
from storefront.asgi import create_asgi_app
from storefront.config import get_settings
from storefront.orders.controllers import LOOKUPS_PER_MINUTE

PROXY = "10.0.0.2"


@pytest.fixture
def production_env(database_url, tmp_path, monkeypatch):
    for name, value in {
        "STOREFRONT_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "x",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
        "PUBLIC_URL": "https://shop.example",
        "STOREFRONT_BASE_DOMAIN": "shop.example",
        "MEDIA_DIR": str(tmp_path / "media"),
        "STOREFRONT_VAR_DIR": str(tmp_path),
        "FORWARDED_ALLOW_IPS": f"{PROXY}, 10.0.1.0/24",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@asynccontextmanager
async def browser(app, client_ip: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose requests arrive from ``client_ip``, with the app started."""
    transport = httpx.ASGITransport(app=app, client=(client_ip, 40000))
    async with (
        app.app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="https://shop.example") as client,
    ):
        yield client


async def lookups(client: httpx.AsyncClient, forwarded_for: list[str]) -> list[int]:
    await client.get("/c/nowhere/orders")  # a CSRF cookie for the posts below
    statuses = []
    for chain in forwarded_for:
        response = await client.post(
            "/c/nowhere/orders",
            data={"number": "X", "contact": "y"},
            headers={"X-Forwarded-For": chain, "x-csrftoken": client.cookies.get("csrftoken", "")},
        )
        statuses.append(response.status_code)
    return statuses


async def test_a_visitor_cannot_dodge_the_rate_limit_by_writing_their_own_forwarded_for(production_env):
    """The proxy appends the address it saw; whatever the client wrote before it is not trusted."""
    app = create_asgi_app()
    spoofed = [f"198.51.100.{number}, 203.0.113.9" for number in range(LOOKUPS_PER_MINUTE + 15)]
    async with browser(app, PROXY) as via_proxy:
        statuses = await lookups(via_proxy, spoofed)
        assert statuses.count(429) == 15
        assert await lookups(via_proxy, ["203.0.113.10"]) != [429]  # another visitor


async def test_a_chain_of_trusted_proxies_is_followed_to_the_visitor(production_env):
    app = create_asgi_app()
    async with browser(app, PROXY) as via_proxy:
        chain = "198.51.100.1, 203.0.113.9, 10.0.1.7"  # the visitor, then an inner trusted proxy
        statuses = await lookups(via_proxy, [chain] * (LOOKUPS_PER_MINUTE + 1))
        assert statuses[-1] == 429
        assert await lookups(via_proxy, ["198.51.100.1, 203.0.113.11, 10.0.1.7"]) != [429]


async def test_forwarded_headers_from_an_untrusted_address_are_ignored(production_env):
    app = create_asgi_app()
    async with browser(app, "198.51.100.7") as direct:
        rotating = [f"203.0.113.{number}" for number in range(LOOKUPS_PER_MINUTE + 1)]
        assert (await lookups(direct, rotating))[-1] == 429


async def test_the_rate_limit_keeps_a_bounded_number_of_addresses(production_env):
    production_env.setattr(app_module, "RATE_LIMITED_CLIENTS", 5)
    app = create_asgi_app()
    async with browser(app, PROXY) as via_proxy:
        assert 429 not in await lookups(via_proxy, [f"203.0.113.{number}" for number in range(20)])
        assert 0 < len(app.app.stores.get("rate_limit")._store) <= 5


@pytest.mark.parametrize("everyone", ["*", "10.0.0.2, *", "0.0.0.0/0", "::/0"])
def test_trusting_every_address_is_refused(production_env, everyone):
    production_env.setenv("FORWARDED_ALLOW_IPS", everyone)
    with pytest.raises(RuntimeError, match="not every address"):
        create_asgi_app()
