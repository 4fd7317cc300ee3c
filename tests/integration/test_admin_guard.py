"""The admin guard scopes each request's database session to the signed-in account's county."""

from __future__ import annotations

import pyotp
import pytest
from litestar import get
from litestar.params import FromQuery
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from storefront.admin import router as admin_router_module
from storefront.admin.guard import CurrentAdmin
from storefront.app import create_app
from storefront.catalog.models import Product
from storefront.db import DbSession, TenantScopeError, all_counties_scope
from tests.support.admins import AdminBrowser, make_admin
from tests.support.factories import make_catalog, make_county


@get("/probe/products", name="admin:probe-products")
async def probe_products(admin: CurrentAdmin, db_session: DbSession, other_id: FromQuery[int]) -> dict:
    """What an admin page sees: every product it can list, and another county's product by id."""
    try:
        slugs = sorted(await db_session.scalars(select(Product.slug)))
    except TenantScopeError:
        slugs = None
    try:
        by_id = await db_session.get(Product, other_id)
    except TenantScopeError:
        by_id = "refused"
    with all_counties_scope(db_session):  # what a platform page must say to see every county
        everything = len(list(await db_session.scalars(select(Product.id))))
    return {
        "county": admin.county.slug if admin.county else None,
        "slugs": slugs,
        "other": by_id if by_id in (None, "refused") else by_id.slug,
        "everything": everything,
    }


@pytest.fixture
async def probe_client(settings, monkeypatch):
    """The app with one more admin page, added the way every admin page is: to ADMIN_PAGES."""
    monkeypatch.setattr(
        admin_router_module, "ADMIN_PAGES", [*admin_router_module.ADMIN_PAGES, probe_products]
    )
    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local") as client:
        yield client


@pytest.fixture
async def catalogs(session_maker) -> dict[str, list[str]]:
    async with session_maker() as session:
        raohe = await make_county(session, "raohe")
        guzhang = await make_county(session, "guzhang")
        found = {
            "raohe": [product.slug for product in await make_catalog(session, raohe, products=2)],
            "guzhang": [
                product.slug
                for product in await make_catalog(session, guzhang, products=1, category_slug="tea")
            ],
        }
        found["raohe_id"] = raohe.id
        await session.commit()
        with all_counties_scope(session):
            found["guzhang_id"] = await session.scalar(
                select(Product.id).where(Product.slug == found["guzhang"][0])
            )
    return found


async def test_a_page_added_to_the_admin_is_guarded(probe_client, catalogs):
    response = await probe_client.get(
        f"/admin/probe/products?other_id={catalogs['guzhang_id']}", follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/admin/login"


async def test_a_county_admins_queries_see_only_their_county(probe_client, session_maker, catalogs):
    await make_admin(session_maker, "raohe@example.cn", county="raohe")
    admin = AdminBrowser(probe_client)
    await admin.log_in("raohe@example.cn")
    seen = (await probe_client.get(f"/admin/probe/products?other_id={catalogs['guzhang_id']}")).json()
    assert seen["county"] == "raohe"
    assert seen["slugs"] == sorted(catalogs["raohe"])
    assert seen["other"] is None  # another county's product by id: nothing


async def test_a_platform_admin_acts_on_the_county_they_chose_and_no_other(
    probe_client, session_maker, catalogs
):
    secret = pyotp.random_base32()
    await make_admin(session_maker, "boss@example.cn", totp_secret=secret)
    admin = AdminBrowser(probe_client)
    await admin.log_in("boss@example.cn", totp_secret=secret)
    path = f"/admin/probe/products?other_id={catalogs['guzhang_id']}"
    unchosen = (await probe_client.get(path)).json()
    assert unchosen["county"] is None and unchosen["slugs"] is None and unchosen["other"] == "refused"
    assert unchosen["everything"] == 3
    assert (await admin.post("/admin/county", {"county_id": catalogs["raohe_id"]})).status_code == 303
    chosen = (await probe_client.get(path)).json()
    assert chosen["county"] == "raohe" and chosen["slugs"] == sorted(catalogs["raohe"])
    assert chosen["other"] is None
