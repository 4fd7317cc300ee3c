"""``storefront create-admin``: the Litestar CLI command, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import CliRunner
from litestar.cli.main import litestar_group
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from storefront.accounts.models import AdminUser
from storefront.accounts.passwords import verify_password
from storefront.config import get_settings
from tests.support.factories import make_county


@pytest.fixture
def migrated_url(backend, database_pools) -> str:
    return asyncio.run(database_pools[backend].migrated())


@pytest.fixture
def storefront_cli(migrated_url, monkeypatch, tmp_path):
    """Runs ``storefront ARGS`` in-process against the test database; gives (exit code, output)."""
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    get_settings.cache_clear()

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(litestar_group, ["--app", "storefront.app:create_app", *args])
        return result.exit_code, result.output

    yield run
    get_settings.cache_clear()


async def _query(url: str, work):
    engine = create_async_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            return await work(session)
    finally:
        await engine.dispose()


def _admins(url: str) -> list[AdminUser]:
    return asyncio.run(_query(url, lambda session: _all(session)))


async def _all(session) -> list[AdminUser]:
    return list(await session.scalars(select(AdminUser).order_by(AdminUser.id)))


def test_create_admin_makes_county_and_platform_admins(storefront_cli, migrated_url):
    async def county(session):
        await make_county(session, "raohe")
        await session.commit()

    asyncio.run(_query(migrated_url, county))
    code, output = storefront_cli(
        "create-admin", "--email", "Li@Example.cn", "--password", "raohe-pass-2026", "--county", "raohe"
    )
    assert code == 0, output
    assert "created county_admin li@example.cn for raohe" in output
    code, output = storefront_cli(
        "create-admin", "--email", "boss@example.cn", "--password", "platform-key-2026", "--platform"
    )
    assert code == 0, output
    county_admin, platform_admin = _admins(migrated_url)
    assert (county_admin.email, county_admin.role, county_admin.must_change_password) == (
        "li@example.cn",
        "county_admin",
        False,
    )
    assert county_admin.county_id is not None and county_admin.password_hash.startswith("$argon2id$")
    assert verify_password(county_admin.password_hash, "raohe-pass-2026")
    assert (platform_admin.role, platform_admin.county_id) == ("platform_admin", None)
    code, _ = storefront_cli(
        "create-admin",
        "--email",
        "new@example.cn",
        "--password",
        "new-pass-2026x",
        "--platform",
        "--must-change-password",
    )
    assert code == 0 and _admins(migrated_url)[-1].must_change_password


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "a@example.cn", "--password", "short", "--platform"], "at least 10 characters"),
        (["--email", "a@example.cn", "--password", "aaaaaaaaaaaa", "--platform"], "too easy to guess"),
        (["--email", "a@example.cn", "--password", "good-pass-2026"], "either a county"),
        (
            ["--email", "a@example.cn", "--password", "good-pass-2026", "--county", "raohe", "--platform"],
            "either a county",
        ),
        (
            ["--email", "a@example.cn", "--password", "good-pass-2026", "--county", "nowhere"],
            "no county has the slug",
        ),
        (["--email", "not an email", "--password", "good-pass-2026", "--platform"], "does not look right"),
        (["--password", "good-pass-2026", "--platform"], "Missing option '--email'"),
        (["--email", "a@example.cn", "--platform"], "Missing option '--password'"),
    ],
)
def test_create_admin_refuses_bad_input_clearly(storefront_cli, migrated_url, args, message):
    code, output = storefront_cli("create-admin", *args)
    assert code != 0
    assert message in output
    assert _admins(migrated_url) == []


def test_create_admin_refuses_an_email_taken(storefront_cli, migrated_url):
    args = ["create-admin", "--email", "boss@example.cn", "--password", "platform-key-2026", "--platform"]
    assert storefront_cli(*args)[0] == 0
    code, output = storefront_cli(*args)
    assert code == 1 and "already exists" in output
    assert len(_admins(migrated_url)) == 1
