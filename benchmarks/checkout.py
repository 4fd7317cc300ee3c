"""Checkout starts per second, and a race for the last units, through the service layer.

    uv run python -m benchmarks.checkout [--concurrency 16] [--duration 10]
                                         [--attempts 200] [--stock 10]

Starts a throwaway PostgreSQL and the local Stripe sandbox (served from a thread of this process),
then calls ``CheckoutService.start`` directly, each call in its own database session as a request
would. One start is: the cart read, the stock hold, the pending order insert, the Checkout Session
created through the official ``stripe`` SDK, and the session id saved.

- Throughput: ``--concurrency`` shoppers start checkouts back to back for ``--duration`` seconds,
  each on its own well-stocked variant, one unit per start.
- Contention: ``--attempts`` checkouts at once for one variant with ``--stock`` in stock, one unit
  each. Exits non-zero unless exactly min(attempts, stock) succeed and the stock ends at the rest.

The database server and the sandbox are stopped at the end, on failure and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import statistics
import sys
import time
import uuid
import warnings
from contextlib import ExitStack
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import SADeprecationWarning
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from benchmarks.support import busy_cpu_share, create_database, raise_interrupt
from storefront.cart.service import CartService
from storefront.catalog.models import Variant
from storefront.checkout.forms import CheckoutForm
from storefront.checkout.service import CheckoutService, OutOfStockError
from storefront.config import Settings
from storefront.db import scope_to_county
from storefront.forms import read_form
from storefront.orders.models import OrderLine
from storefront.payments.gateway import PaymentGateway
from storefront.tenancy.models import County
from tests.support.databases import migrate
from tests.support.factories import make_catalog, make_county
from tests.support.postgres import throwaway_postgres
from tests.support.shopper import ADDRESS
from tests.support.stripe_sandbox import running_sandbox

warnings.filterwarnings("ignore", category=SADeprecationWarning)

DATABASE = "storefront_checkout_bench"
WEBHOOK_SECRET = "whsec_bench"
SHOP_URL = "http://127.0.0.1/c/bench"
PLENTY = 1_000_000
MAX_CONNECTIONS = 250  # the throwaway server allows 300


@dataclass(frozen=True)
class Throughput:
    """Starts completed by all shoppers together, and each start's latency in seconds."""

    seconds: float
    latencies: list[float]

    @property
    def starts(self) -> int:
        return len(self.latencies)

    def percentile_ms(self, percent: int) -> float:
        return 1000 * statistics.quantiles(self.latencies, n=100, method="inclusive")[percent - 1]


@dataclass(frozen=True)
class Contention:
    """The outcome of many simultaneous checkouts for the same few units."""

    attempts: int
    stock: int
    successes: int
    refusals: int
    final_stock: int
    orders: int
    seconds: float

    @property
    def expected_successes(self) -> int:
        return min(self.attempts, self.stock)

    def problems(self) -> list[str]:
        """What went wrong, if anything: overselling, underselling, stock and orders disagreeing."""
        expected_stock = self.stock - self.expected_successes
        found = []
        if self.successes != self.expected_successes:
            found.append(f"{self.successes} checkouts succeeded, expected {self.expected_successes}")
        if self.final_stock < 0:
            found.append(f"stock went negative ({self.final_stock})")
        elif self.final_stock != expected_stock:
            found.append(f"final stock is {self.final_stock}, expected {expected_stock}")
        if self.orders != self.successes:
            found.append(f"{self.orders} orders hold the variant but {self.successes} checkouts succeeded")
        return found


@dataclass(frozen=True)
class Shop:
    """What every checkout start needs: sessions, the county, the payment gateway, a valid form."""

    sessions: async_sessionmaker[AsyncSession]
    county: County
    gateway: PaymentGateway
    form: CheckoutForm

    async def start_checkout(self, variant_id: int) -> bool:
        """One checkout of one unit in a fresh session, as in a request; False when out of stock."""
        async with self.sessions() as session:
            scope_to_county(session, self.county.id)
            carts = {"carts": {str(self.county.id): {str(variant_id): 1}}}
            cart = await CartService(session, carts, self.county).view()
            try:
                await CheckoutService(session, self.county, self.gateway).start(
                    cart,
                    self.form.shipping_address,
                    email=self.form.email,
                    visitor=uuid.uuid4().hex,  # every attempt another shopper
                    language="zh",
                    shop_url=SHOP_URL,
                )
            except OutOfStockError:
                return False
            return True


# ---- setting up ------------------------------------------------------------------------------


async def seed(
    sessions: async_sessionmaker[AsyncSession], shoppers: int, stock: int
) -> tuple[County, list[int], int]:
    """A county with one well-stocked variant per shopper and one variant with ``stock`` units.

    Returns the county, the shoppers' variant ids and the contended variant's id.
    """
    async with sessions() as session:
        county = await make_county(session, "bench", name_zh="基准县")
        await make_catalog(session, county, products=shoppers // 2 + 1)
        scope_to_county(session, county.id)
        *stocked, contended = (await session.scalars(select(Variant).order_by(Variant.id))).all()
        for variant in stocked:
            variant.stock = PLENTY
        contended.stock = stock
        await session.commit()
    return county, [variant.id for variant in stocked[:shoppers]], contended.id


async def open_connections(engine: AsyncEngine, count: int) -> None:
    """Fill the pool up front, so no timing includes connecting to the server."""
    connections = await asyncio.gather(*(engine.connect().start() for _ in range(count)))
    await asyncio.gather(*(connection.close() for connection in connections))


# ---- measuring -------------------------------------------------------------------------------


async def measure_throughput(shop: Shop, variant_ids: list[int], duration: float) -> Throughput:
    """Every shopper starts checkouts back to back until the deadline, after one unmeasured."""
    await asyncio.gather(*(shop.start_checkout(variant_id) for variant_id in variant_ids))
    latencies: list[float] = []

    async def shopper(variant_id: int, deadline: float) -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            if not await shop.start_checkout(variant_id):
                raise RuntimeError(f"variant {variant_id} ran out of stock during the throughput run")
            latencies.append(time.perf_counter() - started)

    began = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for variant_id in variant_ids:
            group.create_task(shopper(variant_id, began + duration))
    return Throughput(seconds=time.perf_counter() - began, latencies=latencies)


async def measure_contention(shop: Shop, variant_id: int, attempts: int, stock: int) -> Contention:
    """``attempts`` checkouts of one unit each, all at once, for the variant holding ``stock``."""
    began = time.perf_counter()
    outcomes = await asyncio.gather(*(shop.start_checkout(variant_id) for _ in range(attempts)))
    seconds = time.perf_counter() - began
    async with shop.sessions() as session:
        scope_to_county(session, shop.county.id)
        final_stock = await session.scalar(select(Variant.stock).where(Variant.id == variant_id))
        orders = await session.scalar(
            select(func.count()).select_from(OrderLine).where(OrderLine.variant_id == variant_id)
        )
    return Contention(
        attempts=attempts,
        stock=stock,
        successes=outcomes.count(True),
        refusals=outcomes.count(False),
        final_stock=final_stock,
        orders=orders,
        seconds=seconds,
    )


async def measure(
    database_url: str, sandbox_url: str, args: argparse.Namespace
) -> tuple[Throughput, Contention]:
    """Seed the shop, then run the throughput and the contention measurements on one engine."""
    connections = min(max(args.concurrency, args.attempts), MAX_CONNECTIONS)
    engine = create_async_engine(database_url, pool_size=connections, max_overflow=0)
    try:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        county, stocked, contended = await seed(sessions, args.concurrency, args.stock)
        settings = Settings(
            database_url=database_url,
            secret_key="x",
            stripe_secret_key="sk_test_bench",
            stripe_api_base=sandbox_url,
            stripe_webhook_secret=WEBHOOK_SECRET,
        )
        shop = Shop(
            sessions,
            county,
            PaymentGateway(settings),
            read_form(CheckoutForm, {"email": "bench@example.cn", **ADDRESS}).data,
        )
        await open_connections(engine, connections)
        print(f"measuring: {args.concurrency} shoppers for {args.duration:g} s ...", flush=True)
        throughput = await measure_throughput(shop, stocked, args.duration)
        print(f"measuring: {args.attempts} attempts for {args.stock} in stock ...", flush=True)
        contention = await measure_contention(shop, contended, args.attempts, args.stock)
    finally:
        await engine.dispose()
    return throughput, contention


def run(args: argparse.Namespace) -> tuple[Throughput, Contention]:
    """PostgreSQL and the sandbox around the measurements; both are stopped whatever happens."""
    with ExitStack() as stack:
        print("starting PostgreSQL and the Stripe sandbox, migrating ...", flush=True)
        server_url = stack.enter_context(throwaway_postgres())
        database_url = asyncio.run(create_database(server_url))
        migrate(database_url)
        # The app's own expiry interval; sessions live 30 minutes, so none expires during the run.
        sandbox_url = stack.enter_context(running_sandbox(None, WEBHOOK_SECRET, expiry_check_interval=2.0))
        # The sandbox's Litestar app sets the root logger to INFO, which would log every SDK and
        # httpx request: keep warnings only.
        logging.getLogger().setLevel(logging.WARNING)
        return asyncio.run(measure(database_url, sandbox_url, args))


# ---- reporting -------------------------------------------------------------------------------


def print_report(throughput: Throughput, contention: Contention, args: argparse.Namespace) -> None:
    """Both measurements as two small tables, with what the machine they ran on can tell."""

    def row(label: str, value: str) -> None:
        print(f"  {label:<16}{value:>12}")

    print("\nCheckout starts through the service layer (PostgreSQL, local Stripe sandbox)")
    print(f"\nThroughput: {args.concurrency} concurrent shoppers, each on its own stocked variant")
    row("starts", str(throughput.starts))
    row("seconds", f"{throughput.seconds:.2f}")
    row("starts/s", f"{throughput.starts / throughput.seconds:.1f}")
    row("p50 latency", f"{throughput.percentile_ms(50):.1f} ms")
    row("p99 latency", f"{throughput.percentile_ms(99):.1f} ms")

    print(f"\nContention: {contention.attempts} checkouts at once for one variant, 1 unit each")
    row("attempts", str(contention.attempts))
    row("in stock", str(contention.stock))
    row("successes", str(contention.successes))
    row("out of stock", str(contention.refusals))
    row("final stock", str(contention.final_stock))
    row("orders holding", str(contention.orders))
    row("wall time", f"{contention.seconds:.2f} s")

    print(
        f"\nNote: this machine has {os.cpu_count() or 1} CPU core(s), shared by this process and"
        "\nPostgreSQL. The Stripe sandbox runs in a thread of this process, so the figures include"
        "\nits own work (serving the API, its state, the GIL it shares with the shop)."
    )
    if args.busy_before is not None and args.busy_before > 0.25:
        print(
            f"Warning: other processes kept {100 * args.busy_before:.0f} % of the CPU busy just"
            " before the run; the figures are lower and noisier than on an idle machine."
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent shoppers (default 16)")
    parser.add_argument(
        "--duration", type=float, default=10, help="seconds of the throughput run (default 10)"
    )
    parser.add_argument(
        "--attempts",
        type=int,
        default=200,
        help="simultaneous checkouts in the contention run (default 200)",
    )
    parser.add_argument(
        "--stock", type=int, default=10, help="units in stock for the contention run (default 10)"
    )
    args = parser.parse_args()
    if args.concurrency < 1 or args.duration <= 0 or args.attempts < 1:
        parser.error("--concurrency and --attempts must be at least 1, --duration above 0")
    if args.stock < 0:
        parser.error("--stock must be 0 or more")
    args.busy_before = busy_cpu_share()
    signal.signal(signal.SIGTERM, raise_interrupt)  # cleanup runs on SIGTERM as on Ctrl-C
    try:
        throughput, contention = run(args)
    except KeyboardInterrupt:
        sys.exit("interrupted: servers stopped")
    if throughput.starts < 2:
        sys.exit(
            f"benchmark failed: only {throughput.starts} checkout start(s) completed;"
            " give it a longer --duration"
        )
    print_report(throughput, contention, args)
    if problems := contention.problems():
        sys.exit("CONTENTION CHECK FAILED: " + "; ".join(problems))
    print("Contention check passed: no overselling, stock never below zero.")


if __name__ == "__main__":
    main()
