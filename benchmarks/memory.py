"""Memory under mixed shopper traffic: the server worker's resident memory stays flat (issue 11).

    uv run python -m benchmarks.memory                     # issue 11: 10 minutes, PostgreSQL
    uv run python -m benchmarks.memory --minutes 2 --database sqlite
    uv run python -m benchmarks.memory --minutes 2 --tracemalloc   # what grows, if anything

Migrates and seeds the demo counties (a throwaway PostgreSQL by default), serves the shop with
granian (one worker, production settings, the default page cache, sessions in files) and, for the
given minutes, sends it what a crowd of shoppers would:

- Debian's ``wrk`` (one thread, a few connections, ``nice``: the server keeps the CPU it needs),
  with a Lua script (``memory_traffic.lua``) drawing each request at random: product pages of every
  demo county (some of products, a few of counties, that do not exist), searches for random words
  (Chinese and Latin, 1 to 8 characters, or pieces of product names), category pages and county
  homes; a third of them with ``?ref=`` (a creator's real code or junk), a third with a junk query
  parameter the cache key must ignore, some in English or accepting brotli;
- cart flows by new visitors in this process's threads (a product page, a real add-to-cart POST
  with the CSRF token, the cart), so that sessions keep being created.

Every ``--sample`` seconds it reads the resident memory (``VmRSS``) of the granian worker and its
children from ``/proc``, the sessions on disk, and what a probe in the worker reports
(``benchmarks.memory_probe``: the page cache's entries and bytes, pages being rendered, events
waiting). It prints the series, then the growth over the second half of the run (the first half
lets the page cache, the connection pools and the allocator fill up), from a least-squares line
through the second half's samples (a single sample is noisy), in MB and as a share of the memory
at half time.

"Flat" means that growth is under 5 % (``FLAT_PERCENT``): some 11 MB of a worker at 220-230 MB.
Samples move by a few MB from one to the next with nothing growing (the garbage collector, the
allocator's arenas, a new block of heap), so a line through the second half's 20 samples can tilt
by a few MB; 5 % stays clear of that. At the ~100 requests a second this shared 2-core machine
serves, it is what a leak of some 350 bytes a request would add over five minutes; a smaller leak
needs a longer run, or ``--tracemalloc``: it starts ``tracemalloc`` in the worker once it is up
(much slower) and prints the allocation sites and object types grown since the warm-up.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
from contextlib import ExitStack
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from benchmarks.memory_probe import PROBE_FILE, PROBE_SECONDS, PROBE_TRACE
from benchmarks.support import (
    BACKENDS,
    Databases,
    HttpShopper,
    benchmark_parser,
    busy_cpu_share,
    ensure_wrk,
    guarded,
    orm_session,
    print_machine_note,
    serve,
    server_env,
)
from storefront.catalog.models import Category, Product
from storefront.db import all_counties_scope
from storefront.metrics.models import Creator
from storefront.page_cache import MAX_MEMORY_ENTRIES
from storefront.tenancy.models import County

if TYPE_CHECKING:
    from collections.abc import Callable

PROBE_APP = "benchmarks.memory_probe:create_app"
FLAT_PERCENT = 5.0
CONNECTIONS = 8
CART_THREADS = 2
WORDS_PER_SHOP = 200
TRACEMALLOC_FRAMES = "4"
LUA_SCRIPT = Path(__file__).with_name("memory_traffic.lua")


@dataclass(frozen=True)
class Shop:
    """What the traffic of one county is drawn from."""

    slug: str
    products: list[str]
    categories: list[str]
    codes: list[str]
    words: list[str]


@dataclass
class Sample:
    seconds: float
    rss_mb: float
    sessions: int
    probe: dict[str, object]


@dataclass
class CartFlows:
    """What the new visitors' cart flows got."""

    done: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


# ---- the traffic ----------------------------------------------------------------------------


def name_words(name_zh: str, name_en: str) -> set[str]:
    """Pieces of a product's names a shopper might search for: two Chinese characters in a row,
    English words."""
    chinese = re.findall(r"[\u4e00-\u9fff]+", name_zh)
    pieces = {run[i : i + 2] for run in chinese for i in range(max(1, len(run) - 1))}
    return pieces | {word.lower() for word in re.findall(r"[A-Za-z]{3,}", name_en)}


def load_shops(database_url: str) -> list[Shop]:
    """The demo counties with their products, categories, creators' codes and search words."""
    with orm_session(database_url) as (runner, session), all_counties_scope(session):

        def rows(statement: object) -> list[tuple[object, ...]]:
            return list(runner.run(session.execute(statement)).all())  # type: ignore[call-overload]

        counties = rows(select(County.id, County.slug).order_by(County.slug))
        products = rows(select(Product.county_id, Product.slug, Product.name_zh, Product.name_en))
        categories = rows(select(Category.county_id, Category.slug))
        codes = rows(select(Creator.county_id, Creator.code))
    shops = []
    for county_id, slug in counties:
        words: set[str] = set()
        for owner, _slug, name_zh, name_en in products:
            if owner == county_id:
                words |= name_words(str(name_zh), str(name_en or ""))
        shops.append(
            Shop(
                slug=str(slug),
                products=[str(p[1]) for p in products if p[0] == county_id],
                categories=[str(c[1]) for c in categories if c[0] == county_id],
                codes=[str(c[1]) for c in codes if c[0] == county_id],
                words=sorted(words)[:WORDS_PER_SHOP],
            )
        )
    return [shop for shop in shops if shop.products and shop.categories]


def lua_value(value: object) -> str:
    """``value`` (strings, lists, dicts with names for keys) written as a Lua constant."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, list):
        return "{" + ", ".join(map(lua_value, value)) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key} = {lua_value(item)}" for key, item in value.items()) + "}"
    raise TypeError(f"no Lua constant for {value!r}")


def lua_script(shops: list[Shop], workdir: Path) -> Path:
    """``memory_traffic.lua`` with the shops' data in front of it."""
    script = workdir / "traffic.lua"
    shops_table = lua_value([shop.__dict__ for shop in shops])
    script.write_text(f"shops = {shops_table}\n{LUA_SCRIPT.read_text()}")
    return script


def cart_flows(
    base_url: str, shops: list[Shop], per_second: float, stop: threading.Event, flows: CartFlows
) -> None:
    """New visitors, one after the other at ``per_second``: a product page, add to cart, the cart."""
    pause = 1 / per_second
    while not stop.is_set():
        started = time.monotonic()
        shop = random.choice(shops)
        shopper = HttpShopper(base_url, shop.slug)
        try:
            page = shopper.get(f"/products/{urllib.parse.quote(random.choice(shop.products))}")
            variant = re.search(r'name="variant_id" value="(\d+)"[^>]*checked', page)
            if variant is not None:
                shopper.post("/cart/items", {"variant_id": variant.group(1), "quantity": 1})
                shopper.get("/cart")
            with flows.lock:
                flows.done += 1
        except (OSError, urllib.error.HTTPError) as error:
            with flows.lock:
                flows.errors.append(f"{shopper.status or ''} {error}".strip())
        stop.wait(max(0.0, pause - (time.monotonic() - started)))


# ---- the server's memory --------------------------------------------------------------------


def _each_process(name: str) -> dict[int, bytes]:
    """The file ``name`` (``cmdline``, ``stat``) of every process that can be read, by process id."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                found[int(entry.name)] = (entry / name).read_bytes()
    return found


def granian_main(port: int) -> int:
    """The process id of the granian serving ``port``."""
    wanted = f"--port\0{port}\0".encode()
    for pid, command in _each_process("cmdline").items():
        if b"granian" in command and wanted in command:
            return pid
    raise RuntimeError(f"no granian process serving port {port}")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (its children, theirs...)."""
    children: dict[int, list[int]] = {}
    for child, stat in _each_process("stat").items():
        parent = int(stat.rsplit(b")", 1)[1].split()[1])
        children.setdefault(parent, []).append(child)
    found, queue = [], [pid]
    while queue:
        below = children.get(queue.pop(), [])
        found.extend(below)
        queue.extend(below)
    return found


def rss_mb(pids: list[int]) -> float:
    """The resident memory of ``pids`` together, in MB."""
    total_kb = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if match := re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE):
            total_kb += int(match.group(1))
    return total_kb / 1024


def last_probe(path: Path) -> dict[str, object]:
    lines = path.read_text().splitlines() if path.exists() else []
    return json.loads(lines[-1]) if lines else {}


# ---- the run --------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> tuple[list[Sample], str, CartFlows]:
    wrk = ensure_wrk()
    seconds = round(args.minutes * 60)
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="storefront-memory-")))
        print(f"{args.database}: migrating and seeding the demo counties ...", flush=True)
        database_url = Databases(stack, workdir).demo(args.database)
        shops = load_shops(database_url)
        script = lua_script(shops, workdir)
        probe_file = workdir / "probe.jsonl"
        env = server_env(database_url, workdir, page_cache_seconds=None)
        env |= {PROBE_FILE: str(probe_file), PROBE_SECONDS: str(args.sample)}
        if args.tracemalloc:
            env[PROBE_TRACE] = TRACEMALLOC_FRAMES
        base_url = stack.enter_context(serve(env, workdir / "granian.log", PROBE_APP))
        workers = descendants(granian_main(urllib.parse.urlsplit(base_url).port or 0))
        sessions_dir = workdir / "var" / "sessions"
        print(
            f"server up at {base_url} (worker processes {workers}); {len(shops)} counties:"
            f" {', '.join(shop.slug for shop in shops)}; {seconds} s of traffic ...",
            flush=True,
        )

        def sample(at: float) -> Sample:
            sessions = sum(1 for _ in sessions_dir.iterdir()) if sessions_dir.exists() else 0
            taken = Sample(at, rss_mb(workers), sessions, last_probe(probe_file))
            probe = taken.probe
            traced = f"  traced {probe['traced_mb']:.1f} MB" if probe.get("traced_mb") else ""
            print(
                f"  {at:5.0f} s  RSS {taken.rss_mb:6.1f} MB  sessions {sessions:5d}  page cache"
                f" {probe.get('page_cache', '?'):>4} ({probe.get('page_cache_mb', 0):4.1f} MB)"
                f"  rendering {probe.get('rendering', '?')}"
                f"  events waiting {probe.get('events_waiting', '?')}{traced}",
                flush=True,
            )
            return taken

        samples = [sample(0.0)]
        command = [
            "nice", "-n", "5", wrk, "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
            "-s", str(script), base_url,
        ]  # fmt: skip
        began = time.monotonic()
        load = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        stack.callback(load.kill)
        stop, flows = threading.Event(), CartFlows()
        stack.callback(stop.set)
        visitors = [
            threading.Thread(
                target=cart_flows, args=(base_url, shops, args.carts / CART_THREADS, stop, flows)
            )
            for _ in range(CART_THREADS)
        ]
        for thread in visitors:
            thread.start()
        while load.poll() is None:
            time.sleep(min(args.sample, max(0.1, began + len(samples) * args.sample - time.monotonic())))
            if load.poll() is None and time.monotonic() >= began + len(samples) * args.sample:
                samples.append(sample(time.monotonic() - began))
        stop.set()
        for thread in visitors:
            thread.join()
        samples.append(sample(time.monotonic() - began))
        wrk_output = load.communicate()[0]
        if load.returncode != 0:
            raise RuntimeError(f"wrk failed:\n{wrk_output}")
        return samples, wrk_output, flows


def second_half_growth(samples: list[Sample], value: Callable[[Sample], float]) -> tuple[float, float]:
    """``value`` at half time, and its growth over the second half, from a least-squares line
    through the second half's samples."""
    half = samples[-1].seconds / 2
    late = [s for s in samples if s.seconds >= half]
    if len(late) < 2:  # a line needs two points
        raise RuntimeError("too few samples in the second half: run longer or sample more often")
    slope, intercept = statistics.linear_regression([s.seconds for s in late], [value(s) for s in late])
    return intercept + slope * half, slope * (samples[-1].seconds - half)


def print_report(result: tuple[list[Sample], str, CartFlows], args: argparse.Namespace) -> None:
    samples, wrk_output, flows = result
    at_half, growth = second_half_growth(samples, lambda s: s.rss_mb)
    _, cache_growth = second_half_growth(samples, lambda s: float(s.probe.get("page_cache_mb") or 0))
    requests = re.search(r"(\d+) requests in ([\d.]+\w+)", wrk_output)
    statuses = re.findall(r"^status (\d+): (\d+)$", wrk_output, re.MULTILINE)
    server_errors = sum(int(n) for status, n in statuses if int(status) >= HTTPStatus.INTERNAL_SERVER_ERROR)
    rss = [s.rss_mb for s in samples]
    print(
        f"\nMixed shopper traffic for {args.minutes:g} min against granian (1 worker),"
        f" STOREFRONT_ENV=production, {args.database}{', under tracemalloc' if args.tracemalloc else ''}:"
    )
    print(
        f"  wrk -t1 -c{CONNECTIONS}: {requests.group(1) if requests else '?'} requests"
        f" (answers: {', '.join(f'{s} x{n}' for s, n in statuses) or '?'});"
        f" cart flows by new visitors: {flows.done}, errors {len(flows.errors)}"
    )
    for error, count in sorted({e: flows.errors.count(e) for e in flows.errors}.items())[:5]:
        print(f"    cart flow error x{count}: {error}")
    print(
        f"  worker RSS: {rss[0]:.1f} MB idle, {min(rss[1:]):.1f}-{max(rss[1:]):.1f} MB under load,"
        f" {at_half:.1f} MB at half time, {rss[-1]:.1f} MB at the end"
    )
    last = samples[-1].probe
    print(
        f"  at the end: {samples[-1].sessions} sessions on disk, page cache {last.get('page_cache', '?')}"
        f" entries of at most {MAX_MEMORY_ENTRIES} ({last.get('page_cache_mb', 0):.1f} MB),"
        f" {last.get('rendering', '?')} pages marked as rendering"
    )
    flat = growth < at_half * FLAT_PERCENT / 100
    print(
        f"  growth over the second half (least-squares line): {growth:+.1f} MB"
        f" ({100 * growth / at_half:+.1f} %; the page cache's pages {cache_growth:+.1f} MB):"
        f" {'flat' if flat else 'NOT FLAT'} (flat: under {FLAT_PERCENT:g} %)"
    )
    if server_errors or flows.errors:
        print(f"  errors: {server_errors} server errors (5xx) to wrk, {len(flows.errors)} in cart flows")
    if growth_lines := last.get("growth"):
        print("tracemalloc: allocation sites grown most since the warm-up:")
        print("\n".join(f"  {line}" for line in growth_lines))  # type: ignore[union-attr]
        print(f"  objects the garbage collector tracks, by type: {', '.join(last.get('objects', []))}")
    print_machine_note(args.busy_before, "wrk, the cart flows, the granian worker and the database")


def main() -> None:
    parser = benchmark_parser("memory", __doc__)
    parser.add_argument("--minutes", type=float, default=10, help="minutes of traffic (default 10)")
    parser.add_argument("--sample", type=float, default=15, help="seconds between samples (default 15)")
    parser.add_argument("--carts", type=float, default=2, help="cart flows a second (default 2)")
    parser.add_argument("--database", choices=BACKENDS, default="postgresql", help="default postgresql")
    parser.add_argument("--tracemalloc", action="store_true", help="trace the worker's allocations (slower)")
    args = parser.parse_args()
    if args.minutes <= 0 or args.sample <= 0 or args.carts <= 0:
        parser.error("--minutes, --sample and --carts must be above 0")
    args.busy_before = busy_cpu_share()
    print_report(guarded(lambda: run(args)), args)


if __name__ == "__main__":
    main()
