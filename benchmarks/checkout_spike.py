"""A spike to checkout over HTTP: many shoppers, one variant, fewer units than shoppers.

    uv run python -m benchmarks.checkout_spike             # 500 shoppers, 250 units, 15 s
    uv run python -m benchmarks.checkout_spike --full      # issue 11: 2,000 shoppers, 1,000 units, 60 s

Migrates and seeds the demo counties on a throwaway PostgreSQL, gives one variant of the county
``raohe`` the stock, starts the local Stripe sandbox (``python -m stripe_sandbox``) in its own
process and the app under granian (one worker, production settings, payments to the sandbox).
Shoppers arrive evenly over the duration, each in a thread of this process with its own cookies:
a real add-to-cart POST (with the CSRF token), then the timed checkout POST. An answer 303 (to the
payment page) is a held order, 409 is "sold out"; anything else, or no answer, is an error.

Issue 11's goal: exactly as many held as units in stock, every other shopper told it sold out,
0 errors, p99 of the checkout start under 1 s. A goal not met does not fail the run.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

from sqlalchemy import func, select, update

from benchmarks.support import (
    Databases,
    HttpShopper,
    benchmark_parser,
    busy_cpu_share,
    guarded,
    orm_session,
    print_machine_note,
    running,
    serve,
    server_env,
)
from storefront.catalog.models import Variant
from storefront.db import all_counties_scope
from storefront.orders.models import Order, OrderLine, OrderStatus
from tests.support.postgres import free_port
from tests.support.shopper import ADDRESS

COUNTY = "raohe"
WEBHOOK_SECRET = "whsec_benchmark"
P99_GOAL_MS = 1000.0
THREADS = 256
FULL = {"shoppers": 2000, "stock": 1000, "duration": 60.0}


@dataclass
class Outcomes:
    """What the shoppers were answered, and how long each checkout start took."""

    held: int = 0
    sold_out: int = 0
    sold_out_at_cart: int = 0
    errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    late_starts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def p(self, percent: int) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))] if ordered else 0.0


def give_stock(database_url: str, variant_id: int, stock: int) -> None:
    with orm_session(database_url) as (runner, session), all_counties_scope(session):
        runner.run(session.execute(update(Variant).where(Variant.id == variant_id).values(stock=stock)))
        runner.run(session.commit())


def holds_in_database(database_url: str, variant_id: int) -> tuple[int, int, int]:
    """Orders awaiting payment for the variant, and its stock and held units."""
    with orm_session(database_url) as (runner, session), all_counties_scope(session):
        orders = runner.run(
            session.scalar(
                select(func.count(func.distinct(Order.id)))
                .join(OrderLine, OrderLine.order_id == Order.id)
                .where(Order.status == OrderStatus.PENDING_PAYMENT, OrderLine.variant_id == variant_id)
            )
        )
        variant = runner.run(session.get(Variant, variant_id))
        return orders, variant.stock, variant.held


def shop(base_url: str, variant_id: int, start_at: float, outcomes: Outcomes) -> None:
    """One shopper: wait for their moment, put one unit in the cart, start checkout."""
    if (wait := start_at - time.monotonic()) > 0:
        time.sleep(wait)
    elif wait < -1:
        with outcomes.lock:
            outcomes.late_starts += 1
    shopper = HttpShopper(base_url, COUNTY)
    try:
        answer = _answer(shopper, "/cart/items", {"variant_id": variant_id, "quantity": 1})
        if answer == HTTPStatus.BAD_REQUEST:  # the cart refuses what is out of stock
            with outcomes.lock:
                outcomes.sold_out_at_cart += 1
            return
        started = time.perf_counter()
        answer = _answer(shopper, "/checkout", {"email": "spike@example.com", **ADDRESS})
        elapsed = 1000 * (time.perf_counter() - started)
    except OSError as error:
        with outcomes.lock:
            outcomes.errors.append(str(error))
        return
    with outcomes.lock:
        outcomes.latencies_ms.append(elapsed)
        if answer == HTTPStatus.SEE_OTHER:
            outcomes.held += 1
        elif answer == HTTPStatus.CONFLICT:
            outcomes.sold_out += 1
        else:
            outcomes.errors.append(f"checkout answered {answer}")


def _answer(shopper: HttpShopper, path: str, data: dict[str, object]) -> int:
    """The status of a form POST; raises only when there was no answer or a server error."""
    try:
        shopper.post(path, data)
    except urllib.error.HTTPError as error:
        if error.code >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise
    return shopper.status


def run(args: argparse.Namespace) -> tuple[Outcomes, tuple[int, int, int], float]:
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="storefront-spike-")))
        print("postgresql: migrating and seeding the demo counties ...", flush=True)
        database_url = Databases(stack, workdir).demo("postgresql")
        sandbox_port = free_port()
        sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        sandbox = [sys.executable, "-m", "stripe_sandbox", "--port", str(sandbox_port)]
        env = server_env(database_url, workdir, page_cache_seconds=None)
        env.pop("STRIPE_SECRET_KEY", None)
        env |= {"STRIPE_API_BASE": sandbox_url, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}
        stack.enter_context(running(sandbox, env, workdir / "sandbox.log", sandbox_url + "/health"))
        base_url = stack.enter_context(serve(env, workdir / "granian.log"))
        visitor = HttpShopper(base_url, COUNTY)
        product = visitor.get(visitor.link(visitor.get("/"), "products"))
        variant = re.search(r'name="variant_id" value="(\d+)"', product)
        if variant is None:
            raise RuntimeError("no variant on the product page")
        variant_id = int(variant.group(1))
        give_stock(database_url, variant_id, args.stock)
        print(
            f"{args.shoppers} shoppers over {args.duration:g} s for {args.stock} units of variant"
            f" {variant_id} ...",
            flush=True,
        )
        outcomes = Outcomes()
        began = time.monotonic() + 1
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            for number in range(args.shoppers):
                at = began + number * args.duration / args.shoppers
                pool.submit(shop, base_url, variant_id, at, outcomes)
        wall = time.monotonic() - began
        return outcomes, holds_in_database(database_url, variant_id), wall


def print_report(
    outcomes: Outcomes, database: tuple[int, int, int], wall: float, args: argparse.Namespace
) -> None:
    orders, stock, held = database
    expected_sold_out = max(0, args.shoppers - args.stock)
    p99 = outcomes.p(99)
    checks = [
        (f"held orders = {args.stock}", outcomes.held == args.stock and orders == args.stock),
        (
            f"told sold out = {expected_sold_out}",
            outcomes.sold_out + outcomes.sold_out_at_cart == expected_sold_out,
        ),
        ("0 errors", not outcomes.errors),
        (f"p99 of the checkout start < {P99_GOAL_MS:g} ms", p99 < P99_GOAL_MS),
    ]
    print(
        f"\nCheckout spike over HTTP: {args.shoppers} shoppers arriving evenly over {args.duration:g} s"
        f" (all done after {wall:.0f} s),\none variant with {args.stock} units; granian 1 worker,"
        " production settings, PostgreSQL, the Stripe sandbox in its own process."
    )
    print(f"  held (303 to payment):     {outcomes.held}")
    print(
        f"  told sold out:             {outcomes.sold_out} at checkout (409),"
        f" {outcomes.sold_out_at_cart} already when adding to the cart (400)"
    )
    print(f"  errors:                    {len(outcomes.errors)}")
    print(f"  orders awaiting payment:   {orders} (in the database; variant stock {stock}, held {held})")
    if outcomes.latencies_ms:
        print(
            f"  checkout start:            p50 {statistics.median(outcomes.latencies_ms):.0f} ms,"
            f" p99 {p99:.0f} ms, max {max(outcomes.latencies_ms):.0f} ms"
        )
    if outcomes.late_starts:
        print(f"  shoppers who started over 1 s late (all {THREADS} threads busy): {outcomes.late_starts}")
    for error, count in sorted({e: outcomes.errors.count(e) for e in outcomes.errors}.items())[:5]:
        print(f"  error x{count}: {error}")
    print("Goals (issue 11):")
    for goal, holds in checks:
        print(f"  {goal}: {'met' if holds else 'NOT MET'}")
    print_machine_note(args.busy_before, "the shoppers' threads, granian, the sandbox and PostgreSQL")


def main() -> None:
    parser = benchmark_parser("checkout_spike", __doc__)
    parser.add_argument("--shoppers", type=int, default=500, help="shoppers (default 500)")
    parser.add_argument("--stock", type=int, default=250, help="units of the variant (default 250)")
    parser.add_argument("--duration", type=float, default=15, help="seconds they arrive over (default 15)")
    parser.add_argument(
        "--full", action="store_true", help="issue 11's run: 2,000 shoppers, 1,000 units, 60 s"
    )
    args = parser.parse_args()
    if args.full:
        vars(args).update(FULL)
    if args.shoppers < 1 or args.stock < 0 or args.duration <= 0:
        parser.error("--shoppers must be at least 1, --stock 0 or more, --duration above 0")
    args.busy_before = busy_cpu_share()
    print_report(*guarded(lambda: run(args)), args)


if __name__ == "__main__":
    main()
