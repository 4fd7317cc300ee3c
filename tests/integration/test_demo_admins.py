"""Demo admin accounts: created by the seed outside production, idempotently, and able to log in."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import CliRunner
from litestar.cli.main import litestar_group
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from demo.seed import load_demo_admins, seed_demo_admins
from storefront.accounts.models import AdminUser
from storefront.config import get_settings
from tests.support.admins import AdminBrowser
from tests.support.factories import make_county


async def test_the_demo_admins_are_created_once_and_log_in(client, session_maker):
    async with session_maker() as session:
        for slug in ("raohe", "guzhang"):
            await make_county(session, slug)
        assert await seed_demo_admins(session) == len(load_demo_admins())
        await session.commit()
        assert await seed_demo_admins(session) == 0
        admins = {user.email: user for user in await session.scalars(select(AdminUser))}
    demo = {admin.email: admin for admin in load_demo_admins()}
    assert set(admins) == set(demo)
    raohe = next(admin for admin in demo.values() if admin.county == "raohe")
    assert admins[raohe.email].county_id is not None and not admins[raohe.email].must_change_password
    browser = AdminBrowser(client)
    assert (await browser.log_in(raohe.email, raohe.password)).headers["location"] == "/admin/"
    platform = next(admin for admin in demo.values() if admin.platform)
    await browser.log_out()
    assert (await browser.log_in(platform.email, platform.password)).headers["location"] == "/admin/"


@pytest.mark.parametrize("environment", ["development", "production"])
def test_seed_demo_creates_demo_admins_only_outside_production(
    backend, database_pools, monkeypatch, tmp_path, environment
):
    url = asyncio.run(database_pools[backend].migrated())
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("STOREFRONT_ENV", environment)
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_test")
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(litestar_group, ["--app", "storefront.app:create_app", "seed-demo"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output

    async def emails() -> set[str]:
        engine = create_async_engine(url)
        try:
            async with async_sessionmaker(engine)() as session:
                return set(await session.scalars(select(AdminUser.email)))
        finally:
            await engine.dispose()

    created = asyncio.run(emails())
    assert created == (
        {admin.email for admin in load_demo_admins()} if environment != "production" else set()
    )
