"""The admin's orders: list, filters and search, detail, marking shipped and delivered (compare-and-set,
extra fields ignored), the shopper seeing courier and tracking, and every order route sealed per
county; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from storefront.db import county_scope, scope_to_all_counties
from storefront.orders.models import Order, OrderEvent, OrderStatus
from storefront.orders.states import admin as admin_actor
from storefront.orders.states import change_status
from tests.support.admins import AdminBrowser, make_admin
from tests.support.factories import make_county
from tests.support.orders import paid_order
from tests.support.shopper import Shopper

RAOHE_ADMIN = "raohe@example.cn"
GUZHANG_ADMIN = "guzhang@example.cn"
NOW = datetime.datetime(2026, 11, 28, 17, 30, tzinfo=datetime.UTC)  # 01:30 on the 29th in Beijing


@pytest.fixture
async def counties(session_maker) -> dict[str, int]:
    async with session_maker() as session:
        made = {slug: await make_county(session, slug) for slug in ("raohe", "guzhang")}
        await session.commit()
    return {slug: county.id for slug, county in made.items()}


@pytest.fixture
async def admins(session_maker, counties) -> dict[str, int]:
    raohe = await make_admin(session_maker, RAOHE_ADMIN, county="raohe")
    guzhang = await make_admin(session_maker, GUZHANG_ADMIN, county="guzhang")
    return {"raohe": raohe.id, "guzhang": guzhang.id}


async def order_in(session_maker, county_id: int, email: str, **fields) -> Order:
    async with session_maker() as session:
        scope_to_all_counties(session)
        order = paid_order(county_id, email, NOW)
        for name, value in fields.items():
            setattr(order, name, value)
        session.add(order)
        await session.commit()
    return order


async def _state(session_maker, number: str) -> tuple:
    async with session_maker() as session:
        scope_to_all_counties(session)
        order = await session.scalar(select(Order).where(Order.number == number))
        events = await session.scalar(
            select(func.count(OrderEvent.id)).where(OrderEvent.order_id == order.id)
        )
        return (
            order.county_id,
            order.status,
            order.courier,
            order.tracking_number,
            order.amount_refunded,
            events,
            order.refund_requested,
            order.flag_resolved_at,
        )


async def signed_in(client: AsyncTestClient, email: str) -> AdminBrowser:
    admin = AdminBrowser(client)
    response = await admin.log_in(email)
    assert response.status_code == 303, response.text
    return admin


async def test_the_list_filters_searches_and_pages_newest_first(client, session_maker, counties, admins):
    first = await order_in(session_maker, counties["raohe"], "first@example.cn", created_at=NOW)
    flagged = await order_in(
        session_maker,
        counties["raohe"],
        "flag@example.cn",
        recipient="李四",
        mobile="13912345678",
        payment_flag="amount mismatch",
        created_at=NOW + datetime.timedelta(days=1),
    )
    others = [
        await order_in(
            session_maker, counties["raohe"], f"n{n}@example.cn", created_at=NOW - datetime.timedelta(days=3)
        )
        for n in range(25)
    ]
    elsewhere = await order_in(session_maker, counties["guzhang"], "gz@example.cn", created_at=NOW)
    await signed_in(client, RAOHE_ADMIN)

    page = await client.get("/admin/orders/?lang=en")
    assert page.status_code == 200 and "27 orders, newest first." in page.text
    assert page.text.index(flagged.number) < page.text.index(first.number)
    assert elsewhere.number not in page.text and "Page 1 of 2" in page.text
    second = await client.get("/admin/orders/?page=2")
    assert second.status_code == 200 and sum(order.number in second.text for order in others) == 2

    async def numbers(query: str) -> set[str]:
        found = await client.get(f"/admin/orders/?{query}")
        assert found.status_code == 200, found.text
        every = [first, flagged, elsewhere, *others]
        return {order.number for order in every if order.number in found.text}

    assert await numbers("flagged=1") == {flagged.number}
    assert await numbers("q=李四") == {flagged.number}
    assert await numbers("q=13912345678") == {flagged.number}
    assert await numbers("q=FLAG@example.cn") == {flagged.number}
    assert await numbers(f"q={first.number.lower()}") == {first.number}
    assert await numbers("q=gz@example.cn") == set()
    # Beijing days: NOW is the 29th in Beijing, NOW + 1 day the 30th, the others the 26th.
    assert await numbers("date_from=2026-11-29&date_to=2026-11-29") == {first.number}
    assert await numbers("date_from=2026-11-30") == {flagged.number}
    assert len(await numbers("date_to=2026-11-26&status=paid")) == 25
    assert await numbers("status=shipped") == set()
    bad = await client.get("/admin/orders/?lang=en&date_from=29/11/2026&status=lost")
    assert bad.status_code == 400 and "Please enter a date as YYYY-MM-DD." in bad.text
    for edge in ("date_to=9999-12-31", "date_from=0001-01-01"):  # the calendar's ends, in Beijing time
        for path in ("/admin/orders/", "/admin/orders/export"):
            refused = await client.get(f"{path}?lang=en&{edge}")
            assert refused.status_code == 400 and "Please enter a date between 2000 and 2100." in refused.text
    for path in ("/admin/orders/", "/admin/orders/export"):  # an empty list would look like no orders
        reversed_days = await client.get(f"{path}?lang=en&date_from=2026-11-30&date_to=2026-11-01")
        assert reversed_days.status_code == 400
        assert "The last day must not be before the first day." in reversed_days.text


async def test_the_detail_shows_lines_address_payment_and_history(client, session_maker, counties, admins):
    order = await order_in(
        session_maker,
        counties["raohe"],
        "li@example.cn",
        amount_refunded=1200,
        payment_flag="currency mismatch",
    )
    async with session_maker() as session:
        with county_scope(session, counties["raohe"]):
            stored = await session.scalar(select(Order).where(Order.number == order.number))
            await change_status(
                session, stored, OrderStatus.REFUNDED, actor=admin_actor(admins["raohe"]), note="broken jar"
            )
            await session.commit()
    await signed_in(client, RAOHE_ADMIN)
    page = await client.get(f"/admin/orders/{order.number}?lang=en")
    assert page.status_code == 200
    for text in ("椴树蜂蜜", "RH-1", "王小明", "中央大街 1 号", "¥68.00", "¥12.00", "currency mismatch"):
        assert text in page.text
    assert "Refunded" in page.text and RAOHE_ADMIN in page.text and "broken jar" in page.text
    assert "(Beijing time)" in page.text and "Mark shipped" not in page.text
    chinese = await client.get(f"/admin/orders/{order.number}?lang=zh")
    assert "订单" in chinese.text and "退款" in chinese.text


async def test_an_admin_ships_and_delivers_and_the_shopper_sees_the_courier(
    client, session_maker, counties, admins
):
    order = await order_in(session_maker, counties["raohe"], "li@example.cn")
    admin = await signed_in(client, RAOHE_ADMIN)
    page = await client.get(f"/admin/orders/{order.number}?lang=en")
    assert '<button type="submit">Mark shipped</button>' in page.text
    assert '<label for="ship-tracking">Tracking number</label>' in page.text
    assert "发货" in (await client.get(f"/admin/orders/{order.number}?lang=zh")).text

    for courier, tracking in (
        ("UPS", "SF1234567890"),
        ("SF", "SF-12"),
        ("SF", "12345"),
        ("", "SF1234567890"),
    ):
        refused = await admin.post(
            f"/admin/orders/{order.number}/ship", {"courier": courier, "tracking_number": tracking}
        )
        assert refused.status_code == 400
    assert (await _state(session_maker, order.number))[1:4] == ("paid", None, None)

    shipped = await admin.post(
        f"/admin/orders/{order.number}/ship",
        {
            "courier": "SF",
            "tracking_number": "sf1234567890",
            # not fields of the form: ignored
            "county_id": counties["guzhang"],
            "status": "delivered",
            "amount_refunded": "6800",
        },
    )
    assert shipped.status_code == 303
    assert await _state(session_maker, order.number) == (
        counties["raohe"],
        "shipped",
        "SF",
        "SF1234567890",
        0,
        2,  # shipped, and the shipping email sent
        0,
        None,
    )
    async with session_maker() as session:
        scope_to_all_counties(session)
        event = await session.scalar(
            select(OrderEvent).where(OrderEvent.note == "SF SF1234567890").order_by(OrderEvent.id.desc())
        )
        assert event.actor == f"admin:{admins['raohe']}" and event.status == "shipped"
    detail = await client.get(shipped.headers["location"] + "&lang=en")
    assert (
        "Marked shipped." in detail.text and "SF Express" in detail.text and "Mark delivered" in detail.text
    )

    again = await admin.post(
        f"/admin/orders/{order.number}/ship", {"courier": "ZTO", "tracking_number": "ZTO99999999"}
    )
    assert again.status_code == 409 and "Nothing was changed: this order is already Shipped." in again.text
    assert await _state(session_maker, order.number) == (
        counties["raohe"],
        "shipped",
        "SF",
        "SF1234567890",
        0,
        2,
        0,
        None,
    )

    client.cookies.clear()
    shopper = Shopper(client, "raohe")
    found = await shopper.post("/orders", {"number": order.number, "contact": "li@example.cn"})
    shop_page = await client.get(found.headers["location"] + "?lang=en")
    assert "SF Express" in shop_page.text and "SF1234567890" in shop_page.text
    assert "顺丰" in (await client.get(found.headers["location"] + "?lang=zh")).text

    client.cookies.clear()
    admin = await signed_in(client, RAOHE_ADMIN)
    delivered = await admin.post(f"/admin/orders/{order.number}/deliver", {"status": "paid"})
    assert delivered.status_code == 303
    assert (await _state(session_maker, order.number))[1] == "delivered"
    twice = await admin.post(f"/admin/orders/{order.number}/deliver", {})
    assert twice.status_code == 409 and (await _state(session_maker, order.number))[5] == 3


async def test_a_press_on_an_order_another_admin_moved_changes_nothing(
    client, session_maker, counties, admins
):
    order = await order_in(session_maker, counties["raohe"], "li@example.cn")
    admin = await signed_in(client, RAOHE_ADMIN)
    assert "Mark shipped" in (await client.get(f"/admin/orders/{order.number}?lang=en")).text
    async with session_maker() as session:  # another admin, first
        with county_scope(session, counties["raohe"]):
            stored = await session.scalar(select(Order).where(Order.number == order.number))
            assert await change_status(session, stored, OrderStatus.REFUNDED, actor=admin_actor(999))
            await session.commit()
    late = await admin.post(
        f"/admin/orders/{order.number}/ship", {"courier": "EMS", "tracking_number": "EMS123456"}
    )
    assert late.status_code == 409 and "Nothing was changed: this order is already Refunded." in late.text
    assert (await _state(session_maker, order.number))[:6] == (
        counties["raohe"],
        "refunded",
        None,
        None,
        0,
        1,
    )
    early = await admin.post(f"/admin/orders/{order.number}/deliver", {})
    assert early.status_code == 409


async def test_every_order_route_is_sealed_per_county(client, session_maker, counties, admins):
    theirs = await order_in(
        session_maker,
        counties["guzhang"],
        "gz@example.cn",
        payment_flag="paid 1 CNY, order total 6800 CNY",
        stripe_payment_intent="pi_guzhang",
    )
    before = await _state(session_maker, theirs.number)
    admin = await signed_in(client, RAOHE_ADMIN)
    routes = [route for route in client.app.routes if route.path.startswith("/admin/orders")]
    lists = {"/admin/orders", "/admin/orders/flagged"}  # their order is simply not in them
    called = 0
    for route in routes:
        for method in sorted(set(route.methods) - {"HEAD", "OPTIONS"}):
            path = route.path.replace("{number:str}", theirs.number)
            assert "{" not in path, path
            fields = {
                "courier": "SF",
                "tracking_number": "SF1234567890",
                "amount": "10",
                "requested": "0",
                "note": "settled",
                "county_id": counties["guzhang"],
            }
            if method == "GET":
                response = await client.get(path, params={"q": theirs.number})
            else:
                response = (
                    await admin.post(path, fields) if method == "POST" else await client.request(method, path)
                )
            if path.rstrip("/") in lists:
                assert response.status_code == 200
                assert f'href="/admin/orders/{theirs.number}"' not in response.text
            elif path == "/admin/orders/export":  # the export of a search for their number: no rows
                assert response.status_code == 200 and theirs.number not in response.text
                assert len(response.text.strip().splitlines()) == 1
            else:
                assert response.status_code == 404, (method, path, response.status_code)
            called += 1
            assert await _state(session_maker, theirs.number) == before
    assert called >= 9  # list, export, flagged, detail, ship, ship email, deliver, refund, resolve


async def test_a_platform_admin_sees_the_county_they_chose(client, session_maker, counties, admins):
    import pyotp

    secret = pyotp.random_base32()
    await make_admin(session_maker, "boss@example.cn", totp_secret=secret)
    raohe = await order_in(session_maker, counties["raohe"], "r@example.cn")
    guzhang = await order_in(session_maker, counties["guzhang"], "g@example.cn")
    admin = AdminBrowser(client)
    await admin.log_in("boss@example.cn", totp_secret=secret)
    none = await client.get("/admin/orders/?lang=en")
    assert none.status_code == 200 and "Choose a county to see its orders." in none.text
    assert (await client.get(f"/admin/orders/{raohe.number}")).status_code == 404
    await admin.post("/admin/county", {"county_id": counties["guzhang"]})
    listed = await client.get("/admin/orders/")
    assert guzhang.number in listed.text and raohe.number not in listed.text
    assert (await client.get(f"/admin/orders/{raohe.number}")).status_code == 404
    assert (await client.get(f"/admin/orders/{guzhang.number}")).status_code == 200
