"""Sessions end: those past their lifetime are deleted from the store, not kept on disk for good."""

from __future__ import annotations

from datetime import timedelta

from storefront.sessions import SESSIONS_STORE, delete_expired_sessions
from tests.support.factories import make_catalog, make_county
from tests.support.shopper import Shopper


async def test_sessions_past_their_lifetime_are_deleted_and_live_ones_kept(client, session_maker):
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        (product,) = await make_catalog(session, county, products=1)
        await session.commit()
    store = client.app.stores.get(SESSIONS_STORE)
    await store.set("abandoned", b"{}", expires_in=timedelta(seconds=-1))  # a visitor gone for 14 days
    page = await client.get(f"/c/raohe/products/{product.slug}")
    variant_id = page.text.split('name="variant_id" value="', 1)[1].split('"', 1)[0]
    await Shopper(client, "raohe").add(variant_id)  # a shopper with a cart, now
    assert await store.exists("abandoned")
    await delete_expired_sessions(client.app)
    assert not await store.exists("abandoned")
    cart = await client.get("/c/raohe/cart")
    assert cart.text.count('class="cart-line"') == 1  # the live session and its cart are kept
