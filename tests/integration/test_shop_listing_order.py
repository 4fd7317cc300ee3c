"""Each county's shop reads as its own: the search box suggests one of its products, and what is
sold out waits behind what can be bought."""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import delete, select, update

from storefront.catalog.admin_service import CatalogAdmin, VariantHeldError
from storefront.catalog.models import Product, Variant
from storefront.db import all_counties_scope, scope_to_county
from storefront.stock.holds import hold, put_back
from storefront.stock.service import set_on_hand
from storefront.tenancy.models import County
from tests.support.factories import make_catalog, make_county
from tests.support.plans import query_plan


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
    more = await client.get("/c/raohe/search", params={"q": "椴树蜂蜜", "page": 2})
    assert listed(found.text) == in_stock[:12]
    assert listed(more.text) == in_stock[12:] + sold_out


@pytest.mark.parametrize(
    ("path", "index"),
    [
        ("/c/raohe/?page=2", "ix_products_shop_order"),
        ("/c/raohe/category/honey?page=2", "ix_products_category_shop_order"),
    ],
)
async def test_a_deep_page_of_a_listing_is_found_in_its_index_alone(
    client, session_maker, count_queries, path, index
):
    """The rows a listing's page skips are passed over in the listing's index, which holds what
    the shop filters on too: never read from the table (600 of them on page 50 of a big county)."""
    await _county(session_maker, "raohe", products=30, sold_out=0)
    async with session_maker() as session:
        engine = session.bind
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:  # a settled table: its pages known to be visible
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql("VACUUM ANALYZE products")
    count_queries.clear()
    assert listed((await client.get(path)).text)
    page = next(
        sql for sql in count_queries.sent if sql[0].startswith("SELECT products.") and "OFFSET" in sql[0]
    )
    plan = await query_plan(engine, *page)
    if engine.dialect.name == "postgresql":
        assert f"Index Only Scan using {index}" in plan
    else:
        assert f"COVERING INDEX {index}" in plan


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


async def _flags(session_maker, county_id: int) -> dict[str, bool]:
    async with session_maker() as session:
        scope_to_county(session, county_id)
        rows = await session.execute(select(Product.slug, Product.sold_out).order_by(Product.id))
        return dict(rows.all())


async def test_whatever_writes_the_stock_the_sold_out_flag_follows(session_maker):
    """The listings sort on a stored flag; holds, payments, releases, an admin's stock edit and
    variants added or deleted all keep it true to the variants' stock."""
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        first, second = await make_catalog(session, county, products=2)
        await session.commit()
    variants = {}
    async with session_maker() as session:
        scope_to_county(session, county.id)
        for product in (first, second):
            variants[product.slug] = list(
                await session.scalars(
                    select(Variant.id).where(Variant.product_id == product.id).order_by(Variant.id)
                )
            )
        jar, small_jar = variants[first.slug]
        assert await hold(session, {jar: 20, small_jar: 19}) == []
        await session.commit()
    assert await _flags(session_maker, county.id) == {first.slug: False, second.slug: False}
    async with session_maker() as session:
        scope_to_county(session, county.id)
        assert await hold(session, {small_jar: 1}) == []
        await session.commit()
    assert await _flags(session_maker, county.id) == {first.slug: True, second.slug: False}
    async with session_maker() as session:
        scope_to_county(session, county.id)
        await put_back(session, {small_jar: 1})
        await session.commit()
    assert await _flags(session_maker, county.id) == {first.slug: False, second.slug: False}
    async with session_maker() as session:
        scope_to_county(session, county.id)
        await set_on_hand(session, small_jar, 19)  # 19 held by checkouts: none left to buy
        await session.commit()
    assert await _flags(session_maker, county.id) == {first.slug: True, second.slug: False}
    async with session_maker() as session:
        scope_to_county(session, county.id)
        session.add(Variant(product_id=first.id, label_zh="1千克", sku="SKU-NEW", price=9900, stock=3))
        await session.commit()
    assert await _flags(session_maker, county.id) == {first.slug: False, second.slug: False}
    async with session_maker() as session:
        scope_to_county(session, county.id)
        await session.execute(delete(Variant).where(Variant.sku == "SKU-NEW"))
        await session.execute(delete(Variant).where(Variant.product_id == second.id))
        await session.commit()
    assert await _flags(session_maker, county.id) == {first.slug: True, second.slug: True}


async def test_pages_go_as_far_as_the_products_and_no_further(client, session_maker):
    slugs = await _county(session_maker, "raohe", products=25, sold_out=0)
    last = await client.get("/c/raohe/?page=3&lang=en")
    assert listed(last.text) == slugs[24:]
    assert "Page 3" in last.text and 'rel="prev"' in last.text and 'rel="next"' not in last.text
    middle = await client.get("/c/raohe/category/honey?page=2&lang=en")
    assert listed(middle.text) == slugs[12:24] and 'rel="next"' in middle.text
    assert (await client.get("/c/raohe/?page=4")).status_code == 404
    one_page = await _county(session_maker, "guzhang", products=12, sold_out=0)
    only = await client.get("/c/guzhang/")
    assert listed(only.text) == one_page and 'class="pagination"' not in only.text


async def _one_product(session_maker) -> tuple[County, Product, int, int]:
    """Raohe with one product of two sizes (20 jars each): the county, the product, the sizes' ids."""
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        (product,) = await make_catalog(session, county, products=1)
        await session.commit()
        scope_to_county(session, county.id)
        jar, small_jar = await session.scalars(
            select(Variant.id).where(Variant.product_id == product.id).order_by(Variant.id)
        )
    return county, product, jar, small_jar


async def test_a_checkout_of_both_sizes_meeting_one_of_the_other_size_never_deadlocks(session_maker):
    """The first checkout has taken the last of one size and is taking the other size, which the
    second checkout has just emptied: keeping the flag must not lock the product in between (on
    PostgreSQL the two would wait for each other and one would fail)."""
    county, product, jar, small_jar = await _one_product(session_maker)
    first, second = session_maker(), session_maker()
    scope_to_county(first, county.id)
    scope_to_county(second, county.id)
    assert await hold(first, {jar: 20}) == []

    async def second_checkout() -> list[int]:
        short = await hold(second, {small_jar: 20})
        await second.commit()
        return short

    other = asyncio.create_task(second_checkout())
    await asyncio.sleep(0.2)
    first_short = await asyncio.wait_for(hold(first, {small_jar: 1}), timeout=10)
    await first.commit()
    second_short = await other
    await first.close()
    await second.close()
    assert sorted([first_short, second_short]) == [[], [small_jar]]  # one of them got the last jars
    async with session_maker() as session:
        scope_to_county(session, county.id)
        stock = sum(await session.scalars(select(Variant.stock).where(Variant.product_id == product.id)))
    assert await _flags(session_maker, county.id) == {product.slug: stock == 0}


async def test_removing_the_size_a_checkout_is_taking_waits_for_it_and_is_refused(session_maker):
    """An admin removes the size whose last jars a checkout is holding: the removal waits for the
    checkout (its variants, then the product, as a checkout takes them) and is refused, never a
    deadlock."""
    county, product, jar, small_jar = await _one_product(session_maker)
    async with session_maker() as session:
        scope_to_county(session, county.id)
        await session.execute(update(Variant).where(Variant.id == small_jar).values(stock=0))
        await session.commit()
    checkout, admin_session = session_maker(), session_maker()
    scope_to_county(checkout, county.id)
    scope_to_county(admin_session, county.id)
    assert await hold(checkout, {jar: 20}) == []

    async def remove() -> None:
        await CatalogAdmin(admin_session, county.id).remove_variant(product.id, jar)

    removal = asyncio.create_task(remove())
    await asyncio.sleep(0.2)
    await checkout.commit()
    with pytest.raises(VariantHeldError):
        await asyncio.wait_for(removal, timeout=10)
    await admin_session.rollback()
    await checkout.close()
    await admin_session.close()
    assert await _flags(session_maker, county.id) == {product.slug: True}
