"""Catalog pages cost the same few queries whether a county sells 10 products or 500."""

from __future__ import annotations

import pytest

from tests.support.admins import AdminBrowser, make_admin
from tests.support.factories import make_catalog, make_county

MAX_QUERIES = 4


async def _county_with(session_maker, products: int) -> str:
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        created = await make_catalog(session, county, products=products)
        await session.commit()
    return created[0].slug


@pytest.mark.parametrize("size", [10, 500])
async def test_catalog_pages_issue_a_fixed_small_number_of_queries(
    client, session_maker, count_queries, size
):
    product_slug = await _county_with(session_maker, size)
    await client.get("/")  # the host table (custom domains) is loaded once per 30 s, not per page
    counts = {}
    for path in ("/c/raohe/", "/c/raohe/category/honey", f"/c/raohe/products/{product_slug}"):
        count_queries.statements.clear()
        response = await client.get(path)
        assert response.status_code == 200
        counts[path.split("/")[3] or "home"] = count_queries.count
    assert counts == {"home": 3, "category": 3, "products": 4}
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
    count_queries.statements.clear()
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
    count_queries.statements.clear()
    assert (await client.get("/admin/?range=last_12_months")).status_code == 200
    buyer_counts = [query for query in count_queries.statements if "FROM buyer_orders" in query]
    assert len(buyer_counts) == 3
    assert not [query for query in count_queries.statements if "count(DISTINCT lower(" in query]
