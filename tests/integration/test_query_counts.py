"""Catalog pages cost the same few queries whether a county sells 10 products or 500."""

from __future__ import annotations

import pytest

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
