"""The county dashboard for "last 12 months" on a million paid orders, against a thousand.

    uv run python -m benchmarks.dashboard [--orders 1000000] [--events 10000000] [--repeat 9]

Starts a throwaway PostgreSQL (``tests/support/postgres.py``), migrates it, and generates in SQL
(``INSERT ... SELECT`` over ``generate_series``) two counties shaped the same way, about two years
of trade growing over time:

- ``big``: ``--orders`` paid orders (one or two lines each) with their status history (paid,
  shipped, delivered), some refunded in full or in part, some attributed to creators, buyers who
  come back; expired checkouts besides; ``--events`` events in all: ``order_paid`` and
  ``order_refunded`` facts matching the orders, then visits, page views, product views, searches
  (some finding nothing), cart adds and checkout starts of returning and new visitors;
- ``small``: a thousandth of each (1,000 orders, 10,000 events), same catalog, same shape.

The roll-ups are built with the project's own rebuild (``storefront metrics rebuild``). Then each
county's admin signs in and the script times ``GET /admin/?range=last_12_months`` through
Litestar's test client in this process (the whole app: guard, session, every query, the page),
one unmeasured request first and ``--repeat`` measured ones, and prints median and p90 per county
and the ratio of the medians.

``--server URL`` uses a running PostgreSQL instead (``postgresql+asyncpg://postgres@HOST:PORT``):
a database generated there by an earlier run is migrated and reused, not generated again;
``--rebuild`` then rebuilds its roll-ups. ``--slow-ms N`` prints each county's statements that
took N ms or more in one request.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import logging
import statistics
import tempfile
import time
import warnings
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from litestar.testing import AsyncTestClient
from sqlalchemy import event, text
from sqlalchemy.exc import SADeprecationWarning
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from storefront.app import create_app
from storefront.config import Settings
from storefront.metrics.rollups import rebuild_all
from tests.support.admins import AdminBrowser, make_admin
from tests.support.databases import migrate
from tests.support.postgres import throwaway_postgres

warnings.filterwarnings("ignore", category=SADeprecationWarning)
logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request

DATABASE = "storefront_dashboard"
DAYS = 730
PATH = "/admin/?range=last_12_months"
PRODUCERS, PRODUCTS, CREATORS = 20, 60, 8
"""The catalog of each county (two variants a product)."""
ORDERS_PER_BUYER = 2.5
"""On average: buyers are drawn with a skew, so many buy once and some often."""
EVENTS_CHUNK = 1_000_000
PROVINCES = (
    "广东省",
    "浙江省",
    "江苏省",
    "上海市",
    "北京市",
    "山东省",
    "黑龙江省",
    "四川省",
    "湖北省",
    "福建省",
    "河南省",
    "湖南省",
)
SEARCHES = ("松茸", "人参", "木耳礼盒", "蓝莓干", "organic rice")  # found nothing
SEARCHES += ("蜂蜜", "椴树蜜", "大米", "黑蜂", "礼盒", "honey", "蘑菇", "榛子", "小米", "红茶")
SEARCHES += ("绿茶", "腊肉", "辣椒", "茶叶", "土鸡蛋")


@dataclass(frozen=True)
class Shape:
    slug: str
    orders: int
    events: int


def _sql_text(values: tuple[str, ...]) -> str:
    return "ARRAY[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


# ---- generating the data -------------------------------------------------------------------


async def _catalog(connection: asyncpg.Connection, county: int) -> None:
    await connection.execute(f"""
        INSERT INTO categories (slug, name_zh, name_en, position, county_id, created_at, updated_at)
        VALUES ('produce', '山货', 'Produce', 0, {county}, now(), now());
        INSERT INTO producers (slug, kind, name_zh, name_en, village_zh, village_en, story_zh,
                               story_en, county_id, created_at, updated_at)
        SELECT 'farm-' || g, 'farmer', '农户 ' || g, 'Farm ' || g, '', '', '', '', {county}, now(), now()
        FROM generate_series(1, {PRODUCERS}) g;
        INSERT INTO products (slug, name_zh, name_en, description_zh, description_en, origin_zh,
                              origin_en, producer_id, category_id, is_active, position, county_id,
                              created_at, updated_at)
        SELECT 'product-' || g, '山货 ' || g || ' 号', 'Produce no. ' || g, '', '', '', '',
               (SELECT id FROM producers
                WHERE county_id = {county} AND slug = 'farm-' || (1 + g % {PRODUCERS})),
               (SELECT id FROM categories WHERE county_id = {county}), true, g, {county}, now(), now()
        FROM generate_series(1, {PRODUCTS}) g;
        INSERT INTO variants (product_id, label_zh, label_en, sku, price, stock, position, county_id,
                              created_at, updated_at, held)
        SELECT p.id, k || ' 千克', k || ' kg', 'c{county}-' || p.slug || '-' || k,
               k * (2000 + (p.position * 733) % 8000), 100, k, {county}, now(), now(), 0
        FROM products p, generate_series(1, 2) k WHERE p.county_id = {county};
        INSERT INTO creators (name, platform, handle, code, commission_bp, is_active, county_id,
                              created_at, updated_at)
        SELECT '达人 ' || g, (ARRAY['douyin', 'kuaishou', 'channels', 'xiaohongshu'])[1 + g % 4],
               '@creator' || g, 'c{county}x' || g, 300 + 100 * g, true, {county}, now(), now()
        FROM generate_series(1, {CREATORS}) g;
    """)


async def _orders(connection: asyncpg.Connection, county: int, shape: Shape, start: str) -> int:
    """Paid orders with lines, status history and money events; expired checkouts. Returns the
    number of money events written."""
    span = DAYS * 86400
    buyers = max(1, int(shape.orders / ORDERS_PER_BUYER))
    # Without triggers (units sold would be kept line by line, each updating one of a few product
    # rows: hours on a million orders); units_sold is set once at the end instead.
    await connection.execute(f"""
        SET session_replication_role = replica;
        DROP TABLE IF EXISTS v, c, plan, o;
        CREATE TEMP TABLE v AS
            SELECT row_number() OVER (ORDER BY variants.id) - 1 AS idx, variants.id, price, sku,
                   label_zh, label_en, products.name_zh, products.name_en
            FROM variants JOIN products ON products.id = variants.product_id
            WHERE variants.county_id = {county};
        CREATE TEMP TABLE c AS
            SELECT row_number() OVER (ORDER BY id) AS idx, id, code FROM creators WHERE county_id = {county};
        CREATE TEMP TABLE plan AS
            SELECT n,
                   '{start}'::timestamptz
                       + make_interval(secs => {span} * sqrt((n - random()) / {shape.orders})) AS paid_at,
                   1 + floor({buyers} * random() ^ 2)::int AS buyer,
                   ({_sql_text(PROVINCES)})[1 + floor(random() * {len(PROVINCES)})::int] AS province,
                   CASE WHEN random() < 0.15 THEN 1 + floor(random() * {CREATORS})::int END AS creator,
                   floor(random() * {PRODUCTS * 2})::int AS v1,
                   1 + floor(random() * 3)::int AS q1,
                   CASE WHEN random() < 0.3 THEN floor(random() * {PRODUCTS * 2})::int END AS v2,
                   random() AS refund_draw, random() AS ship_draw
            FROM generate_series(1, {shape.orders}) n;
        CREATE TEMP TABLE o AS
            SELECT plan.*, nextval('orders_id_seq') AS id, c.id AS creator_id, c.code AS creator_code,
                   v1.price * q1 + coalesce(v2.price, 0) AS subtotal,
                   v1.price * q1 + coalesce(v2.price, 0) + 1000 AS total,
                   CASE WHEN refund_draw < 0.02 THEN 1.0 WHEN refund_draw < 0.05 THEN 0.5 END AS refund_share,
                   paid_at + make_interval(days => 1 + floor(refund_draw * 1000)::int % 10) AS refund_at,
                   paid_at + make_interval(hours => 2 + floor(ship_draw * 70)::int) AS shipped_at,
                   paid_at + make_interval(hours => 50 + floor(ship_draw * 140)::int) AS delivered_at
            FROM plan
            JOIN v v1 ON v1.idx = plan.v1
            LEFT JOIN v v2 ON v2.idx = plan.v2
            LEFT JOIN c ON c.idx = plan.creator;
        ALTER TABLE o ADD COLUMN refunded int;
        UPDATE o SET refunded = CASE WHEN refund_share IS NOT NULL AND refund_at < now()
                                     THEN floor(total * refund_share)::int ELSE 0 END;
        INSERT INTO orders (id, number, status, language, email, recipient, mobile, province, city,
                            district, address, postal_code, note, currency, subtotal, shipping_fee, total,
                            amount_refunded, refund_requested, idempotency_key, paid_at, county_id,
                            created_at, updated_at, creator_id, referral_code, referred_at, courier,
                            tracking_number, confirmation_attempts)
        SELECT id, 'B{county}-' || n,
               CASE WHEN refund_share = 1.0 AND refund_at < now() THEN 'refunded'
                    WHEN delivered_at < now() THEN 'delivered'
                    WHEN shipped_at < now() THEN 'shipped' ELSE 'paid' END,
               'zh', 'buyer' || buyer || '@example.cn', '买家', '13800138000', province, '市辖区', '城关镇',
               '幸福路 ' || n || ' 号', '', '', 'CNY', subtotal, 1000, total, refunded, refunded,
               'bench-{county}-' || n, paid_at, {county}, paid_at - interval '3 minutes', paid_at,
               creator_id, creator_code,
               CASE WHEN creator_id IS NOT NULL THEN paid_at - interval '1 hour' END,
               CASE WHEN shipped_at < now() THEN 'sf' END,
               CASE WHEN shipped_at < now() THEN 'SF' || (100000000000 + n) END, 1
        FROM o;
        INSERT INTO order_lines (order_id, variant_id, product_name_zh, product_name_en,
                                 variant_label_zh, variant_label_en, sku, unit_price, quantity,
                                 county_id, created_at, updated_at)
        SELECT o.id, v.id, v.name_zh, v.name_en, v.label_zh, v.label_en, v.sku, v.price, line.quantity,
               {county}, o.paid_at, o.paid_at
        FROM o CROSS JOIN LATERAL (VALUES (o.v1, o.q1), (o.v2, 1)) AS line (idx, quantity)
        JOIN v ON v.idx = line.idx;
        INSERT INTO order_events (order_id, status, note, actor, county_id, created_at, updated_at)
        SELECT o.id, entry.status, entry.note, entry.actor, {county}, entry.at, entry.at
        FROM o CROSS JOIN LATERAL (VALUES
            ('paid', o.paid_at, 'stripe', ''),
            ('shipped', o.shipped_at, 'bench', 'handed to the courier'),
            ('delivered', o.delivered_at, 'bench', 'the courier delivered it'),
            (CASE WHEN o.refund_share = 1.0 THEN 'refunded'
                  WHEN o.refund_at > o.delivered_at THEN 'delivered'
                  WHEN o.refund_at > o.shipped_at THEN 'shipped' ELSE 'paid' END,
             CASE WHEN o.refunded > 0 THEN o.refund_at END, 'stripe',
             'refunded ' || o.refunded || ' of ' || o.total)
        ) AS entry (status, at, actor, note)
        WHERE entry.at < now();
        INSERT INTO events (kind, at, visitor, creator_code, device, order_id, amount, county_id,
                            created_at, updated_at)
        SELECT 'order_paid', paid_at, '', creator_code, '', id, total, {county}, paid_at, paid_at FROM o
        UNION ALL
        SELECT 'order_refunded', refund_at, '', creator_code, '', id, refunded, {county}, refund_at, refund_at
        FROM o WHERE refunded > 0;
        INSERT INTO orders (number, status, language, email, recipient, mobile, province, city, district,
                            address, postal_code, note, currency, subtotal, shipping_fee, total,
                            amount_refunded, refund_requested, idempotency_key, county_id, created_at,
                            updated_at, checkout_expires_at, confirmation_attempts)
        SELECT 'X{county}-' || n, 'expired', 'zh', 'gone' || n || '@example.cn', '买家', '13800138000',
               province, '市辖区', '城关镇', '幸福路 1 号', '', '', 'CNY', 5000, 1000, 6000, 0, 0,
               'bench-x-{county}-' || n, {county}, paid_at, paid_at + interval '30 minutes',
               paid_at + interval '30 minutes', 0
        FROM plan WHERE n % 50 = 0;
        SET session_replication_role = origin;
        UPDATE products SET units_sold = coalesce((
            SELECT sum(order_lines.quantity) FROM order_lines
            JOIN variants ON variants.id = order_lines.variant_id
            JOIN orders ON orders.id = order_lines.order_id
            WHERE variants.product_id = products.id AND orders.status IN ('paid', 'shipped', 'delivered')
        ), 0)
        WHERE county_id = {county};
    """)
    return await connection.fetchval(
        f"SELECT count(*) FROM events WHERE county_id = {county} AND kind IN ('order_paid', 'order_refunded')"
    )


async def _visits(connection: asyncpg.Connection, county: int, events: int, start: str) -> None:
    """``events`` shopper events, four a visit: the visit, a page view, then a product view or a
    search, then one more step (cart, checkout, search, product or page view)."""
    span = DAYS * 86400
    sessions = max(1, events // 4)
    returning = max(1, sessions * 2 // 3)  # a third of the visits are by visitors who came before
    first_product = await connection.fetchval(f"SELECT min(id) FROM products WHERE county_id = {county}")
    for low in range(0, events, EVENTS_CHUNK):
        high = min(events, low + EVENTS_CHUNK) - 1
        await connection.execute(f"""
            INSERT INTO events (kind, at, visitor, creator_code, device, product_id, query, results,
                                county_id, created_at, updated_at)
            SELECT kind, at, visitor, creator_code, device,
                   CASE WHEN kind IN ('product_view', 'add_to_cart') THEN {first_product} + product END,
                   CASE WHEN kind = 'search' THEN ({_sql_text(SEARCHES)})[1 + query] END,
                   CASE WHEN kind = 'search' THEN CASE WHEN query < 5 THEN 0 ELSE query END END,
                   {county}, at, at
            FROM (
                SELECT '{start}'::timestamptz
                           + make_interval(secs => {span} * sqrt((s + 0.5) / {sessions}) - 160 + (e % 4) * 40)
                           AS at,
                       lpad(to_hex(s % {returning}), 32, '0') AS visitor,
                       CASE WHEN s % 10 = 3 THEN 'c{county}x' || (1 + (s / 10) % {CREATORS}) END
                           AS creator_code,
                       (ARRAY['phone', 'phone', 'phone', 'desktop', 'tablet'])[1 + s % 5] AS device,
                       CASE e % 4
                           WHEN 0 THEN 'visit'
                           WHEN 1 THEN 'page_view'
                           WHEN 2 THEN CASE WHEN r < 0.6 THEN 'product_view'
                                            WHEN r < 0.8 THEN 'search' ELSE 'page_view' END
                           ELSE CASE WHEN r < 0.10 THEN 'add_to_cart' WHEN r < 0.16 THEN 'checkout_started'
                                     WHEN r < 0.26 THEN 'search' WHEN r < 0.5 THEN 'product_view'
                                     ELSE 'page_view' END
                       END AS kind,
                       floor(random() * {PRODUCTS})::int AS product,
                       floor(random() * {len(SEARCHES)})::int AS query
                FROM (SELECT e, e / 4 AS s, random() AS r FROM generate_series({low}, {high}) e) AS drawn
            ) AS shaped
        """)
        print(f"    {high + 1:,} of {events:,} shopper events", flush=True)


async def generate(plain_dsn: str, shapes: list[Shape]) -> dict[str, int]:
    """Create each county and its history; return the county ids by slug."""
    start = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=DAYS)).isoformat()
    connection = await asyncpg.connect(plain_dsn)
    ids = {}
    try:
        await connection.execute("SET work_mem = '256MB'; SELECT setseed(0.42)")
        for shape in shapes:
            began = time.perf_counter()
            ids[shape.slug] = county = await connection.fetchval(
                """INSERT INTO counties (slug, name_zh, name_en, province_zh, province_en, tagline_zh,
                       tagline_en, story_zh, story_en, primary_color, accent_color, text_color, currency,
                       is_active, content_version, shipping_fee, service_phone, service_wechat,
                       service_hours_zh, service_hours_en, created_at, updated_at)
                   VALUES ($1, $2, $3, '黑龙江省', 'Heilongjiang', '', '', '', '', '#8a3b12', '#f2c14e',
                       '#ffffff', 'CNY', true, 0, 1000, '', '', '', '', now(), now())
                   RETURNING id""",
                shape.slug,
                f"{shape.slug}县",
                f"{shape.slug.title()} County",
            )
            await _catalog(connection, county)
            print(f"  {shape.slug}: {shape.orders:,} paid orders ...", flush=True)
            money_events = await _orders(connection, county, shape, start)
            print(f"  {shape.slug}: {shape.events - money_events:,} shopper events ...", flush=True)
            await _visits(connection, county, shape.events - money_events, start)
            print(f"  {shape.slug}: generated in {time.perf_counter() - began:.0f} s", flush=True)
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    return ids


# ---- timing the dashboard --------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    slug: str
    first_ms: float
    times_ms: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p90_ms(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


class SlowStatements:
    """The statements of one request that took at least ``threshold_ms``."""

    def __init__(self, threshold_ms: float) -> None:
        self.threshold_ms = threshold_ms
        self.found: list[tuple[float, str]] = []

    def before(self, _conn, _cursor, _statement, _parameters, context, _many) -> None:
        context._bench_started = time.perf_counter()

    def after(self, _conn, _cursor, statement, _parameters, context, _many) -> None:
        took = (time.perf_counter() - context._bench_started) * 1000
        if took >= self.threshold_ms:
            self.found.append((took, " ".join(statement.split())))


async def time_dashboard(database_url: str, workdir: Path, shapes: list[Shape], args: argparse.Namespace):
    settings = Settings(
        database_url=database_url,
        secret_key="benchmark",
        media_dir=workdir / "media",
        mail_dir=workdir / "mail",
        session_dir=workdir / "sessions",
        base_domain="shop.test",
        public_url="http://testserver.local",
    )
    engine = create_async_engine(database_url)
    session_maker = async_sessionmaker(engine, expire_on_commit=False)
    timings = []
    try:
        for shape in shapes:
            email = f"admin-{shape.slug}@example.cn"
            async with session_maker() as session:
                known = await session.scalar(
                    text("SELECT count(*) FROM admin_users WHERE email = :email"),
                    {"email": email},
                )
            if not known:
                await make_admin(session_maker, email, county=shape.slug)
            app = create_app(settings)
            async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
                response = await AdminBrowser(client).log_in(email)
                assert response.status_code == 303, response.text
                times = []
                for attempt in range(args.repeat + 1):
                    began = time.perf_counter()
                    page = await client.get(PATH)
                    times.append((time.perf_counter() - began) * 1000)
                    assert page.status_code == 200, page.text[:500]
                    print(f"  {shape.slug}: request {attempt + 1}: {times[-1]:.0f} ms", flush=True)
                if args.slow_ms is not None:
                    await _print_slow(app, client, shape.slug, args.slow_ms)
            timings.append(Timing(shape.slug, times[0], times[1:]))
    finally:
        await engine.dispose()
    return timings


async def _print_slow(app, client: AsyncTestClient, slug: str, threshold_ms: float) -> None:
    slow = SlowStatements(threshold_ms)
    engine = app.state.db_config.get_engine().sync_engine
    event.listen(engine, "before_cursor_execute", slow.before)
    event.listen(engine, "after_cursor_execute", slow.after)
    try:
        await client.get(PATH)
    finally:
        event.remove(engine, "before_cursor_execute", slow.before)
        event.remove(engine, "after_cursor_execute", slow.after)
    print(f"\nStatements of one request of {slug} taking {threshold_ms:g} ms or more:")
    for took, statement in sorted(slow.found, reverse=True):
        print(f"  {took:8.1f} ms  {statement[:400]}")


# ---- the run ---------------------------------------------------------------------------------


async def _database_exists(server_url: str) -> bool:
    connection = await asyncpg.connect(f"{server_url.replace('postgresql+asyncpg', 'postgresql')}/postgres")
    try:
        if await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE):
            return True
        await connection.execute(f'CREATE DATABASE "{DATABASE}"')
        return False
    finally:
        await connection.close()


async def _rebuild(database_url: str, shapes: list[Shape]) -> None:
    engine = create_async_engine(database_url)
    try:
        for shape in shapes:
            began = time.perf_counter()
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                days = await rebuild_all(session, shape.slug)
            print(f"  {shape.slug}: {days[shape.slug]} days rolled up in {time.perf_counter() - began:.0f} s")
    finally:
        await engine.dispose()


def run(args: argparse.Namespace) -> None:
    shapes = [
        Shape("big", args.orders, args.events),
        Shape("small", max(1, args.orders // 1000), max(4, args.events // 1000)),
    ]
    with ExitStack() as stack:
        server = args.server or stack.enter_context(throwaway_postgres())
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="storefront-bench-")))
        database_url = f"{server}/{DATABASE}"
        reused = asyncio.run(_database_exists(server))
        print("migrating ...", flush=True)
        migrate(database_url)
        generation = None
        if not reused:
            print("generating (SQL) ...", flush=True)
            began = time.perf_counter()
            asyncio.run(generate(database_url.replace("postgresql+asyncpg", "postgresql"), shapes))
            print("building the roll-ups with the project's rebuild ...", flush=True)
            asyncio.run(_rebuild(database_url, shapes))
            generation = time.perf_counter() - began
        elif args.rebuild:
            print("rebuilding the roll-ups ...", flush=True)
            asyncio.run(_rebuild(database_url, shapes))
        print(f"timing GET {PATH} ...", flush=True)
        timings = asyncio.run(time_dashboard(database_url, workdir, shapes, args))
    _report(shapes, timings, generation, args)


def _report(shapes: list[Shape], timings: list[Timing], generation: float | None, args) -> None:
    print(f"\nGET {PATH} as the county's admin, {args.repeat} requests after a first one (in-process)")
    print(f"{'county':<8} {'paid orders':>12} {'events':>12} {'first':>9} {'median':>9} {'p90':>9}")
    for shape, timing in zip(shapes, timings, strict=True):
        print(
            f"{shape.slug:<8} {shape.orders:>12,} {shape.events:>12,} {timing.first_ms:>6.0f} ms"
            f" {timing.median_ms:>6.0f} ms {timing.p90_ms:>6.0f} ms"
        )
    big, small = timings
    print(f"ratio of the medians (big / small): {big.median_ms / small.median_ms:.2f} (goal: 3 or less)")
    if generation is not None:
        print(f"generation and roll-ups took {generation:.0f} s")


def main() -> None:
    description = __doc__.split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="python -m benchmarks.dashboard", description=description)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--server", help="a running PostgreSQL (postgresql+asyncpg://...) to use and keep")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the roll-ups of a reused database")
    parser.add_argument("--slow-ms", type=float, help="print each county's statements this slow (ms) or more")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
