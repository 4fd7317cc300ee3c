"""Shopper events recorded on our own server: before the page cache, in batches, for the right
county, never from bots; money facts once, in the payment's own transaction."""

from __future__ import annotations

import asyncio
import datetime
import uuid
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import event, select

from storefront.app import create_app
from storefront.catalog.models import Product, Variant
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.metrics import events
from storefront.metrics.models import Event
from storefront.orders.models import Order
from storefront.payments.gateway import PaymentGateway
from tests.support.factories import make_catalog, make_county
from tests.support.shopper import Shopper, session_id_of
from tests.support.stripe_flow import deliver, press

DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0 Safari/537.36"
)
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 MicroMessenger/8.0.50"
)


@pytest.fixture
async def counties(session_maker) -> dict[str, tuple[int, list[int], str]]:
    """Two counties with a catalog each: id, product ids, first product's slug."""
    made = {}
    async with session_maker() as session:
        for slug in ("raohe", "fuyuan"):
            county = await make_county(session, slug, shipping_fee=0)
            products = await make_catalog(session, county, products=2)
            made[slug] = (county.id, [product.id for product in products], products[0].slug)
        await session.commit()
    return made


def browser(app, user_agent: str = DESKTOP) -> httpx.AsyncClient:
    """A browser of its own (cookies) on the test's event loop, so the test can flush the writer."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver.local",
        headers={"user-agent": user_agent},
    )


async def stored(session_maker, *conditions) -> list[Event]:
    async with session_maker() as session:
        scope_to_all_counties(session)
        return list(await session.scalars(select(Event).where(*conditions).order_by(Event.id)))


def kinds(rows: list[Event]) -> list[str]:
    return [row.kind for row in rows]


async def test_a_cached_page_still_records_its_page_view_with_the_visitors_own_cookie(
    settings, counties, session_maker
):
    app = create_app(replace(settings, page_cache_seconds=60))
    statements = []
    engine = app.state.db_config.get_engine().sync_engine

    def count(*args) -> None:
        statements.append(args[2])

    before = datetime.datetime.now(datetime.UTC)
    async with app.lifespan(), browser(app) as first, browser(app, PHONE) as second:
        assert (await first.get("/c/raohe/")).status_code == 200  # rendered, and cached
        event.listen(engine, "before_cursor_execute", count)
        page = await second.get("/c/raohe/")
        again = await second.get("/c/raohe/")
        event.remove(engine, "before_cursor_execute", count)
        assert page.status_code == again.status_code == 200
        assert statements == []  # served from the cache; the writer writes the events later
        first_vid, second_vid = first.cookies["vid"], second.cookies["vid"]
        assert first_vid != second_vid
        assert first_vid not in str(page.headers.get_list("set-cookie"))  # never another's cookie
        assert "vid=" not in str(again.headers.get_list("set-cookie"))  # a known visitor keeps theirs
        set_vid = next(c for c in page.headers.get_list("set-cookie") if c.startswith("vid="))
        assert "HttpOnly" in set_vid and "SameSite=lax" in set_vid.replace("Lax", "lax")
        assert page.headers["cache-control"] == "private, no-cache"  # no proxy keeps their cookie
        await app.state.events.flush()
    after = datetime.datetime.now(datetime.UTC)
    rows = await stored(session_maker)
    assert all(before <= row.at <= after for row in rows)  # written as the ORM writes times
    raohe = counties["raohe"][0]
    mine = [(row.kind, row.visitor, row.device, row.county_id) for row in rows]
    assert mine == [
        ("visit", first_vid, "desktop", raohe),
        ("page_view", first_vid, "desktop", raohe),
        ("visit", second_vid, "phone", raohe),
        ("page_view", second_vid, "phone", raohe),
        ("page_view", second_vid, "phone", raohe),  # same 30 minutes: no second visit
    ]


async def test_a_burst_of_2000_page_views_loses_none(settings, counties, session_maker):
    app = create_app(replace(settings, page_cache_seconds=60))
    async with app.lifespan(), browser(app) as shoppers:
        await shoppers.get("/c/raohe/")
        pages = await asyncio.gather(*(shoppers.get("/c/raohe/") for _ in range(2000)))
        assert {page.status_code for page in pages} == {200}
        # the lifespan's end writes what is still queued
    rows = await stored(session_maker, Event.kind == events.PAGE_VIEW)
    assert len(rows) == 2001
    assert app.state.events.dropped == 0


async def test_a_full_queue_drops_events_and_the_page_is_served(settings, counties, session_maker):
    app = create_app(settings)
    app.state.events.capacity = 3
    app.state.events.interval = 3600  # nothing written before the lifespan's end, however slow the requests
    async with app.lifespan(), browser(app) as shopper:
        for _ in range(5):
            assert (await shopper.get("/c/raohe/about")).status_code == 200
    assert app.state.events.dropped == 3  # 1 visit + 5 page views, room for 3
    assert len(await stored(session_maker)) == 3


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36"
        " (compatible; Bytespider; spider-feedback@bytedance.com)",
        "UptimeRobot/2.0",
        "curl/8.5.0",
        "",
    ],
)
async def test_bots_and_monitors_record_nothing(settings, counties, session_maker, agent):
    app = create_app(settings)
    async with app.lifespan(), browser(app, agent) as bot:
        assert (await bot.get("/c/raohe/")).status_code == 200
        assert "vid" not in bot.cookies
        await app.state.events.flush()
    assert await stored(session_maker) == []


async def test_health_and_head_requests_record_nothing(settings, counties, session_maker):
    app = create_app(settings)
    async with app.lifespan(), browser(app) as monitor:
        assert (await monitor.get("/health")).status_code == 200
        await monitor.head("/c/raohe/")
        await app.state.events.flush()
        assert kinds(await stored(session_maker)) == []
        await monitor.get("/c/raohe/cart/count", headers={"hx-request": "true"})
        await app.state.events.flush()
        assert kinds(await stored(session_maker)) == []
        await monitor.get("/static/css/site.css")
        await monitor.get("/c/raohe/products/no-such-product")
        await app.state.events.flush()
    assert kinds(await stored(session_maker)) == []


async def test_events_belong_to_the_county_of_the_shop_visited(settings, counties, session_maker):
    app = create_app(replace(settings, page_cache_seconds=60))
    fuyuan, fuyuan_products, fuyuan_slug = counties["fuyuan"]
    raohe_slug = counties["raohe"][2]
    async with app.lifespan(), browser(app) as shopper:
        await shopper.get("/c/fuyuan/")
        await shopper.get(f"/c/fuyuan/products/{fuyuan_slug}")
        assert (await shopper.get(f"/c/fuyuan/products/{raohe_slug}")).status_code == 404  # A's product
        await shopper.get("/", headers={"host": "fuyuan.shop.test"})  # the county's own host
        await app.state.events.flush()
    rows = await stored(session_maker)
    assert {row.county_id for row in rows} == {fuyuan}
    assert kinds(rows) == ["visit", "page_view", "page_view", "product_view", "visit", "page_view"]
    assert [row.product_id for row in rows if row.kind == "product_view"] == [fuyuan_products[0]]


async def test_a_creators_click_starts_a_visit_with_the_code_and_later_pages_keep_it(
    settings, counties, session_maker
):
    app = create_app(replace(settings, page_cache_seconds=60))
    async with app.lifespan(), browser(app) as shopper:
        await shopper.get("/c/raohe/?ref=laowang")
        await shopper.get("/c/raohe/about")
        await shopper.get("/c/fuyuan/about")  # the code is raohe's only
        await app.state.events.flush()
    rows = await stored(session_maker)
    assert [(row.kind, row.creator_code) for row in rows] == [
        ("visit", "laowang"),
        ("page_view", "laowang"),
        ("page_view", "laowang"),
        ("visit", None),
        ("page_view", None),
    ]


async def test_reloading_a_creators_link_counts_one_visit_and_another_creators_link_a_new_one(
    settings, counties, session_maker
):
    app = create_app(replace(settings, page_cache_seconds=60))
    async with app.lifespan(), browser(app) as shopper:
        for _reload in range(5):
            await shopper.get("/c/raohe/?ref=laowang")
        await shopper.get("/c/raohe/?ref=xiaoli")
        await app.state.events.flush()
    rows = await stored(session_maker, Event.kind == events.VISIT)
    assert [row.creator_code for row in rows] == ["laowang", "xiaoli"]


async def test_a_submitted_search_is_recorded_with_what_it_found_and_the_live_search_while_typing_is_not(
    settings, counties, session_maker
):
    app = create_app(settings)
    async with app.lifespan(), browser(app) as shopper:
        home = await shopper.get("/c/raohe/")
        # A plain GET form: submitting it loads the search page, with or without JavaScript.
        assert 'action="/c/raohe/search" method="get"' in home.text
        for typed in ("人", "人参"):  # the live search, at each pause in typing
            live = await shopper.get("/c/raohe/search", params={"q": typed}, headers={"hx-request": "true"})
            assert live.status_code == 200 and "<html" not in live.text
        await shopper.get("/c/raohe/search", params={"q": "人参"})  # then submitted
        await shopper.get("/c/raohe/search", params={"q": "蜂蜜"})  # a search page loaded from a link
        await shopper.get("/c/raohe/search")  # the empty search form
        await app.state.events.flush()
    rows = await stored(session_maker, Event.kind == events.SEARCH)
    assert [(row.query, row.results, row.county_id) for row in rows] == [
        ("人参", 0, counties["raohe"][0]),
        ("蜂蜜", 2, counties["raohe"][0]),
    ]


async def test_a_search_served_from_the_page_cache_is_recorded_for_each_shopper_and_its_header_stays_home(
    settings, counties, session_maker
):
    """The search page is kept a second: the shoppers after the first get the cached copy, and each
    search still counts, with what it found, once (the page reached again by Previous or in
    another language is the same search); the header that tells the recorder never leaves, not
    even to a bot or a HEAD request (neither of which counts)."""
    app = create_app(replace(settings, page_cache_seconds=60))
    engine = app.state.db_config.get_engine().sync_engine
    statements: list[str] = []
    async with (
        app.lifespan(),
        browser(app) as first,
        browser(app, PHONE) as second,
        browser(app, "Mozilla/5.0 (compatible; Baiduspider/2.0)") as bot,
    ):
        answers = [await first.get("/c/raohe/search", params={"q": "蜂蜜"})]
        event.listen(engine, "before_cursor_execute", count := lambda *args: statements.append(args[2]))
        answers.append(await second.get("/c/raohe/search", params={"q": "蜂蜜"}))
        event.remove(engine, "before_cursor_execute", count)
        answers.append(await second.get("/c/raohe/search", params={"q": "蜂蜜", "page": "1"}))  # Previous
        answers.append(await second.get("/c/raohe/search", params={"q": "蜂蜜", "lang": "en"}))  # English
        answers.append(await bot.get("/c/raohe/search", params={"q": "蜂蜜"}))
        answers.append(await first.head("/c/raohe/search", params={"q": "蜂蜜"}))
        live = {"hx-request": "true"}
        answers.append(await first.get("/c/raohe/search", params={"q": "蜂蜜"}, headers=live))
        await app.state.events.flush()
    assert [answer.status_code for answer in answers] == [200] * 7
    assert not any(events.SEARCH_HEADER.decode() in answer.headers for answer in answers)
    assert statements == []  # the second shopper's from the cache
    rows = await stored(session_maker, Event.kind == events.SEARCH)
    raohe = counties["raohe"][0]
    assert [(row.query, row.results, row.county_id, row.device) for row in rows] == [
        ("蜂蜜", 2, raohe, "desktop"),
        ("蜂蜜", 2, raohe, "phone"),  # once: not again by the Previous link, nor in English
    ]


@pytest.mark.parametrize(
    "headers",
    [
        {"HX-Request": "tru%65", "HX-Request-URI-AutoEncoded": "true"},  # true, to htmx's own reading
        {"HX-Request": "true", "HX-History-Restore-Request": "true"},  # Back past htmx's snapshots
    ],
)
async def test_no_request_puts_a_search_page_that_records_nothing_in_the_cache_for_everyone(
    settings, counties, session_maker, headers
):
    """Whoever asks first with odd HTMX headers, the next shopper gets the whole page from the cache
    and their search counts."""
    app = create_app(replace(settings, page_cache_seconds=60))
    async with app.lifespan(), browser(app) as first, browser(app, PHONE) as shopper:
        odd = await first.get("/c/raohe/search", params={"q": "蜂蜜"}, headers=headers)
        page = await shopper.get("/c/raohe/search", params={"q": "蜂蜜"})
        await app.state.events.flush()
    assert "<html" in odd.text and "<html" in page.text and 'role="search"' in page.text
    rows = await stored(session_maker, Event.kind == events.SEARCH, Event.device == "phone")
    assert [(row.query, row.results) for row in rows] == [("蜂蜜", 2)]


async def test_recording_adds_no_query_to_a_page(settings, counties, session_maker):
    app = create_app(settings)
    engine = app.state.db_config.get_engine().sync_engine
    counts = {}
    async with app.lifespan(), browser(app) as shopper:
        await shopper.get("/")
        for path in ("/c/raohe/", f"/c/raohe/products/{counties['raohe'][2]}"):
            statements: list[str] = []

            def count(*args, statements=statements) -> None:
                statements.append(args[2])

            event.listen(engine, "before_cursor_execute", count)
            assert (await shopper.get(path)).status_code == 200
            event.remove(engine, "before_cursor_execute", count)
            counts[path.split("/")[3] or "home"] = len(statements)
        await app.state.events.flush()
    assert counts == {"home": 3, "products": 4}  # as tests/integration/test_query_counts.py
    assert kinds(await stored(session_maker)) == ["visit", "page_view", "page_view", "product_view"]


# ---- the steps and money facts, through the app as the test client serves it ----------------------


async def _paid_checkout(client, session_maker, stripe_sandbox, stripe_events):
    client.headers["user-agent"] = PHONE
    async with session_maker() as session:
        county = await make_county(session, "raohe", shipping_fee=0)
        [product] = await make_catalog(session, county, products=1)
        await session.commit()
        variant_id = await session.scalar(select(Variant.id).where(Variant.product_id == product.id))
    assert (await Shopper(client, "raohe").add(variant_id, 1)).status_code == 303
    session_id = session_id_of(
        await Shopper(client, "raohe").checkout(f"buyer-{uuid.uuid4().hex[:8]}@example.cn")
    )
    await press(stripe_sandbox, session_id)
    [completed] = stripe_events.wait_for("checkout.session.completed", object_id=session_id)
    return county, session_id, completed


async def _order(session_maker, session_id: str) -> Order:
    async with session_maker() as session:
        scope_to_all_counties(session)
        return await session.scalar(select(Order).where(Order.stripe_session_id == session_id))


async def test_a_paid_order_records_one_order_paid_even_when_the_webhook_comes_twice(
    client, session_maker, stripe_sandbox, stripe_events
):
    county, session_id, completed = await _paid_checkout(client, session_maker, stripe_sandbox, stripe_events)
    first, second = await asyncio.gather(deliver(client, completed), deliver(client, completed))
    assert {first.status_code, second.status_code} == {200}
    await deliver(client, completed)  # and once more, later
    order = await _order(session_maker, session_id)
    paid = await stored(session_maker, Event.kind == events.ORDER_PAID)
    assert [(row.order_id, row.amount, row.county_id, row.at) for row in paid] == [
        (order.id, order.total, county.id, order.paid_at)
    ]
    client.blocking_portal.call(client.app.state.events.flush)
    steps = await stored(session_maker, Event.kind.in_([events.ADD_TO_CART, events.CHECKOUT_STARTED]))
    assert [(row.kind, row.device, row.order_id) for row in steps] == [
        ("add_to_cart", "phone", None),
        ("checkout_started", "phone", order.id),
    ]
    assert steps[0].visitor == steps[1].visitor == client.cookies["vid"]


async def test_a_partial_then_a_full_refund_record_their_deltas_once(
    client, session_maker, settings, stripe_sandbox, stripe_events
):
    _, session_id, completed = await _paid_checkout(client, session_maker, stripe_sandbox, stripe_events)
    await deliver(client, completed)
    order = await _order(session_maker, session_id)
    refunds = PaymentGateway(settings).client.v1.refunds
    await refunds.create_async(params={"payment_intent": order.stripe_payment_intent, "amount": 1000})
    [partial] = stripe_events.wait_for("charge.refunded", payment_intent=order.stripe_payment_intent)
    await asyncio.gather(deliver(client, partial), deliver(client, partial))
    await refunds.create_async(params={"payment_intent": order.stripe_payment_intent})
    [_, full] = stripe_events.wait_for("charge.refunded", count=2, payment_intent=order.stripe_payment_intent)
    await deliver(client, full)
    await deliver(client, partial)  # an old delivery again, after the newer one
    rows = await stored(session_maker, Event.kind == events.ORDER_REFUNDED)
    assert [(row.order_id, row.amount) for row in rows] == [(order.id, 1000), (order.id, order.total - 1000)]


async def test_a_product_view_names_the_product_of_that_county_even_with_the_same_slug(
    settings, counties, session_maker
):
    raohe, _, raohe_slug = counties["raohe"]
    fuyuan = counties["fuyuan"][0]
    async with session_maker() as session:
        scope_to_county(session, fuyuan)
        twin = await session.scalar(select(Product).order_by(Product.id))
        twin.slug = raohe_slug  # the same slug in both counties
        await session.commit()
    app = create_app(settings)
    async with app.lifespan(), browser(app) as shopper:
        await shopper.get(f"/c/fuyuan/products/{raohe_slug}")
        await shopper.get(f"/c/raohe/products/{raohe_slug}")
        await app.state.events.flush()
    views = await stored(session_maker, Event.kind == events.PRODUCT_VIEW)
    assert [(row.county_id, row.product_id) for row in views] == [
        (fuyuan, twin.id),
        (raohe, counties["raohe"][1][0]),
    ]
