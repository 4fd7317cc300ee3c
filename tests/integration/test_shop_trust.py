"""What tells a shopper whom they buy from: the county's contacts, shipping promise, after-sales
policy and licences beside the price, at the foot of every page and after the order; units sold
and the producer on the product; and, where a shopper found nothing, best sellers to go on with."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from sqlalchemy import func, select, update

from storefront.catalog.admin_service import CatalogAdmin
from storefront.catalog.models import Product, Variant
from storefront.clock import BEIJING
from storefront.db import scope_to_county
from storefront.orders.models import Order, OrderLine, OrderStatus
from storefront.orders.states import STILL_PAID
from tests.support.factories import make_catalog, make_county
from tests.support.orders import paid_order
from tests.support.shopper import Shopper, session_id_of
from tests.support.stripe_flow import pay_and_deliver

TRUST = {
    "service_phone": "0469-5612345",
    "service_wechat": "raohe_heifeng",
    "service_hours_zh": "每天 8:00–20:00",
    "service_hours_en": "Daily 8:00–20:00",
    "shipping_promise_zh": "付款后 48 小时内从饶河县发货，顺丰或中通快递",
    "shipping_promise_en": "Ships from Raohe County within 48 hours of payment, by SF Express or ZTO",
    "after_sales_zh": "坏果包赔：签收后 48 小时内拍照联系客服。\n\n食品拆封后不支持无理由退货。",
    "after_sales_en": "Spoiled on arrival? Send a photo within 48 hours.\n\nOpened food cannot be returned.",
    "business_licence": "93230524MA18X7KQ2N",
    "food_licence": "SC12823052400017",
    "origin_mark_zh": "饶河东北黑蜂蜂蜜 · 国家地理标志保护产品",
    "origin_mark_en": "Raohe Black Bee Honey: a national geographical indication product",
}

SOLD = {OrderStatus.PAID: 1200, OrderStatus.SHIPPED: 30, OrderStatus.DELIVERED: 4}
NOT_SOLD = {
    OrderStatus.PENDING_PAYMENT: 1000,
    OrderStatus.CANCELLED: 2000,
    OrderStatus.EXPIRED: 3000,
    OrderStatus.REFUNDED: 5000,
}


@pytest.fixture
async def raohe(session_maker):
    """Raohe with its promises and three products, in the shop's order: the last sold 1,234 units
    in paid orders (and more in orders that never count), the second 7, the first none."""
    async with session_maker() as session:
        county = await make_county(session, "raohe", name_zh="饶河县", name_en="Raohe County", **TRUST)
        products = await make_catalog(session, county, products=3)
        scope_to_county(session, county.id)
        first_variant = {}
        for variant in await session.scalars(select(Variant).order_by(Variant.id)):
            first_variant.setdefault(variant.product_id, variant)
        bought = [(products[2], status, quantity) for status, quantity in (SOLD | NOT_SOLD).items()]
        bought.append((products[1], OrderStatus.PAID, 7))
        for product, status, quantity in bought:
            order = paid_order(
                county.id, f"{uuid.uuid4().hex[:8]}@example.cn", datetime.datetime.now(datetime.UTC)
            )
            order.status = status
            order.lines[0].variant_id = first_variant[product.id].id
            order.lines[0].quantity = quantity
            session.add(order)
        await session.commit()
    return county, products


def part(html: str, start: str, end: str | None = None) -> str:
    """The page from ``start`` to the first ``end`` after it (or to its end)."""
    begin = html.index(start)
    return html[begin : html.index(end, begin) if end else len(html)]


def assert_shows_the_promises(html: str, language: str) -> None:
    zh = language == "zh"
    assert TRUST["shipping_promise_zh" if zh else "shipping_promise_en"] in html
    assert ('href="tel:0469-5612345"' in html) and "raohe_heifeng" in html
    assert TRUST["service_hours_zh" if zh else "service_hours_en"] in html
    assert TRUST["business_licence"] in html and TRUST["food_licence"] in html
    assert TRUST["origin_mark_zh" if zh else "origin_mark_en"] in html
    assert ("营业执照" if zh else "Business licence") in html
    assert ("食品生产许可证" if zh else "Food production licence") in html


async def test_the_product_page_shows_units_sold_producer_and_promises_by_the_price(client, raohe):
    _, products = raohe
    page = await client.get(f"/c/raohe/products/{products[2].slug}")
    assert page.status_code == 200
    trust = part(page.text, 'class="product-trust"', 'class="product-description"')
    assert "已售 1,234 件" in trust  # paid, shipped and delivered; not pending, cancelled, expired, refunded
    assert '生产者: <a href="/c/raohe/producers/li-family-raohe">李家蜂场</a>' in trust
    assert_shows_the_promises(trust, "zh")
    assert "坏果包赔：签收后 48 小时内拍照联系客服。" in trust
    assert "<summary>完整售后政策</summary>" in trust and "食品拆封后不支持无理由退货。" in trust

    english = await client.get(f"/c/raohe/products/{products[2].slug}?lang=en")
    trust = part(english.text, 'class="product-trust"', 'class="product-description"')
    assert "1,234 sold" in trust and 'Producer: <a href="/c/raohe/producers/li-family-raohe">' in trust
    assert_shows_the_promises(trust, "en")
    assert "<summary>Full after-sales policy</summary>" in trust


async def test_a_product_nobody_bought_says_nothing_about_sales(client, raohe):
    _, products = raohe
    page = await client.get(f"/c/raohe/products/{products[0].slug}?lang=en")
    assert page.status_code == 200 and " sold<" not in page.text and "0 sold" not in page.text


async def test_product_cards_show_units_sold(client, raohe):
    home = await client.get("/c/raohe/?lang=en")
    assert "1,234 sold" in home.text and "7 sold" in home.text


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_every_shop_page_ends_with_the_promises(client, raohe, language):
    for path in ("/c/raohe/", "/c/raohe/about", "/c/raohe/cart"):
        page = await client.get(f"{path}?lang={language}")
        footer = part(page.text, '<footer class="site-footer">')
        assert_shows_the_promises(footer, language)
        assert TRUST["after_sales_zh" if language == "zh" else "after_sales_en"].split("\n\n")[1] in footer


async def test_the_order_complete_page_says_what_happens_next(
    client, raohe, session_maker, stripe_sandbox, stripe_events
):
    _, products = raohe
    async with session_maker() as session:
        scope_to_county(session, raohe[0].id)
        variant = await session.scalar(
            select(Variant).join(Product).where(Product.id == products[0].id).order_by(Variant.id)
        )
    shopper = Shopper(client, "raohe")
    await shopper.add(variant.id, 1)
    session_id = session_id_of(await shopper.checkout("buyer@example.cn"))
    completed = await pay_and_deliver(client, stripe_sandbox, stripe_events, session_id)
    number = completed.event["data"]["object"]["client_reference_id"]
    async with session_maker() as session:
        scope_to_county(session, raohe[0].id)
        paid_at = await session.scalar(select(Order.paid_at).where(Order.number == number))

    page = await client.get(f"/c/raohe/checkout/complete?order={number}")
    steps = part(page.text, 'class="next-steps"', "</section>")
    ships_by = (paid_at + datetime.timedelta(hours=48)).astimezone(BEIJING)
    assert f"预计 {ships_by.month}月{ships_by.day}日" in page.text
    assert "接下来" in steps and TRUST["shipping_promise_zh"] in steps
    assert_shows_the_promises(steps, "zh")
    assert '<a class="button" href="/c/raohe/">继续逛逛</a>' in steps
    assert f'href="/c/raohe/orders/{number}">查看订单</a>' in steps

    english = await client.get(f"/c/raohe/checkout/complete?order={number}&lang=en")
    assert f"Ships by {ships_by.strftime('%a, %b')} {ships_by.day}" in english.text
    assert "What happens next" in english.text and "Keep shopping" in english.text
    assert_shows_the_promises(part(english.text, 'class="next-steps"', "</section>"), "en")


@pytest.mark.parametrize(
    ("language", "title", "suggestion"),
    [("zh", "页面不存在", "热销商品"), ("en", "Page not found", "Best sellers")],
)
@pytest.mark.parametrize("path", ["/c/raohe/products/no-such-honey", "/c/raohe/no/such/page"])
async def test_a_page_not_found_in_a_shop_keeps_the_shop_and_suggests_best_sellers(
    client, raohe, language, title, suggestion, path
):
    _, products = raohe
    page = await client.get(f"{path}?lang={language}")
    assert page.status_code == 404
    html = page.text
    assert title in html
    assert 'class="brand-header' in html and 'role="search"' in html and 'href="/c/raohe/cart"' in html
    best = part(html, 'class="best-sellers"')
    assert suggestion in best
    # the best seller first, then the next; the product nobody bought still suggested after them
    positions = [best.index(f'href="/c/raohe/products/{product.slug}"') for product in reversed(products)]
    assert positions == sorted(positions)


async def test_a_page_not_found_outside_any_shop_stays_the_platforms(client, raohe):
    page = await client.get("/c/nowhere/products/honey")
    assert page.status_code == 404
    assert 'class="brand-header' not in page.text and "best-sellers" not in page.text


async def test_a_search_that_found_nothing_suggests_best_sellers(client, raohe):
    _, products = raohe
    for language, heading in (("zh", "热销商品"), ("en", "Best sellers")):
        page = await client.get(f"/c/raohe/search?q=durian&lang={language}")
        best = part(page.text, 'class="best-sellers"')
        assert heading in best
        assert best.index(products[2].slug) < best.index(products[1].slug) < best.index(products[0].slug)
    live = await client.get("/c/raohe/search?q=durian&lang=en", headers={"HX-Request": "true"})
    assert "<html" not in live.text and "1,234 sold" in part(live.text, 'class="best-sellers"')
    found = await client.get("/c/raohe/search?q=椴树&lang=en")
    assert "best-sellers" not in found.text


async def test_an_empty_cart_suggests_best_sellers(client, raohe, session_maker):
    county, products = raohe
    for language, heading in (("zh", "热销商品"), ("en", "Best sellers")):
        page = await client.get(f"/c/raohe/cart?lang={language}")
        best = part(page.text, 'class="best-sellers"')
        assert heading in best
        assert best.index(products[2].slug) < best.index(products[1].slug) < best.index(products[0].slug)
    async with session_maker() as session:
        scope_to_county(session, county.id)
        variant_id = await session.scalar(select(func.min(Variant.id)))
    shopper = Shopper(client, "raohe")
    assert (await shopper.add(variant_id, 1)).status_code == 303
    assert "best-sellers" not in (await client.get("/c/raohe/cart")).text
    emptied = await shopper.post(f"/cart/items/{variant_id}/delete", {}, **{"HX-Request": "true"})
    assert "<html" not in emptied.text  # the cart's partial, with the suggestions (the client reads English)
    assert "Best sellers" in part(emptied.text, 'class="best-sellers"')


async def test_units_sold_follow_an_order_through_every_status(client, raohe, session_maker):
    """The stored count moves with the order: it counts once paid, stays through shipping and
    delivery, leaves on a refund in full, and always equals the lines of orders still paid."""
    county, products = raohe
    product = products[0]
    async with session_maker() as session:
        scope_to_county(session, county.id)
        variant = await session.scalar(select(Variant).where(Variant.product_id == product.id))
        order = paid_order(county.id, "walk@example.cn", datetime.datetime.now(datetime.UTC))
        order.status = OrderStatus.PENDING_PAYMENT
        order.lines[0].variant_id, order.lines[0].quantity = variant.id, 5
        order.lines.append(
            OrderLine(
                county_id=county.id,
                product_name_zh="椴树蜂蜜",
                variant_label_zh="250克瓶装",
                sku="RH-2",
                unit_price=3880,
                quantity=2,
                variant_id=variant.id,
            )
        )
        session.add(order)
        await session.commit()
        order_id = order.id
    shown = []
    for status in (*OrderStatus, OrderStatus.PAID, OrderStatus.EXPIRED, OrderStatus.PAID):
        async with session_maker() as session:
            scope_to_county(session, county.id)
            await session.execute(update(Order).where(Order.id == order_id).values(status=status))
            await session.commit()
            live = await session.scalar(
                select(func.coalesce(func.sum(OrderLine.quantity), 0))
                .join(Order, Order.id == OrderLine.order_id)
                .where(OrderLine.variant_id == variant.id, Order.status.in_(sorted(STILL_PAID)))
            )
            stored = await session.scalar(select(Product.units_sold).where(Product.id == product.id))
        assert stored == live, status
        page = await client.get(f"/c/raohe/products/{product.slug}?lang=en")
        shown.append(re.search(r"([\d,]+) sold<", page.text)[1] if " sold<" in page.text else "")
    assert shown == ["", "7", "7", "7", "", "", "", "7", "", "7"]


async def test_a_size_taken_off_sale_takes_its_units_sold_and_a_later_refund_changes_nothing(
    client, raohe, session_maker
):
    county, products = raohe
    product = products[1]  # 7 sold, of its first size
    async with session_maker() as session:
        scope_to_county(session, county.id)
        sizes = list(await session.scalars(select(Variant.id).where(Variant.product_id == product.id)))
        sold_size = min(sizes)
        await CatalogAdmin(session, county.id).remove_variant(product.id, sold_size)
        await session.commit()
        assert await session.scalar(select(Product.units_sold).where(Product.id == product.id)) == 0
        await session.execute(
            update(Order).where(Order.status == OrderStatus.PAID).values(status=OrderStatus.REFUNDED)
        )
        await session.commit()
        counts = dict((await session.execute(select(Product.id, Product.units_sold))).all())
    assert counts == {products[0].id: 0, product.id: 0, products[2].id: 34}  # shipped and delivered
    page = await client.get(f"/c/raohe/products/{product.slug}?lang=en")
    assert " sold<" not in page.text
