"""Shopper pages cost the same few queries whether a county sells 100 products or 2,000."""

from __future__ import annotations

import re

import pytest

from tests.support.admins import AdminBrowser, make_admin
from tests.support.factories import make_catalog, make_county
from tests.support.shopper import Shopper

MAX_QUERIES = 4


async def _county_with(session_maker, products: int) -> str:
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        created = await make_catalog(session, county, products=products)
        await session.commit()
    return created[0].slug


PAGES_QUERIES = {
    "home": 3,
    "home page 2": 3,
    "category": 3,
    "category page 2": 3,
    "product": 4,
    "search": 2,
    "cart": 3,
    "checkout": 3,
}


@pytest.mark.parametrize("size", [100, 2000])
async def test_shopper_pages_issue_the_same_few_queries_however_large_the_catalog(
    client, session_maker, count_queries, size
):
    """A county of 2,000 products costs each shopper page the same queries as one of 100."""
    product_slug = await _county_with(session_maker, size)
    await client.get("/")  # the host table (custom domains) is loaded once per 30 s, not per page
    shopper = Shopper(client, "raohe")
    product = await client.get(f"/c/raohe/products/{product_slug}")
    variant_id = re.search(r'name="variant_id" value="(\d+)"', product.text)[1]
    assert (await shopper.add(variant_id)).status_code in (200, 303)
    paths = {
        "home": "/c/raohe/",
        "home page 2": "/c/raohe/?page=2",
        "category": "/c/raohe/category/honey",
        "category page 2": "/c/raohe/category/honey?page=2",
        "product": f"/c/raohe/products/{product_slug}",
        "search": "/c/raohe/search?q=蜂蜜",
        "cart": "/c/raohe/cart",
        "checkout": "/c/raohe/checkout",
    }
    counts = {}
    for name, path in paths.items():
        count_queries.clear()
        response = await client.get(path)
        assert response.status_code == 200, path
        counts[name] = count_queries.count
    assert counts == PAGES_QUERIES
    assert max(counts.values()) <= MAX_QUERIES


async def test_the_platform_view_reads_each_countys_sales_once_a_period(client, session_maker, count_queries):
    """The counties' ranking and the province roll-up come from one ranking: each county's roll-ups
    are read once for the period and once for the period before, not again for the provinces."""
    async with session_maker() as session:
        for slug in ("raohe", "guzhang", "fuping"):
            await make_county(session, slug)
        await session.commit()
    await make_admin(session_maker, "platform@example.cn")
    assert (await AdminBrowser(client).log_in("platform@example.cn")).status_code == 303
    count_queries.clear()
    page = await client.get("/admin/?range=30d&lang=en")
    assert page.status_code == 200
    assert "Counties ranked by sales" in page.text and "Sales by province, then county" in page.text
    roll_up_reads = [statement for statement in count_queries.statements if "FROM daily_metrics" in statement]
    assert len(roll_up_reads) == 3 * 2


async def test_the_county_dashboard_counts_buyers_once_a_period(client, session_maker, count_queries):
    """The buyers (what grows with the data) are counted once for the period, once for the period
    before and once for the year before, each in one read of the buyer chain, not of the orders."""
    async with session_maker() as session:
        await make_county(session, "raohe")
        await session.commit()
    await make_admin(session_maker, "raohe@example.cn", county="raohe")
    assert (await AdminBrowser(client).log_in("raohe@example.cn")).status_code == 303
    count_queries.clear()
    assert (await client.get("/admin/?range=last_12_months")).status_code == 200
    buyer_counts = [query for query in count_queries.statements if "FROM buyer_orders" in query]
    assert len(buyer_counts) == 3
    assert not [query for query in count_queries.statements if "count(DISTINCT lower(" in query]
