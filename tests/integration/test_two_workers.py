"""Two app processes on one Redis and one PostgreSQL serve one platform (DESIGN.md section 8).

Each process is the production entry point (``storefront.asgi:create_asgi_app``) under uvicorn on
a port of its own; requests carry the platform's host name, as behind a load balancer, and a
visitor's cookies go to whichever process answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from storefront.catalog.models import Product, Variant
from storefront.config import PROJECT_ROOT
from storefront.db import scope_to_county
from storefront.orders.controllers import LOOKUPS_PER_MINUTE
from storefront.orders.models import Order, OrderStatus
from tests.support.factories import make_catalog, make_county
from tests.support.postgres import free_port
from tests.support.shopper import Shopper

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from tests.support.databases import PostgresDatabases
    from tests.support.mailbox import Mailbox
    from tests.support.stripe_sandbox import WebhookReceiver

HOST = "shop.test"
PAGE_CACHE_SECONDS = 60


@dataclass(frozen=True)
class Platform:
    worker_urls: tuple[str, str]
    database_url: str
    county_id: int
    variant_id: int

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        engine = create_async_engine(self.database_url)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                scope_to_county(session, self.county_id)
                yield session
        finally:
            await engine.dispose()

    def client(self, worker: int) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.worker_urls[worker], headers={"Host": HOST}, timeout=10)


async def _arrange(databases: PostgresDatabases) -> tuple[str, int, int]:
    """A migrated database with one county and its catalog."""
    database_url = await databases.migrated()
    engine = create_async_engine(database_url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            county = await make_county(session, "raohe")
            await make_catalog(session, county, products=2)
            variant_id = await session.scalar(select(Variant.id).order_by(Variant.id))
            await session.commit()
    finally:
        await engine.dispose()
    return database_url, county.id, variant_id


def _wait_until_serving(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 180  # two cold imports at once on a loaded machine
    while server.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/health", headers={"Host": HOST}, timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    msg = f"the app process for {url} did not start (exit code {server.returncode})"
    raise RuntimeError(msg)


@pytest.fixture(scope="module")
def platform(
    database_pools: dict,
    redis_server: str,
    stripe_sandbox: str,
    stripe_events: WebhookReceiver,
    mailbox: Mailbox,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Platform]:
    database_url, county_id, variant_id = asyncio.run(_arrange(database_pools["postgresql"]))
    env = {
        **{name: value for name, value in os.environ.items() if name != "FORWARDED_ALLOW_IPS"},
        "STOREFRONT_ENV": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_server,
        "SECRET_KEY": "two-workers-secret",
        "STOREFRONT_BASE_DOMAIN": HOST,
        "PUBLIC_URL": f"http://{HOST}",
        "SMTP_URL": mailbox.url,
        "STRIPE_SECRET_KEY": "sk_test_two_workers",
        "STRIPE_API_BASE": stripe_sandbox,
        "STRIPE_WEBHOOK_SECRET": stripe_events.secret,
        "PAGE_CACHE_SECONDS": str(PAGE_CACHE_SECONDS),
        "SWEEP_INTERVAL_SECONDS": "1",
    }
    ports = (free_port(), free_port())
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "storefront.asgi:create_asgi_app",
        "--log-level",
        "warning",
    ]
    # A var folder each, as on two machines: nothing may be shared through its files.
    servers = [
        subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=PROJECT_ROOT,
            env={**env, "STOREFRONT_VAR_DIR": str(tmp_path_factory.mktemp(f"worker-{port}"))},
        )
        for port in ports
    ]
    try:
        urls = tuple(f"http://127.0.0.1:{port}" for port in ports)
        for url, server in zip(urls, servers, strict=True):
            _wait_until_serving(url, server)
        yield Platform(urls, database_url, county_id, variant_id)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


async def _cart_count(client: httpx.AsyncClient) -> str:
    return re.search(r'id="cart-count"[^>]*>(\d*)<', (await client.get("/c/raohe/cart/count")).text)[1]


async def test_a_cart_made_on_one_worker_is_seen_on_the_other(platform):
    async with platform.client(0) as on_a, platform.client(1) as on_b:
        added = await Shopper(on_a, "raohe").add(platform.variant_id, 2)
        assert added.status_code == 303, added.text[:500]
        on_b.cookies = on_a.cookies
        assert await _cart_count(on_b) == "2"
        assert (await Shopper(on_b, "raohe").add(platform.variant_id, 1)).status_code == 303
        on_a.cookies = on_b.cookies
        assert await _cart_count(on_a) == "3"


async def test_a_page_cached_by_one_worker_is_served_by_the_other(platform):
    async with platform.session() as session:
        product = await session.scalar(select(Product).order_by(Product.id))
    async with platform.client(0) as on_a:
        rendered = await on_a.get("/c/raohe/")
    assert rendered.status_code == 200 and product.name_zh in rendered.text
    async with platform.session() as session:
        await session.execute(update(Product).where(Product.id == product.id).values(name_zh="改过的名字"))
        await session.commit()
    async with platform.client(1) as on_b:
        page = (await on_b.get("/c/raohe/")).text
    assert product.name_zh in page and "改过的名字" not in page


async def test_order_lookups_are_counted_across_workers(platform):
    async with platform.client(0) as on_a, platform.client(1) as on_b:
        await on_a.get("/c/raohe/orders")
        on_b.cookies = on_a.cookies
        shoppers = (Shopper(on_a, "raohe"), Shopper(on_b, "raohe"))
        statuses = [
            (await shoppers[attempt % 2].post("/orders", {"number": "RA0", "contact": "x"})).status_code
            for attempt in range(LOOKUPS_PER_MINUTE + 4)
        ]
    assert statuses == [400] * LOOKUPS_PER_MINUTE + [429] * 4


async def test_both_workers_sweepers_send_a_missed_confirmation_once(platform, mailbox):
    email = f"sweep-{uuid.uuid4().hex[:8]}@example.cn"
    async with platform.client(0) as on_a:
        shopper = Shopper(on_a, "raohe")
        await shopper.add(platform.variant_id)
        assert (await shopper.checkout(email)).status_code == 303
    paid_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    async with platform.session() as session:  # paid while the mail server was down
        await session.execute(
            update(Order).where(Order.email == email).values(status=OrderStatus.PAID, paid_at=paid_at)
        )
        await session.commit()
    assert len(await asyncio.to_thread(mailbox.wait_for, email, 1, 30)) == 1
    await asyncio.sleep(2)  # two more sweep intervals
    assert len(mailbox.to(email)) == 1
    async with platform.session() as session:
        assert await session.scalar(select(Order.confirmation_sent_at).where(Order.email == email))
