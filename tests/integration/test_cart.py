"""The cart: per county, priced from the database, refusing bad changes without losing anything."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from storefront import sessions
from storefront.app import create_app
from storefront.cart.service import CartService
from storefront.catalog.models import Product, Variant
from storefront.clock import utcnow
from storefront.db import scope_to_county
from storefront.sessions import SESSIONS_STORE
from tests.support.factories import make_catalog, make_county
from tests.support.shopper import Shopper


@pytest.fixture
async def shop(session_maker):
    async with session_maker() as session:
        raohe = await make_county(session, "raohe", shipping_fee=1000, free_shipping_threshold=20000)
        products = await make_catalog(session, raohe, products=2)
        guzhang = await make_county(session, "guzhang")
        other = await make_catalog(session, guzhang, products=1, category_slug="tea")
        variants = {}
        for county, _items in ((raohe, products), (guzhang, other)):
            scope_to_county(session, county.id)
            variants[county.slug] = (await session.scalars(select(Variant).order_by(Variant.id))).all()
        await session.commit()
    return raohe, variants


def line_count(html: str) -> int:
    return html.count('class="cart-line"')


async def test_add_change_and_remove_with_totals(client, shop):
    _, variants = shop
    jar, small = variants["raohe"][0], variants["raohe"][1]  # ¥68.00 and ¥38.80
    shopper = Shopper(client, "raohe")
    assert (await shopper.add(jar.id, 2)).status_code == 303
    await shopper.add(small.id, 1)
    cart = await client.get("/c/raohe/cart")
    assert line_count(cart.text) == 2
    assert "¥136.00" in cart.text and "¥174.80" in cart.text  # line total, subtotal
    assert "¥10.00" in cart.text and "¥184.80" in cart.text  # shipping, total
    await shopper.post(f"/cart/items/{jar.id}", {"quantity": "3"})
    cart = await client.get("/c/raohe/cart")
    assert "¥204.00" in cart.text and "¥242.80" in cart.text
    assert "免运费" in cart.text  # above the free-shipping threshold
    await shopper.post(f"/cart/items/{small.id}/delete", {})
    cart = await client.get("/c/raohe/cart")
    assert line_count(cart.text) == 1 and "¥204.00" in cart.text


async def test_htmx_actions_answer_with_partials_and_the_header_count(client, shop):
    _, variants = shop
    shopper = Shopper(client, "raohe")
    added = await shopper.add(variants["raohe"][0].id, 2, **{"HX-Request": "true"})
    assert added.status_code == 200
    assert "<html" not in added.text
    assert (
        'id="cart-count"' in added.text and 'hx-swap-oob="true"' in added.text and ">2</span>" in added.text
    )
    changed = await shopper.post(
        f"/cart/items/{variants['raohe'][0].id}", {"quantity": "4"}, **{"HX-Request": "true"}
    )
    assert changed.status_code == 200 and "<html" not in changed.text
    assert "¥272.00" in changed.text
    for cart in (
        await client.get("/c/raohe/cart", headers={"HX-Request": "true"}),
        await client.get("/c/raohe/cart"),
    ):
        assert "HX-Request" in cart.headers["vary"]  # the browser keeps the page and the fragment apart
    count = await client.get("/c/raohe/cart/count")
    assert ">4</span>" in count.text


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "至少为 1"),
        ("-1", "整数"),
        ("1.5", "整数"),
        ("abc", "整数"),
        ("²", "整数"),
        ("21", "仅剩 20 件"),
    ],
)
async def test_bad_quantities_are_refused_and_the_cart_is_unchanged(client, shop, quantity, message):
    _, variants = shop
    shopper = Shopper(client, "raohe")
    await shopper.add(variants["raohe"][0].id, 1)
    refused = await shopper.add(variants["raohe"][0].id, quantity)
    assert refused.status_code == 400
    assert message in refused.text
    changed = await shopper.post(f"/cart/items/{variants['raohe'][0].id}", {"quantity": quantity})
    assert changed.status_code == 400 and message in changed.text
    cart = await client.get("/c/raohe/cart")
    assert line_count(cart.text) == 1 and 'value="1"' in cart.text


async def test_an_htmx_refusal_is_a_4xx_partial_with_the_message(client, shop):
    _, variants = shop
    refused = await Shopper(client, "raohe").add(variants["raohe"][0].id, "x", **{"HX-Request": "true"})
    assert refused.status_code == 422
    assert "整数" in refused.text and "<html" not in refused.text


async def test_variants_of_another_county_or_inactive_products_are_refused(client, shop, session_maker):
    raohe, variants = shop
    shopper = Shopper(client, "raohe")
    foreign = await shopper.add(variants["guzhang"][0].id, 1)
    assert foreign.status_code == 400 and "本店没有这件商品" in foreign.text
    async with session_maker() as session:
        scope_to_county(session, raohe.id)
        product = await session.get(Product, variants["raohe"][0].product_id)
        product.is_active = False
        await session.commit()
    inactive = await shopper.add(variants["raohe"][0].id, 1)
    assert inactive.status_code == 400
    assert line_count((await client.get("/c/raohe/cart")).text) == 0


async def test_the_count_beside_the_cart_leaves_out_a_line_taken_off_sale(client, shop, session_maker):
    raohe, variants = shop
    gone, kept = variants["raohe"][0], variants["raohe"][-1]
    assert gone.product_id != kept.product_id
    shopper = Shopper(client, "raohe")
    await shopper.add(gone.id, 2)
    await shopper.add(kept.id, 1)
    async with session_maker() as session:  # the county takes a product off sale meanwhile
        scope_to_county(session, raohe.id)
        (await session.get(Product, gone.product_id)).is_active = False
        await session.commit()
    assert line_count((await client.get("/c/raohe/cart")).text) == 1
    assert ">1<" in (await client.get("/c/raohe/cart/count")).text  # as the cart shows it, not 3
    added = await shopper.add(kept.id, 1, **{"HX-Request": "true"})
    assert ">2<" in added.text


async def test_carts_of_two_shops_never_mix(client, shop):
    _, variants = shop
    await Shopper(client, "raohe").add(variants["raohe"][0].id, 1)
    await Shopper(client, "guzhang").add(variants["guzhang"][0].id, 2)
    raohe_cart = (await client.get("/c/raohe/cart")).text
    guzhang_cart = (await client.get("/c/guzhang/cart")).text
    assert line_count(raohe_cart) == 1 and 'value="1"' in raohe_cart
    assert line_count(guzhang_cart) == 1 and 'value="2"' in guzhang_cart


async def test_a_post_without_the_csrf_token_is_refused(client, shop):
    _, variants = shop
    await client.get("/c/raohe/cart")
    response = await client.post(
        "/c/raohe/cart/items", data={"variant_id": variants["raohe"][0].id, "quantity": 1}
    )
    assert response.status_code == 403
    assert line_count((await client.get("/c/raohe/cart")).text) == 0


async def test_browsing_stores_no_session_until_something_is_kept(client, shop, settings):
    _, variants = shop
    for path in ("/", "/c/raohe/", "/c/raohe/cart", "/c/raohe/cart/count", "/health"):
        response = await client.get(path)
        assert "session" not in response.cookies
    assert not any(settings.session_dir.glob("*"))
    added = await Shopper(client, "raohe").add(variants["raohe"][0].id, 1)
    assert "session" in added.cookies
    assert any(settings.session_dir.glob("*"))


@pytest.mark.parametrize("variant_id", ["", "x", "²", str(2**63), "1" * 40])
async def test_a_variant_id_that_is_not_one_is_refused(client, shop, variant_id):
    refused = await Shopper(client, "raohe").add(variant_id, 1)
    assert refused.status_code == 400
    assert line_count((await client.get("/c/raohe/cart")).text) == 0


async def test_quantities_out_of_range_answer_with_a_message_in_the_shoppers_language(
    client, shop, session_maker
):
    raohe, variants = shop
    jar = variants["raohe"][0]
    shopper = Shopper(client, "raohe")
    htmx = {"HX-Request": "true"}
    too_many = await shopper.add(jar.id, 21, **htmx)
    assert too_many.status_code == 422 and "仅剩 20 件" in too_many.text
    none = await shopper.add(jar.id, 0, **htmx)
    assert none.status_code == 422 and "至少为 1" in none.text
    async with session_maker() as session:
        scope_to_county(session, raohe.id)
        (await session.get(Variant, jar.id)).stock = 500
        await session.commit()
    await shopper.add(jar.id, 1)
    past_the_limit = await shopper.post(f"/cart/items/{jar.id}", {"quantity": "100"}, **htmx)
    assert past_the_limit.status_code == 422 and "每单最多 99 件" in past_the_limit.text
    assert 'id="cart"' in past_the_limit.text and 'value="1"' in past_the_limit.text  # unchanged
    await client.get("/c/raohe/cart?lang=en")
    in_english = await shopper.add(jar.id, 120, **htmx)
    assert "At most 99 of one item per order" in in_english.text


def form_fields(html: str, action: str) -> dict[str, str]:
    """The hidden fields of the page's form posting to ``action``, as a browser would send them."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html, re.S)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


@pytest.mark.parametrize("visitor", ["new", "with a cart"])
async def test_without_javascript_the_cached_product_page_adds_to_the_cart_after_asking_once_more(
    client, shop, visitor
):
    """The product page is shared by every visitor, so its form holds no token of theirs: without
    JavaScript it asks a page of the visitor's own, which keeps their choice and posts it."""
    _, variants = shop
    jar = variants["raohe"][0]  # the first size of the first product
    if visitor == "with a cart":
        await Shopper(client, "raohe").add(variants["raohe"][2].id, 1)
    home = (await client.get("/c/raohe/")).text
    product = (await client.get(re.search(r'href="(/c/raohe/products/[a-z0-9-]+)"', home)[1])).text
    assert '<form class="variant-form buy-form" method="get" action="/c/raohe/cart/items"' in product
    assert "_csrf_token" not in product
    asked = await client.get("/c/raohe/cart/items", params={"variant_id": jar.id, "quantity": "2"})
    assert asked.status_code == 200 and "再按一次" in asked.text and "× 2" in asked.text
    fields = form_fields(asked.text, "/c/raohe/cart/items")
    assert fields["variant_id"] == str(jar.id) and fields["quantity"] == "2" and fields["_csrf_token"]
    added = await client.post("/c/raohe/cart/items", data=fields, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"] == "/c/raohe/cart"
    cart = (await client.get("/c/raohe/cart")).text
    assert line_count(cart) == (2 if visitor == "with a cart" else 1) and 'value="2"' in cart


async def test_without_javascript_buy_now_on_the_cached_product_page_goes_to_the_checkout(client, shop):
    _, variants = shop
    jar = variants["raohe"][0]
    bought = await client.get(
        "/c/raohe/cart/buy-now", params={"variant_id": jar.id, "quantity": "3"}, follow_redirects=False
    )
    assert bought.status_code == 303
    assert bought.headers["location"] == f"/c/raohe/checkout?variant_id={jar.id}&quantity=3"
    assert line_count((await client.get("/c/raohe/cart")).text) == 0  # the cart is left as it was


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"variant_id": "x", "quantity": "1"}, "请先选择规格"),
        ({"quantity": "1"}, "请先选择规格"),
        ("junk quantity", "数量请填写整数"),
        ("too many", "仅剩 20 件"),
        ("another county", "本店没有这件商品"),
    ],
)
async def test_asking_to_add_what_cannot_be_added_says_why_on_the_cart_page(client, shop, query, message):
    _, variants = shop
    jar, tea = variants["raohe"][0], variants["guzhang"][0]
    named = {
        "junk quantity": {"variant_id": jar.id, "quantity": "两"},
        "too many": {"variant_id": jar.id, "quantity": "21"},
        "another county": {"variant_id": tea.id, "quantity": "1"},
    }
    query = named[query] if isinstance(query, str) else query
    for path in ("/c/raohe/cart/items", "/c/raohe/cart/buy-now"):
        refused = await client.get(path, params=query, follow_redirects=False)
        assert refused.status_code == 400 and message in refused.text, (path, refused.text[-3000:])


@contextlib.asynccontextmanager
async def browser_of(settings):
    """One browser on the test's event loop, so that its requests really overlap."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client,
    ):
        yield client


@pytest.mark.parametrize("next_day", [False, True])
async def test_a_page_read_while_the_same_browser_adds_to_the_cart_does_not_undo_the_add(
    settings, shop, monkeypatch, next_day
):
    """The cart count (asked by every page) loads the session, then an add finishes, then the count
    ends: the session it loaded, without the new line, must not be stored over the add; not even
    by the first read of a day, which renews the session."""
    _, variants = shop
    first, second = variants["raohe"][0], variants["raohe"][-1]
    async with browser_of(settings) as browser:
        await _read_during_an_add(browser, first, second, monkeypatch, next_day)


async def _read_during_an_add(browser, first, second, monkeypatch, next_day):
    shopper = Shopper(browser, "raohe")
    assert (await shopper.add(first.id)).status_code == 303
    if next_day:  # the shopper comes back the next day
        tomorrow = utcnow() + datetime.timedelta(days=1)
        monkeypatch.setattr(sessions, "utcnow", lambda: tomorrow)
    loaded, go_on = asyncio.Event(), asyncio.Event()
    take_out_paid = CartService.take_out_paid

    async def slow_take_out_paid(self, visitor):
        await take_out_paid(self, visitor)
        loaded.set()
        await go_on.wait()

    monkeypatch.setattr(CartService, "take_out_paid", slow_take_out_paid)
    count = asyncio.create_task(browser.get("/c/raohe/cart/count"))
    await asyncio.wait_for(loaded.wait(), 10)
    monkeypatch.setattr(CartService, "take_out_paid", take_out_paid)
    assert (await shopper.add(second.id)).status_code == 303
    go_on.set()
    assert (await count).status_code == 200
    assert line_count((await browser.get("/c/raohe/cart")).text) == 2


async def test_two_taps_on_add_to_cart_at_the_same_instant_both_count(settings, shop):
    _, variants = shop
    async with browser_of(settings) as browser:
        shopper = Shopper(browser, "raohe")
        await shopper.add(variants["raohe"][0].id)  # the session exists
        taps = await asyncio.gather(*(shopper.add(variant.id) for variant in variants["raohe"]))
        assert {tap.status_code for tap in taps} == {303}
        cart = (await browser.get("/c/raohe/cart")).text
    assert line_count(cart) == len(variants["raohe"])
    assert 'value="2"' in cart  # the first product, added twice


async def test_an_add_and_a_remove_at_once_take_the_same_turn(settings, shop, monkeypatch):
    """Adding and removing are two routes: they must still wait for each other, or the add, ending
    last, stores back the line just removed."""
    _, variants = shop
    first, second = variants["raohe"][0], variants["raohe"][-1]
    async with browser_of(settings) as browser:
        shopper = Shopper(browser, "raohe")
        assert (await shopper.add(first.id)).status_code == 303
        entered, go_on = asyncio.Event(), asyncio.Event()
        sellable = CartService._sellable_variant

        async def slow_for_the_second(self, variant_id):
            if int(variant_id) == second.id:
                entered.set()
                await go_on.wait()
            return await sellable(self, variant_id)

        monkeypatch.setattr(CartService, "_sellable_variant", slow_for_the_second)
        add = asyncio.create_task(shopper.add(second.id))
        await asyncio.wait_for(entered.wait(), 10)
        remove = asyncio.create_task(shopper.post(f"/cart/items/{first.id}/delete", {}))
        await asyncio.sleep(0.2)  # the remove is asked while the add is under way
        go_on.set()
        assert {(await add).status_code, (await remove).status_code} == {303}
        assert line_count((await browser.get("/c/raohe/cart")).text) == 1


async def test_a_cookie_naming_no_stored_session_stores_none(client, shop):
    """A planted or long-expired session cookie: pages are read without a session, and nothing is
    stored (a new empty session and cookie for every request, before)."""
    store = client.app.stores.get(SESSIONS_STORE)
    client.cookies.set("session", "planted", domain="testserver.local")
    for _ in range(3):
        page = await client.get("/c/raohe/cart")
        assert page.status_code == 200 and "session" not in page.cookies
    assert list(Path(str(store.path)).glob("*")) == []  # the file store of sessions holds none
