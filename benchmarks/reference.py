"""Reference pages for issue 11's goals, served like ours: what the stack costs before the shop.

- ``create_app``: issue 11's naive page (``/naive``: 24 rows read through the SQLAlchemy ORM on
  aiosqlite, rendered by Jinja) beside the bare app's plain-text ``/health``; no middleware.
- ``create_protected_app``: the same two routes behind Litestar's own CSRF check, server-side
  sessions and compression, the protections every shop page needs (the shop has its own, cheaper
  versions of them: ``storefront.security``, ``storefront.sessions``, ``storefront.compression``).

The rows live in a SQLite file under ``STOREFRONT_VAR_DIR`` (the temporary folder of a benchmark
run), written when the app starts.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from jinja2 import Environment
from litestar import Litestar, get
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.response import Response
from litestar.stores.memory import MemoryStore
from sqlalchemy import Integer, String, func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from benchmarks.bare import health

NAIVE = "/naive"
ROWS = 24


class _Base(DeclarativeBase):
    pass


class Item(_Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(500))


PAGE = Environment(autoescape=True).from_string(
    "<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>饶河</title></head><body>"
    "<h1>饶河特产</h1><ul>{% for item in items %}"
    "<li><a href='/products/{{ item.id }}'>{{ item.name }}</a> ¥{{ '%.2f' | format(item.price / 100) }}"
    "<p>{{ item.description }}</p></li>{% endfor %}</ul></body></html>"
)


def _database() -> str:
    folder = Path(os.environ.get("STOREFRONT_VAR_DIR") or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{folder / 'reference.db'}"


def _app(**protections: object) -> Litestar:
    engine = create_async_engine(_database())
    session_maker = async_sessionmaker(engine, expire_on_commit=False)

    async def fill() -> None:
        async with engine.begin() as connection:
            await connection.run_sync(_Base.metadata.create_all)
            if not await connection.scalar(select(func.count()).select_from(Item)):
                description = "饶河林区的椴树花蜜。" * 5
                rows = [
                    {"name": f"椴树雪蜜 {number}", "price": 12_800 + number, "description": description}
                    for number in range(100)
                ]
                await connection.execute(Item.__table__.insert(), rows)

    @get(NAIVE)
    async def naive_page() -> Response[str]:
        async with session_maker() as session:
            items = (await session.scalars(select(Item).order_by(Item.id).limit(ROWS))).all()
        return Response(PAGE.render(items=items), media_type="text/html")

    return Litestar(
        route_handlers=[health, naive_page], on_startup=[fill], on_shutdown=[engine.dispose], **protections
    )


def create_app() -> Litestar:
    return _app()


def create_protected_app() -> Litestar:
    return _app(
        csrf_config=CSRFConfig(secret="reference-benchmark-secret-key"),
        middleware=[ServerSideSessionConfig().middleware],
        stores={"sessions": MemoryStore()},
        compression_config=CompressionConfig(backend="gzip"),
    )
