"""Every admin route, collected from the app itself, is sealed per county.

A county-A admin calls each route, for every method, with county B's ids (and forged fields naming
county B): routes that take an id answer 404, platform pages 403, and the database stays as it was
(the audit log aside, which records each refused attempt). Routes without an id may act on county
A, never on county B. A route added later is covered without a change here; one whose path takes a
kind of id this test does not know fails until its county-B id is added to ``their_ids``. On
SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.enums import RequestEncodingType
from sqlalchemy import select

from storefront.accounts.models import AuditEntry
from storefront.accounts.service import Action
from storefront.catalog.models import Category, Producer, ProductImage, Variant
from storefront.db import Base, scope_to_all_counties
from storefront.metrics.models import Creator
from tests.support.admins import AdminBrowser, make_admin
from tests.support.factories import make_catalog, make_county
from tests.support.orders import paid_order

RAOHE_ADMIN = "raohe-sealed@example.cn"
GUZHANG_ADMIN = "guzhang-sealed@example.cn"
PATH_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
NOT_RECORDED = {"audit_log"}  # grows with every refused attempt, by design
LAST = {"admin:logout"}  # ends the admin's session: called after everything else


def admin_routes(app: Litestar) -> list[tuple[str, str, Any]]:
    """Every (method, path template, handler) the app serves under /admin."""
    found = []
    for route in app.routes:
        if route.path != "/admin" and not route.path.startswith("/admin/"):
            continue
        for method, (handler, *_rest) in getattr(route, "route_handler_map", {}).items():
            if method not in {"HEAD", "OPTIONS"}:
                found.append((method, route.path, handler))
    return sorted(found, key=lambda found: (found[2].name in LAST, found[1], found[0]))


def takes_files(handler: Any) -> bool:
    data = handler.parsed_fn_signature.parameters.get("data")
    definition = getattr(data, "kwarg_definition", None) if data else None
    return getattr(definition, "media_type", None) == RequestEncodingType.MULTI_PART


async def their_ids(session_maker, county_id: int) -> dict[str, str]:
    """County B's ids, by the path parameter names the admin routes use."""
    async with session_maker() as session:
        scope_to_all_counties(session)
        order = paid_order(
            county_id, "buyer@example.cn", datetime.datetime(2026, 11, 28, tzinfo=datetime.UTC)
        )
        session.add(order)
        session.add(Creator(county_id=county_id, name="茶叶哥", platform="douyin", code="their-code"))
        await session.flush()

        async def first(model: type) -> str:
            return str(await session.scalar(select(model.id).where(model.county_id == county_id)))

        ids = {
            "variant_id": await first(Variant),
            "producer_id": await first(Producer),
            "category_id": await first(Category),
            "picture_id": await first(ProductImage),
            "creator_id": await first(Creator),
            "number": order.number,
        }
        ids["product_id"] = str(
            await session.scalar(select(Variant.product_id).where(Variant.id == int(ids["variant_id"])))
        )
        ids["image_id"] = ids["picture_id"]
        ids["order_number"] = ids["number"]
        await session.commit()
    return ids


async def database_rows(session_maker, county_id: int | None = None) -> dict[str, list[tuple]]:
    """Every row of every table (or only county ``county_id``'s), read beneath the tenant scoping."""
    rows = {}
    async with session_maker.kw["bind"].connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_RECORDED:
                continue
            query = select(table)
            if county_id is not None:
                if "county_id" in table.c:
                    query = query.where(table.c.county_id == county_id)
                elif table.name == "counties":
                    query = query.where(table.c.id == county_id)
                else:
                    continue
            result = await connection.execute(query.order_by(*table.primary_key.columns))
            rows[table.name] = [tuple(row) for row in result]
    return rows


FORGED = {
    # Plausible values for the admin's forms, and fields that must never be read from a form.
    "county_id": None,  # county B's id, filled in below
    "role": "platform_admin",
    "status": "refunded",
    "amount_refunded": "100",
    "content_version": "0",
    "slug": "forged",
    "name_zh": "伪造",
    "price": "1.00",
    "on_hand": "0",
    "active": "0",
    "amount": "1.00",
    "note": "forged",
    "courier": "SF",
    "tracking_number": "SF1234567890",
    "alt_zh": "伪造",
    "q": "",
}


@pytest.fixture
async def sealed(session_maker) -> dict[str, Any]:
    async with session_maker() as session:
        raohe = await make_county(session, "raohe")
        await make_catalog(session, raohe, products=1)
        guzhang = await make_county(session, "guzhang")
        await make_catalog(session, guzhang, products=1, category_slug="tea")
        await session.commit()
    await make_admin(session_maker, RAOHE_ADMIN, county="raohe")
    theirs = await make_admin(session_maker, GUZHANG_ADMIN, county="guzhang")
    ids = await their_ids(session_maker, guzhang.id)
    ids.update(county_id=str(guzhang.id), user_id=str(theirs.id))
    return {"raohe": raohe.id, "guzhang": guzhang.id, "ids": ids}


async def test_every_admin_route_is_sealed_per_county(client, session_maker, sealed):
    routes = admin_routes(client.app)
    assert len(routes) > 10  # the admin's routes really were found
    admin = AdminBrowser(client)
    assert (await admin.log_in(RAOHE_ADMIN)).status_code == 303
    token = await admin.csrf_token()
    fields = {**FORGED, "county_id": str(sealed["guzhang"]), "_csrf_token": token}
    everything = await database_rows(session_maker)
    theirs = await database_rows(session_maker, sealed["guzhang"])
    unknown = sorted(
        {name for _method, path, _handler in routes for name in PATH_PARAM.findall(path)} - set(sealed["ids"])
    )
    assert unknown == [], f"add county B's id for {unknown} to their_ids()"
    for method, template, handler in routes:
        path = PATH_PARAM.sub(lambda found: sealed["ids"][found.group(1)], template)
        for headers in ({}, {"HX-Request": "true"}):
            request: dict[str, Any] = {"headers": headers, "follow_redirects": False}
            if method not in {"GET", "DELETE"}:
                if takes_files(handler):
                    request["files"] = {"file": ("forged.jpg", b"not a picture", "image/jpeg")}
                request["data"] = fields
            response = await client.request(method, path, **request)
            where = (method, path, response.status_code, response.text[:200])
            if handler.opt.get("platform_only"):
                assert response.status_code == 403, where
                assert await database_rows(session_maker) == everything, where
            elif PATH_PARAM.search(template):
                assert response.status_code == 404, where
                assert await database_rows(session_maker) == everything, where
            else:
                assert response.status_code < 500, where
                assert await database_rows(session_maker, sealed["guzhang"]) == theirs, where
            everything = await database_rows(session_maker)
            if handler.name in LAST:
                break


async def test_a_refused_attempt_is_in_the_audit_log(client, session_maker, sealed):
    admin = AdminBrowser(client)
    assert (await admin.log_in(RAOHE_ADMIN)).status_code == 303
    number = sealed["ids"]["number"]
    assert (await client.get(f"/admin/orders/{number}")).status_code == 404
    assert (await client.get("/admin/audit")).status_code == 403
    async with session_maker() as session:
        entries = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == Action.OUT_OF_REACH).order_by(AuditEntry.id)
            )
        ).all()
    assert [(entry.subject, entry.county_id, entry.detail) for entry in entries] == [
        (RAOHE_ADMIN, sealed["raohe"], f"404 GET /admin/orders/{number}"),
        (RAOHE_ADMIN, sealed["raohe"], "403 GET /admin/audit"),
    ]
    assert all(entry.client_address for entry in entries)


async def test_a_visitor_who_is_not_signed_in_leaves_no_audit_entry(client, session_maker, sealed):
    response = await client.get(f"/admin/orders/{sealed['ids']['number']}", follow_redirects=False)
    assert response.status_code == 303
    async with session_maker() as session:
        assert (
            await session.scalar(select(AuditEntry.id).where(AuditEntry.action == Action.OUT_OF_REACH))
            is None
        )


async def test_ids_no_row_can_have_are_404_on_every_admin_route(client, session_maker, sealed):
    """0, or beyond any database integer, on any route: not found, never an overflow in the database."""
    admin = AdminBrowser(client)
    assert (await admin.log_in(RAOHE_ADMIN)).status_code == 303
    token = await admin.csrf_token()
    everything = await database_rows(session_maker)
    routes = [
        route for route in admin_routes(client.app) if ":int}" in route[1] and route[2].name not in LAST
    ]
    assert routes
    for impossible in ("0", "9" * 25, str(2**63)):
        for method, template, handler in routes:
            path = re.sub(r"\{(\w+):int\}", impossible, template)
            path = PATH_PARAM.sub(lambda found: sealed["ids"][found.group(1)], path)
            data = None if method in {"GET", "DELETE"} else {**FORGED, "_csrf_token": token}
            response = await client.request(method, path, data=data, follow_redirects=False)
            expected = 403 if handler.opt.get("platform_only") else 404
            assert response.status_code == expected, (method, path, response.status_code)
    assert await database_rows(session_maker) == everything
