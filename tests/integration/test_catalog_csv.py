"""Catalog CSV (/admin/catalog/csv): export, a dry run that shows every change and every bad row,
and an apply that writes all of it or nothing; the county's own rows only; on SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass, replace

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import select, update

from storefront.app import create_app
from storefront.catalog.models import Category, Product, Variant
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.tenancy.models import County
from tests.integration.test_admin_products import RAOHE_ADMIN, signed_in
from tests.support.admins import AdminBrowser, make_admin
from tests.support.factories import make_catalog, make_county

PAGE = "/admin/catalog/csv"
EXPORT = f"{PAGE}/export"
IMPORT = f"{PAGE}/import"
APPLY = f"{PAGE}/apply"
HEADER = (
    "product_slug,name_zh,name_en,category_slug,producer_slug,active,description_zh,description_en,"
    "origin_zh,origin_en,sku,label_zh,label_en,price,on_hand"
)


@dataclass(frozen=True)
class Shops:
    raohe: int
    guzhang: int
    skus: list[str]  # Raohe's
    guzhang_skus: list[str]
    producer: str  # Raohe's producer slug


@pytest.fixture
async def shops(session_maker) -> Shops:
    async with session_maker() as session:
        raohe = await make_county(session, "raohe", shipping_fee=0)
        await make_catalog(session, raohe, products=3)
        session.add(Category(slug="bulk", name_zh="批量", name_en="Bulk", position=5, county_id=raohe.id))
        guzhang = await make_county(session, "guzhang")
        await make_catalog(session, guzhang, products=2, category_slug="tea")
        scope_to_all_counties(session)
        variants = (await session.scalars(select(Variant).order_by(Variant.id))).all()
        await session.commit()
    await make_admin(session_maker, RAOHE_ADMIN, county="raohe")
    return Shops(
        raohe.id,
        guzhang.id,
        [variant.sku for variant in variants if variant.county_id == raohe.id],
        [variant.sku for variant in variants if variant.county_id == guzhang.id],
        "li-family-raohe",
    )


async def upload(
    admin: AdminBrowser, content: bytes | str, *, htmx: bool = False, token: str | None = None, **headers: str
) -> httpx.Response:
    raw = content.encode() if isinstance(content, str) else content
    token = await admin.csrf_token() if token is None else token
    return await admin.client.post(
        IMPORT,
        data={"_csrf_token": token} if token else {},
        files={"file": ("catalog.csv", raw, "text/csv")},
        headers={**({"HX-Request": "true"} if htmx else {}), **headers},
        follow_redirects=False,
    )


def apply_fields(page: str) -> dict[str, str]:
    form = re.search(r'<form method="post" action="/admin/catalog/csv/apply".*?</form>', page, re.S)
    assert form, page[:3000]
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0))
        if name != "_csrf_token"
    }


async def apply(admin: AdminBrowser, fields: dict[str, str]) -> httpx.Response:
    return await admin.post(APPLY, fields)


def error_rows(page: str) -> list[tuple[str, str]]:
    """(line, reason) of every bad row the preview lists."""
    return [
        (line, html.unescape(reason))
        for line, reason in re.findall(
            r'<tr class="csv-error"><td>(\d+)</td><td>.*?</td><td>(.*?)</td></tr>', page, re.S
        )
    ]


PRODUCT_COLUMNS = ("id", "county_id", "slug", "name_zh", "name_en", "category_id", "producer_id", "is_active")
VARIANT_COLUMNS = ("id", "county_id", "product_id", "sku", "label_zh", "price", "stock", "held")
SNAPSHOT = (
    [getattr(Product, name) for name in (*PRODUCT_COLUMNS, "description_zh", "origin_en")],
    [getattr(Variant, name) for name in VARIANT_COLUMNS],
    [County.id, County.content_version],
)


async def snapshot(session_maker) -> tuple:
    """Every product, variant and county content version, across counties."""
    async with session_maker() as session:
        scope_to_all_counties(session)
        tables = [
            (await session.execute(select(*columns).order_by(columns[0]))).all() for columns in SNAPSHOT
        ]
    return tuple(tuple(map(tuple, rows)) for rows in tables)


async def content_version(session_maker, county_id: int) -> int:
    async with session_maker() as session:
        scope_to_all_counties(session)
        return await session.scalar(select(County.content_version).where(County.id == county_id))


async def hold_three(session_maker, shops: Shops) -> None:
    """Open checkouts hold 3 of the first variant's 20 units."""
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        await session.execute(update(Variant).where(Variant.sku == shops.skus[0]).values(stock=17, held=3))
        await session.commit()


def rows_of(export: httpx.Response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))


# 1. The page and the export


async def test_the_page_explains_the_columns_in_english_and_chinese(client, shops):
    await signed_in(client)
    page = await client.get(f"{PAGE}?lang=en")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    for control in (">Export CSV</a>", ">Import CSV</button>", "Price in yuan, such as 68.00.", "HONEY-500"):
        assert control in page.text
    assert 'type="file" name="file"' in page.text and "<progress" in page.text
    assert 'enctype="multipart/form-data"' in page.text  # without JavaScript the plain form works
    chinese = await client.get(f"{PAGE}?lang=zh")
    assert "导出 CSV" in chinese.text and "导入 CSV" in chinese.text and "以元为单位的价格" in chinese.text


async def test_the_export_holds_the_countys_catalog_one_row_per_variant(client, shops):
    await signed_in(client)
    export = await client.get(EXPORT)
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert (
        export.content.startswith("\ufeff".encode())
        and "catalog-raohe.csv" in export.headers["content-disposition"]
    )
    rows = rows_of(export)
    assert [row["sku"] for row in rows] == shops.skus
    assert not any(sku in export.text for sku in shops.guzhang_skus) and "tea" not in export.text
    first = rows[0]
    assert first["price"] == "68.00" and first["on_hand"] == "20" and first["active"] == "1"
    assert first["category_slug"] == "honey" and first["producer_slug"] == shops.producer
    assert first["label_zh"] == "500克瓶装" and rows[1]["price"] == "38.80"
    assert ",".join(rows[0].keys()) == HEADER


async def test_export_then_import_changes_nothing(client, session_maker, shops):
    admin = await signed_in(client)
    before = await snapshot(session_maker)
    export = await client.get(EXPORT)
    preview = await upload(admin, export.content, **{"Accept-Language": "en"})
    assert preview.status_code == 200, preview.text[:2000]
    assert "Unchanged rows: 6" in preview.text and "Products to create: 0" in preview.text
    assert "there is nothing to change" in preview.text and "/admin/catalog/csv/apply" not in preview.text
    assert await snapshot(session_maker) == before


async def test_a_formula_cell_is_defused_and_comes_back_unchanged(client, session_maker, shops):
    formula = '=HYPERLINK("http://evil.example","click")'
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        await session.execute(update(Product).where(Product.slug == "product-1").values(name_en=formula))
        first = await session.scalar(select(Product).order_by(Product.id).limit(1))
        first.name_en = formula
        first.description_en = "-1 spoon a day"
        session.add(Product(slug="coming-soon", name_zh="即将上市", is_active=False, position=7))
        await session.commit()
    admin = await signed_in(client)
    before = await snapshot(session_maker)
    export = await client.get(EXPORT)
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][2] == "'" + formula and rows[1][7] == "'-1 spoon a day"
    assert rows[-1][:6] == ["coming-soon", "即将上市", "", "", "", "0"] and rows[-1][10:] == [""] * 5
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    preview = await upload(admin, export.content, **{"Accept-Language": "en"})
    assert "Unchanged rows: 7" in preview.text and "there is nothing to change" in preview.text
    assert await snapshot(session_maker) == before


# 2. Bad files change nothing


async def test_a_file_with_one_bad_row_changes_nothing_and_names_the_row(client, session_maker, shops):
    admin = await signed_in(client)
    before = await snapshot(session_maker)
    lines = [HEADER]
    for number in range(1, 6):
        price = "12.345" if number == 4 else "10.00"
        lines.append(f"new-{number},新品{number},New {number},honey,,1,,,,,NEW-{number},一瓶,A jar,{price},5")
    preview = await upload(admin, "\n".join(lines) + "\n", **{"Accept-Language": "en"})
    assert preview.status_code == 400
    assert error_rows(preview.text) == [
        ("5", "Please give the price with at most two decimals, such as 12.80.")
    ]
    assert "/admin/catalog/csv/apply" not in preview.text
    assert await snapshot(session_maker) == before


async def test_every_bad_row_is_reported_with_its_line_and_reason(client, session_maker, shops):
    admin = await signed_in(client)
    await hold_three(session_maker, shops)
    before = await snapshot(session_maker)
    product_1 = f"product-{shops.skus[0].split('-')[1]}"
    product_2 = f"product-{shops.skus[2].split('-')[1]}"
    text = "\n".join(
        [
            "product_slug,name_zh,sku,label_zh,price,on_hand,category_slug,producer_slug",
            "ok-1,好的,OK-1,一瓶,10.00,5,honey,",  # line 2: fine
            "no-name,,NONAME-1,一瓶,10.00,5,,",  # 3: missing name
            "bad-price,坏价,BADPRICE-1,一瓶,ten,5,,",  # 4
            "dup,重复,OK-1,一瓶,10.00,5,,",  # 5: SKU of line 2
            "cat,类别,CAT-1,一瓶,10.00,5,no-such-category,",  # 6
            "prod,农户,PROD-1,一瓶,10.00,5,,nobody",  # 7
            f"{product_1},椴树蜂蜜,{shops.skus[0]},500克瓶装,68.00,2,honey,{shops.producer}",  # 8: held 3
            "Bad Slug,坏,SLUG-1,一瓶,10.00,5,,",  # 9
            "neg,负,NEG-1,一瓶,-1,5,,",  # 10
            "stock,库存,STOCK-1,一瓶,1.00,-3,,",  # 11
            "active,上架,ACT-1,一瓶,1.00,3,,",  # 12: fine
            f"moved,移动,{shops.skus[2]},一瓶,1.00,3,,",  # 13: another product's SKU
        ]
    )
    preview = await upload(admin, text, **{"Accept-Language": "en"})
    assert preview.status_code == 400
    found = error_rows(preview.text)
    assert found == [
        ("3", "Please enter the product's name in Chinese."),
        ("4", "Please enter a price in yuan, such as 12.80."),
        ("5", "The SKU “OK-1” is already on line 2."),
        ("6", "There is no category “no-such-category” in this county."),
        ("7", "There is no producer “nobody” in this county."),
        (
            "8",
            "Stock on hand cannot be less than the 3 held by open checkouts; "
            "those units are not yours to count until the checkouts end.",
        ),
        ("9", "Use lower-case letters a-z, digits and hyphens only, such as linden-honey."),
        ("10", "The price cannot be negative."),
        ("11", "Stock on hand cannot be negative."),
        ("13", f"The SKU “{shops.skus[2]}” belongs to the product “{product_2}”."),
    ], found
    assert "Bad rows: 10" in preview.text and "/admin/catalog/csv/apply" not in preview.text
    chinese = await upload(admin, text, **{"Accept-Language": "zh-CN"})
    assert "请输入商品的中文名称。" in chinese.text
    assert await snapshot(session_maker) == before


async def test_a_bad_header_or_file_is_refused_with_a_clear_message(client, session_maker, shops):
    admin = await signed_in(client)
    before = await snapshot(session_maker)
    unknown = await upload(
        admin, HEADER + ",colour\nx,名,,,,1,,,,,X-1,瓶,,1.00,1,red\n", **{"Accept-Language": "en"}
    )
    assert unknown.status_code == 400 and ("1", "Unknown column “colour”.") in error_rows(unknown.text)
    twice = await upload(admin, HEADER + ",sku,colour,colour\n", **{"Accept-Language": "en"})
    assert error_rows(twice.text).count(("1", "The column “sku” is there twice.")) == 1
    assert error_rows(twice.text).count(("1", "Unknown column “colour”.")) == 1
    commas = await upload(admin, "," * 1_000_000 + "\n", **{"Accept-Language": "en"})  # said once, at once
    assert commas.status_code == 400 and len(error_rows(commas.text)) == 1
    assert "The first row has 1,000,001 columns" in commas.text and len(commas.text) < 100_000
    missing = await upload(admin, "product_slug,name_zh\nx,名\n", **{"Accept-Language": "en"})
    assert ("1", "The column “price” is missing.") in error_rows(missing.text)
    binary = await upload(admin, b"\x89PNG\r\n\x1a\n\xff\xfe\xfd" * 10, **{"Accept-Language": "en"})
    assert binary.status_code == 400 and "This file is not CSV text" in binary.text
    too_big = await upload(admin, b"a" * (2 * 1024 * 1024 + 1), **{"Accept-Language": "en"})
    assert too_big.status_code == 413 and "larger than 2 MB" in too_big.text
    many = HEADER + "\n" + "".join(f"p{n},名,,,,1,,,,,S{n},瓶,,1.00,1\n" for n in range(5001))
    too_many = await upload(admin, many, **{"Accept-Language": "en"})
    assert too_many.status_code == 413 and "more than 5000 rows" in too_many.text
    no_file = await admin.client.post(
        IMPORT, data={"_csrf_token": await admin.csrf_token()}, files={"other": ("x", b"", "text/plain")}
    )
    assert no_file.status_code == 400 and 'role="alert"' in no_file.text
    assert await snapshot(session_maker) == before


# 3. Good files


async def test_a_file_of_1000_products_imports_and_shows_in_the_shop_at_once(settings, session_maker, shops):
    app: Litestar = create_app(replace(settings, page_cache_seconds=60))
    lines = [HEADER]
    for number in range(1, 1001):
        lines.append(
            f"bulk-{number:04d},批量商品 {number} 号,Bulk item {number},bulk,{shops.producer},1,"
            f'"好东西。\n第二段。",Good.,饶河,Raohe,BULK-{number:04d},一袋,A bag,{number}.50,{number % 50}'
        )
    text = "\n".join(lines) + "\n"
    before = await content_version(session_maker, shops.raohe)
    async with (
        app.lifespan(),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver.local"
        ) as shopper,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver.local"
        ) as browser,
    ):
        empty = await shopper.get("/c/raohe/category/bulk")  # now in the page cache
        assert empty.status_code == 200 and "Bulk item" not in empty.text and "批量商品" not in empty.text
        admin = await signed_in(browser)
        preview = await upload(admin, text, htmx=True, **{"Accept-Language": "en"})
        assert preview.status_code == 200, preview.text[:2000]
        assert "<html" not in preview.text  # HTMX gets the result alone
        assert "Products to create: 1000" in preview.text and "Variants to create: 1000" in preview.text
        assert "and 800 more" in preview.text
        done = await apply(admin, apply_fields(preview.text))
        assert done.status_code == 303 and done.headers["location"].startswith(PAGE)
        landed = await browser.get(done.headers["location"] + "&lang=en")
        assert (
            "Imported: 1000 products and 1000 variants created, 0 products or variants changed."
            in landed.text
        )
        listed = await shopper.get("/c/raohe/category/bulk")
        assert "批量商品 1 号" in listed.text
        page = await shopper.get("/c/raohe/products/bulk-1000")
        assert page.status_code == 200 and "¥1,000.50" in page.text
    assert await content_version(session_maker, shops.raohe) == before + 1  # once, in the apply
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        count = len((await session.scalars(select(Product.id).where(Product.slug.like("bulk-%")))).all())
        last = await session.scalar(select(Variant).where(Variant.sku == "BULK-1000"))
        product = await session.scalar(select(Product).where(Product.slug == "bulk-0007"))
    assert count == 1000 and (last.price, last.stock, last.held, last.label_en) == (100050, 0, 0, "A bag")
    assert product.description_zh == "好东西。\n第二段。" and product.is_active


async def test_changes_are_shown_old_and_new_and_held_units_stay_held(client, session_maker, shops):
    admin = await signed_in(client)
    await hold_three(session_maker, shops)
    export = await client.get(EXPORT)
    rows = rows_of(export)
    rows[0]["price"] = "59.90"
    rows[0]["on_hand"] = "40"
    rows[1]["label_en"] = "Small jar"
    for row in rows[2:4]:
        row["active"] = "0"
    rows.append({**rows[0], "sku": "NEW-1000", "label_zh": "1公斤", "price": "128", "on_hand": "7"})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0].keys()))
    writer.writeheader()
    writer.writerows(rows)
    preview = await upload(admin, buffer.getvalue(), **{"Accept-Language": "en"})
    assert preview.status_code == 200, preview.text[:3000]
    text = preview.text
    assert (
        "Variants to create: 1" in text
        and "Variants to change: 2" in text
        and "Products to change: 1" in text
    )
    assert "Unchanged rows: 2" in text
    assert re.search(r'<td class="csv-old">68.00</td><td>59.90</td>', text)
    assert re.search(r'<td class="csv-old">20</td><td>40</td>', text)
    assert re.search(r'<td class="csv-old">1</td><td>0</td>', text)
    before = await content_version(session_maker, shops.raohe)
    done = await apply(admin, apply_fields(text))
    assert done.status_code == 303
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        first = await session.scalar(select(Variant).where(Variant.sku == shops.skus[0]))
        second = await session.scalar(select(Variant).where(Variant.sku == shops.skus[1]))
        new = await session.scalar(select(Variant).where(Variant.sku == "NEW-1000"))
        inactive = await session.scalar(select(Product).where(Product.id == second.product_id))
    assert (first.price, first.stock, first.held) == (5990, 37, 3)  # 40 on hand, the 3 held still held
    assert second.label_en == "Small jar" and inactive.is_active is True
    assert (new.product_id, new.price, new.stock, new.position) == (first.product_id, 12800, 7, 2)
    assert await content_version(session_maker, shops.raohe) == before + 1
    again = await apply(admin, apply_fields(text))  # the same preview, pressed twice
    assert again.status_code == 409 and "预览之后商品目录已有变化" in again.text
    assert await content_version(session_maker, shops.raohe) == before + 1


async def test_a_gb18030_file_from_excel_or_wps_imports(client, session_maker, shops):
    admin = await signed_in(client)
    text = (
        "\r\n".join(
            [
                "product_slug,name_zh,name_en,category_slug,sku,label_zh,price,on_hand",
                "hei-mu-er,黑木耳,Black fungus,honey,MUER-250,250克袋装,45.00,30",
                "hei-mu-er,黑木耳,Black fungus,honey,MUER-500,500克袋装,¥88,12",
            ]
        )
        + "\r\n"
    )
    raw = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    preview = await upload(admin, raw, **{"Accept-Language": "en"})
    assert preview.status_code == 200 and "黑木耳" in preview.text and "Variants to create: 2" in preview.text
    assert (await apply(admin, apply_fields(preview.text))).status_code == 303
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        product = await session.scalar(select(Product).where(Product.slug == "hei-mu-er"))
        variants = (await session.scalars(select(Variant).where(Variant.product_id == product.id))).all()
    assert product.name_zh == "黑木耳" and product.description_zh == "" and product.producer_id is None
    assert sorted((v.sku, v.label_zh, v.price, v.stock) for v in variants) == [
        ("MUER-250", "250克袋装", 4500, 30),
        ("MUER-500", "500克袋装", 8800, 12),
    ]
    shop = await client.get("/c/raohe/products/hei-mu-er")
    assert shop.status_code == 200 and "黑木耳" in shop.text


# 4. The apply step trusts nothing


async def test_a_tampered_or_stale_apply_is_refused(client, session_maker, shops):
    admin = await signed_in(client)
    good = f"{HEADER}\nmine,我的,Mine,honey,,1,,,,,MINE-1,一瓶,A jar,10.00,5\n"
    preview = await upload(admin, good, **{"Accept-Language": "en"})
    fields = apply_fields(preview.text)
    before = await snapshot(session_maker)
    other = await upload(admin, good.replace("10.00", "0.01"), **{"Accept-Language": "en"})
    swapped = {**fields, "payload": apply_fields(other.text)["payload"]}  # another file, this digest
    for tampered in (
        swapped,
        {**fields, "digest": "0" * 64},
        {**fields, "digest": "摘要" * 32},
        {**fields, "fingerprint": "x"},
        {"payload": fields["payload"]},
        {**fields, "payload": "not base64 !!"},
    ):
        refused = await apply(admin, {**tampered, "lang": "en"})
        assert refused.status_code == 400, refused.status_code
        assert "could not be checked" in refused.text or "无法核对" in refused.text
    assert await snapshot(session_maker) == before

    async with session_maker() as session:  # the catalog moves on after the preview
        scope_to_county(session, shops.raohe)
        session.add(Product(slug="mine", name_zh="别人先建了", position=9))
        await session.commit()
    stale = await apply(admin, fields)
    assert stale.status_code == 409 and "/admin/catalog/csv/apply" in stale.text
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        assert await session.scalar(select(Variant.id).where(Variant.sku == "MINE-1")) is None
        assert await session.scalar(select(Product.name_zh).where(Product.slug == "mine")) == "别人先建了"


async def test_no_csrf_token_is_refused(client, session_maker, shops):
    admin = await signed_in(client)
    before = await snapshot(session_maker)
    good = f"{HEADER}\nmine,我的,Mine,honey,,1,,,,,MINE-1,一瓶,A jar,10.00,5\n"
    assert (await upload(admin, good, token="")).status_code == 403
    preview = await upload(admin, good)
    fields = apply_fields(preview.text)
    no_token = await client.post(APPLY, data=fields, follow_redirects=False)
    assert no_token.status_code == 403
    assert (await admin.post(APPLY, fields, token="forged-token")).status_code == 403
    assert await snapshot(session_maker) == before


# 5. Sealed per county


async def test_a_sku_of_another_county_is_a_new_sku_here_and_leaves_that_county_alone(
    client, session_maker, shops
):
    admin = await signed_in(client)
    theirs = shops.guzhang_skus[0]
    before = await snapshot(session_maker)
    text = f"{HEADER}\nborrowed,借来的,Borrowed,honey,,1,,,,,{theirs},一瓶,A jar,1.00,999\n"
    preview = await upload(admin, text, **{"Accept-Language": "en"})
    assert preview.status_code == 200 and "Variants to create: 1" in preview.text
    assert (await apply(admin, apply_fields(preview.text))).status_code == 303
    after = await snapshot(session_maker)
    guzhang_before = [row for row in before[1] if row[1] == shops.guzhang]
    assert [row for row in after[1] if row[1] == shops.guzhang] == guzhang_before
    assert [row for row in after[0] if row[1] == shops.guzhang] == [
        row for row in before[0] if row[1] == shops.guzhang
    ]
    assert dict(after[2])[shops.guzhang] == dict(before[2])[shops.guzhang]
    mine = [row for row in after[1] if row[3] == theirs and row[1] == shops.raohe]
    assert len(mine) == 1 and mine[0][5:] == (100, 999, 0)
    export = await client.get(EXPORT)
    assert [row["sku"] for row in rows_of(export)].count(theirs) == 1  # only Raohe's own


async def test_a_preview_cannot_be_applied_to_another_county(client, session_maker, shops):
    await make_admin(session_maker, "boss-csv@example.cn")
    admin = AdminBrowser(client)
    assert (await admin.log_in("boss-csv@example.cn")).status_code == 303
    before = await snapshot(session_maker)
    page = await client.get(f"{PAGE}?lang=en")
    assert page.status_code == 200 and "Please choose a county first." in page.text
    assert (await client.get(EXPORT)).status_code == 404
    text = f"{HEADER}\nmine,我的,Mine,,,1,,,,,MINE-1,一瓶,A jar,10.00,5\n"
    assert (await upload(admin, text)).status_code == 404
    assert await snapshot(session_maker) == before

    assert (
        await admin.post("/admin/county", {"county_id": str(shops.raohe), "next": PAGE})
    ).status_code == 303
    preview = await upload(admin, text)
    fields = apply_fields(preview.text)
    assert (
        await admin.post("/admin/county", {"county_id": str(shops.guzhang), "next": PAGE})
    ).status_code == 303
    assert (await apply(admin, fields)).status_code == 409  # the page was made for Raohe
    unnamed = {name: value for name, value in fields.items() if name != "_acting_county"}
    assert (await apply(admin, unnamed)).status_code == 400  # and its rows are signed for Raohe
    assert await snapshot(session_maker) == before
    assert (await admin.post("/admin/county", {"county_id": "", "next": PAGE})).status_code == 303
    assert (await apply(admin, unnamed)).status_code == 404
    assert await snapshot(session_maker) == before
