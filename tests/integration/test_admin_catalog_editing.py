"""Editing the catalog in the admin: a product created with its first variant and edited, variants
added, edited and removed, producers and categories created and edited, categories put in order;
every save shown to shoppers at once (cached pages too); refusals next to their field with what was
typed kept; another county's ids 404 with nothing changed. On SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.app import create_app
from storefront.catalog.models import Category, Producer, Product, Variant
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.tenancy.models import County
from tests.integration.test_admin_products import admin_routes, call_routes, make_two_shops
from tests.support.admins import AdminBrowser, make_admin

RAOHE_ADMIN = "raohe-catalog@example.cn"


@dataclass(frozen=True)
class Shops:
    raohe: int
    guzhang: int
    product: int  # Raohe's first product
    slug: str
    variants: list[int]  # its two variants
    skus: list[str]
    category: int
    producer: int
    theirs: dict[str, int]  # Guzhang's product, variant, producer and category
    their_sku: str


@pytest.fixture
async def shops(session_maker) -> Shops:
    made = await make_two_shops(session_maker, 2, 1, RAOHE_ADMIN)
    product, theirs, their_variant = made.products[0], made.theirs[0], made.their_variants[0]
    return Shops(
        raohe=made.raohe.id,
        guzhang=made.guzhang.id,
        product=product.id,
        slug=product.slug,
        variants=[variant.id for variant in made.variants],
        skus=[variant.sku for variant in made.variants],
        category=product.category_id,
        producer=product.producer_id,
        theirs={
            "product_id": theirs.id,
            "variant_id": their_variant.id,
            "producer_id": theirs.producer_id,
            "category_id": theirs.category_id,
        },
        their_sku=their_variant.sku,
    )


async def signed_in(client: Any) -> AdminBrowser:
    admin = AdminBrowser(client)
    assert (await admin.log_in(RAOHE_ADMIN)).status_code == 303
    await client.get("/admin/?lang=en")  # the English interface, remembered
    return admin


PRODUCT = {
    "slug": "black-fungus",
    "name_zh": "黑木耳",
    "name_en": "Black fungus",
    "description_zh": "椴木上长的黑木耳。",
    "description_en": "Grown on linden logs.",
    "origin_zh": "饶河县山里",
    "origin_en": "The hills of Raohe",
    "category_id": "",
    "producer_id": "",
    "active": "1",
    "position": "5",
}
FIRST_VARIANT = {
    "label_zh": "250克袋装",
    "label_en": "250 g bag",
    "sku": "FUNGUS-250",
    "price": "29.90",
    "on_hand": "40",
}
SECOND_VARIANT = {
    "label_zh": "500克袋装",
    "label_en": "500 g bag",
    "sku": "FUNGUS-500",
    "price": "52.00",
    "on_hand": "15",
}


def new_product(**fields: str) -> dict[str, str]:
    """The new-product form: the product and its first variant."""
    return {**PRODUCT, **FIRST_VARIANT, **fields}


def product_fields(**fields: str) -> dict[str, str]:
    return {**PRODUCT, **fields}


def variant_fields(**fields: str) -> dict[str, str]:
    return {**SECOND_VARIANT, "position": "1", **fields}


def field_error(page: str, field_id: str) -> str:
    """The message shown next to the field ``field_id`` (empty if none)."""
    found = re.search(
        rf'<p class="field-error" id="{re.escape(field_id)}-error" role="alert">(.*?)</p>', page
    )
    return html.unescape(found.group(1)) if found else ""


def value_of(page: str, field_id: str) -> str:
    found = re.search(rf'id="{re.escape(field_id)}" name="\w+" value="([^"]*)"', page)
    if found:
        return html.unescape(found.group(1))
    found = re.search(rf'<textarea id="{re.escape(field_id)}"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


async def snapshot(session_maker) -> tuple:
    """Every catalog row that an admin form could change, and every county's content version."""
    async with session_maker() as session:
        scope_to_all_counties(session)
        rows = []
        for statement in (
            select(
                Product.id,
                Product.county_id,
                Product.slug,
                Product.name_zh,
                Product.name_en,
                Product.category_id,
                Product.producer_id,
                Product.is_active,
                Product.position,
            ),
            select(
                Variant.id,
                Variant.county_id,
                Variant.product_id,
                Variant.sku,
                Variant.label_zh,
                Variant.price,
                Variant.stock,
                Variant.held,
                Variant.position,
            ),
            select(Producer.id, Producer.county_id, Producer.slug, Producer.name_zh, Producer.story_zh),
            select(Category.id, Category.county_id, Category.slug, Category.name_zh, Category.position),
            select(County.id, County.content_version),
        ):
            rows.append(
                tuple(
                    map(
                        tuple,
                        (await session.execute(statement.order_by(statement.selected_columns[0]))).all(),
                    )
                )
            )
    return tuple(rows)


async def product_named(session_maker, county_id: int, slug: str) -> Product | None:
    async with session_maker() as session:
        scope_to_county(session, county_id)
        return await session.scalar(select(Product).where(Product.slug == slug))


async def variants_of(session_maker, county_id: int, product_id: int) -> list[tuple]:
    async with session_maker() as session:
        scope_to_county(session, county_id)
        rows = await session.execute(
            select(Variant.sku, Variant.label_zh, Variant.price, Variant.stock, Variant.held)
            .where(Variant.product_id == product_id)
            .order_by(Variant.position, Variant.id)
        )
        return [tuple(row) for row in rows.all()]


def cached_app(settings) -> Litestar:
    return create_app(replace(settings, page_cache_seconds=60))


def browser(app: Litestar) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")


# 1. Products and variants


async def test_a_product_created_with_two_variants_is_in_the_shop_at_once(settings, session_maker, shops):
    app = cached_app(settings)
    async with app.lifespan(), browser(app) as shopper, browser(app) as client:
        home = await shopper.get("/c/raohe/")
        assert home.status_code == 200 and "Black fungus" not in home.text and "黑木耳" not in home.text
        admin = await signed_in(client)
        listed = await client.get("/admin/products")
        assert 'href="/admin/products/new">New product</a>' in listed.text
        assert f'<a href="/admin/products/{shops.product}">' in listed.text
        form = await client.get("/admin/products/new")
        assert form.status_code == 200 and ">Save</button>" in form.text
        assert 'id="variant-price"' in form.text and 'inputmode="decimal"' in form.text
        assert f'<option value="{shops.category}">Honey</option>' in form.text

        created = await admin.post(
            "/admin/products/new",
            new_product(category_id=str(shops.category), producer_id=str(shops.producer)),
        )
        assert created.status_code == 303, created.text[:3000]
        product = await product_named(session_maker, shops.raohe, "black-fungus")
        assert created.headers["location"] == f"/admin/products/{product.id}?saved=product"
        assert (product.name_zh, product.name_en, product.position, product.is_active) == (
            "黑木耳",
            "Black fungus",
            5,
            True,
        )
        assert (product.category_id, product.producer_id) == (shops.category, shops.producer)
        edit = await client.get(created.headers["location"])
        assert edit.status_code == 200 and "Saved." in edit.text
        assert f'href="/admin/products/{product.id}/pictures">Pictures</a>' in edit.text

        added = await admin.post(f"/admin/products/{product.id}/variants", variant_fields())
        assert added.status_code == 303 and added.headers["location"].endswith("?saved=added")
        assert await variants_of(session_maker, shops.raohe, product.id) == [
            ("FUNGUS-250", "250克袋装", 2990, 40, 0),
            ("FUNGUS-500", "500克袋装", 5200, 15, 0),
        ]
        page = await shopper.get("/c/raohe/products/black-fungus?lang=en")
        assert page.status_code == 200 and "Black fungus" in page.text
        assert "¥29.90" in page.text and "¥52.00" in page.text
        assert "Black fungus" in (await shopper.get("/c/raohe/?lang=en")).text


async def test_an_edited_name_and_price_show_at_once_cached_or_not(settings, session_maker, shops):
    app, uncached = cached_app(settings), create_app(settings)
    page_path = f"/c/raohe/products/{shops.slug}"
    paths = (page_path, "/c/raohe/category/honey")
    async with (
        app.lifespan(),
        uncached.lifespan(),
        browser(app) as shopper,
        browser(uncached) as other_shopper,
        browser(app) as client,
    ):
        for path in paths:
            for visitor in (shopper, other_shopper):
                first = await visitor.get(path)
                assert "¥38.80" in first.text and "椴树蜂蜜" in first.text
        assert "野生" not in (await shopper.get(page_path)).text  # now in the page cache
        admin = await signed_in(client)
        fields = product_fields(
            slug=shops.slug,
            name_zh="野生椴树蜂蜜",
            name_en="Wild linden honey",
            category_id=str(shops.category),
            producer_id=str(shops.producer),
        )
        saved = await admin.post(f"/admin/products/{shops.product}", fields)
        assert (
            saved.status_code == 303
            and saved.headers["location"] == f"/admin/products/{shops.product}?saved=product"
        )
        cheaper = shops.variants[1]
        saved = await admin.post(
            f"/admin/products/{shops.product}/variants/{cheaper}",
            variant_fields(
                label_zh="250克瓶装", sku=shops.skus[1], price="12.80", on_hand="20", position="1"
            ),
        )
        assert saved.status_code == 303, saved.text[:3000]
        for path in paths:
            for visitor in (shopper, other_shopper):
                page = await visitor.get(path)
                assert "野生椴树蜂蜜" in page.text and "¥12.80" in page.text, path
        english = await shopper.get(f"{page_path}?lang=en")
        assert "Wild linden honey" in english.text


async def test_an_unchecked_active_box_takes_the_product_out_of_the_shop(client, session_maker, shops):
    admin = await signed_in(client)
    fields = product_fields(slug=shops.slug)
    fields.pop("active")
    assert (await admin.post(f"/admin/products/{shops.product}", fields)).status_code == 303
    assert (await client.get(f"/c/raohe/products/{shops.slug}")).status_code == 404
    edit = await client.get(f"/admin/products/{shops.product}")
    assert 'id="active" name="active" value="1">' in edit.text  # shown unticked


async def test_a_duplicate_slug_or_sku_is_a_field_message_with_nothing_lost(client, session_maker, shops):
    admin = await signed_in(client)
    clash = await admin.post("/admin/products/new", new_product(slug=shops.slug, name_zh="重名的商品"))
    assert clash.status_code == 400
    assert (
        field_error(clash.text, "slug")
        == "This web address name is already used in your county; please choose another."
    )
    assert value_of(clash.text, "slug") == shops.slug and value_of(clash.text, "name_zh") == "重名的商品"
    assert (
        value_of(clash.text, "variant-price") == "29.90"
        and value_of(clash.text, "description_en") == "Grown on linden logs."
    )
    sku = await admin.post("/admin/products/new", new_product(sku=shops.skus[0]))
    assert sku.status_code == 400 and field_error(sku.text, "slug") == ""
    assert (
        field_error(sku.text, "variant-sku")
        == "This SKU is already used in your county; please choose another."
    )
    both = await admin.post("/admin/products/new", new_product(slug=shops.slug, sku=shops.skus[0]))
    assert field_error(both.text, "slug") and field_error(both.text, "variant-sku")
    assert 'aria-invalid="true"' in both.text and "Nothing was saved" in both.text

    renamed = await admin.post(f"/admin/products/{shops.product}", product_fields(slug="product-taken"))
    assert renamed.status_code == 303  # its own slug may change
    other = await admin.post("/admin/products/new", new_product(slug="second"))
    assert other.status_code == 303
    second = await product_named(session_maker, shops.raohe, "second")
    taken = await admin.post(
        f"/admin/products/{second.id}", product_fields(slug="product-taken", name_en="Kept")
    )
    assert taken.status_code == 400 and field_error(taken.text, "slug").startswith(
        "This web address name is already used"
    )
    assert value_of(taken.text, "name_en") == "Kept"
    assert (
        await admin.post(f"/admin/products/{second.id}", product_fields(slug="second"))
    ).status_code == 303

    add = await admin.post(
        f"/admin/products/{second.id}/variants", variant_fields(sku=shops.skus[1], label_en="Typed")
    )
    assert add.status_code == 400 and field_error(add.text, "new-variant-sku").startswith(
        "This SKU is already used"
    )
    assert (
        value_of(add.text, "new-variant-label_en") == "Typed"
        and value_of(add.text, "new-variant-sku") == shops.skus[1]
    )
    edit = await admin.post(
        f"/admin/products/{shops.product}/variants/{shops.variants[0]}",
        variant_fields(sku=shops.skus[1], price="99.00"),
    )
    assert edit.status_code == 400
    assert field_error(edit.text, f"variant-{shops.variants[0]}-sku").startswith("This SKU is already used")
    assert value_of(edit.text, f"variant-{shops.variants[0]}-price") == "99.00"
    assert value_of(edit.text, f"variant-{shops.variants[1]}-price") == "38.80"  # the other variant as saved
    assert await variants_of(session_maker, shops.raohe, shops.product) == [
        (shops.skus[0], "500克瓶装", 6800, 20, 0),
        (shops.skus[1], "250克瓶装", 3880, 20, 0),
    ]
    # Another county's SKU and slug are free in this one.
    theirs = await admin.post("/admin/products/new", new_product(slug="tea-too", sku=shops.their_sku))
    assert theirs.status_code == 303


async def test_a_slug_taken_while_the_form_was_being_saved_is_a_field_message(
    client, session_maker, shops, monkeypatch
):
    """Two saves racing: the database's unique constraint refuses the second, shown as a message."""
    admin = await signed_in(client)
    real_flush = AsyncSession.flush

    async def rival_first(session, *args, **kwargs):  # another admin's save commits just before ours
        monkeypatch.setattr(AsyncSession, "flush", real_flush)
        async with AsyncSession(session.bind) as other:  # the app's engine, on the app's event loop
            scope_to_county(other, shops.raohe)
            rival = Product(slug="black-fungus", name_zh="别人的黑木耳")
            other.add(rival)
            await other.flush()
            other.add(Variant(product_id=rival.id, label_zh="袋", sku="RIVAL-1", price=100, stock=1))
            await other.commit()
        return await real_flush(session, *args, **kwargs)

    monkeypatch.setattr(AsyncSession, "flush", rival_first)
    raced = await admin.post("/admin/products/new", new_product())
    assert raced.status_code == 400
    assert field_error(raced.text, "slug").startswith("This web address name is already used")
    assert value_of(raced.text, "name_zh") == "黑木耳" and "Log out" in raced.text
    assert (await product_named(session_maker, shops.raohe, "black-fungus")).name_zh == "别人的黑木耳"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.805", "Please give the price with at most two decimals, such as 12.80."),
        ("-3", "The price cannot be negative."),
        ("abc", "Please enter a price in yuan, such as 12.80."),
        ("", "Please enter a price in yuan, such as 12.80."),
    ],
)
async def test_a_bad_price_is_refused_keeping_what_was_typed(client, session_maker, shops, typed, message):
    admin = await signed_in(client)
    before = await snapshot(session_maker)
    created = await admin.post("/admin/products/new", new_product(price=typed, name_en="Typed name"))
    assert created.status_code == 400 and field_error(created.text, "variant-price") == message
    assert (
        value_of(created.text, "variant-price") == typed and value_of(created.text, "name_en") == "Typed name"
    )
    assert value_of(created.text, "variant-sku") == "FUNGUS-250"
    jar = shops.variants[0]
    edited = await admin.post(f"/admin/products/{shops.product}/variants/{jar}", variant_fields(price=typed))
    assert edited.status_code == 400 and field_error(edited.text, f"variant-{jar}-price") == message
    assert value_of(edited.text, f"variant-{jar}-price") == typed
    added = await admin.post(f"/admin/products/{shops.product}/variants", variant_fields(price=typed))
    assert added.status_code == 400 and field_error(added.text, "new-variant-price") == message
    assert await snapshot(session_maker) == before


async def test_other_bad_fields_are_each_shown_next_to_their_field(client, session_maker, shops):
    admin = await signed_in(client)
    before = await snapshot(session_maker)
    page = await admin.post(
        "/admin/products/new",
        new_product(slug="Black Fungus!", name_zh="", on_hand="-1", position="x", sku="有 空格", label_zh=""),
    )
    assert page.status_code == 400
    assert field_error(page.text, "slug").startswith("Use lower-case letters a-z")
    assert field_error(page.text, "name_zh") == "Please enter the product's name in Chinese."
    assert field_error(page.text, "variant-on_hand") == "Stock on hand cannot be negative."
    assert field_error(page.text, "position").startswith("Please enter the position as a whole number")
    assert field_error(page.text, "variant-sku").startswith("A SKU is letters, digits")
    assert field_error(page.text, "variant-label_zh").startswith(
        "Please enter the variant's label in Chinese"
    )
    assert value_of(page.text, "slug") == "Black Fungus!"
    chinese = await client.post(
        "/admin/products/new?lang=zh",
        data={**new_product(price="-1"), "_csrf_token": await admin.csrf_token()},
    )
    assert chinese.status_code == 400 and "价格不能为负数。" in chinese.text and "保存" in chinese.text
    assert await snapshot(session_maker) == before


async def test_on_hand_is_edited_without_touching_held_units(client, session_maker, shops):
    jar = shops.variants[0]
    async with session_maker() as session:  # an open checkout holds 3
        scope_to_county(session, shops.raohe)
        await session.execute(update(Variant).where(Variant.id == jar).values(stock=17, held=3))
        await session.commit()
    admin = await signed_in(client)
    path = f"/admin/products/{shops.product}/variants/{jar}"
    fields = variant_fields(label_zh="500克瓶装", sku=shops.skus[0], price="68.00", position="0")
    refused = await admin.post(path, {**fields, "on_hand": "2"})
    assert refused.status_code == 400
    assert "cannot be less than the 3 held by open checkouts" in field_error(
        refused.text, f"variant-{jar}-on_hand"
    )
    assert value_of(refused.text, f"variant-{jar}-on_hand") == "2"
    assert (await variants_of(session_maker, shops.raohe, shops.product))[0][3:] == (17, 3)
    saved = await admin.post(path, {**fields, "on_hand": "10", "held": "0", "stock": "99"})
    assert saved.status_code == 303
    assert (await variants_of(session_maker, shops.raohe, shops.product))[0][3:] == (7, 3)


async def test_saving_a_variant_opened_before_a_sale_never_puts_the_sold_units_back(
    client, session_maker, shops
):
    jar = shops.variants[0]
    admin = await signed_in(client)
    page = await client.get(f"/admin/products/{shops.product}")
    shown = re.search(rf'action="[^"]*/variants/{jar}".*?name="on_hand_shown" value="(\d+)"', page.text, re.S)
    assert shown[1] == "20"
    async with session_maker() as session:  # meanwhile a shopper buys 3: they leave the shelf
        scope_to_county(session, shops.raohe)
        await session.execute(update(Variant).where(Variant.id == jar).values(stock=17))
        await session.commit()
    path = f"/admin/products/{shops.product}/variants/{jar}"
    fields = variant_fields(label_zh="500克玻璃瓶装", sku=shops.skus[0], price="68.00", position="0")
    fixed_label = await admin.post(path, {**fields, "on_hand": "20", "on_hand_shown": "20"})
    assert fixed_label.status_code == 303
    assert (await variants_of(session_maker, shops.raohe, shops.product))[0][3:] == (17, 0)
    recounted = await admin.post(path, {**fields, "on_hand": "25", "on_hand_shown": "20"})
    assert recounted.status_code == 400
    assert "17 are on hand now" in field_error(recounted.text, f"variant-{jar}-on_hand")
    assert value_of(recounted.text, f"variant-{jar}-on_hand") == "25"  # what was typed, kept
    assert 'name="on_hand_shown" value="17"' in recounted.text
    assert (await variants_of(session_maker, shops.raohe, shops.product))[0][3:] == (17, 0)
    again = await admin.post(path, {**fields, "on_hand": "25", "on_hand_shown": "17"})
    assert again.status_code == 303
    assert (await variants_of(session_maker, shops.raohe, shops.product))[0][3:] == (25, 0)


async def test_removing_a_variant_is_refused_while_held_and_for_the_last_one(client, session_maker, shops):
    jar, small = shops.variants
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        await session.execute(update(Variant).where(Variant.id == jar).values(stock=18, held=2))
        await session.commit()
    admin = await signed_in(client)
    held = await admin.post(f"/admin/products/{shops.product}/variants/{jar}/delete", {})
    assert held.status_code == 400
    assert "cannot be removed while open checkouts hold 2 of it" in held.text
    assert len(await variants_of(session_maker, shops.raohe, shops.product)) == 2

    removed = await admin.post(f"/admin/products/{shops.product}/variants/{small}/delete", {})
    assert removed.status_code == 303 and removed.headers["location"].endswith("?saved=removed")
    assert "Variant removed." in (await client.get(removed.headers["location"])).text
    assert "¥38.80" not in (await client.get(f"/c/raohe/products/{shops.slug}")).text

    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        await session.execute(update(Variant).where(Variant.id == jar).values(stock=20, held=0))
        await session.commit()
    last = await admin.post(f"/admin/products/{shops.product}/variants/{jar}/delete", {})
    assert last.status_code == 400 and "A product keeps at least one variant" in last.text
    assert len(await variants_of(session_maker, shops.raohe, shops.product)) == 1
    again = await admin.post(f"/admin/products/{shops.product}/variants/{small}/delete", {})
    assert again.status_code == 404  # a double press: already gone


# 2. Producers and categories


async def test_producers_are_created_and_edited(client, session_maker, shops):
    admin = await signed_in(client)
    listed = await client.get("/admin/producers")
    assert (
        listed.status_code == 200
        and f'href="/admin/producers/{shops.producer}">Li family apiary</a>' in listed.text
    )
    assert 'href="/admin/producers/new"' in listed.text
    fields = {
        "slug": "wang-coop",
        "kind": "coop",
        "name_zh": "王家合作社",
        "name_en": "Wang co-operative",
        "village_zh": "小南河村",
        "village_en": "Xiaonanhe",
        "story_zh": "二十户人家一起种木耳。",
        "story_en": "Twenty families grow fungus together.",
        "county_id": str(shops.guzhang),
    }
    created = await admin.post("/admin/producers/new", fields)
    assert created.status_code == 303
    async with session_maker() as session:
        scope_to_all_counties(session)
        producer = await session.scalar(select(Producer).where(Producer.slug == "wang-coop"))
    assert (producer.county_id, producer.kind, producer.village_en) == (shops.raohe, "coop", "Xiaonanhe")
    assert created.headers["location"] == f"/admin/producers/{producer.id}?saved=1"
    page = await client.get(created.headers["location"])
    assert "Saved." in page.text and f'href="/admin/producers/{producer.id}/photo">Photo</a>' in page.text
    shop = await client.get("/c/raohe/producers/wang-coop?lang=en")
    assert shop.status_code == 200 and "Twenty families grow fungus together." in shop.text

    clash = await admin.post(
        f"/admin/producers/{producer.id}", {**fields, "slug": "li-family-raohe", "name_en": "Kept"}
    )
    assert clash.status_code == 400 and field_error(clash.text, "slug").startswith(
        "This web address name is already used"
    )
    assert value_of(clash.text, "name_en") == "Kept"
    bad = await admin.post(f"/admin/producers/{producer.id}", {**fields, "kind": "factory", "name_zh": ""})
    assert bad.status_code == 400 and field_error(bad.text, "kind") == "Please choose from the list."
    assert field_error(bad.text, "name_zh") == "Please enter the producer's name in Chinese."
    saved = await admin.post(
        f"/admin/producers/{producer.id}", {**fields, "story_en": "Thirty families now."}
    )
    assert saved.status_code == 303
    assert "Thirty families now." in (await client.get("/c/raohe/producers/wang-coop?lang=en")).text


async def test_categories_are_created_edited_and_put_in_the_shops_order(client, session_maker, shops):
    admin = await signed_in(client)
    for slug, name in (("fungus", "木耳"), ("rice", "大米")):
        created = await admin.post(
            "/admin/categories/new", {"slug": slug, "name_zh": name, "name_en": slug.title()}
        )
        assert created.status_code == 303, created.text[:2000]

    def shop_order(page: str) -> list[str]:
        found = re.findall(r'href="/c/raohe/category/([a-z0-9-]+)"', page)
        return list(dict.fromkeys(found))

    assert shop_order((await client.get("/c/raohe/")).text) == ["honey", "fungus", "rice"]
    listed = await client.get("/admin/categories")
    assert listed.text.count(">Move up</button>") == 2 and listed.text.count(">Move down</button>") == 2
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        ids = dict((await session.execute(select(Category.slug, Category.id))).all())
    moved = await admin.post(f"/admin/categories/{ids['rice']}/move", {"direction": "up"})
    assert moved.status_code == 303
    assert shop_order((await client.get("/c/raohe/")).text) == ["honey", "rice", "fungus"]
    await admin.post(f"/admin/categories/{ids['honey']}/move", {"direction": "down"})
    assert shop_order((await client.get("/c/raohe/")).text) == ["rice", "honey", "fungus"]
    await admin.post(f"/admin/categories/{ids['rice']}/move", {"direction": "up"})  # already first
    await admin.post(f"/admin/categories/{ids['rice']}/move", {"direction": "sideways"})
    assert shop_order((await client.get("/c/raohe/")).text) == ["rice", "honey", "fungus"]

    clash = await admin.post(f"/admin/categories/{ids['rice']}", {"slug": "honey", "name_zh": "大米"})
    assert clash.status_code == 400 and field_error(clash.text, "slug").startswith(
        "This web address name is already used"
    )
    renamed = await admin.post(
        f"/admin/categories/{ids['rice']}", {"slug": "rice", "name_zh": "五常大米", "name_en": "Rice"}
    )
    assert renamed.status_code == 303
    assert "五常大米" in (await client.get("/c/raohe/?lang=zh")).text


async def test_a_product_can_only_be_put_in_the_countys_own_category_and_producer(
    client, session_maker, shops
):
    admin = await signed_in(client)
    before = await snapshot(session_maker)
    for name in ("category_id", "producer_id"):
        page = await admin.post("/admin/products/new", new_product(**{name: str(shops.theirs[name])}))
        assert page.status_code == 400 and field_error(page.text, name) == "Please choose from the list."
        page = await admin.post(
            f"/admin/products/{shops.product}",
            product_fields(slug=shops.slug, **{name: str(shops.theirs[name])}),
        )
        assert page.status_code == 400 and field_error(page.text, name) == "Please choose from the list."
    assert await snapshot(session_maker) == before


# 3. Sealed per county


async def test_another_countys_ids_are_404_and_change_nothing(client, session_maker, shops):
    # pictures and photos are sealed and tested with their own pages
    routes = admin_routes(client.app, r"/admin/(products|producers|categories)/(?!.*(pictures|photo))\S*\{")
    assert ("POST", "/admin/products/{product_id:int}/variants/{variant_id:int}/delete") in routes
    assert ("POST", "/admin/categories/{category_id:int}/move") in routes
    admin = await signed_in(client)
    before = await snapshot(session_maker)
    fields = {
        **new_product(),
        "position": "1",
        "kind": "farmer",
        "direction": "up",
        "county_id": str(shops.guzhang),
    }
    answers = await call_routes(client, routes, shops.theirs, fields)
    # and Guzhang's variant under Raohe's own product
    with_variants = [route for route in routes if "{variant_id" in route[1]]
    answers += await call_routes(client, with_variants, {**shops.theirs, "product_id": shops.product}, fields)
    assert len(answers) >= 2 * (7 + 3 + 2)
    for method, path, _named, response in answers:
        assert response.status_code == 404, (method, path, response.status_code)
    assert await snapshot(session_maker) == before
    # Raohe's variant under another of Raohe's products is no better.
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        second = await session.scalar(select(Product.id).where(Product.id != shops.product))
    assert (
        await admin.post(f"/admin/products/{second}/variants/{shops.variants[0]}", variant_fields())
    ).status_code == 404
    assert (
        await admin.post(f"/admin/products/{second}/variants/{shops.variants[0]}/delete", {})
    ).status_code == 404
    assert await snapshot(session_maker) == before


async def test_extra_fields_are_ignored(client, session_maker, shops):
    admin = await signed_in(client)
    before = await snapshot(session_maker)
    for token in ("", "forged-token"):  # a missing or foreign CSRF token
        refused = await admin.post("/admin/products/new", new_product(), token=token)
        assert refused.status_code == 403
    assert await snapshot(session_maker) == before
    extra = {
        "county_id": str(shops.guzhang),
        "id": str(shops.theirs["product_id"]),
        "held": "5",
        "stock": "1",
        "product_id": str(shops.theirs["product_id"]),
        "is_active": "0",
    }
    created = await admin.post("/admin/products/new", new_product(**extra))
    assert created.status_code == 303
    product = await product_named(session_maker, shops.raohe, "black-fungus")
    assert product is not None and product.county_id == shops.raohe and product.is_active
    assert await variants_of(session_maker, shops.raohe, product.id) == [
        ("FUNGUS-250", "250克袋装", 2990, 40, 0)
    ]
    added = await admin.post(f"/admin/products/{product.id}/variants", variant_fields(**extra))
    assert added.status_code == 303
    category = await admin.post("/admin/categories/new", {"slug": "nuts", "name_zh": "坚果", **extra})
    assert category.status_code == 303
    async with session_maker() as session:
        scope_to_all_counties(session)
        counties = set(
            (await session.scalars(select(Variant.county_id).where(Variant.product_id == product.id))).all()
        )
        assert counties == {shops.raohe}
        assert await session.scalar(select(Category.county_id).where(Category.slug == "nuts")) == shops.raohe
        assert (
            await session.scalar(select(func.count(Product.id)).where(Product.county_id == shops.guzhang))
            == 1
        )


async def test_a_platform_admin_without_a_county_gets_a_notice_or_404(client, session_maker, shops):
    await make_admin(session_maker, "boss-catalog@example.cn")
    admin = AdminBrowser(client)
    assert (await admin.log_in("boss-catalog@example.cn")).status_code == 303
    before = await snapshot(session_maker)
    for path in ("/admin/producers?lang=en", "/admin/categories?lang=en", "/admin/products?lang=en"):
        page = await client.get(path)
        assert page.status_code == 200 and "Please choose a county first." in page.text, path
    for path in (
        "/admin/products/new",
        f"/admin/products/{shops.product}",
        "/admin/producers/new",
        f"/admin/producers/{shops.producer}",
        "/admin/categories/new",
        f"/admin/categories/{shops.category}",
    ):
        assert (await client.get(path)).status_code == 404, path
        assert (await admin.post(path, {**new_product(), "kind": "farmer"})).status_code == 404, path
    assert (
        await admin.post(f"/admin/categories/{shops.category}/move", {"direction": "up"})
    ).status_code == 404
    assert await snapshot(session_maker) == before

    chosen = await admin.post("/admin/county", {"county_id": str(shops.raohe), "next": "/admin/products"})
    assert chosen.status_code == 303
    created = await admin.post("/admin/products/new", new_product())
    assert created.status_code == 303
    assert (await product_named(session_maker, shops.raohe, "black-fungus")) is not None


async def test_the_forms_are_usable_on_a_phone(client, shops):
    await signed_in(client)
    for path in (
        "/admin/products/new",
        f"/admin/products/{shops.product}",
        "/admin/producers/new",
        "/admin/categories/new",
    ):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert ".catalog-form textarea, .catalog-form select { width: 100%; min-height: 2.75rem;" in page.text
        assert "min-height: 2.75rem" in page.text and 'name="viewport"' in page.text
        assert re.search(r"width: *\d{3,}px", page.text) is None


async def test_ids_that_no_row_can_have_are_404(client, session_maker, shops):
    admin = await signed_in(client)
    before = await snapshot(session_maker)
    huge = "9" * 25  # beyond any database integer
    for path in (
        f"/admin/products/{huge}",
        f"/admin/products/{shops.product}/variants/{huge}",
        f"/admin/producers/{huge}",
        f"/admin/categories/{huge}",
        "/admin/products/0",
    ):
        assert (await client.get(path)).status_code in {404, 405}, path
        assert (await admin.post(path, {**new_product(), "kind": "farmer"})).status_code == 404, path
    assert (await admin.post(f"/admin/categories/{huge}/move", {"direction": "up"})).status_code == 404
    assert (await admin.post(f"/admin/products/{huge}/variants", variant_fields())).status_code == 404
    for path in (f"/admin/products/variants/{huge}/price", f"/admin/products/variants/{huge}/stock"):
        assert (await admin.post(path, {"price": "1", "on_hand": "1"})).status_code == 404, path
    assert (await admin.post(f"/admin/products/{huge}/active", {"active": "1"})).status_code == 404
    assert await snapshot(session_maker) == before
