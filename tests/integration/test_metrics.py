"""Every dashboard number on a small hand-built data set whose answers are written here, on SQLite
and PostgreSQL; roll-ups give the same answers as the raw rows; each county sees only its own.

The data (Beijing times), county Raohe, the period 1-4 January 2026:

- O1 alice, paid 31 Dec 2025 23:30 by WeChat Pay, 2 honey 13 600, Heilongjiang; shipped 1 Jan 09:30
  (10 h).
- O2 ALICE (same buyer), paid 1 Jan 00:30 by Alipay, 1 honey 6 800 + 1 soybeans 3 000 + shipping 1 000 =
  10 800, Beijing; 27.00 refunded on 3 Jan (honey's share 1 700, soybeans' 750); shipped 2 Jan
  00:30 (24 h).
- O3 bob, by creator LIWEI, paid 2 Jan 12:00 by card, 3 soybeans 9 000, Beijing; shipped 2 Jan 14:45
  (2 h 45 = 2 whole hours); refunded in full on 4 Jan.
- O4 carol, cancelled (even with a stray order_paid event, and a WeChat Pay method), O5 expired, O6
  awaiting payment.
- O7 dave, by creator LIWEI, paid 3 Jan 08:00 (how, Stripe did not say), 1 wood-ear fungus 5 000
  whose variant was deleted.
- O8 bob's earlier order, 1 June 2025, 4 000 (so bob buys again in the period).
- O9 erin, paid 2 Jan 2025, 6 550 (the same days a year before).
"""

from __future__ import annotations

import asyncio
import datetime
import uuid

import pytest
from sqlalchemy import delete, func, select

from storefront.catalog.models import Producer, Product, Variant
from storefront.clock import BEIJING, utcnow
from storefront.db import all_counties_scope, scope_to_all_counties, scope_to_county
from storefront.jobs import take_turn
from storefront.metrics.definitions import (
    PRODUCT,
    ROLLED_UP,
    CreatorSales,
    Funnel,
    PaymentMethodSales,
    ProducerSales,
    ProductSales,
    ProvinceSales,
    StatementLine,
    beijing_today,
    buyer_counts,
    compare,
    county_dashboard,
    county_ranking,
    producer_statement,
    province_rollup,
    sales_of,
)
from storefront.metrics.events import add_order_paid
from storefront.metrics.models import BuyerOrder, Creator, DailyMetric, Event, MonthlyMetric
from storefront.metrics.periods import Period
from storefront.metrics.rollups import ROLLUP_INTERVAL_SECONDS, ROLLUP_LEASE, rebuild, rebuild_buyers, refresh
from storefront.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from tests.integration.test_create_admin_command import _query, migrated_url, storefront_cli  # noqa: F401 - fixtures
from tests.support.databases import second_waits_for_first
from tests.support.factories import make_county

D = datetime.date
PERIOD = Period(D(2026, 1, 1), D(2026, 1, 4))
HONEY, SOY = 6800, 3000


def bj(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=BEIJING)


def order(
    county_id,
    email,
    lines,
    *,
    status=OrderStatus.PAID,
    paid_at=None,
    province="黑龙江省",
    shipping=0,
    creator_id=None,
    payment_method=None,
):
    key = uuid.uuid4().hex
    subtotal = sum(price * quantity for _, _, _, price, quantity in lines)
    return Order(
        county_id=county_id,
        number=f"T{key[:12].upper()}",
        status=status,
        email=email,
        recipient="王小明",
        mobile="13800138000",
        province=province,
        city="市",
        district="区",
        address="中央大街 1 号",
        subtotal=subtotal,
        shipping_fee=shipping,
        total=subtotal + shipping,
        idempotency_key=key,
        paid_at=paid_at,
        creator_id=creator_id,
        payment_method=payment_method,
        lines=[
            OrderLine(
                county_id=county_id,
                variant_id=variant_id,
                product_name_zh=name_zh,
                product_name_en=name_en,
                variant_label_zh="一份",
                sku=f"SKU-{variant_id}",
                unit_price=price,
                quantity=quantity,
            )
            for variant_id, name_zh, name_en, price, quantity in lines
        ],
    )


def paid(county_id, an_order, at):
    return Event(county_id=county_id, kind="order_paid", at=at, order_id=an_order.id, amount=an_order.total)


def refunded(county_id, an_order, amount, at):
    return Event(county_id=county_id, kind="order_refunded", at=at, order_id=an_order.id, amount=amount)


def shipped(county_id, an_order, at):
    return OrderEvent(
        county_id=county_id, order_id=an_order.id, status="shipped", actor="admin:1", created_at=at
    )


def seen(county_id, kind, visitor, at, code=None, **fields):
    return Event(county_id=county_id, kind=kind, at=at, visitor=visitor, creator_code=code, **fields)


@pytest.fixture
async def data(session_maker):
    async with session_maker() as session:
        raohe = await make_county(session, "raohe")
        guzhang = await make_county(session, "guzhang", province_zh="湖南省", province_en="Hunan")
        fuyuan = await make_county(session, "fuyuan")
        await session.flush()
        r, g, f = raohe.id, guzhang.id, fuyuan.id

        bees = Producer(county_id=r, slug="bees", name_zh="黑蜂合作社", name_en="Black bee co-op")
        farm = Producer(county_id=r, slug="farm", name_zh="大豆农场", name_en="Soy farm")
        session.add_all([bees, farm])
        await session.flush()
        honey = Product(
            county_id=r, slug="honey", name_zh="椴树蜂蜜", name_en="Linden honey", producer_id=bees.id
        )
        soy = Product(county_id=r, slug="soy", name_zh="大豆", name_en="Soybeans", producer_id=farm.id)
        session.add_all([honey, soy])
        await session.flush()
        honey_jar = Variant(
            county_id=r, product_id=honey.id, label_zh="500克", sku="H1", price=HONEY, stock=9
        )
        soy_bag = Variant(county_id=r, product_id=soy.id, label_zh="1公斤", sku="S1", price=SOY, stock=9)
        session.add_all([honey_jar, soy_bag])
        await session.flush()
        h = (honey_jar.id, "椴树蜂蜜", "Linden honey", HONEY)
        s = (soy_bag.id, "大豆", "Soybeans", SOY)
        fungus = (None, "木耳", "Wood ear fungus", 5000)

        liwei = Creator(county_id=r, name="李薇", platform="douyin", code="LIWEI", commission_bp=500)
        idle = Creator(county_id=r, name="王芳", platform="kuaishou", code="WANGF", commission_bp=300)
        gone = Creator(county_id=r, name="Old", platform="other", code="OLD", is_active=False)
        g_liwei = Creator(county_id=g, name="古丈李", platform="douyin", code="LIWEI", commission_bp=1000)
        session.add_all([liwei, idle, gone, g_liwei])
        await session.flush()

        o1 = order(
            r, "alice@example.cn", [(*h, 2)], paid_at=bj(2025, 12, 31, 23, 30), payment_method="wechat_pay"
        )
        o2 = order(
            r,
            "ALICE@Example.cn",
            [(*h, 1), (*s, 1)],
            paid_at=bj(2026, 1, 1, 0, 30),
            province="北京市",
            shipping=1000,
            payment_method="alipay",
        )
        o3 = order(
            r,
            "bob@example.cn",
            [(*s, 3)],
            status=OrderStatus.REFUNDED,
            paid_at=bj(2026, 1, 2, 12),
            province="北京市",
            creator_id=liwei.id,
            payment_method="card",
        )
        o4 = order(
            r, "carol@example.cn", [(*h, 5)], status=OrderStatus.CANCELLED, payment_method="wechat_pay"
        )
        o5 = order(r, "carol@example.cn", [(*h, 1)], status=OrderStatus.EXPIRED)
        o6 = order(r, "carol@example.cn", [(*h, 1)], status=OrderStatus.PENDING_PAYMENT)
        o7 = order(r, "dave@example.cn", [(*fungus, 1)], paid_at=bj(2026, 1, 3, 8), creator_id=liwei.id)
        o8 = order(r, "bob@example.cn", [(*s, 1)], paid_at=bj(2025, 6, 1, 9), shipping=1000)
        o9 = order(r, "erin@example.cn", [(*s, 2)], paid_at=bj(2025, 1, 2, 9), shipping=550)
        g1 = order(
            g,
            "alice@example.cn",
            [(None, "茶", "Tea", 50000, 1)],
            paid_at=bj(2026, 1, 2, 10),
            province="湖南省",
        )
        g0 = order(g, "gus@example.cn", [(None, "茶", "Tea", 20000, 1)], paid_at=bj(2025, 12, 30, 10))
        f1 = order(f, "fay@example.cn", [(None, "米", "Rice", 1000, 1)], paid_at=bj(2026, 1, 4, 10))
        orders = [o1, o2, o3, o4, o5, o6, o7, o8, o9, g1, g0, f1]
        session.add_all(orders)
        await session.flush()
        o2.amount_refunded, o3.amount_refunded = 2700, 9000

        session.add_all(
            [
                paid(r, o1, o1.paid_at),
                paid(r, o2, o2.paid_at),
                paid(r, o3, o3.paid_at),
                paid(r, o4, bj(2026, 1, 2, 9)),  # a stray payment fact of a cancelled order
                paid(r, o7, o7.paid_at),
                paid(r, o8, o8.paid_at),
                paid(r, o9, o9.paid_at),
                refunded(r, o2, 2700, bj(2026, 1, 3, 10)),
                refunded(r, o3, 9000, bj(2026, 1, 4, 12)),
                paid(g, g1, g1.paid_at),
                paid(g, g0, g0.paid_at),
                paid(f, f1, f1.paid_at),
                shipped(r, o1, bj(2026, 1, 1, 9, 30)),
                shipped(r, o2, bj(2026, 1, 2, 0, 30)),
                shipped(r, o3, bj(2026, 1, 2, 14, 45)),
                shipped(r, o8, bj(2025, 6, 2, 9)),
                shipped(r, o8, bj(2026, 1, 3, 9)),  # a later note at that status: not a shipment
                # The funnel: v1 on 1 and 2 Jan, v2 on 1 and 2 Jan, v3 by LIWEI on 2, 3, 4 Jan.
                seen(r, "visit", "v1", bj(2026, 1, 1, 10)),
                seen(r, "page_view", "v1", bj(2026, 1, 1, 10, 1)),
                seen(r, "product_view", "v1", bj(2026, 1, 1, 10, 2), product_id=honey.id),
                seen(r, "product_view", "v1", bj(2026, 1, 1, 10, 3), product_id=soy.id),
                seen(r, "add_to_cart", "v1", bj(2026, 1, 1, 10, 4)),
                seen(r, "checkout_started", "v1", bj(2026, 1, 1, 10, 5)),
                seen(r, "page_view", "v2", bj(2026, 1, 1, 23, 59)),
                seen(r, "product_view", "v2", bj(2026, 1, 2, 0, 1)),
                seen(r, "visit", "v1", bj(2026, 1, 2, 8)),
                seen(r, "visit", "v3", bj(2026, 1, 2, 9), "LIWEI"),
                seen(r, "visit", "v3", bj(2026, 1, 3, 9), "LIWEI"),
                seen(r, "product_view", "v3", bj(2026, 1, 3, 9, 1), "LIWEI"),
                seen(r, "add_to_cart", "v3", bj(2026, 1, 3, 9, 2), "LIWEI"),
                seen(r, "checkout_started", "v3", bj(2026, 1, 3, 9, 3), "LIWEI"),
                seen(r, "visit", "v3", bj(2026, 1, 4, 9), "LIWEI"),
                seen(r, "visit", "v4", bj(2025, 12, 31, 23), "LIWEI"),  # before the period
                seen(r, "visit", "v5", bj(2026, 1, 4, 10), "NOBODY"),
                seen(g, "visit", "g1", bj(2026, 1, 2, 9), "LIWEI"),  # Guzhang's own LIWEI
                seen(r, "search", "v2", bj(2026, 1, 2, 1), query="  Black  Fungus ", results=0),
                seen(r, "search", "v3", bj(2026, 1, 3, 9, 5), query="black fungus", results=0),
                seen(r, "search", "v3", bj(2026, 1, 3, 9, 6), query="蓝莓", results=0),
                seen(r, "search", "v1", bj(2026, 1, 1, 10, 6), query="蜂蜜", results=3),
                seen(g, "search", "g1", bj(2026, 1, 2, 9, 1), query="茶叶", results=0),
            ]
        )
        await session.commit()
        for county_id in (r, g, f):  # the buyer chain, as the payments would have kept it
            await rebuild_buyers(session, county_id)
        await session.commit()
        yield {
            "raohe": r,
            "guzhang": g,
            "fuyuan": f,
            "liwei": liwei.id,
            "idle": idle.id,
            "honey": honey.id,
            "soy": soy.id,
            "bees": bees.id,
            "farm": farm.id,
        }


@pytest.fixture
async def raohe(session_maker, data):
    async with session_maker() as session:
        scope_to_county(session, data["raohe"])
        yield session


def expected_dashboard(data):
    """The answers, worked out by hand from the data above."""
    return {
        "sales": 13100,  # paid 10 800 + 9 000 + 5 000 = 24 800, refunded 2 700 + 9 000 = 11 700
        "paid": 24800,
        "refunded": 11700,
        "orders": 3,
        "average_order_value": 8267,  # 24 800 / 3 = 8 266.67
        "unique_buyers": 3,  # alice (either case), bob, dave; carol never paid
        "repeat_purchase_rate": 2 / 3,  # alice (O1 on 31 Dec, O2) and bob (O8 in June, O3)
        "refund_rate": 11700 / 24800,
        "funnel": Funnel(visitors=7, product_views=3, add_to_cart=2, checkout_started=2, paid=3),
        "sales_by_day": [
            (D(2026, 1, 1), 10800),
            (D(2026, 1, 2), 9000),  # the cancelled order's stray payment is not a sale
            (D(2026, 1, 3), 2300),  # 5 000 paid, 2 700 refunded
            (D(2026, 1, 4), -9000),  # the full refund of O3, on its own day
        ],
        "sales_by_province": [
            ProvinceSales("北京市", 10800 + 9000 - 2700 - 9000, 2),
            ProvinceSales("黑龙江省", 5000, 1),
        ],
        "top_products": [
            ProductSales(data["honey"], "椴树蜂蜜", "Linden honey", 1, 6800 - 1700),
            ProductSales(None, "木耳", "Wood ear fungus", 1, 5000),
            ProductSales(data["soy"], "大豆", "Soybeans", 4, 3000 + 9000 - 750 - 9000),
        ],
        "producers": [
            ProducerSales(data["bees"], "黑蜂合作社", "Black bee co-op", 1, 5100, 1700),
            ProducerSales(data["farm"], "大豆农场", "Soy farm", 4, 2250, 9750),
        ],
        "creators": [
            # orders O3 and O7: paid 14 000, refunded 9 000; 5 % of 5 000 = 250
            CreatorSales(data["liwei"], "李薇", "douyin", "LIWEI", 3, 2, 5000, 9000, 250),
            CreatorSales(data["idle"], "王芳", "kuaishou", "WANGF", 0, 0, 0, 0, 0),
        ],
        "median_hours_to_ship": 10.0,  # 10, 24 and 2 whole hours
        "searches_without_results": [("black fungus", 2), ("蓝莓", 1)],
        "payment_methods": [
            # O2 by Alipay: 10 800 paid, 2 700 refunded; O7 unknown: 5 000; O3 by card: 9 000 paid
            # and refunded in full; each one of the 3 orders. O4's WeChat Pay was cancelled.
            PaymentMethodSales("alipay", 1, 8100, 1 / 3, 8100 / 13100),
            PaymentMethodSales(None, 1, 5000, 1 / 3, 5000 / 13100),
            PaymentMethodSales("card", 1, 0, 1 / 3, 0.0),
        ],
    }


def assert_dashboard(dashboard, data):
    for name, value in expected_dashboard(data).items():
        assert getattr(dashboard, name) == (pytest.approx(value) if isinstance(value, float) else value), name


async def test_every_metric_of_the_period_has_its_known_answer(raohe, data):
    dashboard = await county_dashboard(raohe, PERIOD, rollups=False)

    assert_dashboard(dashboard, data)


async def test_the_order_at_23_30_on_31_december_is_last_year_and_00_30_is_the_new_year(raohe):
    around = await county_dashboard(raohe, Period(D(2025, 12, 31), D(2026, 1, 1)))

    assert around.sales_by_day == [(D(2025, 12, 31), 13600), (D(2026, 1, 1), 10800)]
    assert await sales_of(raohe, Period(D(2025, 1, 1), D(2025, 12, 31))) == 4000 + 6550 + 13600
    assert await sales_of(raohe, Period(D(2026, 1, 1), D(2026, 12, 31))) == 13100


async def test_growth_against_the_period_before_and_the_year_before(raohe):
    comparison = await compare(raohe, PERIOD)

    assert comparison.current.sales == 13100
    assert comparison.previous.sales == 13600  # 28-31 December: O1
    assert comparison.year_before.sales == 6550  # 1-4 January 2025: O9
    assert comparison.growth_vs_previous == pytest.approx((13100 - 13600) / 13600)
    assert comparison.growth_vs_year_before == pytest.approx(1.0)
    # The dashboard's own headline numbers are the period's totals, so it compares without reading them again.
    assert (await county_dashboard(raohe, PERIOD)).totals == comparison.current
    empty = await compare(raohe, Period(D(2020, 1, 1), D(2020, 1, 4)))
    assert (
        empty.current.sales == 0 and empty.growth_vs_previous is None and empty.growth_vs_year_before is None
    )


async def test_a_producer_statement_lists_units_sales_and_refunds_of_the_month(raohe, data):
    assert await producer_statement(raohe, data["farm"], D(2026, 1, 15)) == [
        StatementLine("大豆", "Soybeans", "一份", "", 4, 2250, 9750)
    ]
    assert await producer_statement(raohe, data["bees"], D(2025, 12, 1)) == [
        StatementLine("椴树蜂蜜", "Linden honey", "一份", "", 2, 13600, 0)
    ]
    assert await producer_statement(raohe, data["bees"], D(2026, 2, 1)) == []


async def test_roll_ups_give_the_same_answers_as_the_raw_rows(raohe, data):
    raw = await county_dashboard(raohe, PERIOD, rollups=False)
    # Some days rolled up, the first and last read raw: added together, not overwritten.
    await rebuild(raohe, data["raohe"], D(2026, 1, 2), D(2026, 1, 3))
    await raohe.commit()
    assert await county_dashboard(raohe, PERIOD) == raw

    assert await rebuild(raohe, data["raohe"], D(2025, 1, 1), D(2026, 1, 31)) == 396
    await raohe.commit()

    assert await county_dashboard(raohe, PERIOD) == raw
    assert await compare(raohe, PERIOD) == await compare(raohe, PERIOD, rollups=False)
    # Rebuilding again changes nothing (days are rewritten whole, never added twice).
    await rebuild(raohe, data["raohe"], D(2026, 1, 1), D(2026, 1, 4))
    await raohe.commit()
    assert await county_dashboard(raohe, PERIOD) == raw


async def test_closed_days_are_read_from_roll_ups_not_from_the_events(raohe, data):
    await rebuild(raohe, data["raohe"], D(2026, 1, 1), D(2026, 1, 4))
    await raohe.commit()
    # Gone from the raw rows, still in the roll-ups: the dashboard did not scan the events.
    await raohe.execute(delete(Event).where(Event.kind == "order_refunded"))
    await raohe.commit()

    assert (await county_dashboard(raohe, PERIOD)).sales == 13100
    assert (await county_dashboard(raohe, PERIOD, rollups=False)).sales == 24800
    # A day not rolled up is read raw.
    assert (await county_dashboard(raohe, Period(D(2025, 12, 31), D(2025, 12, 31)))).sales == 13600


MONTHS = Period(D(2025, 12, 1), D(2026, 1, 31))


async def test_whole_months_are_read_from_monthly_roll_ups(raohe, data):
    around = Period(D(2025, 11, 20), D(2026, 2, 10))  # whole months, and days on both sides
    raw = {
        period: await county_dashboard(raohe, period, rollups=False) for period in (MONTHS, around, PERIOD)
    }
    assert await rebuild(raohe, data["raohe"], D(2025, 11, 1), D(2026, 2, 28)) == 120
    await raohe.commit()

    assert set(await raohe.scalars(select(MonthlyMetric.month).where(MonthlyMetric.metric == ROLLED_UP))) == {
        D(2025, 11, 1),
        D(2025, 12, 1),
        D(2026, 1, 1),
        D(2026, 2, 1),
    }
    for period, answer in raw.items():
        assert await county_dashboard(raohe, period) == answer, period
    # January's products come from its month: gone from its days, they still count for whole months.
    await raohe.execute(
        delete(DailyMetric).where(DailyMetric.dimension == PRODUCT, DailyMetric.day >= D(2026, 1, 1))
    )
    assert (await county_dashboard(raohe, MONTHS)).top_products == raw[MONTHS].top_products
    assert (await county_dashboard(raohe, PERIOD)).top_products == []


async def test_a_late_payment_reopens_its_day_and_its_month(raohe, data):
    await rebuild(raohe, data["raohe"], D(2025, 11, 1), D(2026, 2, 28))
    await raohe.commit()
    before = await county_dashboard(raohe, MONTHS)

    await _pay(raohe, data["raohe"], "late@example.cn", bj(2025, 12, 15, 9))  # its webhook came a year late

    months = set(await raohe.scalars(select(MonthlyMetric.month).where(MonthlyMetric.metric == ROLLED_UP)))
    assert months == {D(2025, 11, 1), D(2026, 1, 1), D(2026, 2, 1)}
    after = await county_dashboard(raohe, MONTHS)
    assert after == await county_dashboard(raohe, MONTHS, rollups=False)
    assert after.sales == before.sales + 1000 and after.orders == before.orders + 1


async def test_today_is_read_raw_beside_yesterdays_roll_ups(raohe, data):
    today = beijing_today()
    now = utcnow()
    fresh = order(data["raohe"], "new@example.cn", [(None, "米", "Rice", 1200, 1)], paid_at=now)
    raohe.add(fresh)
    await raohe.flush()
    raohe.add(paid(data["raohe"], fresh, now))
    await raohe.commit()

    assert (
        await rebuild(raohe, data["raohe"], today - datetime.timedelta(days=3), today) == 3
    )  # today stays raw
    await raohe.commit()
    assert (
        await raohe.scalar(select(func.count()).select_from(DailyMetric).where(DailyMetric.day == today)) == 0
    )

    dashboard = await county_dashboard(raohe, Period(today - datetime.timedelta(days=1), today))
    assert dashboard.sales == 1200 and dashboard.orders == 1
    assert dashboard.sales_by_day[-1] == (today, 1200)


async def test_the_job_rolls_up_yesterday_for_every_county(session_maker, data):
    async with session_maker() as session:
        scope_to_all_counties(session)
        await refresh(session, today=D(2026, 1, 3))

        with all_counties_scope(session):
            built = await session.execute(
                select(DailyMetric.county_id, DailyMetric.day)
                .where(DailyMetric.metric == "rolled_up")
                .order_by(DailyMetric.county_id, DailyMetric.day)
            )
            days = {(county_id, day) for county_id, day in built}
            paid_guzhang = await session.scalar(
                select(DailyMetric.value).where(
                    DailyMetric.county_id == data["guzhang"],
                    DailyMetric.day == D(2026, 1, 2),
                    DailyMetric.dimension == "county",
                    DailyMetric.metric == "paid",
                )
            )
    expected_days = {D(2026, 1, 3) - datetime.timedelta(days=n) for n in range(1, 8)}
    for county in ("raohe", "guzhang", "fuyuan"):
        assert {day for county_id, day in days if county_id == data[county]} == expected_days
    assert paid_guzhang == 50000


async def test_a_county_sees_only_its_own_numbers(session_maker, data):
    async with session_maker() as session:
        scope_to_county(session, data["guzhang"])
        guzhang = await county_dashboard(session, PERIOD)

    assert guzhang.sales == 50000 and guzhang.orders == 1 and guzhang.unique_buyers == 1
    assert guzhang.repeat_purchase_rate == 0.0  # alice bought twice in Raohe, once here
    assert guzhang.sales_by_province == [ProvinceSales("湖南省", 50000, 1)]
    assert guzhang.searches_without_results == [("茶叶", 1)]
    assert [(c.name, c.visits, c.orders) for c in guzhang.creators] == [("古丈李", 1, 0)]
    assert guzhang.top_products == [ProductSales(None, "茶", "Tea", 1, 50000)]
    assert guzhang.funnel.visitors == 1


async def test_the_platform_ranks_counties_and_rolls_them_up_by_province(session_maker, data):
    async with session_maker() as session:
        scope_to_all_counties(session)
        ranking = await county_ranking(session, PERIOD)
        provinces = province_rollup(ranking)

    assert [(c.slug, c.sales, c.previous_sales) for c in ranking] == [
        ("guzhang", 50000, 20000),
        ("raohe", 13100, 13600),
        ("fuyuan", 1000, 0),
    ]
    assert ranking[0].growth == pytest.approx(1.5)
    assert ranking[1].growth == pytest.approx(-500 / 13600)
    assert ranking[2].growth is None
    assert [(p.province_zh, p.sales, [c.slug for c in p.counties]) for p in provinces] == [
        ("湖南省", 50000, ["guzhang"]),
        ("黑龙江省", 14100, ["raohe", "fuyuan"]),
    ]


def test_the_rebuild_command_rolls_up_a_countys_closed_days(storefront_cli, migrated_url):  # noqa: F811
    async def county_with_a_sale(session):
        county = await make_county(session, "raohe")
        await make_county(session, "guzhang")
        sale = order(
            county.id, "alice@example.cn", [(None, "米", "Rice", 1200, 1)], paid_at=bj(2026, 1, 2, 9)
        )
        session.add(sale)
        await session.flush()
        session.add(paid(county.id, sale, sale.paid_at))
        await session.commit()

    asyncio.run(_query(migrated_url, county_with_a_sale))
    closed_days = (beijing_today() - D(2026, 1, 1)).days

    code, output = storefront_cli("metrics", "rebuild", "--county", "raohe", "--since", "2026-01-01")

    assert code == 0, output
    assert f"raohe: {closed_days} day(s) rolled up" in output
    assert "guzhang" not in output

    async def rolled_up(session):
        scope_to_all_counties(session)
        return (
            await session.execute(
                select(DailyMetric.day, DailyMetric.value).where(
                    DailyMetric.dimension == "county", DailyMetric.metric == "paid"
                )
            )
        ).all()

    assert [tuple(row) for row in asyncio.run(_query(migrated_url, rolled_up))] == [(D(2026, 1, 2), 1200)]
    code, output = storefront_cli("metrics", "rebuild")  # every county, from its first event
    assert code == 0 and f"raohe: {closed_days - 1} day(s)" in output and "guzhang: 0 day(s)" in output


def test_the_rebuild_command_refuses_an_unknown_county_or_a_malformed_day(storefront_cli):  # noqa: F811
    code, output = storefront_cli("metrics", "rebuild", "--county", "nowhere")
    assert code == 1 and "no county has the slug 'nowhere'" in output

    code, output = storefront_cli("metrics", "rebuild", "--since", "2026-13-01")
    assert code == 2 and "2026-13-01" in output


async def test_the_roll_up_job_runs_in_one_worker_at_a_time(client):
    turns = await asyncio.gather(
        *(take_turn(client.app, ROLLUP_LEASE, ROLLUP_INTERVAL_SECONDS) for _ in range(4))
    )

    assert sorted(turns) == [False, False, False, True]
    assert not await take_turn(client.app, ROLLUP_LEASE, ROLLUP_INTERVAL_SECONDS)  # held until the next run


# ---------------------------------------------------------------------------------------------
# The buyer chain: each purchase linked to its buyer's previous and next one, kept as orders are paid

CHAIN_PERIODS = {
    # period: (unique buyers, repeat buyers), worked out by hand from the purchases below
    Period(D(2025, 12, 1), D(2025, 12, 31)): (1, 0),  # mei's first order
    Period(D(2026, 1, 1), D(2026, 1, 9)): (1, 0),  # hua's late-told order of 1 Jan, her next on 10 Jan
    Period(D(2026, 1, 1), D(2026, 1, 31)): (3, 2),  # hua (4 orders), lin (1), mei (bought in December)
    Period(D(2026, 1, 11), D(2026, 1, 19)): (1, 0),  # lin only
    Period(D(2026, 1, 20), D(2026, 1, 20)): (1, 1),  # hua twice that day, and on 10 Jan before
    Period(D(2026, 2, 1), D(2026, 2, 28)): (1, 1),  # hua's fifth order
    Period(D(2026, 3, 1), D(2026, 3, 31)): (0, 0),
}


async def _pay(session, county_id, email, at, *, commit=True):
    """An order paid as the webhook pays it: marked paid, then its fact and its place in the chain,
    one transaction (committed unless ``commit`` is false)."""
    sale = order(county_id, email, [(None, "米", "Rice", 1000, 1)], paid_at=at)
    session.add(sale)
    await session.flush()
    await add_order_paid(session, sale, at)
    if commit:
        await session.commit()
    return sale


async def chain_of(session):
    """The county's buyer chain: (order id, buyer, paid day, previous day, next day), by order."""
    rows = await session.execute(
        select(
            BuyerOrder.order_id,
            BuyerOrder.buyer,
            BuyerOrder.paid_day,
            BuyerOrder.previous_day,
            BuyerOrder.next_day,
        ).order_by(BuyerOrder.order_id)
    )
    return [tuple(row) for row in rows]


@pytest.fixture
async def chained(session_maker):
    """County "chain": hua buys five times (two at the same instant, the first told last), lin once,
    mei in December and January."""
    async with session_maker() as session:
        county = (await make_county(session, "chain")).id
        await session.commit()
        scope_to_county(session, county)
        for email, at in [
            ("mei@example.cn", bj(2025, 12, 20, 9)),
            ("hua@example.cn", bj(2026, 1, 10, 10)),
            ("mei@example.cn", bj(2026, 1, 10, 11)),
            ("lin@example.cn", bj(2026, 1, 15, 8)),
            ("HUA@example.cn", bj(2026, 1, 20, 9)),
            ("hua@example.cn", bj(2026, 1, 20, 9)),  # the same instant: after the other, by order id
            ("hua@example.cn", bj(2026, 2, 5, 23, 59)),
        ]:
            await _pay(session, county, email, at)
        before_the_late_one = {period: await buyer_counts(session, period) for period in CHAIN_PERIODS}
        await _pay(session, county, "hua@example.cn", bj(2026, 1, 1, 0, 10))  # its webhook came late
        yield session, county, before_the_late_one


async def test_the_buyer_chain_counts_first_and_repeat_purchases_of_each_period(chained):
    session, _county, before_the_late_one = chained

    for period, answer in CHAIN_PERIODS.items():
        assert await buyer_counts(session, period) == answer, period
        assert await buyer_counts(session, period, rollups=False) == answer, period
    # Before the late webhook hua had bought nothing in 1-9 January.
    assert before_the_late_one[Period(D(2026, 1, 1), D(2026, 1, 9))] == (0, 0)
    assert before_the_late_one[Period(D(2026, 1, 1), D(2026, 1, 31))] == (3, 2)


async def test_a_late_payment_is_linked_between_the_buyers_purchases(chained):
    session, _county, _before = chained
    hua = [row[2:] for row in await chain_of(session) if row[1] == "hua@example.cn"]

    assert sorted(hua) == [
        (D(2026, 1, 1), None, D(2026, 1, 10)),
        (D(2026, 1, 10), D(2026, 1, 1), D(2026, 1, 20)),
        (D(2026, 1, 20), D(2026, 1, 10), D(2026, 1, 20)),
        (D(2026, 1, 20), D(2026, 1, 20), D(2026, 2, 5)),
        (D(2026, 2, 5), D(2026, 1, 20), None),
    ]


async def test_the_rebuild_writes_the_chain_the_payments_kept(chained):
    session, county, _before = chained
    kept = await chain_of(session)

    assert await rebuild_buyers(session, county) == 8
    await session.commit()

    assert await chain_of(session) == kept


async def test_two_purchases_of_one_buyer_paid_at_once_are_chained_one_after_the_other(session_maker):
    async with session_maker() as session:
        county = (await make_county(session, "chain")).id
        await session.commit()

    async def pay(at):
        async with session_maker() as session:
            scope_to_county(session, county)
            return await _pay(session, county, "twins@example.cn", at)

    await asyncio.gather(pay(bj(2026, 3, 1, 9)), pay(bj(2026, 3, 2, 9)))

    async with session_maker() as session:
        scope_to_county(session, county)
        assert sorted(row[2:] for row in await chain_of(session)) == [
            (D(2026, 3, 1), None, D(2026, 3, 2)),
            (D(2026, 3, 2), D(2026, 3, 1), None),
        ]
        assert await buyer_counts(session, Period(D(2026, 3, 1), D(2026, 3, 31))) == (1, 1)


@pytest.mark.parametrize("first", ["payment", "rebuild"])
async def test_a_rebuild_and_a_payment_at_the_same_time_leave_one_right_chain(session_maker, first):
    """`storefront metrics rebuild` while webhooks keep paying orders: whichever starts first, the
    other waits for it, and the chain holds each purchase once, linked."""
    async with session_maker() as session:
        county = (await make_county(session, "chain")).id
        await session.commit()
    async with session_maker() as session:
        scope_to_county(session, county)
        await _pay(session, county, "li@example.cn", bj(2026, 3, 1, 9))
    payment, rebuilding = session_maker(), session_maker()
    scope_to_county(payment, county)
    scope_to_county(rebuilding, county)

    async def pay(*, commit: bool) -> None:
        await _pay(payment, county, "li@example.cn", bj(2026, 3, 2, 9), commit=commit)

    async def rebuild(*, commit: bool) -> None:
        await rebuild_buyers(rebuilding, county)
        if commit:
            await rebuilding.commit()

    await second_waits_for_first(first, {"payment": (pay, payment), "rebuild": (rebuild, rebuilding)})

    async with session_maker() as session:
        scope_to_county(session, county)
        assert sorted(row[2:] for row in await chain_of(session)) == [
            (D(2026, 3, 1), None, D(2026, 3, 2)),
            (D(2026, 3, 2), D(2026, 3, 1), None),
        ]


@pytest.mark.parametrize("first", ["job", "payment"])
@pytest.mark.parametrize("late_day", [3, 31], ids=["earlier-day-of-the-month", "the-same-day"])
async def test_a_late_payment_while_the_job_rebuilds_its_month_is_counted_once(
    session_maker, first, late_day
):
    """The job rebuilds 31 October (and so rewrites October) while a webhook pays an order of
    October late: whichever starts first, the other waits, and October reads as the raw rows do
    (not the day twice, raw and in the month; not the day without the payment)."""
    october = Period(D(2026, 10, 1), D(2026, 10, 31))
    async with session_maker() as session:
        county = (await make_county(session, "race")).id
        await session.commit()
        scope_to_county(session, county)
        await _pay(session, county, "a@example.cn", bj(2026, 10, 3, 10))
        await _pay(session, county, "b@example.cn", bj(2026, 10, 31, 10))
        await rebuild(session, county, october.first, october.last)
        await session.commit()
    job, payment = session_maker(), session_maker()
    scope_to_county(job, county)
    scope_to_county(payment, county)

    async def run_job(*, commit: bool) -> None:
        await rebuild(job, county, october.last, october.last)
        if commit:
            await job.commit()

    async def pay(*, commit: bool) -> None:
        await _pay(payment, county, "late@example.cn", bj(2026, 10, late_day, 11), commit=commit)

    await second_waits_for_first(first, {"job": (run_job, job), "payment": (pay, payment)})

    async with session_maker() as session:
        scope_to_county(session, county)
        for period in (october, Period(D(2026, 10, late_day), D(2026, 10, late_day))):
            assert await county_dashboard(session, period) == await county_dashboard(
                session, period, rollups=False
            )
        assert (await county_dashboard(session, october)).top_products[0].units == 3
