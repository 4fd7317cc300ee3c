"""The admin product list: the county's products and variants, searched and paged; inline edits of
price, on-hand stock and the active flag, with HTMX and without; each save shown to shoppers at once;
an edit during an open checkout; and every /admin/products route sealed per county. On SQLite and
PostgreSQL."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import select, update

from storefront.app import create_app
from storefront.catalog.models import Product, Variant
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.tenancy.models import County
from tests.integration.test_content_versions import queries
from tests.support.admins import AdminBrowser, make_admin
from tests.support.factories import make_catalog, make_county
from tests.support.shopper import Shopper, session_id_of
from tests.support.stripe_flow import pay_and_deliver

RAOHE_ADMIN = "raohe-products@example.cn"
LIST = "/admin/products"


@dataclass(frozen=True)
class Shops:
    raohe: int
    guzhang: int
    products: list[int]  # Raohe's, in list order
    variants: list[int]  # Raohe's first product's variants
    guzhang_products: list[int]
    guzhang_variants: list[int]
    guzhang_skus: list[str]


@dataclass(frozen=True)
class TwoShops:
    """Raohe's and Guzhang's counties, products and variants, as made (and committed)."""

    raohe: County
    products: list[Product]
    variants: list[Variant]  # of Raohe's first product
    guzhang: County
    theirs: list[Product]
    their_variants: list[Variant]


async def make_two_shops(session_maker, products: int, their_products: int, admin_email: str) -> TwoShops:
    """Two county shops (honey in Raohe, tea in Guzhang) and a Raohe admin signing in as ``admin_email``."""
    async with session_maker() as session:
        raohe = await make_county(session, "raohe", shipping_fee=0)
        ours = await make_catalog(session, raohe, products=products)
        guzhang = await make_county(session, "guzhang")
        theirs = await make_catalog(session, guzhang, products=their_products, category_slug="tea")
        scope_to_all_counties(session)
        variants = await session.scalars(
            select(Variant).where(Variant.product_id == ours[0].id).order_by(Variant.id)
        )
        their_variants = await session.scalars(
            select(Variant).where(Variant.county_id == guzhang.id).order_by(Variant.id)
        )
        made = TwoShops(raohe, ours, list(variants), guzhang, theirs, list(their_variants))
        await session.commit()
    await make_admin(session_maker, admin_email, county="raohe")
    return made


@pytest.fixture
async def shops(session_maker) -> Shops:
    made = await make_two_shops(session_maker, 3, 2, RAOHE_ADMIN)
    return Shops(
        made.raohe.id,
        made.guzhang.id,
        [product.id for product in made.products],
        [variant.id for variant in made.variants],
        [product.id for product in made.theirs],
        [variant.id for variant in made.their_variants],
        [variant.sku for variant in made.their_variants],
    )


async def signed_in(client: Any) -> AdminBrowser:
    admin = AdminBrowser(client)
    response = await admin.log_in(RAOHE_ADMIN)
    assert response.status_code == 303, response.text[:500]
    return admin


async def htmx_post(admin: AdminBrowser, path: str, data: dict[str, Any], **headers: str) -> httpx.Response:
    token = await admin.csrf_token()
    return await admin.client.post(
        path,
        data={**data, "_csrf_token": token},
        headers={"HX-Request": "true", **headers},
        follow_redirects=False,
    )


async def variant_row(session_maker, county_id: int, variant_id: int) -> tuple[int, int, int]:
    async with session_maker() as session:
        scope_to_county(session, county_id)
        row = (
            await session.execute(
                select(Variant.price, Variant.stock, Variant.held).where(Variant.id == variant_id)
            )
        ).one()
    return tuple(row)


async def snapshot(session_maker) -> tuple:
    """Every variant's price and stock, every product's flag, every county's content version."""
    async with session_maker() as session:
        scope_to_all_counties(session)
        variants = (
            await session.execute(
                select(Variant.id, Variant.price, Variant.stock, Variant.held).order_by(Variant.id)
            )
        ).all()
        products = (await session.execute(select(Product.id, Product.is_active).order_by(Product.id))).all()
        versions = (
            await session.execute(select(County.id, County.content_version).order_by(County.id))
        ).all()
    return tuple(map(tuple, variants)), tuple(map(tuple, products)), tuple(map(tuple, versions))


# 1. The list


async def test_the_list_shows_the_countys_products_with_their_variants(client, shops):
    admin = await signed_in(client)
    page = await client.get(f"{LIST}?lang=en")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = page.text
    for product_id in shops.products:
        assert f'id="product-{product_id}"' in text
    for variant_id in shops.variants:
        assert f'id="variant-{variant_id}"' in text
    assert "Linden honey no." in text and "500 g jar" in text
    assert 'value="68.00"' in text and 'value="38.80"' in text  # price in yuan
    row = re.search(rf'<tr id="variant-{shops.variants[0]}".*?</tr>', text, re.S).group(0)
    assert '<td class="available">20</td>' in row and '<td class="held">0</td>' in row and 'value="20"' in row
    assert "Price (¥)" in text and "Available" in text and "Held" in text and "On hand" in text
    assert text.count(">Save</button>") == 3 + 2 * 2 * 3  # a flag per product, price and stock per variant
    assert not any(sku in text for sku in shops.guzhang_skus)
    assert '<a href="/admin/products">Products</a>' in (await client.get("/admin/")).text
    chinese = await client.get(f"{LIST}?lang=zh")
    assert "商品" in chinese.text and "保存" in chinese.text and "库存" in chinese.text
    del admin


async def test_the_list_is_paged_and_searched(client, session_maker, shops):
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        for number in range(20):
            product = Product(slug=f"more-{number}", name_zh=f"椴树蜂蜜 加 {number}", position=10 + number)
            session.add(product)
            await session.flush()
            session.add(
                Variant(product_id=product.id, label_zh="瓶", sku=f"MORE-{number}", price=100, stock=1)
            )
        await session.commit()
    await signed_in(client)
    first = await client.get(f"{LIST}?lang=en")
    assert first.text.count('class="product-row') == 20 and "Page 1 of 2" in first.text
    assert 'href="/admin/products?page=2"' in first.text
    second = await client.get(f"{LIST}?page=2&lang=en")
    assert second.text.count('class="product-row') == 3 and "Page 2 of 2" in second.text
    beyond = await client.get(f"{LIST}?page=99&lang=en")
    assert beyond.status_code == 200 and "Page 2 of 2" in beyond.text

    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        sku = await session.scalar(select(Variant.sku).where(Variant.id == shops.variants[1]))
    found = await client.get(LIST, params={"q": sku.lower(), "lang": "en"})
    assert found.text.count('class="product-row') == 1 and f'id="product-{shops.products[0]}"' in found.text
    by_name = await client.get(LIST, params={"q": "椴树 蜂蜜", "lang": "en"})
    assert by_name.text.count('class="product-row') == 20
    nothing = await client.get(LIST, params={"q": "100%_\\", "lang": "en"})
    assert nothing.status_code == 200 and 'class="product-row' not in nothing.text
    theirs = await client.get(LIST, params={"q": shops.guzhang_skus[0]})
    assert 'class="product-row' not in theirs.text
    partial = await client.get(LIST, params={"q": sku}, headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="product-list">') and "<html" not in partial.text
    for answer in (found, partial):  # the search puts its address in the history: Back gets the page
        assert "HX-Request" in answer.headers["vary"]


async def test_a_signed_out_visitor_is_sent_to_sign_in(client, shops):
    response = await client.get(LIST, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/login"
    hx = await client.get(LIST, headers={"HX-Request": "true"}, follow_redirects=False)
    assert hx.status_code == 401 and hx.headers["hx-redirect"] == "/admin/login"


# 2. Inline edits


async def test_a_price_edit_with_htmx_swaps_its_row_and_without_javascript_redirects(
    client, session_maker, shops
):
    admin = await signed_in(client)
    jar = shops.variants[0]
    path = f"{LIST}/variants/{jar}/price"
    row = await htmx_post(admin, path, {"price": "12.80", "q": "", "page": "1"})
    assert row.status_code == 200, row.text[:500]
    assert row.text.lstrip().startswith(f'<tr id="variant-{jar}"') and "<html" not in row.text
    assert row.text.count('name="_csrf_token"') == 2 and row.text.count('name="q"') == 2
    assert 'value="12.80"' in row.text and 'hx-target="closest tr"' in row.text
    assert 'hx-disabled-elt="find input, find button"' in row.text and "htmx-indicator" in row.text
    assert (await variant_row(session_maker, shops.raohe, jar))[0] == 1280

    plain = await admin.post(path, {"price": "¥9.5", "q": "蜂蜜", "page": "1"})
    assert plain.status_code == 303 and plain.headers["location"] == "/admin/products?q=%E8%9C%82%E8%9C%9C"
    assert (await variant_row(session_maker, shops.raohe, jar))[0] == 950
    assert (await admin.post(path, {"price": "7"})).headers["location"] == LIST
    assert (await variant_row(session_maker, shops.raohe, jar))[0] == 700


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-12.80", "The price cannot be negative."),
        ("12.805", "Please give the price with at most two decimals, such as 12.80."),
        ("100000000", "The price cannot be more than ¥1,000,000."),
        ("1000000.01", "The price cannot be more than ¥1,000,000."),
        ("0", "The price must be more than ¥0.00."),
        ("", "Please enter a price in yuan, such as 12.80."),
        ("12,80元", "Please enter a price in yuan, such as 12.80."),
        ("1e3", "Please enter a price in yuan, such as 12.80."),
    ],
)
async def test_a_bad_price_is_refused_in_its_row_keeping_what_was_typed(
    client, session_maker, shops, typed, message
):
    admin = await signed_in(client)
    jar = shops.variants[0]
    before = await snapshot(session_maker)
    path = f"{LIST}/variants/{jar}/price"
    row = await htmx_post(admin, f"{path}?lang=en", {"price": typed}, **{"Accept-Language": "en"})
    assert row.status_code == 422 and row.text.lstrip().startswith(f'<tr id="variant-{jar}"')
    assert message in row.text and 'aria-invalid="true"' in row.text
    assert f'value="{typed}"' in row.text.replace("&#34;", '"')
    plain = await admin.client.post(
        path,
        data={"price": typed, "_csrf_token": await admin.csrf_token()},
        headers={"Accept-Language": "en"},
        follow_redirects=False,
    )
    assert plain.status_code == 400 and "<html" in plain.text and message in plain.text
    assert await snapshot(session_maker) == before


async def test_a_bad_price_is_refused_in_chinese_by_default(client, session_maker, shops):
    admin = await signed_in(client)
    await client.get(f"{LIST}?lang=zh")
    row = await htmx_post(admin, f"{LIST}/variants/{shops.variants[0]}/price", {"price": "-1"})
    assert row.status_code == 422 and "价格不能为负数。" in row.text


async def test_a_stock_edit_during_an_open_checkout_neither_oversells_nor_loses_units(
    client, session_maker, shops, stripe_sandbox, stripe_events
):
    jar = shops.variants[0]
    shopper = Shopper(client, "raohe")
    await shopper.add(jar, 3)
    session_id = session_id_of(await shopper.checkout(f"buyer-{uuid.uuid4().hex[:8]}@example.cn"))
    assert await variant_row(session_maker, shops.raohe, jar) == (6800, 17, 3)

    admin = await signed_in(client)  # the same browser, after its checkout
    path = f"{LIST}/variants/{jar}/stock"
    refused = await htmx_post(
        admin, path, {"on_hand": "2", "held": "0", "stock": "2"}, **{"Accept-Language": "en"}
    )
    assert refused.status_code == 422, refused.text[:500]
    assert "cannot be less than the 3 held by open checkouts" in refused.text and 'value="2"' in refused.text
    assert await variant_row(session_maker, shops.raohe, jar) == (6800, 17, 3)
    chinese = await htmx_post(admin, path, {"on_hand": "2"}, **{"Accept-Language": "zh-CN"})
    assert chinese.status_code == 422 and "不能少于未完成结账占用的 3 件" in chinese.text
    plain = await admin.post(path, {"on_hand": "1"})
    assert (
        plain.status_code == 400 and "<html" in plain.text and "不能少于未完成结账占用的 3 件" in plain.text
    )
    for bad in ("-5", "ten", "2.5", "10000001"):
        bad_row = await htmx_post(admin, path, {"on_hand": bad})
        assert bad_row.status_code == 422 and 'role="alert"' in bad_row.text
    assert await variant_row(session_maker, shops.raohe, jar) == (6800, 17, 3)

    saved = await htmx_post(admin, path, {"on_hand": "10", "held": "0", "stock": "99"})
    assert saved.status_code == 200
    assert '<td class="available">7</td>' in saved.text and '<td class="held">3</td>' in saved.text
    assert await variant_row(session_maker, shops.raohe, jar) == (6800, 7, 3)

    await pay_and_deliver(client, stripe_sandbox, stripe_events, session_id)
    assert await variant_row(session_maker, shops.raohe, jar) == (6800, 7, 0)  # 3 of the 10 sold


async def test_a_stock_edit_from_a_list_opened_before_a_sale_never_puts_the_sold_units_back(
    client, session_maker, shops
):
    jar = shops.variants[0]
    admin = await signed_in(client)
    listed = await client.get(LIST)
    shown = rf'action="{LIST}/variants/{jar}/stock".*?name="on_hand_shown" value="20"'
    assert re.search(shown, listed.text, re.S)
    async with session_maker() as session:  # meanwhile a shopper buys 3
        scope_to_county(session, shops.raohe)
        await session.execute(update(Variant).where(Variant.id == jar).values(stock=17))
        await session.commit()
    path = f"{LIST}/variants/{jar}/stock"
    stale = await htmx_post(
        admin, path, {"on_hand": "20", "on_hand_shown": "20"}, **{"Accept-Language": "en"}
    )
    assert stale.status_code == 422 and "17 are on hand now" in stale.text
    assert 'name="on_hand_shown" value="17"' in stale.text and 'value="20"' in stale.text  # as typed
    tampered = await htmx_post(admin, path, {"on_hand": "20", "on_hand_shown": "20abc"})
    assert tampered.status_code == 422
    assert await variant_row(session_maker, shops.raohe, jar) == (6800, 17, 0)
    counted = await htmx_post(admin, path, {"on_hand": "20", "on_hand_shown": "17"})
    assert counted.status_code == 200
    assert await variant_row(session_maker, shops.raohe, jar) == (6800, 20, 0)


async def test_the_active_flag_switches_a_product_off_and_on(client, session_maker, shops):
    admin = await signed_in(client)
    product = shops.products[0]
    path = f"{LIST}/{product}/active"
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        slug = await session.scalar(select(Product.slug).where(Product.id == product))
    off = await htmx_post(admin, path, {})  # an unticked checkbox sends nothing
    assert off.status_code == 200 and off.text.lstrip().startswith(f'<tr id="product-{product}"')
    assert "checked" not in off.text
    assert (await client.get(f"/c/raohe/products/{slug}")).status_code == 404
    on = await admin.post(path, {"active": "1"})
    assert on.status_code == 303
    assert (await client.get(f"/c/raohe/products/{slug}")).status_code == 200


async def test_each_save_shows_at_once_on_the_shops_cached_pages(settings, session_maker, shops):
    app: Litestar = create_app(replace(settings, page_cache_seconds=60))
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        slug = await session.scalar(select(Product.slug).where(Product.id == shops.products[0]))
    pages = (f"/c/raohe/products/{slug}", "/c/raohe/category/honey", "/c/raohe/")

    def client_for() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")

    async with app.lifespan(), client_for() as shopper, client_for() as browser:
        for path in pages:
            first = await shopper.get(path)
            assert first.status_code == 200 and "¥38.80" in first.text
        for path in pages[1:]:  # served from the page cache: not one query (product pages show live stock)
            with queries(app) as statements:
                assert (await shopper.get(path)).status_code == 200
            assert statements == [], path
        admin = await signed_in(browser)
        cheaper = shops.variants[1]  # the 250 g jar, the product's lowest price
        assert (
            await htmx_post(admin, f"{LIST}/variants/{cheaper}/price", {"price": "12.80"})
        ).status_code == 200
        for path in pages:
            page = await shopper.get(path)
            assert "¥12.80" in page.text, path  # the other products still cost ¥38.80
        assert "¥38.80" not in (await shopper.get(pages[0])).text
        assert (await admin.post(f"{LIST}/variants/{cheaper}/price", {"price": "11"})).status_code == 303
        for path in pages:
            assert "¥11.00" in (await shopper.get(path)).text, path
        assert (
            await htmx_post(admin, f"{LIST}/variants/{cheaper}/stock", {"on_hand": "0"})
        ).status_code == 200
        assert (
            "售罄" in (await shopper.get(pages[0])).text or "Sold out" in (await shopper.get(pages[0])).text
        )


# 3. Sealed per county


async def test_another_countys_ids_are_404_and_change_nothing(client, session_maker, shops):
    admin = await signed_in(client)
    before = await snapshot(session_maker)
    theirs = shops.guzhang_variants[0]
    for path, data in (
        (f"{LIST}/variants/{theirs}/price", {"price": "1.00", "county_id": str(shops.guzhang)}),
        (f"{LIST}/variants/{theirs}/stock", {"on_hand": "0", "county_id": str(shops.guzhang)}),
        (f"{LIST}/{shops.guzhang_products[0]}/active", {"active": "0"}),
        (f"{LIST}/variants/999999999/price", {"price": "1.00"}),
    ):
        assert (await admin.post(path, data)).status_code == 404, path
        assert (await htmx_post(admin, path, data)).status_code == 404, path
    assert await snapshot(session_maker) == before


async def test_extra_fields_are_ignored(client, session_maker, shops):
    admin = await signed_in(client)
    jar = shops.variants[0]
    response = await admin.post(
        f"{LIST}/variants/{jar}/price",
        {"price": "20.00", "county_id": str(shops.guzhang), "held": "9", "stock": "1", "id": "1"},
    )
    assert response.status_code == 303
    assert await variant_row(session_maker, shops.raohe, jar) == (2000, 20, 0)
    await admin.post(
        f"{LIST}/variants/{jar}/stock",
        {"on_hand": "30", "county_id": str(shops.guzhang), "held": "5", "stock": "1"},
    )
    assert await variant_row(session_maker, shops.raohe, jar) == (2000, 30, 0)
    async with session_maker() as session:
        scope_to_all_counties(session)
        assert await session.scalar(select(Variant.county_id).where(Variant.id == jar)) == shops.raohe


PATH_ID = re.compile(r"\{(\w+)(?::\w+)?\}")


def admin_routes(app: Litestar, pattern: str) -> list[tuple[str, str]]:
    """Every (method, path) the app serves whose path matches ``pattern``, from the app's own
    routes (so a new route is covered without touching the test)."""
    found = []
    for route in app.routes:
        if re.match(pattern, route.path):
            found.extend((method, route.path) for method in sorted(route.methods) if method != "OPTIONS")
    return found


async def call_routes(
    client: Any, routes: list[tuple[str, str]], ids: dict[str, int], fields: dict[str, str]
) -> list[tuple[str, str, bool, httpx.Response]]:
    """Each route with ``ids`` in its path (a POST sending ``fields``), with and without HTMX:
    (method, path, whether it named an id, response)."""
    token = await AdminBrowser(client).csrf_token()
    answers = []
    for method, template in routes:
        names = PATH_ID.findall(template)
        assert set(names) <= set(ids), f"{template}: add its county-B id to this test"
        path = PATH_ID.sub(lambda found: str(ids[found.group(1)]), template)
        for hx in ({}, {"HX-Request": "true"}):
            response = await client.request(
                method,
                path,
                data={**fields, "_csrf_token": token} if method not in {"GET", "HEAD"} else None,
                headers=hx,
                follow_redirects=False,
            )
            answers.append((method, path, bool(names), response))
    return answers


async def test_every_products_route_is_sealed_per_county(client, session_maker, shops):
    # a product's pictures are sealed and tested with their own pages
    routes = admin_routes(client.app, rf"{LIST}(/(?!.*pictures)|$)")
    assert {path for _method, path in routes} >= {
        LIST,
        f"{LIST}/variants/{{variant_id:int}}/price",
        f"{LIST}/variants/{{variant_id:int}}/stock",
        f"{LIST}/{{product_id:int}}/active",
    }
    ids = {"variant_id": shops.guzhang_variants[0], "product_id": shops.guzhang_products[0]}
    await signed_in(client)
    before = await snapshot(session_maker)
    fields = {
        "price": "1.00",
        "on_hand": "0",
        "active": "0",
        "county_id": str(shops.guzhang),
        "q": "",
        "page": "1",
    }
    for method, path, named, response in await call_routes(client, routes, ids, fields):
        if named:
            assert response.status_code == 404, (method, path, response.status_code)
        else:
            # the new-product form: a body of other forms' fields is refused (400), saving nothing
            assert response.status_code in {200, 400, 405}, (method, path, response.status_code)
            assert not any(sku in response.text for sku in shops.guzhang_skus), (method, path)
    assert await snapshot(session_maker) == before


async def test_a_platform_admin_edits_only_the_county_they_chose(client, session_maker, shops):
    await make_admin(session_maker, "boss-products@example.cn")
    admin = AdminBrowser(client)
    assert (await admin.log_in("boss-products@example.cn")).status_code == 303
    before = await snapshot(session_maker)
    page = await client.get(f"{LIST}?lang=en")
    assert page.status_code == 200 and "Please choose a county first." in page.text
    price = f"{LIST}/variants/{shops.variants[0]}/price"
    assert (await admin.post(price, {"price": "1.00", "county_id": str(shops.raohe)})).status_code == 404
    assert await snapshot(session_maker) == before

    chosen = await admin.post("/admin/county", {"county_id": str(shops.guzhang), "next": LIST})
    assert chosen.status_code == 303
    listed = await client.get(LIST)
    assert all(sku in listed.text for sku in shops.guzhang_skus)
    assert (await admin.post(price, {"price": "1.00"})).status_code == 404  # Raohe's, not Guzhang's
    assert (
        await admin.post(f"{LIST}/variants/{shops.guzhang_variants[0]}/price", {"price": "1.00"})
    ).status_code == 303
    assert (await variant_row(session_maker, shops.guzhang, shops.guzhang_variants[0]))[0] == 100
