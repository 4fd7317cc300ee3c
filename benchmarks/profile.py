"""Where an uncached page spends its time: pyinstrument on the product page and the county home.

    uv run python -m benchmarks.profile [--requests 200] [--top 25] [--database sqlite]

Builds the app with production settings and ``PAGE_CACHE_SECONDS=0`` on a migrated database with
the demo counties (a throwaway PostgreSQL by default), and calls it as an ASGI app in this process
(no server, no network), so the profile holds the app's own work: middleware, routing, the
handler, the ORM and the driver, the template. For each page it prints the CPU time a request
costs, the sampled time by library, and the functions with the most time of their own.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer

from benchmarks.support import (
    BACKENDS,
    Databases,
    HttpShopper,
    benchmark_parser,
    guarded,
    production_settings,
)
from storefront.app import create_app

if TYPE_CHECKING:
    from litestar import Litestar
    from pyinstrument.session import Session

COUNTY = "raohe"
WARMUP = 30
INTERVAL = 0.001  # seconds between samples
IDLE = {"epoll.poll", "select.select", "poll.poll"}
HEADERS = [
    (b"host", b"127.0.0.1:8000"),
    (b"user-agent", b"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148"),
    (b"accept", b"text/html"),
    (b"accept-language", b"zh-CN,zh;q=0.9"),
]


async def get(app: Litestar, path: str) -> tuple[int, bytes]:
    """One GET through the ASGI interface: the status and the body."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": HEADERS, "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000), "state": {},
    }  # fmt: skip
    status, body = 0, bytearray()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, send)  # type: ignore[arg-type]
    return status, bytes(body)


def library_of(function: str, location: str) -> str:
    """Who owns a function of the flat profile, from its short path: a package, a folder of the
    project (``storefront/catalog``, ``templates``), a standard module, or C code."""
    if function in IDLE:
        return "[event loop idle: waiting for the database]"
    if location.startswith("<"):
        return "[C functions]"
    parts = location.split(":", 1)[0].split("/")
    return (
        "/".join(parts[:2]) if parts[0] == "storefront" and len(parts) > 2 else parts[0].removesuffix(".py")
    )


def flat_profile(session: Session) -> list[tuple[float, str, str]]:
    """The profile's functions by their own time: (percent of the total, function, short path)."""
    text = ConsoleRenderer(flat=True, time="percent_of_total").render(session)
    return [
        (float(match[1]), match[2], match[3])
        for match in re.finditer(r"^\s*([\d.]+)%\s+(.+?)  (\S+)$", text, re.MULTILINE)
    ]


async def profile_page(app: Litestar, label: str, path: str, args: argparse.Namespace) -> None:
    status, _ = await get(app, path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    for _ in range(WARMUP):
        await get(app, path)
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(args.requests):
        await get(app, path)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    profiler = Profiler(interval=INTERVAL, async_mode="disabled")
    profiler.start()
    for _ in range(args.requests):
        await get(app, path)
    profiler.stop()
    functions = flat_profile(profiler.last_session)
    print(
        f"\n=== {label}: {path}\n{1000 * cpu / args.requests:.2f} ms of CPU (this process, all"
        f" threads) and {1000 * wall / args.requests:.2f} ms of wall time a request, over"
        f" {args.requests} requests without the profiler; then {args.requests} profiled:"
    )
    totals: Counter[str] = Counter()
    for percent, function, location in functions:
        totals[library_of(function, location)] += percent
    print("Time by library (the own time of its functions):")
    for library, percent in totals.most_common(12):
        print(f"  {percent:5.1f} %  {library}")
    print(f"Top {args.top} functions by own time:")
    for percent, function, location in functions[: args.top]:
        print(f"  {percent:5.1f} %  {function}  {location}")


async def run(args: argparse.Namespace, database_url: str, workdir: Path) -> None:
    settings = production_settings(database_url, workdir, page_cache_seconds=0)
    app = create_app(settings)
    async with app.lifespan():
        _, home = await get(app, f"/c/{COUNTY}/")
        product = HttpShopper("", COUNTY).link(home.decode(), "products")
        await profile_page(app, "uncached product page", f"/c/{COUNTY}{product}", args)
        await profile_page(app, "uncached county home", f"/c/{COUNTY}/", args)


def main() -> None:
    parser = benchmark_parser("profile", __doc__)
    parser.add_argument("--requests", type=int, default=200, help="profiled requests a page (default 200)")
    parser.add_argument("--top", type=int, default=25, help="functions to print a page (default 25)")
    parser.add_argument("--database", choices=BACKENDS, default="postgresql", help="default postgresql")
    args = parser.parse_args()
    if args.requests < 1 or args.top < 1:
        parser.error("--requests and --top must be at least 1")
    guarded(lambda: profile(args))


def profile(args: argparse.Namespace) -> None:
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="storefront-profile-")))
        print(f"{args.database}: migrating and seeding the demo counties ...", flush=True)
        database_url = Databases(stack, workdir).demo(args.database)
        asyncio.run(run(args, database_url, workdir))


if __name__ == "__main__":
    main()
