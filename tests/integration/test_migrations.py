"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import asyncio
import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert, inspect, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from storefront.catalog.search import not_search_index
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.metrics.models import Creator
from storefront.metrics.referrals import VALID_CODE
from storefront.metrics.rollups import rebuild_buyers
from storefront.models import Base
from storefront.orders.models import OrderStatus
from storefront.tenancy.models import County
from tests.integration.test_metrics import bj, chain_of, order, paid
from tests.support.databases import migrate

BEFORE_THE_BUYER_CHAIN = "356de0671979"
BEFORE_CASE_BLIND_CODES = "f5993ce9fa23"


@pytest.fixture
async def empty_database_url(backend, database_pools) -> str:
    return await database_pools[backend].empty()


async def test_migrations_match_the_models(empty_database_url):
    await asyncio.to_thread(migrate, empty_database_url)
    engine = create_async_engine(empty_database_url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
            differences = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(
                        sync,
                        opts={
                            "version_table": "alembic_versions",
                            "compare_type": True,
                            "include_name": not_search_index,
                        },
                    ),
                    Base.metadata,
                )
            )
    finally:
        await engine.dispose()
    assert {"counties", "products", "variants", "alembic_versions"} <= tables
    assert differences == []


async def test_an_existing_database_gets_the_buyer_chain_of_its_past_purchases(empty_database_url):
    await asyncio.to_thread(migrate, empty_database_url, BEFORE_THE_BUYER_CHAIN)
    engine = create_async_engine(empty_database_url)

    def rice(county, email, **fields):
        return order(county, email, [(None, "米", "Rice", 1000, 1)], **fields)

    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            # Core, not the ORM: the ORM would write every column of today's counties table
            scope_to_all_counties(session)
            county = await session.scalar(
                insert(County)
                .values(slug="raohe", name_zh="饶河县", province_zh="黑龙江省")
                .returning(County.id)
            )
            sales = [
                rice(county, "alice@example.cn", paid_at=bj(2026, 1, 1, 23, 30)),
                rice(county, "ALICE@example.cn", paid_at=bj(2026, 1, 3, 0, 30)),
                rice(county, "bob@example.cn", paid_at=bj(2026, 1, 2, 9)),
                rice(county, "alice@example.cn", status=OrderStatus.CANCELLED),
            ]
            session.add_all(sales)
            await session.flush()
            session.add_all(paid(county, sale, sale.paid_at or bj(2026, 1, 2, 9)) for sale in sales)
            await session.commit()
        await asyncio.to_thread(migrate, empty_database_url)

        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            scope_to_county(session, county)
            migrated = await chain_of(session)
            await rebuild_buyers(session, county)
            rebuilt = await chain_of(session)
    finally:
        await engine.dispose()
    ids = [sale.id for sale in sales]
    assert migrated == [
        (ids[0], "alice@example.cn", datetime.date(2026, 1, 1), None, datetime.date(2026, 1, 3)),
        (ids[1], "alice@example.cn", datetime.date(2026, 1, 3), datetime.date(2026, 1, 1), None),
        (ids[2], "bob@example.cn", datetime.date(2026, 1, 2), None, None),
    ]
    assert rebuilt == migrated


async def test_creators_whose_codes_differ_only_in_case_are_told_apart_by_the_upgrade(empty_database_url):
    """Two saves of `Li` and `li` that raced before codes were unique whatever their case."""
    await asyncio.to_thread(migrate, empty_database_url, BEFORE_CASE_BLIND_CODES)
    engine = create_async_engine(empty_database_url)
    try:
        async with async_sessionmaker(engine)() as session:
            scope_to_all_counties(session)
            county = await session.scalar(
                insert(County)
                .values(slug="raohe", name_zh="饶河县", province_zh="黑龙江省")
                .returning(County.id)
            )
            await session.execute(
                insert(Creator.__table__),
                [
                    {"county_id": county, "name": name, "platform": "douyin", "code": code}
                    for name, code in (("李", "Li"), ("小李", "li"), ("王", "wang"))
                ],
            )
            await session.commit()
        await asyncio.to_thread(migrate, empty_database_url)

        async with async_sessionmaker(engine)() as session:
            scope_to_county(session, county)
            codes = dict((await session.execute(select(Creator.name, Creator.code))).all())
    finally:
        await engine.dispose()
    second = codes["小李"]
    assert codes["李"] == "Li" and codes["王"] == "wang"
    assert second.startswith("li-") and VALID_CODE.fullmatch(second)
