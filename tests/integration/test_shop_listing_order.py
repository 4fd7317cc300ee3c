"""Each county's shop reads as its own: the search box suggests one of its products, and what is
sold out waits behind what can be bought."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from storefront.catalog.models import Product, Variant
from storefront.db import all_counties_scope, scope_to_county
from tests.support.factories import make_catalog, make_county


def listed(html: str) -> list[str]:
    return re.findall(r'<li class="product-card[^"]*">\s*<a href="/c/[a-z]+/products/([a-z0-9-]+)"', html)


def placeholder(html: str) -> str:
    return re.search(r'<input id="search-q"[^>]*placeholder="([^"]*)"', html)[1]


async def _county(session_maker, slug: str, *, products: int, sold_out: int) -> list[str]:
    async with session_maker() as session:
        county = await make_county(session, slug)
        created = await make_catalog(session, county, products=products, sold_out=sold_out)
        await session.commit()
    return [product.slug for product in created]


async def _sell_out(session_maker, slug: str) -> None:
    async with session_maker() as session:
        with all_counties_scope(session):
            product = await session.scalar(select(Product).where(Product.slug == slug))
        scope_to_county(session, product.county_id)
        await session.execute(update(Variant).where(Variant.product_id == product.id).values(stock=0))
        await session.commit()


async def test_sold_out_products_come_after_those_in_stock_on_every_page_of_a_listing(client, session_maker):
    slugs = await _county(session_maker, "raohe", products=15, sold_out=3)  # the first three in shop order
    in_stock, sold_out = slugs[3:], slugs[:3]
    for path in ("/c/raohe/", "/c/raohe/category/honey"):
        first, second = await client.get(path), await client.get(f"{path}?page=2")
        assert listed(first.text) == in_stock[:12], path
        assert listed(second.text) == in_stock[12:] + sold_out, path
        assert "badge-sold-out" not in first.text and second.text.count("badge-sold-out") == 3
    found = await client.get("/c/raohe/search", params={"q": "椴树蜂蜜"})
    assert listed(found.text) == in_stock + sold_out


async def test_a_product_that_sells_out_moves_behind_the_others(client, session_maker):
    slugs = await _county(session_maker, "raohe", products=3, sold_out=0)
    assert listed((await client.get("/c/raohe/")).text) == slugs
    await _sell_out(session_maker, slugs[0])
    assert listed((await client.get("/c/raohe/")).text) == [*slugs[1:], slugs[0]]


async def test_the_search_box_suggests_the_first_product_on_the_countys_home(client, session_maker):
    raohe = await _county(session_maker, "raohe", products=3, sold_out=1)
    guzhang = await _county(session_maker, "guzhang", products=2, sold_out=0)
    number = raohe[1].removeprefix("product-")  # the first in stock: the first on the home page
    home = await client.get("/c/raohe/")
    assert listed(home.text)[0] == raohe[1]
    assert placeholder(home.text) == f"搜索 椴树蜂蜜 {number} 号"
    english = await client.get("/c/raohe/cart?lang=en")
    assert placeholder(english.text) == f"Search “Linden honey no. {number}”"
    other = guzhang[0].removeprefix("product-")
    assert placeholder((await client.get("/c/guzhang/search?lang=zh")).text) == f"搜索 椴树蜂蜜 {other} 号"


async def test_a_shop_with_nothing_in_stock_suggests_searching_the_county(client, session_maker):
    await _county(session_maker, "raohe", products=2, sold_out=2)
    assert placeholder((await client.get("/c/raohe/")).text) == "搜索raohe县"
    async with session_maker() as session:
        await make_county(session, "empty")
        await session.commit()
    assert placeholder((await client.get("/c/empty/about?lang=en")).text) == "Search Empty County"
