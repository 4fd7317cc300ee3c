"""Fresh, migrated databases for each test, on SQLite or PostgreSQL.

The migrations run once per backend into a template; each test then gets a copy (a file copy on
SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL), which takes milliseconds.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
from pathlib import Path

import asyncpg
from advanced_alchemy.alembic.commands import AlembicCommands

from storefront.app import database_config
from storefront.config import Settings

TEMPLATE_DB = "storefront_template"
_counter = itertools.count()


def migrate(database_url: str, revision: str = "head") -> None:
    """Apply every migration (up to ``revision``), exactly as ``storefront database upgrade`` does."""
    AlembicCommands(
        sqlalchemy_config=database_config(Settings(database_url=database_url, secret_key="x"))
    ).upgrade(revision)


def _plain_dsn(server_url: str, database: str) -> str:
    return f"{server_url.replace('postgresql+asyncpg', 'postgresql')}/{database}"


class PostgresDatabases:
    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self._template_ready = False

    async def _execute(self, sql: str) -> None:
        connection = await asyncpg.connect(_plain_dsn(self.server_url, "postgres"))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    async def empty(self) -> str:
        """A new database with no tables (for the migration tests)."""
        name = f"empty_{next(_counter)}"
        await self._execute(f'CREATE DATABASE "{name}"')
        return f"{self.server_url}/{name}"

    async def migrated(self) -> str:
        if not self._template_ready:
            await self._execute(f'CREATE DATABASE "{TEMPLATE_DB}"')
            await asyncio.to_thread(migrate, f"{self.server_url}/{TEMPLATE_DB}")
            self._template_ready = True
        name = f"test_{next(_counter)}"
        await self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"')
        return f"{self.server_url}/{name}"


class SqliteDatabases:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._template: Path | None = None

    async def empty(self) -> str:
        return f"sqlite+aiosqlite:///{self.folder / f'empty_{next(_counter)}.db'}"

    async def migrated(self) -> str:
        if self._template is None:
            template = self.folder / "template.db"
            await asyncio.to_thread(migrate, f"sqlite+aiosqlite:///{template}")
            self._template = template
        copy = self.folder / f"test_{next(_counter)}.db"
        shutil.copyfile(self._template, copy)
        return f"sqlite+aiosqlite:///{copy}"


async def second_waits_for_first(first: str, writers: dict) -> None:
    """Two writers, ``{name: (write, session)}``: the one named ``first`` runs ``write(commit=False)``,
    the other ``write(commit=True)`` starts while that transaction is open, then the first commits; a
    lock the first holds makes the other wait for it. Both sessions are closed at the end."""
    (write_first, first_session), (write_second, _session) = sorted(
        writers.values(), key=lambda writer: writer is not writers[first]
    )
    try:
        await write_first(commit=False)
        other = asyncio.create_task(write_second(commit=True))
        await asyncio.sleep(0.3)
        await first_session.commit()
        await other
    finally:
        for _write, session in writers.values():
            await session.close()
