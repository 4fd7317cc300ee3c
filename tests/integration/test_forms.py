"""Forms as no browser sends them (a field twice, a file for text): a 400 with a message, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storefront.catalog.models import Variant
from storefront.db import scope_to_county
from storefront.orders.models import Order
from tests.support.factories import make_catalog, make_county
from tests.support.shopper import ADDRESS, Shopper

UNREADABLE_ZH = "无法读取此项，请重新填写。"
UNREADABLE_EN = "This field could not be read; please fill it in again."


@pytest.fixture
async def raohe(session_maker) -> tuple[int, int]:
    """The county's id and its first variant's."""
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        await make_catalog(session, county, products=1)  # leaves the session scoped to the county
        variant_id = await session.scalar(select(Variant.id).order_by(Variant.id))
        await session.commit()
        return county.id, variant_id


async def test_a_repeated_checkout_field_is_a_400_next_to_its_field_keeping_the_rest(
    client, raohe, session_maker
):
    county_id, variant_id = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variant_id, 1)
    response = await shopper.post(
        "/checkout", {"email": ["a@example.cn", "b@example.cn"], **ADDRESS, "recipient": "李四"}
    )
    assert response.status_code == 400
    assert 'id="email-error"' in response.text and UNREADABLE_ZH in response.text
    assert 'value="李四"' in response.text and "field-error" in response.text
    async with session_maker() as session:
        scope_to_county(session, county_id)
        assert await session.scalar(select(func.count()).select_from(Order)) == 0


async def test_all_mistakes_show_at_once_in_english(client, raohe):
    _, variant_id = raohe
    await client.get("/c/raohe/?lang=en")
    shopper = Shopper(client, "raohe")
    await shopper.add(variant_id, 1)
    response = await shopper.post("/checkout", {"email": "", "mobile": ["1", "2"], "province": "23"})
    assert response.status_code == 400
    for message in (
        "Please enter your email address.",
        "Please enter the recipient&#39;s name.",
        UNREADABLE_EN,
        "Please choose a city.",
        "Please enter the street address.",
    ):
        assert message in response.text


@pytest.mark.parametrize("htmx", [False, True])
async def test_a_repeated_cart_field_is_refused_with_a_message(client, raohe, htmx):
    _, variant_id = raohe
    shopper = Shopper(client, "raohe")
    headers = {"HX-Request": "true"} if htmx else {}
    added = await shopper.post("/cart/items", {"variant_id": variant_id, "quantity": ["1", "2"]}, **headers)
    assert added.status_code == (422 if htmx else 400)
    assert UNREADABLE_ZH in added.text
    await shopper.add(variant_id, 1)
    changed = await shopper.post(f"/cart/items/{variant_id}", {"quantity": ["3", "4"]}, **headers)
    assert changed.status_code == (422 if htmx else 400) and UNREADABLE_ZH in changed.text
    assert 'value="1"' in (await client.get("/c/raohe/cart")).text


async def test_a_repeated_lookup_field_is_a_400_with_its_message(client, raohe):
    response = await Shopper(client, "raohe").post("/orders", {"number": ["A", "B"], "contact": "x"})
    assert response.status_code == 400 and UNREADABLE_ZH in response.text


async def test_a_repeated_cancel_field_is_a_400(client, raohe):
    response = await Shopper(client, "raohe").post("/checkout/cancel", {"order": ["A", "B"]})
    assert response.status_code == 400 and "请求有误" in response.text


async def test_a_file_sent_for_a_text_field_is_refused_not_a_crash(client, raohe):
    _, variant_id = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variant_id, 1)
    headers = {"x-csrftoken": client.cookies["csrftoken"]}
    response = await client.post(
        "/c/raohe/checkout",
        data={**ADDRESS},
        files={"email": ("email.txt", b"a@example.cn")},
        headers=headers,
    )
    assert response.status_code == 400 and 'id="email-error"' in response.text
