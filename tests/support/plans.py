"""What the database plans for a statement the app sent (its SQL and parameters, as the driver got them)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine


async def query_plan(engine: AsyncEngine, sql: str, parameters: Any, *, few_rows: bool = True) -> str:
    """PostgreSQL's EXPLAIN, with sequential scans priced out for ``few_rows`` (a test's few rows
    would make a scan the cheapest plan of all), or SQLite's EXPLAIN QUERY PLAN; one line a step."""
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            if few_rows:
                await connection.exec_driver_sql("SET enable_seqscan = off")
            return "\n".join((await connection.exec_driver_sql(f"EXPLAIN {sql}", parameters)).scalars())
        rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)
        return "\n".join(row[-1] for row in rows)
