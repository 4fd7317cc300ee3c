"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from storefront.models import Base
from tests.support.databases import migrate


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
                        sync, opts={"version_table": "alembic_versions", "compare_type": True}
                    ),
                    Base.metadata,
                )
            )
    finally:
        await engine.dispose()
    assert {"counties", "products", "variants", "alembic_versions"} <= tables
    assert differences == []
