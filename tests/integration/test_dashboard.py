"""The dashboard at /admin/: presets and custom ranges with their comparisons, a bad range kept
and explained, every table as CSV, a county admin sealed to their own county's numbers, the
platform view ranking counties, HTMX getting the body only; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from storefront.admin.dashboard import COUNTY_TABLES
from storefront.catalog.models import Producer, Variant
from storefront.clock import beijing_date, utcnow
from storefront.db import scope_to_all_counties
from storefront.metrics.models import Creator, Event
from storefront.metrics.periods import PRESETS, Period, preset, previous, year_before
from tests.support.admins import AdminBrowser, make_admin
from tests.support.factories import make_catalog, make_county
from tests.support.orders import paid_order

RAOHE_ADMIN = "raohe@example.cn"
GUZHANG_ADMIN = "guzhang@example.cn"
PLATFORM_ADMIN = "platform@example.cn"


def span(period: Period) -> str:
    return period.first.isoformat() if period.first == period.last else f"{period.first} – {period.last}"


@pytest.fixture
async def counties(session_maker) -> dict[str, int]:
    async with session_maker() as session:
        made = {
            "raohe": await make_county(session, "raohe"),
            "guzhang": await make_county(session, "guzhang", province_zh="湖南省", province_en="Hunan"),
        }
        for county in made.values():
            await make_catalog(session, county, products=1)
        await session.commit()
    return {slug: county.id for slug, county in made.items()}


@pytest.fixture
async def admins(session_maker, counties) -> None:
    await make_admin(session_maker, RAOHE_ADMIN, county="raohe")
    await make_admin(session_maker, GUZHANG_ADMIN, county="guzhang")
    await make_admin(session_maker, PLATFORM_ADMIN)


async def sale(
    session_maker,
    county_id: int,
    email: str,
    total: int,
    province: str = "广东省",
    payment_method: str | None = None,
) -> None:
    """A paid order of the county's product (``total`` fen, one unit) with its ``order_paid`` fact,
    paid a minute ago."""
    now = utcnow() - datetime.timedelta(minutes=1)
    async with session_maker() as session:
        scope_to_all_counties(session)
        variant = await session.scalar(select(Variant).where(Variant.county_id == county_id))
        order = paid_order(county_id, email, now)
        order.province, order.total, order.subtotal = province, total, total
        order.payment_method = payment_method
        order.lines[0].variant_id, order.lines[0].unit_price = variant.id, total
        session.add(order)
        await session.flush()
        session.add(Event(county_id=county_id, kind="order_paid", at=now, order_id=order.id, amount=total))
        await session.commit()


async def lost_search(session_maker, county_id: int, query: str) -> None:
    async with session_maker() as session:
        scope_to_all_counties(session)
        session.add(Event(county_id=county_id, kind="search", at=utcnow(), query=query, results=0))
        await session.commit()


async def signed_in(client: AsyncTestClient, email: str) -> AdminBrowser:
    admin = AdminBrowser(client)
    response = await admin.log_in(email)
    assert response.status_code == 303, response.text
    return admin


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_each_preset_and_a_custom_range_show_their_period_and_comparisons(client, counties, admins):
    await signed_in(client, RAOHE_ADMIN)
    today = beijing_date(utcnow())
    for name in PRESETS:
        page = await client.get(f"/admin/?range={name}&lang=en")
        assert page.status_code == 200, name
        period = preset(name, today)
        assert f"Period: {span(period)}" in page.text, name
        assert span(previous(period)) in page.text and span(year_before(period)) in page.text, name
        assert 'aria-current="true">' in page.text
    page = await client.get("/admin/?range=custom&date_from=2026-01-01&date_to=2026-01-31&lang=en")
    assert page.status_code == 200
    assert "Period: 2026-01-01 – 2026-01-31" in page.text
    assert "2025-12-01 – 2025-12-31" in page.text  # the previous 31 days
    assert "2025-01-01 – 2025-01-31" in page.text  # a year before
    assert "/admin/export/products?range=custom&amp;date_from=2026-01-01&amp;date_to=2026-01-31" in page.text
    default = await client.get("/admin/?lang=en")  # nothing asked: the last 30 days
    assert f"Period: {span(preset('30d', today))}" in default.text


@pytest.mark.parametrize(
    ("query", "message", "typed"),
    [
        (
            "date_from=2026-02-10&date_to=2026-02-01",
            "The last day must not be before the first day.",
            "2026-02-10",
        ),
        (
            "range=custom&date_from=2026-02-30&date_to=2026-03-01",
            "Please enter a date as YYYY-MM-DD.",
            "2026-02-30",
        ),
        ("range=custom&date_from=2026-02-01", "Please enter the last day of the range.", "2026-02-01"),
        ("range=forever", "Please choose a period from the list.", None),
        (
            "date_from=2020-01-01&date_to=2026-01-01",
            "Please choose a range of at most three years.",
            "2020-01-01",
        ),
    ],
)
async def test_a_bad_range_is_a_400_with_the_message_and_what_was_typed(
    client, counties, admins, query, message, typed
):
    await signed_in(client, RAOHE_ADMIN)
    page = await client.get(f"/admin/?{query}&lang=en")
    assert page.status_code == 400
    assert message in page.text
    if typed:
        assert f'value="{typed}"' in page.text
    assert "Top products" not in page.text  # no figures for a period that does not read
    export = await client.get(f"/admin/export/products?{query}&lang=en")
    assert export.status_code == 400 and message in export.text


async def test_every_table_exports_its_rows_for_the_same_period(client, session_maker, counties, admins):
    raohe = counties["raohe"]
    async with session_maker() as session:
        scope_to_all_counties(session)
        session.add(
            Creator(county_id=raohe, name="Wang Xiaoyu", platform="douyin", code="WANGXY", commission_bp=500)
        )
        await session.commit()
    await sale(session_maker, raohe, "a@example.cn", 6800, "广东省", "alipay")
    await sale(session_maker, raohe, "b@example.cn", 13600, "浙江省", "wechat_pay")
    await lost_search(session_maker, raohe, "pine nuts")
    await signed_in(client, RAOHE_ADMIN)
    today = beijing_date(utcnow()).isoformat()

    page = await client.get("/admin/?range=7d&lang=en")
    assert page.status_code == 200
    for table in COUNTY_TABLES:
        assert f"/admin/export/{table}?range=7d" in page.text, table
    assert 'data-chart="line"' in page.text and 'data-chart="bar"' in page.text
    assert 'data-chart="pie"' in page.text
    assert "/static/vendor/echarts-6.1.0.min." in page.text and "/static/js/dashboard." in page.text

    export = {
        table: rows_of(await client.get(f"/admin/export/{table}?range=7d&lang=en")) for table in COUNTY_TABLES
    }
    assert export["summary"][1][:2] == ["Sales", "204.00"]
    assert export["summary"][2][:2] == ["Orders", "2"]
    assert [today, "204.00"] in export["sales_by_day"]
    assert export["funnel"][-1] == ["Paid", "2"]
    assert export["provinces"][1:] == [["浙江省", "136.00", "1"], ["广东省", "68.00", "1"]]
    assert export["products"][1][1:] == ["204.00", "2"]
    assert export["producers"][1][:3] == ["Li family apiary", "204.00", "2"]
    assert export["creators"][1][:4] == ["Wang Xiaoyu", "0.00", "douyin", "WANGXY"]
    assert export["searches"][1:] == [["pine nuts", "1"]]
    assert export["payment_methods"] == [
        ["Payment method", "Sales (¥)", "Share of sales", "Orders", "Share of orders"],
        ["WeChat Pay", "136.00", "66.7", "1", "50.0"],
        ["Alipay", "68.00", "33.3", "1", "50.0"],
    ]
    # the same rows on the page, as a table
    assert '<th scope="row">浙江省</th>' in page.text

    other = rows_of(
        await client.get("/admin/export/sales_by_day?range=custom&date_from=2025-01-01&date_to=2025-01-02")
    )
    assert other[0] == ["Day", "Sales (¥)"]
    assert {row[0] for row in other[1:]} <= {"2025-01-01", "2025-01-02"}  # that period, not this week
    assert all(row[1] == "0.00" for row in other[1:])
    assert (await client.get("/admin/export/nonsense?range=7d")).status_code == 404


async def test_a_producer_statement_downloads_for_a_month_of_the_county_only(
    client, session_maker, counties, admins
):
    await sale(session_maker, counties["raohe"], "a@example.cn", 6800)
    async with session_maker() as session:
        scope_to_all_counties(session)
        ours = await session.scalar(select(Producer.id).where(Producer.county_id == counties["raohe"]))
        theirs = await session.scalar(select(Producer.id).where(Producer.county_id == counties["guzhang"]))
    await signed_in(client, RAOHE_ADMIN)
    month = beijing_date(utcnow()).strftime("%Y-%m")
    rows = rows_of(await client.get(f"/admin/export/statement?producer={ours}&month={month}&lang=en"))
    assert rows[0] == ["Product", "Variant", "Units", "Sales (¥)", "Refunds (¥)"]
    assert rows[1][2:] == ["1", "68.00", "0.00"]
    assert (await client.get(f"/admin/export/statement?producer={theirs}&month={month}")).status_code == 404
    bad = await client.get(f"/admin/export/statement?producer={ours}&month=2026-13&lang=en")
    assert bad.status_code == 400
    assert "Please enter a month as YYYY-MM." in bad.text and 'value="2026-13"' in bad.text


async def test_a_county_admin_sees_only_their_county(client, session_maker, counties, admins):
    await sale(session_maker, counties["raohe"], "a@example.cn", 6800)
    await signed_in(client, RAOHE_ADMIN)
    before = {
        table: rows_of(await client.get(f"/admin/export/{table}?range=30d&lang=en"))
        for table in ("summary", "provinces")
    }
    page_before = await client.get("/admin/?range=30d&lang=en")

    await sale(session_maker, counties["guzhang"], "g@example.cn", 99900, "湖南省")
    await lost_search(session_maker, counties["guzhang"], "tea eggs")
    after = {
        table: rows_of(await client.get(f"/admin/export/{table}?range=30d&lang=en"))
        for table in ("summary", "provinces")
    }
    page_after = await client.get("/admin/?range=30d&lang=en")
    assert after == before
    assert "999.00" not in page_after.text and "tea eggs" not in page_after.text
    assert "¥68.00" in page_before.text and "¥68.00" in page_after.text
    # nothing of the platform either
    assert "Counties ranked by sales" not in (await client.get("/admin/?view=platform&lang=en")).text
    assert (await client.get("/admin/export/counties?range=30d")).status_code == 403


async def test_the_platform_view_ranks_counties_and_opens_any_county(client, session_maker, counties, admins):
    await sale(session_maker, counties["raohe"], "a@example.cn", 6800)
    await sale(session_maker, counties["guzhang"], "g@example.cn", 13600, "湖南省")
    platform = await signed_in(client, PLATFORM_ADMIN)

    page = await client.get("/admin/?range=30d&lang=en")  # no county chosen: the platform view
    assert page.status_code == 200
    assert "Counties ranked by sales" in page.text and "Sales by province, then county" in page.text
    assert page.text.index("Guzhang County") < page.text.index(
        "Raohe County", page.text.index("Counties ranked")
    )
    ranking = rows_of(await client.get("/admin/export/counties?range=30d&lang=en"))
    assert [row[:2] for row in ranking[1:]] == [["Guzhang County", "136.00"], ["Raohe County", "68.00"]]
    rollup = rows_of(await client.get("/admin/export/province_rollup?range=30d&lang=en"))
    assert rollup[1:] == [
        ["Hunan", "", "136.00"],
        ["Hunan", "Guzhang County", "136.00"],
        ["Heilongjiang", "", "68.00"],
        ["Heilongjiang", "Raohe County", "68.00"],
    ]
    assert (await client.get("/admin/export/products?range=30d")).status_code == 404  # no county chosen
    swapped = await client.get("/admin/?range=7d&lang=en", headers={"HX-Request": "true"})
    assert "<html" not in swapped.text and "Counties ranked by sales" in swapped.text
    assert 'action="/admin/county"' in swapped.text and 'name="_csrf_token"' in swapped.text

    # "Open its dashboard": the county choice, back to the same period
    chosen = await platform.post(
        "/admin/county", {"county_id": str(counties["raohe"]), "next": "/admin/?range=30d"}
    )
    assert chosen.status_code == 303 and chosen.headers["location"] == "/admin/?range=30d"
    county_page = await client.get("/admin/?range=30d&lang=en")
    assert "Top products" in county_page.text and "¥68.00" in county_page.text
    assert "Counties ranked by sales" not in county_page.text
    tab = await client.get("/admin/?range=30d&view=platform&lang=en")
    assert "Counties ranked by sales" in tab.text


async def test_htmx_gets_the_body_and_a_plain_request_the_page(client, counties, admins):
    await signed_in(client, RAOHE_ADMIN)
    partial = await client.get("/admin/?range=7d&lang=en", headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert partial.text.lstrip().startswith("{#") is False
    assert '<div id="dashboard"' in partial.text and "<html" not in partial.text
    assert 'hx-get="/admin/?range=30d"' in partial.text and 'hx-push-url="true"' in partial.text
    bad = await client.get("/admin/?date_from=x&date_to=y&lang=en", headers={"HX-Request": "true"})
    assert (
        bad.status_code == 400
        and "<html" not in bad.text
        and "Please enter a date as YYYY-MM-DD." in bad.text
    )
    whole = await client.get("/admin/?range=7d&lang=en")
    assert "<html" in whole.text and '<div id="dashboard"' in whole.text
    for answer in (partial, whole):  # the period goes in the history: Back to it gets the page
        assert "HX-Request" in answer.headers["vary"]
    # the page works without JavaScript: every preset and the custom range are plain links and a GET form
    assert '<a href="/admin/?range=last_12_months"' in whole.text
    assert '<form method="get" action="/admin/"' in whole.text


async def test_chinese_is_the_default_language(client, session_maker, counties, admins):
    await sale(session_maker, counties["raohe"], "a@example.cn", 6800, payment_method="wechat_pay")
    await sale(session_maker, counties["raohe"], "b@example.cn", 3000)  # Stripe did not say how
    await signed_in(client, RAOHE_ADMIN)
    page = await client.get("/admin/?range=7d", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200
    assert "最近7天" in page.text and "热销商品" in page.text
    assert "支付方式构成" in page.text
    assert '<th scope="row">微信支付</th>' in page.text and '<th scope="row">未知</th>' in page.text
    mix = rows_of(
        await client.get("/admin/export/payment_methods?range=7d", headers={"Accept-Language": "zh-CN"})
    )
    assert [row[0] for row in mix] == ["支付方式", "微信支付", "未知"]
