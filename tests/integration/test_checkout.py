"""Checkout end to end against the Stripe sandbox: holds, payment, cancel, expiry, contention."""

from __future__ import annotations

import asyncio
import datetime
import re
import uuid
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import event, func, select

from storefront.app import create_app
from storefront.cart.service import CartService
from storefront.catalog.models import Variant
from storefront.checkout import service as checkout_service
from storefront.checkout.forms import CheckoutForm
from storefront.checkout.service import CheckoutService, OutOfStockError
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.forms import read_form
from storefront.notifications.confirmations import send_missed_confirmations
from storefront.notifications.mail import Mailer
from storefront.orders.models import Order, OrderEvent
from storefront.payments.gateway import PaymentGateway
from storefront.payments.reconcile import release_expired
from storefront.web import create_environment
from tests.support.factories import make_catalog, make_county
from tests.support.postgres import free_port
from tests.support.shopper import ADDRESS, Shopper, order_number_of, session_id_of
from tests.support.stripe_flow import deliver, pay_and_deliver, press


@pytest.fixture
async def raohe(session_maker):
    async with session_maker() as session:
        county = await make_county(
            session, "raohe", name_zh="饶河县", shipping_fee=1000, free_shipping_threshold=None
        )
        await make_catalog(session, county, products=2)
        scope_to_county(session, county.id)
        variants = (await session.scalars(select(Variant).order_by(Variant.id))).all()
        await session.commit()
    return county, variants


def unique_email() -> str:
    return f"buyer-{uuid.uuid4().hex[:8]}@example.cn"


async def start_checkout(client, variant_id: int, quantity: int) -> str:
    """A new visitor puts ``quantity`` in the cart and presses "Pay with Stripe": the session id."""
    shopper = Shopper(client, "raohe")
    await shopper.add(variant_id, quantity)
    return session_id_of(await shopper.checkout(unique_email()))


async def stock_of(session_maker, county_id: int, variant_id: int) -> int:
    async with session_maker() as session:
        scope_to_county(session, county_id)
        return await session.scalar(select(Variant.stock).where(Variant.id == variant_id))


async def order_by_number(session_maker, number: str) -> Order:
    async with session_maker() as session:
        scope_to_all_counties(session)
        return await session.scalar(select(Order).where(Order.number == number))


async def paid_events(session_maker, order: Order) -> int:
    async with session_maker() as session:
        scope_to_county(session, order.county_id)
        return await session.scalar(
            select(func.count())
            .select_from(OrderEvent)
            .where(OrderEvent.order_id == order.id, OrderEvent.status == "paid")
        )


async def test_a_paid_checkout_holds_stock_pays_and_sends_one_email(
    settings, client, raohe, session_maker, stripe_sandbox, stripe_events, mailbox
):
    county, variants = raohe
    jar, small = variants[0], variants[1]
    shopper = Shopper(client, "raohe")
    await shopper.add(jar.id, 2)
    await shopper.add(small.id, 1)
    email = unique_email()
    redirect = await shopper.checkout(email)
    session_id = session_id_of(redirect)
    assert redirect.headers["location"].startswith(stripe_sandbox)
    assert await stock_of(session_maker, county.id, jar.id) == 18  # held at checkout
    checkout = await PaymentGateway(settings).retrieve_checkout_session(session_id)
    assert checkout.amount_total == 2 * 6800 + 3880 + 1000
    assert checkout.currency == "cny"

    completed = await pay_and_deliver(client, stripe_sandbox, stripe_events, session_id)
    number = completed.event["data"]["object"]["client_reference_id"]
    order = await order_by_number(session_maker, number)
    assert order.status == "paid" and order.total == 2 * 6800 + 3880 + 1000
    assert order.province == "黑龙江省" and order.city == "哈尔滨市" and order.district == "道里区"
    [message] = mailbox.wait_for(email)
    assert number in message["Subject"] and "已付款" in message["Subject"]
    assert "¥184.80" in message.get_content()
    assert await stock_of(session_maker, county.id, jar.id) == 18  # paid: the hold became the sale

    page = await client.get(f"/c/raohe/checkout/complete?order={number}")
    assert "已收到付款" in page.text and number in page.text
    assert "购物车是空的" in (await client.get("/c/raohe/cart")).text


async def test_the_return_page_waits_for_the_webhook_then_shows_the_order(
    client, raohe, stripe_sandbox, stripe_events
):
    _, variants = raohe
    session_id = await start_checkout(client, variants[0].id, 1)
    returned = await press(stripe_sandbox, session_id)
    return_url = returned.headers["location"]
    number = order_number_of(return_url)
    waiting = await client.get(return_url.replace("http://testserver.local", ""))
    assert "正在确认您的付款" in waiting.text and 'hx-trigger="every 2s"' in waiting.text
    assert "HX-Request" in waiting.headers["vary"]  # Back to it never shows a poll's answer
    [completed] = stripe_events.wait_for("checkout.session.completed", object_id=session_id)
    await deliver(client, completed)
    polled = await client.get(f"/c/raohe/checkout/complete?order={number}", headers={"HX-Request": "true"})
    assert "<html" not in polled.text and "已收到付款" in polled.text and "every 2s" not in polled.text
    assert "HX-Request" in polled.headers["vary"]
    assert (
        'id="cart-count"' in polled.text and 'hx-swap-oob="true"' in polled.text
    )  # the header's cart empties


async def test_cancel_gives_the_stock_back_and_keeps_the_cart(
    client, raohe, session_maker, stripe_sandbox, stripe_events
):
    county, variants = raohe
    session_id = await start_checkout(client, variants[0].id, 3)
    assert await stock_of(session_maker, county.id, variants[0].id) == 17
    cancelled = await press(stripe_sandbox, session_id, "cancel")
    back = await client.get(cancelled.headers["location"].replace("http://testserver.local", ""))
    assert "未完成付款" in back.text and "取消订单" in back.text  # a choice, nothing cancelled by a link
    assert await stock_of(session_maker, county.id, variants[0].id) == 17
    number = order_number_of(cancelled.headers["location"])
    cart = await Shopper(client, "raohe").post("/checkout/cancel", {"order": number})
    assert cart.headers["location"] == "/c/raohe/cart?cancelled=1"
    back = await client.get(cart.headers["location"])
    assert "付款已取消" in back.text and 'value="3"' in back.text
    assert await stock_of(session_maker, county.id, variants[0].id) == 20
    [expired] = stripe_events.wait_for("checkout.session.expired", object_id=session_id)
    assert (await deliver(client, expired)).status_code == 200
    assert await stock_of(session_maker, county.id, variants[0].id) == 20  # released once only


async def test_an_expired_session_gives_the_stock_back(
    client, raohe, session_maker, stripe_sandbox, stripe_events
):
    county, variants = raohe
    session_id = await start_checkout(client, variants[0].id, 4)
    async with httpx.AsyncClient(base_url=stripe_sandbox) as sandbox:
        assert (await sandbox.post(f"/sandbox/sessions/{session_id}/lapse")).status_code == 200
    [expired] = stripe_events.wait_for("checkout.session.expired", object_id=session_id)
    await deliver(client, expired)
    assert await stock_of(session_maker, county.id, variants[0].id) == 20
    order = await order_by_number(session_maker, expired.event["data"]["object"]["client_reference_id"])
    assert order.status == "expired"


async def test_the_sweeper_releases_holds_whose_expiry_event_never_came(
    settings, client, raohe, session_maker, stripe_sandbox
):
    county, variants = raohe
    session_id = await start_checkout(client, variants[0].id, 5)
    assert await stock_of(session_maker, county.id, variants[0].id) == 15
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=31)
    async with session_maker() as session:
        settled = await release_expired(session, PaymentGateway(settings), client.app.state.mailer, now=later)
    assert len(settled) == 1
    assert await stock_of(session_maker, county.id, variants[0].id) == 20
    assert (await order_by_number(session_maker, settled[0])).status == "expired"
    checkout = await PaymentGateway(settings).retrieve_checkout_session(session_id)
    assert checkout.status == "expired"  # it can no longer be paid


async def test_the_sweeper_fulfils_a_paid_session_whose_event_was_lost(
    settings, client, raohe, session_maker, stripe_sandbox, mailbox
):
    county, variants = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variants[0].id, 1)
    email = unique_email()
    session_id = session_id_of(await shopper.checkout(email))
    await press(stripe_sandbox, session_id)  # paid, but the webhook is never passed on
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=31)
    async with session_maker() as session:
        [number] = await release_expired(
            session, PaymentGateway(settings), client.app.state.mailer, now=later
        )
    assert (await order_by_number(session_maker, number)).status == "paid"
    assert await stock_of(session_maker, county.id, variants[0].id) == 19
    assert len(mailbox.wait_for(email)) == 1


async def test_checkout_errors_show_next_to_their_fields_and_keep_what_was_typed(
    client, raohe, session_maker
):
    county, variants = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variants[0].id, 1)
    response = await shopper.checkout(
        "not-an-email", mobile="12345", city="4401", recipient="李四", note="放门口"
    )
    assert response.status_code == 400
    html = response.text
    assert 'id="email-error"' in html and "电子邮箱格式不正确" in html
    assert 'id="mobile-error"' in html and "11 位数字" in html
    assert 'id="district-error"' in html
    assert 'value="not-an-email"' in html and 'value="李四"' in html and "放门口" in html  # NUL dropped
    assert '<option value="23" selected>' in html
    assert await stock_of(session_maker, county.id, variants[0].id) == 20
    async with session_maker() as session:
        scope_to_county(session, county.id)
        assert await session.scalar(select(func.count()).select_from(Order)) == 0


async def test_linked_choices_offer_the_cities_of_a_province(client, raohe):
    response = await client.get("/c/raohe/checkout/divisions", params={"level": "city", "province": "23"})
    assert '<option value="2301">哈尔滨市</option>' in response.text
    districts = await client.get("/c/raohe/checkout/divisions", params={"level": "district", "city": "2301"})
    assert "道里区" in districts.text and "哈尔滨市" not in districts.text


async def test_prices_totals_and_counties_sent_by_the_client_are_ignored(
    settings, client, raohe, session_maker, stripe_sandbox
):
    county, variants = raohe
    shopper = Shopper(client, "raohe")
    await shopper.post(
        "/cart/items", {"variant_id": variants[0].id, "quantity": 1, "price": "1", "county": "guzhang"}
    )
    redirect = await shopper.checkout(
        unique_email(), total="1", subtotal="1", price="1", shipping_fee="0", county="guzhang", currency="usd"
    )
    session_id = session_id_of(redirect)
    checkout = await PaymentGateway(settings).retrieve_checkout_session(session_id)
    assert checkout.amount_total == 6800 + 1000 and checkout.currency == "cny"
    assert checkout.metadata["county"] == "raohe"
    async with session_maker() as session:
        scope_to_county(session, county.id)
        order = await session.scalar(select(Order))
    assert (order.subtotal, order.shipping_fee, order.total, order.currency) == (6800, 1000, 7800, "CNY")


async def test_two_hundred_concurrent_checkouts_for_ten_in_stock_hold_exactly_ten(
    client, session_maker, settings
):
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        await make_catalog(session, county, products=1)
        scope_to_county(session, county.id)
        variant = await session.scalar(select(Variant).order_by(Variant.id))
        variant.stock = 10
        await session.commit()
    form = read_form(CheckoutForm, {"email": "crowd@example.cn", **ADDRESS}).data
    gateway = PaymentGateway(settings)

    async def attempt() -> bool:
        async with session_maker() as session:
            scope_to_county(session, county.id)
            cart = CartService(session, {"carts": {str(county.id): {str(variant.id): 1}}}, county)
            try:
                await CheckoutService(session, county, gateway).start(
                    await cart.view(),
                    form.shipping_address,
                    email=form.email,
                    visitor=uuid.uuid4().hex,  # 200 different shoppers
                    language="zh",
                    shop_url="http://testserver.local/c/raohe",
                )
            except OutOfStockError:
                return False
            return True

    outcomes = await asyncio.gather(*(attempt() for _ in range(200)))
    assert outcomes.count(True) == 10
    assert await stock_of(session_maker, county.id, variant.id) == 0
    async with session_maker() as session:
        scope_to_county(session, county.id)
        assert await session.scalar(select(func.count()).select_from(Order)) == 10


async def test_a_checkout_takes_the_stock_by_its_last_statement_before_committing(client, raohe):
    """The variant's row stays locked from the stock UPDATE to the COMMIT, not over the order's
    INSERTs: in a spike, the checkouts of one variant queue on each other as briefly as they can."""
    _, variants = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variants[0].id, 1)
    sent: list[str] = []
    engine = client.app.state.db_config.get_engine().sync_engine

    def statement(_conn, _cursor, sql: str, *_args) -> None:
        sent.append(" ".join(sql.split()[:3]))

    def commit(_conn) -> None:
        sent.append("COMMIT")

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        assert (await shopper.checkout(unique_email())).status_code == 303
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
    hold = sent.index("UPDATE variants SET")
    began = max(i for i, done in enumerate(sent[:hold]) if done == "COMMIT") + 1
    assert "INSERT INTO orders" in sent[began:hold]  # the order is written before the stock is taken
    assert sent[hold + 1] == "COMMIT"


async def test_cancelling_a_session_that_was_just_paid_keeps_the_order(
    client, raohe, session_maker, stripe_sandbox, stripe_events
):
    county, variants = raohe
    session_id = await start_checkout(client, variants[0].id, 2)
    paid = await press(stripe_sandbox, session_id)  # paid in one tab...
    number = order_number_of(paid.headers["location"])
    cancelled = await Shopper(client, "raohe").post("/checkout/cancel", {"order": number})  # ...and cancel
    assert (
        cancelled.headers["location"] == f"/c/raohe/checkout/complete?order={number}"
    )  # not "nothing charged"
    assert (await order_by_number(session_maker, number)).status == "pending_payment"
    assert await stock_of(session_maker, county.id, variants[0].id) == 18
    [completed] = stripe_events.wait_for("checkout.session.completed", object_id=session_id)
    await deliver(client, completed)
    assert (await order_by_number(session_maker, number)).status == "paid"


async def test_a_creators_referral_link_is_attributed_to_the_order(client, raohe, session_maker):
    county, variants = raohe
    await client.get("/c/raohe/?ref=<script>")  # not a code: ignored
    await client.get("/c/raohe/?ref=laowang-video")
    await client.get("/c/raohe/?ref=<script>")
    shopper = Shopper(client, "raohe")
    await shopper.add(variants[0].id, 1)
    session_id_of(await shopper.checkout(unique_email()))
    async with session_maker() as session:
        scope_to_county(session, county.id)
        assert await session.scalar(select(Order.referral_code)) == "laowang-video"


async def test_stock_that_ran_out_after_the_cart_is_a_clear_409_keeping_the_form(
    client, raohe, session_maker
):
    county, variants = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variants[0].id, 2)
    await shopper.add(variants[1].id, 1)
    async with session_maker() as session:  # someone else bought most of it meanwhile
        scope_to_county(session, county.id)
        (await session.get(Variant, variants[1].id)).stock = 0
        await session.commit()
    response = await shopper.checkout("late@example.cn", recipient="赵六")
    assert response.status_code == 409
    assert "刚刚售罄或库存不足" in response.text
    assert 'value="late@example.cn"' in response.text and 'value="赵六"' in response.text
    assert await stock_of(session_maker, county.id, variants[0].id) == 20  # nothing stays taken
    async with session_maker() as session:
        scope_to_county(session, county.id)
        assert await session.scalar(select(func.count()).select_from(Order)) == 0


async def test_stripe_shows_the_lines_in_the_shoppers_language(client, raohe, settings):
    _, variants = raohe
    await client.get("/c/raohe/?lang=en")
    session_id = await start_checkout(client, variants[0].id, 1)
    items = await PaymentGateway(settings).client.v1.checkout.sessions.line_items.list_async(session_id)
    names = [item.description for item in items.data]
    assert names[0].startswith("Linden honey no.") and names[0].endswith("500 g jar")
    assert names[1] == "Shipping"


async def test_cancel_is_a_post_and_only_for_the_visitors_own_order(client, raohe, session_maker):
    county, variants = raohe
    session_id_of_first = await start_checkout(client, variants[0].id, 2)
    async with session_maker() as session:
        scope_to_county(session, county.id)
        number = await session.scalar(
            select(Order.number).where(Order.stripe_session_id == session_id_of_first)
        )
    assert (await client.get(f"/c/raohe/checkout/cancel?order={number}")).status_code == 200
    assert await stock_of(session_maker, county.id, variants[0].id) == 18  # a GET changes nothing
    client.cookies.clear()  # another visitor, who knows the order number
    refused = await Shopper(client, "raohe").post("/checkout/cancel", {"order": number})
    assert refused.status_code == 404
    assert await stock_of(session_maker, county.id, variants[0].id) == 18


async def test_a_cancel_racing_the_expiry_event_still_says_nothing_was_charged(
    client, raohe, session_maker, stripe_sandbox, stripe_events
):
    county, variants = raohe
    session_id = await start_checkout(client, variants[0].id, 1)
    cancelled = await press(stripe_sandbox, session_id, "cancel")
    number = order_number_of(cancelled.headers["location"])
    gateway_expired = await PaymentGateway(client.app.state.settings).close_checkout_session(session_id)
    assert gateway_expired.status == "expired"
    [expired] = stripe_events.wait_for("checkout.session.expired", object_id=session_id)
    await deliver(client, expired)  # the expiry event arrives before the shopper's press
    response = await Shopper(client, "raohe").post("/checkout/cancel", {"order": number})
    assert response.headers["location"] == "/c/raohe/cart?cancelled=1"
    assert await stock_of(session_maker, county.id, variants[0].id) == 20


async def test_presses_of_pay_at_the_same_instant_hold_the_stock_once(settings, raohe, session_maker):
    county, variants = raohe
    app = create_app(settings)
    gateway = app.state.payments
    create = gateway.create_checkout_session

    async def create_as_slowly_as_stripe(*args, **kwargs):
        """Stripe takes about a second to open a page; the local sandbox a few milliseconds, which
        a loaded machine can take between two of the presses below, so they would not overlap."""
        await asyncio.sleep(1)
        return await create(*args, **kwargs)

    gateway.create_checkout_session = create_as_slowly_as_stripe
    transport = httpx.ASGITransport(app=app)  # on the test's event loop: the presses really overlap
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as browser,
    ):
        shopper = Shopper(browser, "raohe")
        await shopper.add(variants[0].id, 1)
        presses = await asyncio.gather(*(shopper.checkout(unique_email()) for _ in range(5)))
    assert {response.status_code for response in presses} == {303}
    assert len({response.headers["location"] for response in presses}) == 1  # all on one payment page
    assert await stock_of(session_maker, county.id, variants[0].id) == 19
    async with session_maker() as session:
        scope_to_county(session, county.id)
        assert await session.scalar(select(func.count()).select_from(Order)) == 1


async def test_a_press_whose_payment_page_came_too_late_leaves_nothing_payable_or_held(
    settings, raohe, session_maker, monkeypatch
):
    """Stripe is slow for the first press; the second press, past the wait, cancels that order and
    opens its own. The first press's page, when it comes, is closed, and both land on the second's."""
    county, variants = raohe
    monkeypatch.setattr(checkout_service, "OPENING_WAIT", datetime.timedelta(seconds=0.05))
    gateway = PaymentGateway(settings)
    create = gateway.create_checkout_session
    first_order_stored, second_press_done = asyncio.Event(), asyncio.Event()

    async def create_after_the_second_press(*args, **kwargs):
        if not first_order_stored.is_set():  # the first press: Stripe answers only after the second
            first_order_stored.set()
            await second_press_done.wait()
        return await create(*args, **kwargs)

    gateway.create_checkout_session = create_after_the_second_press
    form = read_form(CheckoutForm, {"email": "slow@example.cn", **ADDRESS}).data

    async def press() -> Order:
        async with session_maker() as session:
            scope_to_county(session, county.id)
            cart = CartService(session, {"carts": {str(county.id): {str(variants[0].id): 1}}}, county)
            return await CheckoutService(session, county, gateway).start(
                await cart.view(),
                form.shipping_address,
                email=form.email,
                visitor="one-visitor",
                language="zh",
                shop_url="http://testserver.local/c/raohe",
            )

    async def second_press() -> Order:
        await first_order_stored.wait()
        await asyncio.sleep(0.1)  # past the wait for a page being opened
        try:
            return await press()
        finally:
            second_press_done.set()

    first, second = await asyncio.gather(press(), second_press())
    assert first.number == second.number
    assert await stock_of(session_maker, county.id, variants[0].id) == 19
    async with session_maker() as session:
        scope_to_county(session, county.id)
        orders = (await session.scalars(select(Order).order_by(Order.id))).all()
    assert [order.status for order in orders] == ["cancelled", "pending_payment"]
    assert (await gateway.retrieve_checkout_session(orders[0].stripe_session_id)).status == "expired"


async def test_the_cart_loses_exactly_what_was_paid_for_even_if_the_tab_was_closed(
    client, raohe, session_maker, stripe_sandbox, stripe_events
):
    _, variants = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variants[0].id, 2)
    session_id = session_id_of(await shopper.checkout(unique_email()))
    await shopper.add(variants[0].id, 1)  # added in another tab while paying
    await shopper.add(variants[1].id, 1)
    paid = await press(stripe_sandbox, session_id)
    [completed] = stripe_events.wait_for("checkout.session.completed", object_id=session_id)
    await deliver(client, completed)  # paid; the shopper closed the tab and never saw the return page
    cart = await client.get("/c/raohe/cart")
    quantities = re.findall(r'name="quantity"[^>]*value="(\d+)"', cart.text)
    assert quantities == ["1", "1"]  # the later additions stay, the two paid jars are gone
    await client.get(paid.headers["location"].replace("http://testserver.local", ""))  # an old return page
    assert re.findall(r'name="quantity"[^>]*value="(\d+)"', (await client.get("/c/raohe/cart")).text) == [
        "1",
        "1",
    ]


async def test_a_session_saved_by_an_overlapping_request_loses_the_paid_lines_again_not_twice(
    client, raohe, session_maker, stripe_sandbox, stripe_events
):
    """Sessions are saved by the last request to finish: a request that began before the payment
    may save the cart as it was. The next request then takes the paid lines out again, once."""
    county, variants = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variants[0].id, 3)
    session_id = session_id_of(await shopper.checkout(unique_email()))
    await press(stripe_sandbox, session_id)
    [completed] = stripe_events.wait_for("checkout.session.completed", object_id=session_id)
    await deliver(client, completed)
    async with session_maker() as session:
        scope_to_county(session, county.id)
        visitor = await session.scalar(select(Order.visitor_key))
        before_payment = {"carts": {str(county.id): {str(variants[0].id): 5}}}  # 3 paid + 2 added since
        for _ in range(2):  # the overlapping request's copy, saved last, then a later request
            cart = CartService(session, before_payment, county)
            await cart.take_out_paid(visitor)
            assert cart.quantities() == {variants[0].id: 2}
            await cart.take_out_paid(visitor)
            assert cart.quantities() == {variants[0].id: 2}  # and never twice
            before_payment = {"carts": {str(county.id): {str(variants[0].id): 5}}}


async def test_paying_twice_holds_the_stock_once(client, raohe, session_maker, settings):
    county, variants = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variants[0].id, 3)
    first = session_id_of(await shopper.checkout(unique_email()))
    second = session_id_of(await shopper.checkout(unique_email()))  # Back button, "Pay with Stripe" again
    assert first != second
    assert await stock_of(session_maker, county.id, variants[0].id) == 17
    gateway = PaymentGateway(settings)
    assert (
        await gateway.retrieve_checkout_session(first)
    ).status == "expired"  # the first can no longer be paid
    assert (await gateway.retrieve_checkout_session(second)).status == "open"


async def test_a_confirmation_that_could_not_be_sent_is_sent_later_once(
    client, raohe, session_maker, settings, mailbox
):
    _, variants = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variants[0].id, 1)
    email = unique_email()
    session_id = session_id_of(await shopper.checkout(email))
    await press(settings.stripe_api_base, session_id)
    smtp_down = Mailer(replace(settings, smtp_url=f"smtp://127.0.0.1:{free_port()}"), create_environment())
    gateway = PaymentGateway(settings)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=31)
    async with session_maker() as session:  # the payment is settled while the mail server is down
        [number] = await release_expired(session, gateway, smtp_down, now=later)
    assert (await order_by_number(session_maker, number)).status == "paid"
    mailbox.settle()
    assert mailbox.to(email) == []
    working = Mailer(settings, create_environment())
    for _ in range(2):  # the next sweeps: sent once, then nothing more to send
        async with session_maker() as session:
            await send_missed_confirmations(session, working, now=later + datetime.timedelta(minutes=5))
    assert len(mailbox.wait_for(email)) == 1
    mailbox.settle()
    assert len(mailbox.to(email)) == 1


async def test_without_javascript_the_linked_choices_are_filled_by_a_refresh(client, raohe):
    _, variants = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variants[0].id, 1)
    refreshed = await shopper.post("/checkout", {"email": "x@example.cn", "province": "43", "refresh": "1"})
    assert refreshed.status_code == 200
    assert '<option value="4331">湘西土家族苗族自治州</option>' in refreshed.text
    assert 'value="x@example.cn"' in refreshed.text
    assert "field-error" not in refreshed.text


async def test_buy_now_without_javascript_pays_for_that_item_alone_and_leaves_the_cart(
    settings, client, raohe, session_maker, stripe_sandbox, stripe_events
):
    county, variants = raohe
    jar, small = variants[0], variants[1]
    shopper = Shopper(client, "raohe")
    await shopper.add(small.id, 2)  # already in the cart, not part of "Buy now"
    bought = await shopper.post("/cart/buy-now", {"variant_id": jar.id, "quantity": "3"})
    assert bought.status_code == 303
    checkout_url = bought.headers["location"]
    assert checkout_url == f"/c/raohe/checkout?variant_id={jar.id}&quantity=3"
    page = await client.get(checkout_url)
    assert page.status_code == 200
    assert f'name="variant_id" value="{jar.id}"' in page.text and "本次只购买这件商品" in page.text
    assert "¥204.00" in page.text and "¥214.00" in page.text  # 3 x ¥68.00, plus ¥10.00 shipping
    assert "¥77.60" not in page.text  # the cart's own line is not in this order

    redirect = await shopper.checkout(unique_email(), variant_id=jar.id, quantity=3)
    session_id = session_id_of(redirect)
    checkout = await PaymentGateway(settings).retrieve_checkout_session(session_id)
    assert checkout.amount_total == 3 * 6800 + 1000
    assert await stock_of(session_maker, county.id, jar.id) == 17
    assert await stock_of(session_maker, county.id, small.id) == 20
    await pay_and_deliver(client, stripe_sandbox, stripe_events, session_id)
    cart = (await client.get("/c/raohe/cart")).text
    assert cart.count('class="cart-line"') == 1 and 'value="2"' in cart  # the cart is as it was


async def test_buy_now_of_a_sold_out_size_or_too_many_says_why_and_starts_nothing(
    client, raohe, session_maker
):
    county, variants = raohe
    shopper = Shopper(client, "raohe")
    too_many = await shopper.post("/cart/buy-now", {"variant_id": variants[0].id, "quantity": "21"})
    assert too_many.status_code == 400 and "仅剩 20 件" in too_many.text
    htmx = await shopper.post(
        "/cart/buy-now", {"variant_id": variants[0].id, "quantity": "0"}, **{"HX-Request": "true"}
    )
    assert htmx.status_code == 422 and "至少为 1" in htmx.text and "<html" not in htmx.text
    asked = await shopper.post(
        "/cart/buy-now", {"variant_id": variants[0].id, "quantity": "2"}, **{"HX-Request": "true"}
    )
    assert asked.headers["HX-Redirect"] == f"/c/raohe/checkout?variant_id={variants[0].id}&quantity=2"
    typed = await client.get(f"/c/raohe/checkout?variant_id={variants[0].id}&quantity=500")
    assert typed.status_code == 400 and "仅剩 20 件" in typed.text
    async with session_maker() as session:
        scope_to_county(session, county.id)
        assert await session.scalar(select(func.count()).select_from(Order)) == 0


@pytest.mark.parametrize(
    "line", ["variant_id=abc&quantity=1", "variant_id={id}", "variant_id={id}&quantity=0",
             "variant_id={id}&quantity=x", "variant_id=12345678901234567890123&quantity=1"],
)  # fmt: skip
async def test_a_malformed_buy_now_line_is_refused_on_the_cart_page_not_a_500(client, raohe, line):
    _, variants = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variants[1].id, 1)
    query = line.format(id=variants[0].id)
    page = await client.get(f"/c/raohe/checkout?{query}")
    assert page.status_code == 400 and 'class="cart-line"' in page.text  # the cart, as it was, says why
    fields = dict(pair.split("=") for pair in query.split("&"))
    posted = await shopper.post("/checkout", {"email": "x@example.cn", **fields})
    assert posted.status_code == 400 and 'class="cart-line"' in posted.text


async def test_the_language_link_of_a_buy_now_checkout_keeps_its_line(client, raohe):
    _, variants = raohe
    page = await client.get(f"/c/raohe/checkout?variant_id={variants[0].id}&quantity=2")
    english = re.search(r'href="([^"]*lang=en[^"]*)"', page.text)[1].replace("&amp;", "&")
    assert f"variant_id={variants[0].id}" in english and "quantity=2" in english
    assert "Only this item is bought now" in (await client.get(english)).text


async def test_a_municipality_comes_with_its_one_city_chosen_and_its_districts(client, raohe):
    beijing = await client.get("/c/raohe/checkout/divisions", params={"level": "city", "province": "11"})
    assert '<option value="1101" selected>北京市</option>' in beijing.text
    assert "市辖区" not in beijing.text
    assert 'id="district" hx-swap-oob="innerHTML"' in beijing.text and "东城区" in beijing.text
    chongqing = await client.get("/c/raohe/checkout/divisions", params={"level": "district", "city": "5001"})
    assert "渝中区" in chongqing.text and "城口县" in chongqing.text  # districts and counties together
    _, variants = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variants[0].id, 1)
    refreshed = await shopper.post("/checkout", {"province": "50", "refresh": "1"})  # without JavaScript
    assert '<option value="5001" selected>重庆市</option>' in refreshed.text and "城口县" in refreshed.text


async def test_english_pages_name_divisions_in_pinyin_beside_the_chinese(client, raohe):
    await client.get("/c/raohe/cart?lang=en")
    cities = await client.get("/c/raohe/checkout/divisions", params={"level": "city", "province": "23"})
    assert '<option value="2301">哈尔滨市 Haerbin</option>' in cities.text
    districts = await client.get("/c/raohe/checkout/divisions", params={"level": "district", "city": "2301"})
    assert "道里区 Daoli District" in districts.text


async def test_a_new_visitor_who_buys_now_with_an_empty_cart_reaches_the_payment_page(client, raohe):
    _, variants = raohe
    shopper = Shopper(client, "raohe")
    bought = await shopper.post("/cart/buy-now", {"variant_id": variants[0].id, "quantity": "1"})
    assert bought.status_code == 303 and "session" not in client.cookies  # nothing kept yet
    redirect = await shopper.checkout(unique_email(), variant_id=variants[0].id, quantity=1)
    session_id_of(redirect)  # on to Stripe's page
    assert "session" in client.cookies
