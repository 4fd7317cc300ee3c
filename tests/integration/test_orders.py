"""Order status pages: found by number plus email or mobile, never by number alone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront.catalog.models import Variant
from storefront.db import scope_to_county
from storefront.orders.controllers import LOOKUPS_PER_MINUTE
from storefront.orders.models import Order
from tests.support.factories import make_catalog, make_county
from tests.support.shopper import Shopper, session_id_of
from tests.support.stripe_flow import pay_and_deliver


@pytest.fixture
async def paid_order(client, session_maker, stripe_sandbox, stripe_events, settings):
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        await make_catalog(session, county, products=1)
        scope_to_county(session, county.id)
        variant = await session.scalar(select(Variant).order_by(Variant.id))
        await session.commit()
    shopper = Shopper(client, "raohe")
    await shopper.add(variant.id, 2)
    completed = await pay_and_deliver(
        client, stripe_sandbox, stripe_events, session_id_of(await shopper.checkout("li@example.cn"))
    )
    async with session_maker() as session:
        scope_to_county(session, county.id)
        order = await session.scalar(
            select(Order).where(Order.stripe_session_id == completed.event["data"]["object"]["id"])
        )
        order.tracking_number = "SF1234567890"
        order.status = "shipped"
        await session.commit()
    client.cookies.clear()  # another device: the shopper has to look the order up
    return order


async def test_an_order_is_shown_after_a_lookup_by_email_or_mobile(client, paid_order):
    hidden = await client.get(f"/c/raohe/orders/{paid_order.number}")
    assert hidden.status_code == 200 and "中央大街" not in hidden.text and "查询订单" in hidden.text
    for contact in ("LI@example.cn", "138 0013 8000", "138-0013-8000"):  # as checkout took it
        client.cookies.clear()
        shopper = Shopper(client, "raohe")
        found = await shopper.post("/orders", {"number": paid_order.number.lower(), "contact": contact})
        assert found.status_code == 303
        page = await client.get(found.headers["location"])
        assert "王小明" in page.text and "中央大街 1 号" in page.text
        assert "SF1234567890" in page.text and "已发货" in page.text and "已付款" in page.text
        assert "¥146.00" in page.text


async def test_a_wrong_contact_finds_nothing_and_keeps_what_was_typed(client, paid_order):
    refused = await Shopper(client, "raohe").post(
        "/orders", {"number": paid_order.number, "contact": "13900000000"}
    )
    assert refused.status_code == 400
    assert "没有找到" in refused.text and f'value="{paid_order.number}"' in refused.text
    assert "中央大街" not in refused.text


async def test_lookups_are_rate_limited(client, paid_order):
    shopper = Shopper(client, "raohe")
    for _ in range(LOOKUPS_PER_MINUTE):
        assert (await shopper.post("/orders", {"number": "XX", "contact": "x"})).status_code == 400
    throttled = await shopper.post("/orders", {"number": paid_order.number, "contact": "li@example.cn"})
    assert throttled.status_code == 429
    assert "尝试次数过多" in throttled.text
