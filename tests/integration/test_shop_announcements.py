"""What an HTMX answer says to screen readers: once, through the page's one polite live region, never the
whole page swapped in, and nothing again each time the return page asks whether the payment arrived."""

from __future__ import annotations

import re

from tests.integration.test_checkout import raohe, start_checkout  # noqa: F401 (a fixture)
from tests.support.shopper import Shopper, order_number_of
from tests.support.stripe_flow import deliver, press

HTMX = {"HX-Request": "true"}
LIVE_REGION = '<p id="live-status" class="visually-hidden" aria-live="polite"></p>'


def announced(html: str) -> list[str]:
    return re.findall(r'<span id="live-status" hx-swap-oob="innerHTML">([^<]*)</span>', html)


async def test_the_page_has_one_live_region_and_the_swapped_content_is_not_one(client, raohe):  # noqa: F811
    html = (await client.get("/c/raohe/search?q=蜂蜜")).text

    assert html.count(LIVE_REGION) == 1
    assert '<div id="search-results">' in html
    assert html.count("aria-live") == 1


async def test_live_search_and_the_cart_announce_what_changed(client, raohe):  # noqa: F811
    _, variants = raohe
    found = await client.get("/c/raohe/search?q=蜂蜜&lang=en", headers=HTMX)
    nothing = await client.get("/c/raohe/search?q=zzzz&lang=en", headers=HTMX)
    added = await Shopper(client, "raohe").add(variants[0].id, 2, **HTMX)
    emptied = await Shopper(client, "raohe").post(f"/cart/items/{variants[0].id}/delete", {}, **HTMX)

    assert re.fullmatch(r"\d+ products? found", announced(found.text)[0])
    assert announced(nothing.text) == [
        "Nothing matches “zzzz”. Try another word, such as a product or village name."
    ]
    assert announced(added.text) == ["2 items in your cart"]
    assert announced(emptied.text) == ["Your cart is now empty."]
    assert announced((await client.get("/c/raohe/cart/count", headers=HTMX)).text) == []  # on load: silent


async def test_the_return_page_is_silent_while_waiting_and_announces_the_payment_once(
    client,
    raohe,  # noqa: F811
    stripe_sandbox,
    stripe_events,
):
    _, variants = raohe
    session_id = await start_checkout(client, variants[0].id, 1)
    number = order_number_of((await press(stripe_sandbox, session_id)).headers["location"])
    complete = f"/c/raohe/checkout/complete?order={number}&lang=en"

    waiting = await client.get(complete, headers=HTMX)
    assert 'hx-swap="none"' in waiting.text and "role=" not in waiting.text and announced(waiting.text) == []
    [completed] = stripe_events.wait_for("checkout.session.completed", object_id=session_id)
    await deliver(client, completed)
    paid = await client.get(complete, headers=HTMX)

    assert '<div id="order-progress" hx-swap-oob="true">' in paid.text
    assert announced(paid.text) == ["Your payment has arrived. Thank you!"]
