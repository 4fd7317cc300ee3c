"""Stock on hand and stock held: an admin's edit during open checkouts neither oversells nor loses
units, and every way a checkout ends leaves nothing held (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import datetime
import json
import time
import uuid

import httpx
import pytest
from sqlalchemy import select

from storefront.catalog.models import Variant
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.orders.models import Order
from storefront.payments.gateway import PaymentGateway
from storefront.payments.reconcile import release_expired
from storefront.stock import holds
from storefront.stock.service import (
    OnHandBelowHeldError,
    StockLevels,
    VariantNotFoundError,
    adjust_on_hand,
    set_on_hand,
)
from stripe_sandbox.webhooks import signature_header
from tests.support.factories import make_catalog, make_county
from tests.support.shopper import Shopper, session_id_of
from tests.support.stripe_flow import deliver, pay_and_deliver, press


@pytest.fixture
async def raohe(session_maker):
    """Raohe's catalog, 20 on hand of each variant, nothing held."""
    async with session_maker() as session:
        county = await make_county(session, "raohe", shipping_fee=0)
        await make_catalog(session, county, products=1)
        scope_to_county(session, county.id)
        variants = (await session.scalars(select(Variant).order_by(Variant.id))).all()
        await session.commit()
    return county, variants


async def levels(session_maker, county_id: int, variant_id: int) -> StockLevels:
    async with session_maker() as session:
        scope_to_county(session, county_id)
        row = (
            await session.execute(select(Variant.stock, Variant.held).where(Variant.id == variant_id))
        ).one()
    return StockLevels(*row)


async def admin_sets(session_maker, county_id: int, variant_id: int, on_hand: int) -> StockLevels:
    """An admin of the county saves ``on_hand`` in the stock form (its own request, its own session)."""
    async with session_maker() as session:
        scope_to_county(session, county_id)
        try:
            changed = await set_on_hand(session, variant_id, on_hand)
        except (OnHandBelowHeldError, VariantNotFoundError):
            await session.rollback()
            raise
        await session.commit()
    return changed


async def open_checkout(client, session_maker, variant_id: int, quantity: int) -> tuple[Shopper, str, Order]:
    """A shopper presses "Pay with Stripe" for ``quantity``: the open checkout and its order."""
    shopper = Shopper(client, "raohe")
    await shopper.add(variant_id, quantity)
    session_id = session_id_of(await shopper.checkout(f"buyer-{uuid.uuid4().hex[:8]}@example.cn"))
    return shopper, session_id, await order_of(session_maker, session_id)


async def order_of(session_maker, session_id: str) -> Order:
    async with session_maker() as session:
        scope_to_all_counties(session)
        return await session.scalar(select(Order).where(Order.stripe_session_id == session_id))


def signed_event(checkout: dict, event_type: str, secret: str, **changes: object) -> tuple[str, dict]:
    """An event about ``checkout`` signed as Stripe signs it (a delivery the sandbox would not send)."""
    body = json.dumps(
        {
            "id": f"evt_test_{uuid.uuid4().hex}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": {**checkout, **changes}},
        }
    )
    return body, {"stripe-signature": signature_header(body, secret), "content-type": "application/json"}


@pytest.mark.parametrize("ending", ["cancelled", "paid"])
async def test_an_on_hand_edit_during_an_open_checkout_neither_oversells_nor_loses_units(
    client, raohe, session_maker, stripe_sandbox, stripe_events, ending
):
    county, variants = raohe
    jar = variants[0]
    shopper, session_id, order = await open_checkout(client, session_maker, jar.id, 3)
    assert await levels(session_maker, county.id, jar.id) == (17, 3)

    assert await admin_sets(session_maker, county.id, jar.id, 10) == (7, 3)  # the count says 10 jars
    assert await levels(session_maker, county.id, jar.id) == StockLevels(available=7, held=3)
    async with session_maker() as session:
        scope_to_county(session, county.id)
        assert (await session.get(Variant, jar.id)).on_hand == 10

    if ending == "cancelled":
        await shopper.post("/checkout/cancel", {"order": order.number})
        assert (await order_of(session_maker, session_id)).status == "cancelled"
        assert await levels(session_maker, county.id, jar.id) == (10, 0)  # all 10 can be bought again
    else:
        await pay_and_deliver(client, stripe_sandbox, stripe_events, session_id)
        assert (await order_of(session_maker, session_id)).status == "paid"
        assert await levels(session_maker, county.id, jar.id) == (7, 0)  # 3 of the 10 sold: 7 on hand


async def test_on_hand_below_what_is_held_is_refused_and_changes_nothing(client, raohe, session_maker):
    county, variants = raohe
    jar = variants[0]
    await open_checkout(client, session_maker, jar.id, 3)

    with pytest.raises(OnHandBelowHeldError) as refused:
        await admin_sets(session_maker, county.id, jar.id, 2)
    assert (refused.value.variant_id, refused.value.on_hand, refused.value.held) == (jar.id, 2, 3)
    assert await levels(session_maker, county.id, jar.id) == (17, 3)

    async with session_maker() as session:
        scope_to_county(session, county.id)
        with pytest.raises(OnHandBelowHeldError) as refused:
            await adjust_on_hand(session, jar.id, -18)  # 20 - 18 = 2, below the 3 held
        assert (refused.value.on_hand, refused.value.held) == (2, 3)
        await session.rollback()
    assert await levels(session_maker, county.id, jar.id) == (17, 3)

    async with session_maker() as session:
        scope_to_county(session, county.id)
        assert await adjust_on_hand(session, jar.id, -17) == (0, 3)  # exactly what is held: allowed
        assert await adjust_on_hand(session, jar.id, 5) == (5, 3)
        await session.commit()
    assert await admin_sets(session_maker, county.id, jar.id, 3) == (0, 3)
    with pytest.raises(ValueError, match="negative"):
        await admin_sets(session_maker, county.id, jar.id, -1)
    assert await levels(session_maker, county.id, jar.id) == (0, 3)


async def test_an_edit_reaches_only_the_admins_own_county(raohe, session_maker):
    county, variants = raohe
    async with session_maker() as session:
        other = await make_county(session, "guzhang")
        await session.commit()
    with pytest.raises(VariantNotFoundError):
        await admin_sets(session_maker, other.id, variants[0].id, 50)
    with pytest.raises(VariantNotFoundError):
        await admin_sets(session_maker, county.id, 10**9, 50)
    assert await levels(session_maker, county.id, variants[0].id) == (20, 0)


async def test_a_hold_short_on_one_line_holds_nothing(raohe, session_maker):
    county, variants = raohe
    first, second = variants[0], variants[1]
    async with session_maker() as session:
        scope_to_county(session, county.id)
        assert await holds.hold(session, {first.id: 5, second.id: 21}) == [second.id]
        await session.commit()
    assert await levels(session_maker, county.id, first.id) == (20, 0)
    assert await levels(session_maker, county.id, second.id) == (20, 0)


async def test_holds_and_an_edit_at_the_same_instant_keep_both_counts_whole(raohe, session_maker):
    """Fifteen checkouts of two jars each and an admin setting 12 on hand, all at once: whichever
    order the database puts them in, no count goes negative and on hand is what the admin said."""
    county, variants = raohe
    jar = variants[0]

    async def checkout_holds() -> bool:
        async with session_maker() as session:
            scope_to_county(session, county.id)
            short = await holds.hold(session, {jar.id: 2})
            await session.commit()
        return not short

    async def admin_edit() -> bool:
        try:
            await admin_sets(session_maker, county.id, jar.id, 12)
        except OnHandBelowHeldError as refused:
            assert refused.held > 12
            return False
        return True

    edited, *held = await asyncio.gather(admin_edit(), *(checkout_holds() for _ in range(15)))
    available, held_units = await levels(session_maker, county.id, jar.id)
    assert available >= 0 and held_units >= 0
    assert held_units == 2 * held.count(True)  # every hold that succeeded holds its two jars
    assert available + held_units == (12 if edited else 20)  # the edit neither lost nor added a hold
    assert held.count(True) == (12 if edited else 20) // 2  # sold out exactly, never oversold

    async with session_maker() as session:  # the checkouts are given up: everything is back
        scope_to_county(session, county.id)
        for _ in range(held.count(True)):
            await holds.put_back(session, {jar.id: 2})
        await session.commit()
    assert await levels(session_maker, county.id, jar.id) == (available + held_units, 0)


async def lapse(sandbox_url: str, session_id: str) -> None:
    async with httpx.AsyncClient(base_url=sandbox_url) as sandbox:
        assert (await sandbox.post(f"/sandbox/sessions/{session_id}/lapse")).status_code == 200


@pytest.mark.parametrize(
    "ending",
    ["paid", "expired", "cancelled", "payment failed", "swept", "swept paid", "paid late", "paid late twice"],
)
async def test_every_end_of_a_checkout_leaves_nothing_held(
    settings, client, raohe, session_maker, stripe_sandbox, stripe_events, ending
):
    county, variants = raohe
    jar = variants[0]
    shopper, session_id, order = await open_checkout(client, session_maker, jar.id, 3)
    assert await levels(session_maker, county.id, jar.id) == (17, 3)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=31)
    if ending == "paid":
        await pay_and_deliver(client, stripe_sandbox, stripe_events, session_id)
    elif ending == "expired":
        await lapse(stripe_sandbox, session_id)
        [expired] = stripe_events.wait_for("checkout.session.expired", object_id=session_id)
        await deliver(client, expired)
    elif ending == "cancelled":
        await shopper.post("/checkout/cancel", {"order": order.number})
    elif ending == "payment failed":
        checkout = (await PaymentGateway(settings).retrieve_checkout_session(session_id)).to_dict()
        body, headers = signed_event(checkout, "checkout.session.async_payment_failed", stripe_events.secret)
        await client.post("/stripe/webhook", content=body, headers=headers)
    elif ending in {"swept", "swept paid"}:
        if ending == "swept paid":
            await press(stripe_sandbox, session_id)  # paid, but the event never reaches the app
        async with session_maker() as session:
            assert await release_expired(
                session, PaymentGateway(settings), client.app.state.mailer, now=later
            ) == [order.number]
    else:  # cancelled, then Stripe reports a payment after all
        await shopper.post("/checkout/cancel", {"order": order.number})
        assert await levels(session_maker, county.id, jar.id) == (20, 0)
        checkout = (await PaymentGateway(settings).retrieve_checkout_session(session_id)).to_dict()
        paid = {"status": "complete", "payment_status": "paid", "payment_intent": "pi_late"}
        for _ in range(2 if ending == "paid late twice" else 1):
            body, headers = signed_event(checkout, "checkout.session.completed", stripe_events.secret, **paid)
            assert (await client.post("/stripe/webhook", content=body, headers=headers)).status_code == 200

    status = (await order_of(session_maker, session_id)).status
    sold = ending in {"paid", "swept paid", "paid late", "paid late twice"}
    assert status == (
        "paid" if sold else {"swept": "expired", "payment failed": "cancelled"}.get(ending, ending)
    )
    assert await levels(session_maker, county.id, jar.id) == ((17, 0) if sold else (20, 0))
