"""Refunds through Stripe (the local sandbox) from an order's admin page: reserved before Stripe is
asked, once for a double press, never above what is left, released when Stripe refuses, recorded
once when ``charge.refunded`` arrives; the flagged payments queue and its resolution; the CSV
export; the shipping email. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import datetime
import io
import uuid
from dataclasses import replace

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from storefront.app import create_app
from storefront.db import scope_to_all_counties
from storefront.orders.models import Order, OrderEvent
from storefront.payments.gateway import PaymentGateway
from tests.integration.test_admin_orders import GUZHANG_ADMIN, NOW, RAOHE_ADMIN, order_in, signed_in
from tests.support.admins import AdminBrowser, make_admin
from tests.support.factories import make_catalog, make_county
from tests.support.postgres import free_port
from tests.support.shopper import Shopper, session_id_of
from tests.support.stripe_flow import deliver, pay_and_deliver


@pytest.fixture
async def counties(session_maker) -> dict[str, int]:
    async with session_maker() as session:
        made = {slug: await make_county(session, slug, shipping_fee=0) for slug in ("raohe", "guzhang")}
        await make_catalog(session, made["raohe"], products=1)
        await session.commit()
    await make_admin(session_maker, RAOHE_ADMIN, county="raohe")
    await make_admin(session_maker, GUZHANG_ADMIN, county="guzhang")
    return {slug: county.id for slug, county in made.items()}


async def _stored(session_maker, number: str) -> Order:
    async with session_maker() as session:
        scope_to_all_counties(session)
        return await session.scalar(select(Order).where(Order.number == number))


async def _history(session_maker, number: str) -> list[OrderEvent]:
    async with session_maker() as session:
        scope_to_all_counties(session)
        order = await session.scalar(select(Order).where(Order.number == number))
        return list(
            await session.scalars(
                select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
            )
        )


@pytest.fixture
async def paid(client, counties, session_maker, stripe_sandbox, stripe_events) -> Order:
    """An order of Raohe's paid on the sandbox (a real PaymentIntent and charge), its payment recorded."""
    async with session_maker() as session:
        scope_to_all_counties(session)
        from storefront.catalog.models import Variant

        variant = await session.scalar(
            select(Variant).where(Variant.county_id == counties["raohe"]).order_by(Variant.id)
        )
    shopper = Shopper(client, "raohe")
    await shopper.add(variant.id, 2)
    session_id = session_id_of(await shopper.checkout(f"buyer-{uuid.uuid4().hex[:8]}@example.cn"))
    await pay_and_deliver(client, stripe_sandbox, stripe_events, session_id)
    client.cookies.clear()
    async with session_maker() as session:
        scope_to_all_counties(session)
        order = await session.scalar(select(Order).where(Order.stripe_session_id == session_id))
    assert order.status == "paid" and order.stripe_payment_intent and order.total > 1000
    return order


async def _refunded_at_stripe(settings, payment_intent: str) -> int:
    """What the sandbox's charge says is refunded (what Stripe really paid back)."""
    client = PaymentGateway(settings).client.v1
    intent = await client.payment_intents.retrieve_async(payment_intent)
    charge = await client.charges.retrieve_async(intent.latest_charge)
    return charge.amount_refunded


def _refund_form(order: Order, amount: str, requested: int = 0, **extra: str) -> dict[str, str]:
    return {"amount": amount, "requested": str(requested), **extra}


async def test_a_partial_then_a_full_refund_are_recorded_once_when_stripe_confirms(
    client, paid, session_maker, settings, stripe_events
):
    admin = await signed_in(client, RAOHE_ADMIN)
    page = await client.get(f"/admin/orders/{paid.number}?lang=en")
    left = f"{paid.total / 100:.2f}"
    assert '<button type="submit">Refund</button>' in page.text
    assert f'name="amount" inputmode="decimal" required value="{left}"' in page.text  # what is left

    partial = await admin.post(
        f"/admin/orders/{paid.number}/refund",
        _refund_form(paid, "10", reason="one jar broken", amount_refunded="99999", status="refunded"),
    )
    assert partial.status_code == 303, partial.text
    waiting = await client.get(partial.headers["location"] + "&lang=en")
    assert "Stripe accepted the refund" in waiting.text
    stored = await _stored(session_maker, paid.number)
    assert (stored.refund_requested, stored.amount_refunded, stored.status) == (1000, 0, "paid")
    assert "¥10.00" in waiting.text.split("confirmation</dt>")[1][:40]  # requested, not yet confirmed

    [event] = stripe_events.wait_for("charge.refunded", payment_intent=paid.stripe_payment_intent)
    for _ in range(2):  # delivered twice: recorded once
        assert (await deliver(client, event)).status_code == 200
    stored = await _stored(session_maker, paid.number)
    assert (stored.refund_requested, stored.amount_refunded, stored.status) == (1000, 1000, "paid")
    notes = [entry.note for entry in await _history(session_maker, paid.number)]
    assert notes.count(f"refunded 1000 of {paid.total}") == 1
    assert any("one jar broken" in note for note in notes)
    history = await _history(session_maker, paid.number)
    requested = next(entry for entry in history if "requested" in entry.note)
    assert requested.actor.startswith("admin:")

    rest = paid.total - 1000
    full = await admin.post(
        f"/admin/orders/{paid.number}/refund", _refund_form(paid, f"{rest / 100:.2f}", requested=1000)
    )
    assert full.status_code == 303, full.text
    [_, last] = stripe_events.wait_for("charge.refunded", count=2, payment_intent=paid.stripe_payment_intent)
    await deliver(client, last)
    await deliver(client, event)  # a stale partial one, late: the refunded amount never shrinks
    stored = await _stored(session_maker, paid.number)
    assert (stored.amount_refunded, stored.status) == (paid.total, "refunded")
    assert await _refunded_at_stripe(client.app.state.settings, paid.stripe_payment_intent) == paid.total
    done = await client.get(f"/admin/orders/{paid.number}?lang=en")
    assert '<button type="submit">Refund</button>' not in done.text


async def test_two_presses_at_the_same_instant_refund_once(client, paid, session_maker, settings):
    admin = await signed_in(client, RAOHE_ADMIN)
    await admin.csrf_token()
    presses = await asyncio.gather(
        *(admin.post(f"/admin/orders/{paid.number}/refund", _refund_form(paid, "10")) for _ in range(2))
    )
    assert sorted(response.status_code for response in presses) == [303, 409]
    refused = next(response for response in presses if response.status_code == 409)
    assert "Nothing was refunded" in refused.text or "未退款" in refused.text
    stored = await _stored(session_maker, paid.number)
    assert stored.refund_requested == 1000
    assert await _refunded_at_stripe(settings, paid.stripe_payment_intent) == 1000


async def test_a_refund_above_what_is_left_is_refused_and_nothing_is_reserved(
    client, paid, session_maker, settings
):
    admin = await signed_in(client, RAOHE_ADMIN)
    too_much = f"{(paid.total + 1) / 100:.2f}"
    refused = await admin.post(
        f"/admin/orders/{paid.number}/refund?lang=en", _refund_form(paid, too_much, reason="keep me")
    )
    assert refused.status_code == 400
    left = f"¥{paid.total / 100:,.2f}"
    assert f"At most {left} is left to refund; nothing was refunded." in refused.text
    assert f'value="{too_much}"' in refused.text and 'value="keep me"' in refused.text
    for amount, message in (
        ("abc", "Please enter the amount in yuan"),
        ("-5", "A refund cannot be negative."),
        ("1.234", "Please enter the amount in yuan"),
        ("0", "A refund must be more than ¥0.00."),
    ):
        bad = await admin.post(f"/admin/orders/{paid.number}/refund?lang=en", _refund_form(paid, amount))
        assert bad.status_code == 400 and message in bad.text, amount
    stale = await admin.post(f"/admin/orders/{paid.number}/refund?lang=en", {"amount": "10"})
    assert stale.status_code == 400 and "This page is out of date" in stale.text
    no_token = await admin.post(f"/admin/orders/{paid.number}/refund", _refund_form(paid, "10"), token="x")
    assert no_token.status_code == 403
    stored = await _stored(session_maker, paid.number)
    assert (stored.refund_requested, stored.amount_refunded) == (0, 0)
    assert await _refunded_at_stripe(settings, paid.stripe_payment_intent) == 0


async def test_a_stripe_refusal_releases_the_reservation_and_says_why(client, counties, session_maker):
    unknown = await order_in(
        session_maker, counties["raohe"], "li@example.cn", stripe_payment_intent="pi_nobody_knows"
    )
    admin = await signed_in(client, RAOHE_ADMIN)
    refused = await admin.post(f"/admin/orders/{unknown.number}/refund?lang=en", _refund_form(unknown, "10"))
    assert refused.status_code == 502
    assert "Stripe refused the refund, so nothing was refunded or reserved:" in refused.text
    assert "pi_nobody_knows" in refused.text  # Stripe's own words
    stored = await _stored(session_maker, unknown.number)
    assert (stored.refund_requested, stored.amount_refunded, stored.status) == (0, 0, "paid")
    notes = [(entry.actor, entry.note) for entry in await _history(session_maker, unknown.number)]
    assert [note for _, note in notes if "released" in note] and all(a.startswith("admin:") for a, _ in notes)
    # Released: the whole amount may be asked for again.
    again = await client.get(f"/admin/orders/{unknown.number}?lang=en")
    assert 'value="68.00"' in again.text

    never_paid = await order_in(session_maker, counties["raohe"], "no@example.cn", status="cancelled")
    refused = await admin.post(
        f"/admin/orders/{never_paid.number}/refund?lang=en", _refund_form(never_paid, "1")
    )
    assert refused.status_code == 409 and "Only an order paid through Stripe" in refused.text
    assert (await _stored(session_maker, never_paid.number)).refund_requested == 0


async def test_another_countys_order_cannot_be_refunded_resolved_or_exported(
    client, paid, counties, session_maker, settings
):
    admin = await signed_in(client, GUZHANG_ADMIN)
    before = await _stored(session_maker, paid.number)
    async with session_maker() as session:
        scope_to_all_counties(session)
        stored = await session.scalar(select(Order).where(Order.number == paid.number))
        stored.payment_flag = "paid 1 CNY, order total 6800 CNY"
        await session.commit()
    for path, fields in (
        (f"/admin/orders/{paid.number}/refund", _refund_form(paid, "10")),
        (f"/admin/orders/{paid.number}/resolve", {"note": "settled", "back": "queue"}),
        (f"/admin/orders/{paid.number}/ship-email", {}),
    ):
        assert (await admin.post(path, fields)).status_code == 404, path
    exported = await client.get("/admin/orders/export", params={"q": paid.number})
    assert exported.status_code == 200 and paid.number not in exported.text
    queue = await client.get("/admin/orders/flagged")
    assert paid.number not in queue.text
    after = await _stored(session_maker, paid.number)
    assert (after.refund_requested, after.amount_refunded, after.flag_resolved_at) == (0, 0, None)
    assert len(await _history(session_maker, paid.number)) == len(
        await _history(session_maker, before.number)
    )
    assert await _refunded_at_stripe(settings, paid.stripe_payment_intent) == 0


async def test_a_flagged_payment_is_resolved_once_with_the_note_and_the_admin(
    client, counties, session_maker
):
    flagged = await order_in(
        session_maker,
        counties["raohe"],
        "flag@example.cn",
        status="pending_payment",
        payment_flag="paid 1 CNY, order total 6800 CNY",
    )
    settled = await order_in(
        session_maker,
        counties["raohe"],
        "old@example.cn",
        payment_flag="paid 2 USD, order total 6800 CNY",
        flag_resolved_at=NOW,
        flag_resolution="refunded by hand",
    )
    theirs = await order_in(session_maker, counties["guzhang"], "gz@example.cn", payment_flag="odd")
    admin = await signed_in(client, RAOHE_ADMIN)
    queue = await client.get("/admin/orders/flagged?lang=en")
    assert queue.status_code == 200
    assert flagged.number in queue.text and "paid 1 CNY, order total 6800 CNY" in queue.text
    assert settled.number not in queue.text and theirs.number not in queue.text
    listed = await client.get("/admin/orders/?flagged=1")
    assert flagged.number in listed.text and settled.number not in listed.text

    empty = await admin.post(
        f"/admin/orders/{flagged.number}/resolve?lang=en", {"note": "  ", "back": "queue"}
    )
    assert empty.status_code == 400 and "Please say how the flag was resolved." in empty.text
    assert (await _stored(session_maker, flagged.number)).flag_resolved_at is None

    resolved = await admin.post(
        f"/admin/orders/{flagged.number}/resolve",
        {"note": "shopper paid the rest by bank transfer", "back": "queue", "flag_resolved_at": "2000-01-01"},
    )
    assert (
        resolved.status_code == 303 and resolved.headers["location"] == "/admin/orders/flagged?done=resolved"
    )
    stored = await _stored(session_maker, flagged.number)
    assert stored.flag_resolution == "shopper paid the rest by bank transfer"
    assert stored.flag_resolved_at is not None and stored.flag_resolved_at.year >= 2026
    again = await admin.post(f"/admin/orders/{flagged.number}/resolve?lang=en", {"note": "second"})
    assert again.status_code == 409 and "no unresolved payment flag" in again.text
    assert (await _stored(session_maker, flagged.number)).flag_resolution == stored.flag_resolution
    entries = [entry for entry in await _history(session_maker, flagged.number) if "resolved" in entry.note]
    assert len(entries) == 1 and entries[0].actor.startswith("admin:")

    page = await client.get(f"/admin/orders/{flagged.number}?lang=en")
    assert "Flag resolved" in page.text and "shopper paid the rest by bank transfer" in page.text
    assert RAOHE_ADMIN in page.text and "Resolve the payment flag" not in page.text
    assert flagged.number not in (await client.get("/admin/orders/flagged")).text
    assert flagged.number not in (await client.get("/admin/orders/?flagged=1")).text


async def test_the_export_holds_the_countys_filtered_orders_for_the_courier(client, counties, session_maker):
    shipped = await order_in(
        session_maker,
        counties["raohe"],
        "s@example.cn",
        status="shipped",
        courier="SF",
        tracking_number="SF1234567890",
        note='=HYPERLINK("http://evil")',
    )
    waiting = await order_in(session_maker, counties["raohe"], "w@example.cn", postal_code="150010")
    old = await order_in(
        session_maker, counties["raohe"], "o@example.cn", created_at=NOW - datetime.timedelta(days=10)
    )
    theirs = await order_in(session_maker, counties["guzhang"], "g@example.cn")
    await signed_in(client, RAOHE_ADMIN)
    listed = await client.get("/admin/orders/?lang=en&status=shipped&date_from=2026-11-20")
    assert 'href="/admin/orders/export?status=shipped&amp;date_from=2026-11-20"' in listed.text
    assert ">Export CSV</a>" in listed.text

    response = await client.get("/admin/orders/export?lang=en")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Order number",
        "Recipient",
        "Mobile",
        "Province",
        "City",
        "District",
        "Address",
        "Postal code",
        "Items",
        "Total quantity",
        "Shopper note",
        "Amount",
        "Status",
        "Paid at (Beijing time)",
        "Courier",
        "Tracking number",
    ]
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {shipped.number, waiting.number, old.number}  # never Guzhang's
    assert theirs.number not in response.text
    assert by_number[shipped.number] == [
        shipped.number,
        "王小明",
        "13800138000",
        "黑龙江省",
        "哈尔滨市",
        "道里区",
        "中央大街 1 号",
        "",
        "椴树蜂蜜 500克瓶装 × 1 (RH-1)",
        "1",
        '\'=HYPERLINK("http://evil")',  # defused: a spreadsheet shows it as text
        "68.00",
        "Shipped",
        "2026-11-29 01:30",
        "SF Express",
        "SF1234567890",
    ]
    assert by_number[waiting.number][7] == "150010" and by_number[waiting.number][14:] == ["", ""]

    filtered = await client.get("/admin/orders/export?status=paid&date_from=2026-11-29")
    numbers = {row[0] for row in csv.reader(io.StringIO(filtered.content.decode("utf-8-sig")))}
    assert numbers == {"Order number", waiting.number}  # the language chosen is remembered
    bad = await client.get("/admin/orders/export?lang=en&date_from=yesterday")
    assert bad.status_code == 400 and "Please enter a date as YYYY-MM-DD." in bad.text


async def test_a_platform_admin_without_a_county_refunds_resolves_and_exports_nothing(
    client, counties, session_maker
):
    import pyotp

    secret = pyotp.random_base32()
    await make_admin(session_maker, "boss@example.cn", totp_secret=secret)
    order = await order_in(
        session_maker, counties["raohe"], "r@example.cn", stripe_payment_intent="pi_x", payment_flag="odd"
    )
    admin = AdminBrowser(client)
    await admin.log_in("boss@example.cn", totp_secret=secret)
    assert (await client.get("/admin/orders/export")).status_code == 404
    queue = await client.get("/admin/orders/flagged?lang=en")
    assert queue.status_code == 200 and "Choose a county to see its orders." in queue.text
    assert (
        await admin.post(f"/admin/orders/{order.number}/refund", _refund_form(order, "1"))
    ).status_code == 404
    assert (await admin.post(f"/admin/orders/{order.number}/resolve", {"note": "x"})).status_code == 404
    stored = await _stored(session_maker, order.number)
    assert (stored.refund_requested, stored.flag_resolved_at) == (0, None)


@pytest.mark.parametrize(("language", "words"), [("en", "SF Express"), ("zh", "顺丰")])
async def test_the_shipping_email_tells_the_courier_and_tracking_number_in_the_orders_language(
    client, counties, session_maker, mailbox, language, words
):
    email = f"ship-{uuid.uuid4().hex[:8]}@example.cn"
    order = await order_in(session_maker, counties["raohe"], email, language=language)
    admin = await signed_in(client, RAOHE_ADMIN)
    shipped = await admin.post(
        f"/admin/orders/{order.number}/ship", {"courier": "SF", "tracking_number": "SF1234567890"}
    )
    assert shipped.status_code == 303 and "mail=failed" not in shipped.headers["location"]
    [message] = mailbox.wait_for(email)
    body = message.get_content()
    assert words in body and "SF1234567890" in body
    assert f"http://testserver.local/c/raohe/orders/{order.number}" in body
    subject = {"en": f"Order {order.number} has shipped", "zh": f"订单 {order.number} 已发货"}[language]
    assert message["Subject"] == subject
    notes = [entry.note for entry in await _history(session_maker, order.number)]
    assert f"shipping email sent to {email}" in notes


async def test_a_failing_mail_server_does_not_undo_the_shipping(
    client, counties, session_maker, settings, mailbox
):
    email = f"ship-{uuid.uuid4().hex[:8]}@example.cn"
    order = await order_in(session_maker, counties["raohe"], email, language="en")
    down = create_app(replace(settings, smtp_url=f"smtp://127.0.0.1:{free_port()}"))  # nobody listens
    async with AsyncTestClient(app=down, base_url="http://testserver.local") as other:
        admin = await signed_in(other, RAOHE_ADMIN)
        shipped = await admin.post(
            f"/admin/orders/{order.number}/ship", {"courier": "ZTO", "tracking_number": "ZT987654321"}
        )
        assert shipped.status_code == 303 and "mail=failed" in shipped.headers["location"]
        page = await other.get(shipped.headers["location"] + "&lang=en")
        assert "Marked shipped." in page.text and "The shipping email could not be sent" in page.text
    stored = await _stored(session_maker, order.number)
    assert (stored.status, stored.courier, stored.tracking_number) == ("shipped", "ZTO", "ZT987654321")
    notes = [entry.note for entry in await _history(session_maker, order.number)]
    assert any(note.startswith(f"shipping email NOT sent to {email}") for note in notes)
    mailbox.settle()
    assert mailbox.to(email) == []

    admin = await signed_in(client, RAOHE_ADMIN)  # the mail server is back: send it again
    page = await client.get(f"/admin/orders/{order.number}?lang=en")
    assert "Send the shipping email again" in page.text
    resent = await admin.post(f"/admin/orders/{order.number}/ship-email", {})
    assert resent.status_code == 303 and resent.headers["location"].endswith("?done=mailed")
    [message] = mailbox.wait_for(email)
    assert "ZT987654321" in message.get_content()
