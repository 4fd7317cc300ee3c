"""The Stripe webhook: signed, once per event, in any order, never fulfilling a wrong amount."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import json
import time
import uuid

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from storefront.app import create_app
from storefront.catalog.models import Variant
from storefront.clock import BEIJING, beijing_date, utcnow
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.metrics.definitions import sales_of
from storefront.metrics.models import Event
from storefront.metrics.periods import Period
from storefront.metrics.rollups import missing_days, rebuild, refresh
from storefront.notifications.mail import Mailer
from storefront.orders.models import Order, OrderEvent, StripeEvent
from storefront.payments.events import PaymentEventService
from storefront.payments.gateway import PaymentEvent, PaymentGateway
from storefront.web import create_environment
from stripe_sandbox.webhooks import signature_header
from tests.support.admins import AdminBrowser, make_admin
from tests.support.factories import make_catalog, make_county
from tests.support.orders import paid_order
from tests.support.shopper import Shopper, order_number_of, session_id_of
from tests.support.stripe_flow import deliver, press


@pytest.fixture
async def raohe(session_maker):
    async with session_maker() as session:
        county = await make_county(session, "raohe", shipping_fee=0)
        await make_catalog(session, county, products=1)
        scope_to_county(session, county.id)
        variant = await session.scalar(select(Variant).order_by(Variant.id))
        await session.commit()
    return county, variant


def sign(payload: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Headers of a webhook delivery, signed as Stripe (and the sandbox) sign them."""
    return {
        "stripe-signature": signature_header(payload, secret, timestamp),
        "content-type": "application/json",
    }


def event_about(checkout: dict, event_type: str, **changes: object) -> str:
    """An event as Stripe would send it about ``checkout``, with ``changes`` to the session."""
    return json.dumps(
        {
            "id": f"evt_test_{uuid.uuid4().hex}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "api_version": "2026-10-28",
            "data": {"object": {**checkout, **changes}},
        }
    )


async def count(session_maker, model, *conditions) -> int:
    async with session_maker() as session:
        scope_to_all_counties(session)
        return await session.scalar(select(func.count()).select_from(model).where(*conditions))


async def order_for(session_maker, session_id: str) -> Order:
    async with session_maker() as session:
        scope_to_all_counties(session)
        return await session.scalar(select(Order).where(Order.stripe_session_id == session_id))


@pytest.fixture
async def paid_session(client, raohe, stripe_sandbox, stripe_events):
    """A checkout paid on the sandbox whose completed event has not reached the app yet."""
    _, variant = raohe
    shopper = Shopper(client, "raohe")
    await shopper.add(variant.id, 1)
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.cn"
    session_id = session_id_of(await shopper.checkout(email))
    returned = await press(stripe_sandbox, session_id)
    [completed] = stripe_events.wait_for("checkout.session.completed", object_id=session_id)
    return session_id, completed, returned.headers["location"], email


@pytest.mark.parametrize("case", ["missing", "wrong secret", "tampered", "too old"])
async def test_bad_signatures_get_400_and_write_nothing(
    client, paid_session, session_maker, stripe_events, case
):
    session_id, completed, _, _ = paid_session
    headers = {
        "missing": {"content-type": "application/json"},
        "wrong secret": sign(completed.body, "whsec_someone_else"),
        "tampered": {**completed.headers},
        "too old": sign(completed.body, stripe_events.secret, timestamp=int(time.time()) - 301),
    }[case]
    body = completed.body.replace('"paid"', '"unpaid"') if case == "tampered" else completed.body
    response = await client.post("/stripe/webhook", content=body, headers=headers)
    assert response.status_code == 400
    assert await count(session_maker, StripeEvent) == 0
    assert (await order_for(session_maker, session_id)).status == "pending_payment"


async def test_the_same_event_delivered_twice_at_once_pays_once_and_mails_once(
    client, paid_session, session_maker, mailbox
):
    session_id, completed, _, email = paid_session
    first, second = await asyncio.gather(deliver(client, completed), deliver(client, completed))
    assert {first.status_code, second.status_code} == {200}
    assert sorted([first.text, second.text]) == ["duplicate", "ok"]
    order = await order_for(session_maker, session_id)
    assert order.status == "paid"
    assert (
        await count(session_maker, OrderEvent, OrderEvent.order_id == order.id, OrderEvent.status == "paid")
        == 1
    )
    assert await count(session_maker, Order) == 1
    mailbox.wait_for(email)
    mailbox.settle()
    assert len(mailbox.to(email)) == 1


async def test_webhook_before_the_redirect_ends_paid_once(client, paid_session, session_maker):
    session_id, completed, return_url, _ = paid_session
    await deliver(client, completed)
    page = await client.get(return_url.replace("http://testserver.local", ""))
    assert "已收到付款" in page.text
    order = await order_for(session_maker, session_id)
    assert order.status == "paid"
    assert (
        await count(session_maker, OrderEvent, OrderEvent.order_id == order.id, OrderEvent.status == "paid")
        == 1
    )


async def test_redirect_before_the_webhook_ends_paid_once(client, paid_session, session_maker):
    session_id, completed, return_url, _ = paid_session
    waiting = await client.get(return_url.replace("http://testserver.local", ""))
    assert "正在确认您的付款" in waiting.text
    assert (await order_for(session_maker, session_id)).status == "pending_payment"  # the page never pays
    await deliver(client, completed)
    polled = await client.get(f"/c/raohe/checkout/complete?order={order_number_of(return_url)}")
    assert "已收到付款" in polled.text
    order = await order_for(session_maker, session_id)
    assert (
        await count(session_maker, OrderEvent, OrderEvent.order_id == order.id, OrderEvent.status == "paid")
        == 1
    )


async def test_expired_after_completed_leaves_the_order_paid(
    client, paid_session, session_maker, stripe_events, raohe
):
    county, variant = raohe
    session_id, completed, _, _ = paid_session
    await deliver(client, completed)
    late = event_about(completed.event["data"]["object"], "checkout.session.expired", status="expired")
    assert (
        await client.post("/stripe/webhook", content=late, headers=sign(late, stripe_events.secret))
    ).status_code == 200
    assert (await order_for(session_maker, session_id)).status == "paid"
    async with session_maker() as session:
        scope_to_county(session, county.id)
        assert await session.scalar(select(Variant.stock).where(Variant.id == variant.id)) == 19


@pytest.mark.parametrize("changes", [{"amount_total": 1}, {"currency": "usd"}])
async def test_a_payment_that_differs_from_the_order_is_flagged_not_fulfilled(
    client, paid_session, session_maker, stripe_events, mailbox, changes
):
    session_id, completed, _, email = paid_session
    odd = event_about(completed.event["data"]["object"], "checkout.session.completed", **changes)
    assert (
        await client.post("/stripe/webhook", content=odd, headers=sign(odd, stripe_events.secret))
    ).status_code == 200
    order = await order_for(session_maker, session_id)
    assert order.status == "pending_payment"
    assert order.payment_flag and "order total" in order.payment_flag
    mailbox.settle()
    assert mailbox.to(email) == []


async def test_partial_and_full_refunds_are_recorded(
    client, paid_session, session_maker, settings, stripe_events
):
    session_id, completed, _, _ = paid_session
    await deliver(client, completed)
    order = await order_for(session_maker, session_id)
    refunds = PaymentGateway(settings).client.v1.refunds
    await refunds.create_async(params={"payment_intent": order.stripe_payment_intent, "amount": 1000})
    [partial] = stripe_events.wait_for("charge.refunded", payment_intent=order.stripe_payment_intent)
    await deliver(client, partial)
    order = await order_for(session_maker, session_id)
    assert (order.amount_refunded, order.status) == (1000, "paid")
    await refunds.create_async(params={"payment_intent": order.stripe_payment_intent})
    [_, full] = stripe_events.wait_for("charge.refunded", count=2, payment_intent=order.stripe_payment_intent)
    await deliver(client, full)
    order = await order_for(session_maker, session_id)
    assert (order.amount_refunded, order.status) == (order.total, "refunded")


async def test_a_payment_after_cancel_takes_the_stock_again_all_or_nothing(
    client, raohe, session_maker, settings, stripe_events
):
    county, first = raohe
    async with session_maker() as session:
        scope_to_county(session, county.id)
        second = await session.scalar(select(Variant).where(Variant.id != first.id))
    shopper = Shopper(client, "raohe")
    await shopper.add(first.id, 1)
    await shopper.add(second.id, 1)
    session_id = session_id_of(await shopper.checkout(f"late-{uuid.uuid4().hex[:6]}@example.cn"))
    order = await order_for(session_maker, session_id)
    await shopper.post("/checkout/cancel", {"order": order.number})
    assert (await order_for(session_maker, session_id)).status == "cancelled"

    async def stock() -> tuple[int, int]:
        async with session_maker() as session:
            scope_to_county(session, county.id)
            return tuple(
                [
                    await session.scalar(select(Variant.stock).where(Variant.id == v.id))
                    for v in (first, second)
                ]
            )

    async def set_second_stock(value: int) -> None:
        async with session_maker() as session:
            scope_to_county(session, county.id)
            (await session.get(Variant, second.id)).stock = value
            await session.commit()

    checkout = (await PaymentGateway(settings).retrieve_checkout_session(session_id)).to_dict()
    paid_late = {"status": "complete", "payment_status": "paid", "payment_intent": "pi_late"}
    await set_second_stock(0)
    late = event_about(checkout, "checkout.session.completed", **paid_late)
    await client.post("/stripe/webhook", content=late, headers=sign(late, stripe_events.secret))
    order = await order_for(session_maker, session_id)
    assert order.status == "cancelled" and "stock is gone" in order.payment_flag
    assert await stock() == (20, 0)  # the first line was not taken on its own

    await set_second_stock(5)
    again = event_about(checkout, "checkout.session.completed", **paid_late)
    await client.post("/stripe/webhook", content=again, headers=sign(again, stripe_events.secret))
    assert (await order_for(session_maker, session_id)).status == "paid"
    assert await stock() == (19, 4)


async def test_a_refund_event_without_a_payment_intent_touches_no_order(
    client, paid_session, session_maker, stripe_events
):
    session_id, _, _, _ = paid_session
    odd = json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "object": "event",
            "type": "charge.refunded",
            "created": int(time.time()),
            "data": {
                "object": {"id": "ch_x", "object": "charge", "amount_refunded": 500, "payment_intent": None}
            },
        }
    )
    assert (
        await client.post("/stripe/webhook", content=odd, headers=sign(odd, stripe_events.secret))
    ).status_code == 200
    assert (await order_for(session_maker, session_id)).amount_refunded == 0


def without(event: dict, *path: str) -> dict:
    """A copy of ``event`` with the field at ``path`` (keys, outermost first) taken out."""
    copy = json.loads(json.dumps(event))
    *parents, last = path
    inner = copy
    for key in parents:
        inner = inner[key]
    del inner[last]
    return copy


MALFORMED = {
    "completed without data.object.id": lambda e: json.dumps(without(e, "data", "object", "id")),
    "refund without data": lambda e: json.dumps(without({**e, "type": "charge.refunded"}, "data")),
    "without type": lambda e: json.dumps(without(e, "type")),
    "without id": lambda e: json.dumps(without(e, "id")),
    "without created": lambda e: json.dumps(without(e, "created")),
    "created as text": lambda e: json.dumps({**e, "created": str(e["created"])}),
    "created in the year 9999": lambda e: json.dumps({**e, "created": 253402300799}),
    "created before Stripe existed": lambda e: json.dumps({**e, "created": 1}),
    "amount as text": lambda e: json.dumps(
        {**e, "data": {"object": {**e["data"]["object"], "amount_total": "100"}}}
    ),
    "refunded amount too large": lambda e: json.dumps(
        {
            **e,
            "type": "charge.refunded",
            "data": {"object": {"payment_intent": "pi_x", "amount_refunded": 2**40}},
        }
    ),
    "a list": lambda e: json.dumps([e]),
    "not json": lambda e: "{" + json.dumps(e),
}


@pytest.mark.parametrize("case", MALFORMED)
async def test_a_signed_but_malformed_event_gets_400_and_writes_nothing(
    client, paid_session, session_maker, stripe_events, caplog, case
):
    session_id, completed, _, _ = paid_session
    body = MALFORMED[case](completed.event)
    response = await client.post("/stripe/webhook", content=body, headers=sign(body, stripe_events.secret))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("malformed event: ")
    assert "refused a signed webhook event" in caplog.text
    assert await count(session_maker, StripeEvent) == 0
    assert (await order_for(session_maker, session_id)).status == "pending_payment"
    assert (await deliver(client, completed)).text == "ok"  # the real event still applies
    assert (await order_for(session_maker, session_id)).status == "paid"


async def test_refunds_delivered_at_once_and_out_of_order_never_lower_the_refunded_amount(
    settings, session_maker, raohe
):
    county, _ = raohe
    async with session_maker() as session:
        scope_to_county(session, county.id)
        order = paid_order(county.id, "refund@example.cn", datetime.datetime.now(datetime.UTC))
        order.stripe_payment_intent = "pi_refunds"
        session.add(order)
        await session.commit()
    gateway = PaymentGateway(settings)

    async def deliver_refund(amount: int, event_id: str) -> None:
        event = PaymentEvent(
            id=event_id,
            type="charge.refunded",
            object={"payment_intent": "pi_refunds", "amount_refunded": amount},
            created=datetime.datetime.now(datetime.UTC),
        )
        async with session_maker() as session:
            await PaymentEventService(session, gateway, Mailer(settings, create_environment())).handle(event)

    for round_number in range(5):  # the full refund and a stale partial one, racing
        await asyncio.gather(
            deliver_refund(6800, f"evt_full_{round_number}"), deliver_refund(2000, f"evt_part_{round_number}")
        )
        async with session_maker() as session:
            scope_to_county(session, county.id)
            refunded = await session.scalar(select(Order).where(Order.id == order.id))
            assert (refunded.amount_refunded, refunded.status) == (6800, "refunded")
            actors = set(
                (await session.scalars(select(OrderEvent.actor).where(OrderEvent.order_id == order.id))).all()
            )
            assert actors == {"stripe"}


async def test_paying_with_alipay_on_the_sandbox_records_alipay_on_the_order(
    settings, raohe, session_maker, stripe_sandbox, stripe_events
):
    _, variant = raohe
    every_method = dataclasses.replace(settings, stripe_payment_methods=("card", "alipay", "wechat_pay"))
    await make_admin(session_maker, "raohe-admin@example.cn", county="raohe")
    async with AsyncTestClient(app=create_app(every_method), base_url="http://testserver.local") as client:
        shopper = Shopper(client, "raohe")
        await shopper.add(variant.id, 1)
        session_id = session_id_of(await shopper.checkout("alipay-buyer@example.cn"))
        assert (await press(stripe_sandbox, session_id, payment_method="alipay")).status_code == 303
        [completed] = stripe_events.wait_for("checkout.session.completed", object_id=session_id)
        assert (await deliver(client, completed)).text == "ok"

        order = await order_for(session_maker, session_id)
        assert (order.status, order.payment_method) == ("paid", "alipay")
        await AdminBrowser(client).log_in("raohe-admin@example.cn")
        page = await client.get(f"/admin/orders/{order.number}?lang=en")
        assert "Payment method: <strong>Alipay</strong>" in page.text


async def test_a_payment_whose_method_stripe_cannot_tell_is_paid_with_the_method_unknown(
    client, paid_session, session_maker, stripe_events
):
    session_id, completed, _, _ = paid_session
    event = completed.event
    event["data"]["object"]["payment_intent"] = "pi_stripe_does_not_know"
    body = json.dumps(event)

    response = await client.post("/stripe/webhook", content=body, headers=sign(body, stripe_events.secret))

    assert response.text == "ok"
    order = await order_for(session_maker, session_id)
    assert (order.status, order.payment_method) == ("paid", None)


async def test_a_payment_and_a_refund_delivered_after_midnight_count_on_the_day_stripe_made_them(
    client, paid_session, session_maker, stripe_events
):
    """Events Stripe made at 23:59:59 Beijing time yesterday, delivered (retried) today."""
    session_id, completed, _, _ = paid_session
    midnight = datetime.datetime.combine(beijing_date(utcnow()), datetime.time(), BEIJING)
    before_midnight = midnight - datetime.timedelta(seconds=1)
    yesterday = Period(beijing_date(before_midnight), beijing_date(before_midnight))
    paid_event = {**completed.event, "created": int(before_midnight.timestamp())}
    body = json.dumps(paid_event)
    assert (
        await client.post("/stripe/webhook", content=body, headers=sign(body, stripe_events.secret))
    ).text == "ok"
    order = await order_for(session_maker, session_id)
    refund_event = event_about(
        {"id": "ch_late", "object": "charge", "payment_intent": order.stripe_payment_intent},
        "charge.refunded",
        amount_refunded=1000,
    )
    refund_event = json.dumps({**json.loads(refund_event), "created": int(before_midnight.timestamp())})
    assert (
        await client.post(
            "/stripe/webhook", content=refund_event, headers=sign(refund_event, stripe_events.secret)
        )
    ).text == "ok"

    async with session_maker() as session:
        scope_to_county(session, order.county_id)
        facts = (await session.execute(select(Event.kind, Event.at).where(Event.order_id == order.id))).all()
        assert sorted(kind for kind, _at in facts) == ["order_paid", "order_refunded"]
        assert {at for _kind, at in facts} == {before_midnight}
        assert (await session.get(Order, order.id)).paid_at == before_midnight
        assert await sales_of(session, yesterday, rollups=False) == order.total - 1000
        assert await sales_of(session, Period(midnight.date(), midnight.date()), rollups=False) == 0


async def test_a_payment_delivered_after_its_day_was_rolled_up_still_counts_on_the_dashboard(
    client, paid_session, session_maker, stripe_events
):
    """Stripe retries a webhook for days: the payment of two days ago reaches a day already rolled up."""
    session_id, completed, _, _ = paid_session
    made = utcnow() - datetime.timedelta(days=2)
    day = Period(beijing_date(made), beijing_date(made))
    order = await order_for(session_maker, session_id)
    async with session_maker() as session:
        await rebuild(session, order.county_id, day.first, day.last)
        await session.commit()
        scope_to_county(session, order.county_id)
        assert await sales_of(session, day) == 0  # the day is closed, without this payment
    body = json.dumps({**completed.event, "created": int(made.timestamp())})
    assert (
        await client.post("/stripe/webhook", content=body, headers=sign(body, stripe_events.secret))
    ).text == "ok"

    async with session_maker() as session:
        scope_to_county(session, order.county_id)
        assert await sales_of(session, day) == order.total  # read raw until built again
        await refresh(session)
        scope_to_county(session, order.county_id)
        assert await missing_days(session, order.county_id, day) == []  # built again, with it
        assert await sales_of(session, day) == order.total
