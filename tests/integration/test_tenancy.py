"""The tenancy rule: a county's data is reachable only through that county."""

from __future__ import annotations

import pytest
from sqlalchemy import column, func, insert, literal_column, select, table, text, update

from storefront.catalog.models import Category, Product, Variant
from storefront.db import (
    TenantScopeError,
    all_counties_scope,
    county_scope,
    scope_to_all_counties,
    scope_to_county,
)
from tests.support.factories import make_catalog, make_county


@pytest.fixture
async def two_counties(session_maker):
    async with session_maker() as session:
        raohe = await make_county(session, "raohe")
        raohe_products = await make_catalog(session, raohe, products=2)
        guzhang = await make_county(session, "guzhang", province_zh="湖南省")
        guzhang_products = await make_catalog(session, guzhang, products=3, category_slug="tea")
        await session.commit()
    return (raohe, raohe_products), (guzhang, guzhang_products)


async def test_an_unscoped_query_of_tenant_data_is_refused(session_maker, two_counties):
    async with session_maker() as session:
        with pytest.raises(TenantScopeError):
            await session.execute(select(Product))
        with pytest.raises(TenantScopeError):
            await session.execute(select(func.count()).select_from(Variant).join(Product))


async def test_a_scoped_session_sees_only_its_county(session_maker, two_counties):
    (raohe, raohe_products), (_, guzhang_products) = two_counties
    async with session_maker() as session:
        scope_to_county(session, raohe.id)
        slugs = set((await session.scalars(select(Product.slug))).all())
        assert slugs == {p.slug for p in raohe_products}
        assert await session.get(Product, guzhang_products[0].id) is None
        joined = await session.scalars(
            select(Variant).join(Product).where(Product.slug == guzhang_products[0].slug)
        )
        assert joined.all() == []


async def test_bulk_updates_cannot_reach_another_county(session_maker, two_counties):
    (raohe, _), (guzhang, _) = two_counties
    async with session_maker() as session:
        scope_to_county(session, raohe.id)
        await session.execute(update(Variant).values(stock=0))
        await session.commit()
    async with session_maker() as session:
        scope_to_county(session, guzhang.id)
        assert set((await session.scalars(select(Variant.stock))).all()) == {20}


async def test_writing_into_another_county_is_refused(session_maker, two_counties):
    (raohe, _), (guzhang, _) = two_counties
    async with session_maker() as session:
        scope_to_county(session, raohe.id)
        session.add(Category(county_id=guzhang.id, slug="smuggled", name_zh="走私"))
        with pytest.raises(TenantScopeError):
            await session.flush()


async def test_new_rows_take_the_session_county(session_maker, two_counties):
    (raohe, _), _ = two_counties
    async with session_maker() as session:
        scope_to_county(session, raohe.id)
        category = Category(slug="nuts", name_zh="坚果")
        session.add(category)
        await session.flush()
        assert category.county_id == raohe.id


async def test_no_route_of_one_county_shows_another_countys_data(client, two_counties):
    (_, raohe_products), (_, guzhang_products) = two_counties
    other = guzhang_products[0]
    assert (await client.get(f"/c/raohe/products/{other.slug}")).status_code == 404
    assert (await client.get("/c/raohe/producers/li-family-guzhang")).status_code == 404
    assert (await client.get("/c/raohe/category/tea")).status_code == 404
    search = await client.get("/c/raohe/search", params={"q": "蜂蜜"})
    assert search.text.count('class="product-card') == len(raohe_products)
    assert other.name_zh not in search.text
    sitemap = await client.get("/c/raohe/sitemap.xml")
    assert other.slug not in sitemap.text
    on_host = await client.get(f"/products/{other.slug}", headers={"Host": "raohe.shop.test"})
    assert on_host.status_code == 404


async def test_core_queries_of_tenant_tables_are_refused_in_a_scoped_session(session_maker, two_counties):
    (raohe, _), _ = two_counties
    async with session_maker() as session:
        scope_to_county(session, raohe.id)
        with pytest.raises(TenantScopeError):
            await session.execute(select(Category.__table__.c.slug))
        with pytest.raises(TenantScopeError):
            await session.execute(
                select(Product.slug).join(Variant.__table__, Variant.__table__.c.product_id == Product.id)
            )


async def _category_slugs(session_maker) -> set[tuple[int, str]]:
    async with session_maker() as session:
        scope_to_all_counties(session)
        return set((await session.execute(select(Category.county_id, Category.slug))).all())


async def test_orm_inserts_for_another_county_are_refused_in_a_scoped_session(session_maker, two_counties):
    (raohe, _), (guzhang, _) = two_counties
    before = await _category_slugs(session_maker)
    row = {"slug": "smuggled", "name_zh": "走私"}
    async with session_maker() as session:
        scope_to_county(session, raohe.id)
        with pytest.raises(TenantScopeError):
            await session.execute(insert(Category).values(county_id=guzhang.id, **row))
        with pytest.raises(TenantScopeError):
            await session.execute(
                insert(Category), [{"county_id": raohe.id, **row}, {"county_id": guzhang.id, **row}]
            )
        with pytest.raises(TenantScopeError):
            await session.execute(insert(Category).values([{"county_id": guzhang.id, **row}]))
        with pytest.raises(TenantScopeError):  # no county named: it would not be stamped
            await session.execute(insert(Category).values(**row))
        await session.execute(insert(Category).values(county_id=raohe.id, **row))
        await session.commit()
    assert await _category_slugs(session_maker) == before | {(raohe.id, "smuggled")}


async def test_raw_sql_is_refused_in_a_scoped_session(session_maker, two_counties):
    (raohe, _), _ = two_counties
    async with session_maker() as session:
        scope_to_county(session, raohe.id)
        with pytest.raises(TenantScopeError):
            await session.execute(text("SELECT slug FROM categories"))
        with pytest.raises(TenantScopeError):
            await session.execute(select(Category).from_statement(text("SELECT * FROM categories")))
        with pytest.raises(TenantScopeError):
            await session.execute(select(literal_column("slug")).select_from(text("categories")))


async def test_lightweight_tables_naming_tenant_tables_are_refused_in_a_scoped_session(
    session_maker, two_counties
):
    (raohe, _), (guzhang, _) = two_counties
    categories = table("categories", column("county_id"), column("slug"))
    async with session_maker() as session:
        scope_to_county(session, raohe.id)
        with pytest.raises(TenantScopeError):
            await session.execute(select(categories.c.county_id))
        with pytest.raises(TenantScopeError):
            await session.execute(update(categories).values(county_id=guzhang.id))


async def test_updates_cannot_move_or_reach_rows_of_another_county(session_maker, two_counties):
    (raohe, _), (guzhang, _) = two_counties
    before = await _category_slugs(session_maker)
    async with session_maker() as session:
        scope_to_all_counties(session)
        tea = (await session.scalars(select(Category).where(Category.county_id == guzhang.id))).one()
        scope_to_county(session, raohe.id)
        with pytest.raises(TenantScopeError):
            await session.execute(update(Category).values(county_id=guzhang.id))
        with pytest.raises(TenantScopeError):  # a bulk UPDATE by primary key skips the county filter
            await session.execute(update(Category), [{"id": tea.id, "slug": "renamed"}])
        await session.delete(tea)
        with pytest.raises(TenantScopeError):
            await session.flush()
    assert await _category_slugs(session_maker) == before


async def test_sessions_for_all_counties_and_without_tenant_data_still_run_raw_sql(
    session_maker, two_counties
):
    (_, _), (guzhang, _) = two_counties
    async with session_maker() as session:
        scope_to_all_counties(session)
        await session.execute(insert(Category).values(county_id=guzhang.id, slug="nuts", name_zh="坚果"))
        assert await session.scalar(text("SELECT count(*) FROM categories")) == 3
    async with session_maker() as session:
        assert await session.scalar(text("SELECT 1")) == 1


async def test_a_temporary_scope_gives_the_previous_one_back_even_after_an_error(session_maker, two_counties):
    (raohe, _), (guzhang, _) = two_counties

    async def slugs(session) -> set[str]:
        return set((await session.scalars(select(Category.slug))).all())

    async with session_maker() as session:
        scope_to_county(session, raohe.id)
        with county_scope(session, guzhang.id):
            assert await slugs(session) == {"tea"}
            with all_counties_scope(session):
                assert await slugs(session) == {"honey", "tea"}
            assert await slugs(session) == {"tea"}
        assert await slugs(session) == {"honey"}
        with pytest.raises(RuntimeError), all_counties_scope(session):
            raise RuntimeError
        assert await slugs(session) == {"honey"}
    async with session_maker() as session:
        with all_counties_scope(session):
            assert await slugs(session) == {"honey", "tea"}
        with pytest.raises(TenantScopeError):  # unscoped again, as before
            await slugs(session)


async def test_a_count_filtered_on_an_orm_column_is_scoped_not_refused(session_maker, two_counties):
    (raohe, _), _ = two_counties
    async with session_maker() as session:
        scope_to_county(session, raohe.id)
        count = select(func.count()).select_from(Category).where(Category.slug != "")
        assert await session.scalar(count) == 1  # Raohe's honey, not Guzhang's tea
