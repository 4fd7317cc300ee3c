"""Throughput of every shopper page against a bare Litestar route, with production settings.

    uv run python -m benchmarks.catalog [--duration 10] [--connections 32] [--database sqlite]

Migrates and seeds a database with the demo counties (a throwaway PostgreSQL by default), serves
a bare Litestar app and ours with granian (one worker each, production settings) and loads them
with Debian's ``wrk``, one route after the other:

- the bare app's one plain-text route: 100 %, the ceiling of granian and Litestar here;
- references (``benchmarks.reference``): issue 11's naive page alone, and it and the bare route
  behind Litestar's own CSRF check, server-side sessions and compression;
- our ``/health``, the county home, and the product page and a search for 蜂蜜 under 256
  connections (a livestream's crowd), with the default page cache;
- on a server restarted with ``PAGE_CACHE_SECONDS=0`` (what the first visitor after an edit gets):
  the county home, a product page, a search for 蜂蜜, the cart holding a line, the checkout form
  and an order page, the last three with the session cookie of a shopper made over HTTP.

It prints each row as a share of the bare route next to issue 11's goals and whether each holds;
a goal not met does not fail the run. Every process and the database server are stopped at the
end, on failure, on Ctrl-C and on SIGTERM.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

from sqlalchemy import select

from benchmarks.reference import NAIVE, ROWS
from benchmarks.support import (
    BACKENDS,
    BARE_APP,
    PLAIN,
    Databases,
    HttpShopper,
    Result,
    benchmark_parser,
    busy_cpu_share,
    display_width,
    ensure_wrk,
    guarded,
    load,
    orm_session,
    pad,
    print_machine_note,
    serve,
    server_env,
)
from storefront.clock import utcnow
from storefront.db import all_counties_scope
from storefront.tenancy.models import County
from tests.support.orders import paid_order

COUNTY = "raohe"
HOME = f"/c/{COUNTY}/"
SEARCH_WORD = "蜂蜜"
SPIKE_CONNECTIONS = 256
SHOPPER_EMAIL = "bench-shopper@example.com"
REFERENCE_APP = "benchmarks.reference:create_app"
PROTECTED_APP = "benchmarks.reference:create_protected_app"


@dataclass(frozen=True)
class Goal:
    """One of issue 11's goals for a row: a share of the bare route, and for the spike more."""

    share: float
    p99_ms: float | None = None
    no_errors: bool = False

    def describe(self) -> str:
        parts = [f">= {self.share:g} %"]
        if self.p99_ms is not None:
            parts.append(f"p99 < {self.p99_ms:g} ms")
        if self.no_errors:
            parts.append("0 errors")
        return ", ".join(parts)

    def holds(self, result: Result, share: float) -> bool:
        return (
            share >= self.share
            and (self.p99_ms is None or result.p99_ms < self.p99_ms)
            and (not self.no_errors or result.errors == 0)
        )


HEALTH_GOAL = Goal(60)
SPIKE_GOAL = Goal(30, p99_ms=250, no_errors=True)
UNCACHED_GOAL = Goal(5)


@dataclass(frozen=True)
class Row:
    result: Result
    goal: Goal | None
    connections: int


# ---- pages that need a shopper --------------------------------------------------------------


def add_order(database_url: str) -> str:
    """A paid order of the county, written to the database; its number."""
    with orm_session(database_url) as (runner, session), all_counties_scope(session):
        county_id = runner.run(session.scalar(select(County.id).where(County.slug == COUNTY)))
        order = paid_order(county_id, SHOPPER_EMAIL, utcnow())
        session.add(order)
        runner.run(session.commit())
        return order.number


def shopper_cookie(base_url: str, product_path: str, order_number: str) -> str:
    """The cookies of a shopper who put the product in the cart (a real POST with the CSRF token)
    and looked their order up by number and email, so the order page is theirs."""
    shopper = HttpShopper(base_url, COUNTY)
    product = shopper.get(product_path)
    variant = re.search(r'name="variant_id" value="(\d+)"[^>]*checked', product)
    if variant is None:
        raise RuntimeError(f"no variant in stock on {product_path}")
    shopper.post("/cart/items", {"variant_id": variant.group(1), "quantity": 1})
    shopper.post("/orders/", {"number": order_number, "contact": SHOPPER_EMAIL})
    return shopper.cookie_header()


def check_ok(url: str, cookie: str = "") -> None:
    """Refuse to measure a page that does not answer 200 (wrk would count redirects as fine)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status = response.status
            redirected = response.url != url
    except urllib.error.HTTPError as error:
        status, redirected = error.code, False
    if status != HTTPStatus.OK or redirected:
        raise RuntimeError(f"{url} answered {status}{' after a redirect' if redirected else ''}")


# ---- the run --------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> list[Row]:
    """The bare app, then ours with the default page cache, then ours without it."""
    wrk = ensure_wrk()
    rows: list[Row] = []

    def measure(base_url: str, path: str, label: str, goal: Goal | None, **options: object) -> None:
        url = base_url + urllib.parse.quote(path, safe="/?=&")
        cookie = str(options.get("cookie", ""))
        check_ok(url, cookie)
        connections = int(options.get("connections", args.connections))  # type: ignore[call-overload]
        result = load(
            wrk,
            url,
            label,
            duration=args.duration,
            connections=connections,
            warmup=args.warmup,
            cookie=cookie,
        )
        rows.append(Row(result, goal, connections))

    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="storefront-bench-")))
        print(f"{args.database}: migrating and seeding the demo counties ...", flush=True)
        database_url = Databases(stack, workdir).demo(args.database)
        order_number = add_order(database_url)

        env = server_env(database_url, workdir, page_cache_seconds=None)
        with serve(env, workdir / "granian-bare.log", BARE_APP) as base_url:
            measure(base_url, PLAIN, "bare Litestar, plain text", None)
        with serve(env, workdir / "granian-naive.log", REFERENCE_APP) as base_url:
            measure(base_url, NAIVE, f"reference: naive page ({ROWS} rows, ORM, aiosqlite, Jinja)", None)
        with serve(env, workdir / "granian-protected.log", PROTECTED_APP) as base_url:
            measure(base_url, PLAIN, f"reference: bare {PLAIN}, Litestar's CSRF, sessions, gzip", None)
            measure(base_url, NAIVE, "reference: naive page, Litestar's CSRF, sessions, gzip", None)

        with serve(env, workdir / "granian-cached.log", args.app) as base_url:
            print(f"server up at {base_url} (default page cache)", flush=True)
            visitor = HttpShopper(base_url, COUNTY)
            product = visitor.link(visitor.get("/"), "products")
            measure(base_url, PLAIN, f"our {PLAIN}", HEALTH_GOAL)
            measure(base_url, HOME, "county home, page cache", None)
            measure(
                base_url,
                HOME.rstrip("/") + product,
                f"product page, {SPIKE_CONNECTIONS} connections",
                SPIKE_GOAL,
                connections=SPIKE_CONNECTIONS,
            )
            measure(
                base_url,
                f"{HOME.rstrip('/')}/search?q={SEARCH_WORD}",
                f"search {SEARCH_WORD}, {SPIKE_CONNECTIONS} connections",
                SPIKE_GOAL,
                connections=SPIKE_CONNECTIONS,
            )

        env = server_env(database_url, workdir, page_cache_seconds=0)
        with serve(env, workdir / "granian-uncached.log", args.app) as base_url:
            print(f"server up at {base_url} (PAGE_CACHE_SECONDS=0)", flush=True)
            cookie = shopper_cookie(base_url, product, order_number)
            shop = HOME.rstrip("/")
            pages: list[tuple[str, str, str]] = [
                (HOME, "county home after an edit", ""),
                (shop + product, "product page", ""),
                (f"{shop}/search?q={SEARCH_WORD}", f"search {SEARCH_WORD}", ""),
                (f"{shop}/cart", "cart, one line", cookie),
                (f"{shop}/checkout", "checkout form", cookie),
                (f"{shop}/orders/{order_number}", "order page", cookie),
            ]
            for path, label, page_cookie in pages:
                measure(base_url, path, label, UNCACHED_GOAL, cookie=page_cookie)
    return rows


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    """The figures, each as a share of the bare route, the goals and whether they hold."""
    bare = rows[0].result
    width = max(display_width(row.result.label) for row in rows)
    print("")
    print(
        f"wrk -t1 -c{args.connections} -d{args.duration}s (unless said) against granian (1 worker),"
        f" STOREFRONT_ENV=production, {args.database}"
    )
    print(
        f"{'route':<{width}}  {'req/s':>9}  {'p50':>10}  {'p99':>10}  {'errors':>6}  {'bare':>6}"
        "  goal (issue 11)"
    )
    met = missed = 0
    for row in rows:
        result = row.result
        share = 100 * result.requests_per_second / bare.requests_per_second
        verdict = ""
        if row.goal is not None:
            holds = row.goal.holds(result, share)
            met, missed = met + holds, missed + (not holds)
            verdict = f"{row.goal.describe()}: {'met' if holds else 'NOT MET'}"
        print(
            f"{pad(result.label, width)}"
            f"  {result.requests_per_second:>9.1f}  {result.p50_ms:>7.1f} ms"
            f"  {result.p99_ms:>7.1f} ms  {result.errors:>6}  {share:>5.1f}%  {verdict}"
        )
    print(f"\nGoals met: {met} of {met + missed} (a goal not met does not fail the run).")
    print_machine_note(args.busy_before, "wrk, the granian worker and the database")


def main() -> None:
    parser = benchmark_parser("catalog", __doc__, app=True)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per route (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load first (default 2)")
    parser.add_argument("--database", choices=BACKENDS, default="postgresql", help="default postgresql")
    args = parser.parse_args()
    if args.duration < 1 or args.connections < 1 or args.warmup < 0:
        parser.error("--duration and --connections must be at least 1, --warmup at least 0")
    args.busy_before = busy_cpu_share()
    print_table(guarded(lambda: run(args)), args)


if __name__ == "__main__":
    main()
