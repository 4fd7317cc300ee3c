"""The fixed cost of a request: ``/health`` through the whole shop app against a bare Litestar route.

    uv run python -m benchmarks.fixed_cost [--requests 20000] [--pages] [--profile] [--top 30] [--wrk 10]

No server and no network: both apps are called as ASGI apps in a loop, in this process, so what is
measured is the Python each request runs (middleware, host routing, sessions, CSRF, language,
events, security headers, page-cache boundary, compression), not the server's. The shop app is
built by ``storefront.app:create_app`` with production settings on a throwaway, migrated SQLite
database, and started (its lifespan runs) as a server would. ``/health`` is exempt from nothing a
shop page goes through. Requests are made as ``wrk`` makes them (a ``Host`` naming the worker's
address, nothing else), and again as a browser's (user agent, languages, encodings, cookies).

Beside them, the bare route behind Litestar's own CSRF check, server-side sessions and gzip
(``benchmarks.reference``): what those protections cost in Litestar's stock versions.

``--pages`` seeds the demo counties and adds a page cache hit: the county home and a product page
(kept one second, so rendered again once a second). ``--profile`` adds cProfile's top functions
(by own time) for the shop's ``/health``, or with ``--pages`` for the cached product page. ``--wrk
SECONDS`` then confirms over HTTP: each app served by granian (one worker, production settings, as
``benchmarks.catalog`` serves them) and loaded by ``wrk`` in turn.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import re
import tempfile
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SADeprecationWarning

from benchmarks.bare import create_app as bare_app
from benchmarks.reference import create_protected_app as protected_app
from benchmarks.support import (
    BARE_APP,
    PLAIN,
    ensure_wrk,
    load,
    production_settings,
    seed_demo_counties,
    serve,
    server_env,
)
from storefront.app import create_app
from storefront.config import Settings
from tests.support.databases import migrate

warnings.filterwarnings("ignore", category=SADeprecationWarning)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from litestar.types import ASGIApp

HOST = b"127.0.0.1:8000"
HOME = "/c/raohe/"
WRK_HEADERS = [(b"host", HOST)]
BROWSER_HEADERS = [
    (b"host", HOST),
    (b"user-agent", b"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"),
    (b"accept", b"text/html,application/xhtml+xml,*/*;q=0.8"),
    (b"accept-language", b"zh-CN,zh;q=0.9,en;q=0.8"),
    (b"accept-encoding", b"gzip, deflate, br"),
    (b"cookie", b"vid=0123456789abcdef0123456789abcdef; csrftoken=abc.def; lang=zh"),
]


def sqlite_database(workdir: Path, *, demo: bool) -> str:
    database_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    migrate(database_url)
    if demo:
        seed_demo_counties(database_url, workdir / "media")
    return database_url


def _scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": list(headers),
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


def caller(app: ASGIApp, path: str, headers: list[tuple[bytes, bytes]]) -> Callable[[], Awaitable[int]]:
    """One request to ``app``; its coroutine returns the status sent."""

    async def call() -> int:
        status = 0

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await app(_scope(path, headers), _receive, send)  # type: ignore[arg-type]
        return status

    return call


async def a_product_page(app: ASGIApp) -> str:
    """The path of the first product the county home links to."""
    body = bytearray()

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(_scope(HOME, WRK_HEADERS), _receive, send)  # type: ignore[arg-type]
    if found := re.search(rf'href="({HOME}products/[^"?#]+)"', body.decode()):
        return found[1]
    raise RuntimeError("the county home links to no product")


async def per_request_us(call: Callable[[], Awaitable[int]], requests: int) -> float:
    """CPU microseconds a request, the best of three rounds (the machine is shared: CPU time, not
    wall time, and the best round)."""
    if (status := await call()) != 200:
        raise RuntimeError(f"the request answered {status}")
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(requests):
            await call()
        best = min(best, time.process_time() - started)
    return best / requests * 1e6


async def profile(call: Callable[[], Awaitable[int]], requests: int, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        await call()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


async def in_process(args: argparse.Namespace, workdir: Path, database_url: str) -> None:
    shop = create_app(
        production_settings(database_url, workdir, page_cache_seconds=Settings.page_cache_seconds)
    )
    bare, protected = bare_app(), protected_app()
    async with shop.lifespan(), bare.lifespan(), protected.lifespan():
        bare_us = await per_request_us(caller(bare, PLAIN, WRK_HEADERS), args.requests)
        print(f"bare Litestar {PLAIN}             {bare_us:8.1f} µs/request (CPU)")
        for label, headers in (("wrk", WRK_HEADERS), ("browser", BROWSER_HEADERS)):
            protected_us = await per_request_us(caller(protected, PLAIN, headers), args.requests)
            print(
                f"Litestar's CSRF, sessions, gzip {label:<7} headers {protected_us:8.1f} µs/request"
                f"  ({100 * bare_us / protected_us:.0f} % of bare throughput)"
            )
        paths = [(PLAIN, PLAIN)]
        if args.pages:
            paths += [("county home, cached", HOME), ("product, cached", await a_product_page(shop))]
        for page, path in paths:
            for label, headers in (("wrk", WRK_HEADERS), ("browser", BROWSER_HEADERS)):
                shop_us = await per_request_us(caller(shop, path, headers), args.requests)
                print(
                    f"shop {page:<20} {label:<7} headers {shop_us:8.1f} µs/request"
                    f"  ({100 * bare_us / shop_us:.0f} % of bare throughput)"
                )
        if args.profile:
            print(await profile(caller(shop, paths[-1][1], BROWSER_HEADERS), args.requests, args.top))


def over_http(args: argparse.Namespace, workdir: Path, database_url: str) -> None:
    """Bare app, then the shop, each served alone by granian and loaded by wrk."""
    wrk = ensure_wrk()
    measure = {"duration": args.wrk, "connections": args.connections, "warmup": 2}
    env = server_env(database_url, workdir, page_cache_seconds=None)
    results = []
    for label, app in (("bare Litestar", BARE_APP), ("shop", "storefront.app:create_app")):
        with serve(env, workdir / f"{label}.log", app) as base_url:
            results.append(load(wrk, base_url + PLAIN, f"{label} {PLAIN}", **measure))
    bare, shop = results
    print(f"\nwrk -t1 -c{args.connections} -d{args.wrk}s, granian (1 worker), production settings:")
    for result in results:
        print(f"{result.label:<22} {result.requests_per_second:9.0f} req/s  p99 {result.p99_ms:6.1f} ms")
    share = 100 * shop.requests_per_second / bare.requests_per_second
    print(f"shop {PLAIN}: {share:.0f} % of the bare route's throughput")


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.fixed_cost", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--requests", type=int, default=20000, help="requests a round (default 20000)")
    parser.add_argument("--pages", action="store_true", help="also a cached county home and product page")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top lines for the shop")
    parser.add_argument("--top", type=int, default=30, help="profile lines (default 30)")
    parser.add_argument("--wrk", type=int, default=0, metavar="SECONDS", help="also load both over HTTP")
    parser.add_argument("--connections", type=int, default=32, help="wrk's connections (default 32)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="storefront-fixed-") as folder:
        workdir = Path(folder)
        database_url = sqlite_database(workdir, demo=args.pages)
        asyncio.run(in_process(args, workdir, database_url))
        if args.wrk:
            over_http(args, workdir, database_url)


if __name__ == "__main__":
    main()
