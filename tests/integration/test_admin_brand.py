"""Brand settings (/admin/brand): the form, its refusals (contrast with the ratio, hex, fees,
custom domain), the preview that saves nothing, a save shown at once on the shop (cached pages,
footer, the custom domain), and the county sealed: only the signed-in admin's. On SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
import html
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import select

from demo.content import load_counties
from storefront.accounts.models import AuditEntry
from storefront.app import create_app
from storefront.db import scope_to_all_counties
from storefront.forms import read_form
from storefront.tenancy import service as tenancy_service
from storefront.tenancy.admin_forms import BrandForm
from storefront.tenancy.models import County
from tests.integration.test_content_versions import queries
from tests.support.admins import AdminBrowser, make_admin
from tests.support.factories import make_catalog, make_county

RAOHE_ADMIN = "raohe-brand@example.cn"
BRAND = "/admin/brand"
PREVIEW = "/admin/brand/preview"

BRAND_FORM = {
    "name_zh": "饶河县",
    "name_en": "Raohe County",
    "tagline_zh": "乌苏里江畔的黑蜂蜜",
    "tagline_en": "Black bee honey from the Ussuri",
    "story_zh": "江边的林子。\n\n黑蜂采蜜。",
    "story_en": "Forests by the river.\n\nBlack bees gather honey.",
    "primary_color": "#1d4e5f",
    "accent_color": "#f2a900",
    "text_color": "#ffffff",
    "shipping_fee": "12",
    "free_shipping_threshold": "99.00",
    "custom_domain": "",
    "service_phone": "0469-5612345",
    "service_wechat": "raohe_heifeng",
    "service_hours_zh": "每天 8:00–20:00",
    "service_hours_en": "Daily 8:00–20:00",
    "shipping_promise_zh": "48 小时内从饶河县发货，顺丰或中通",
    "shipping_promise_en": "Ships from Raohe County within 48 hours by SF or ZTO",
    "after_sales_zh": "破损包赔。",
    "after_sales_en": "Anything broken is replaced.",
    "business_licence": "93230524MA18X7KQ2N",
    "food_licence": "SC12823052400017",
    "origin_mark_zh": "国家地理标志保护产品",
    "origin_mark_en": "National geographical indication product",
}


@pytest.fixture
async def counties(session_maker) -> dict[str, int]:
    async with session_maker() as session:
        raohe = await make_county(session, "raohe", primary_color="#8a3b12", shipping_fee=1000)
        await make_catalog(session, raohe, products=2)
        guzhang = await make_county(session, "guzhang", custom_domain="tea.guzhang.cn")
        await session.commit()
        ids = {"raohe": raohe.id, "guzhang": guzhang.id}
    await make_admin(session_maker, RAOHE_ADMIN, county="raohe")
    return ids


async def signed_in(client: Any, email: str = RAOHE_ADMIN) -> AdminBrowser:
    admin = AdminBrowser(client)
    response = await admin.log_in(email)
    assert response.status_code == 303, response.text[:500]
    await client.get(f"{BRAND}?lang=en")  # messages in English from here on
    return admin


async def htmx_post(admin: AdminBrowser, path: str, data: dict[str, Any]) -> httpx.Response:
    token = await admin.csrf_token()
    return await admin.client.post(
        path, data={**data, "_csrf_token": token}, headers={"HX-Request": "true"}, follow_redirects=False
    )


async def brand_of(session_maker, county_id: int) -> dict[str, Any]:
    async with session_maker() as session:
        scope_to_all_counties(session)
        county = await session.get(County, county_id)
        return {column.key: getattr(county, column.key) for column in County.__table__.columns}


def field_value(page: str, name: str) -> str:
    """The value an input or textarea of the page holds."""
    marker = f'name="{name}"'
    start = page.index(marker)
    tail = page[start:]
    if page[page.rfind("<", 0, start) :].startswith("<textarea"):
        return html.unescape(tail[tail.index(">") + 1 : tail.index("</textarea>")])
    value = tail[tail.index('value="') + len('value="') :]
    return html.unescape(value[: value.index('"')])


# 1. The form


def test_the_demo_counties_brands_pass_the_brand_form_as_they_are():
    """What `storefront seed-demo` stores, an admin could have typed: Save keeps it unchanged."""
    for content in load_counties():
        stored = {"custom_domain": None, **content.county.model_dump()}
        form = read_form(BrandForm, BrandForm.shown(SimpleNamespace(**stored)))
        assert form.errors == {}, (content.county.slug, form.errors)
        assert form.data is not None
        assert {name: stored[name] for name in form.data.columns()} == form.data.columns()
        assert form.data.service_phone and form.data.shipping_promise_zh and form.data.after_sales_en


async def test_the_form_shows_the_countys_brand_with_fees_in_yuan(client, counties):
    await signed_in(client)
    page = await client.get(BRAND)
    assert page.status_code == 200
    assert field_value(page.text, "name_zh") == "raohe县"
    assert field_value(page.text, "primary_color") == "#8a3b12"
    assert field_value(page.text, "shipping_fee") == "10.00"
    assert field_value(page.text, "free_shipping_threshold") == ""
    assert 'href="/admin/brand/logo"' in page.text and "Change logo" in page.text
    assert ">Save</button>" in page.text and ">Preview</button>" in page.text


async def test_a_save_shows_at_once_on_the_shops_cached_pages(settings, session_maker, counties):
    app: Litestar = create_app(replace(settings, page_cache_seconds=60))

    def client_for() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")

    pages = ("/c/raohe/", "/c/raohe/about", "/c/raohe/category/honey")
    async with app.lifespan(), client_for() as shopper, client_for() as browser:
        for path in pages:
            first = await shopper.get(path)
            assert first.status_code == 200 and "--brand: #8a3b12" in first.text, path
        for path in pages:  # from the page cache now: not one query
            with queries(app) as statements:
                assert (await shopper.get(path)).status_code == 200
            assert statements == [], path
        admin = await signed_in(browser)
        saved = await admin.post(BRAND, {**BRAND_FORM, "primary_color": "#1D4E5F", "text_color": "#FFF"})
        assert saved.status_code == 303 and saved.headers["location"] == f"{BRAND}?saved=true"
        assert "Saved." in (await browser.get(saved.headers["location"])).text
        for path in pages:
            page = (await shopper.get(path)).text
            assert "--brand: #1d4e5f" in page and "--brand-accent: #f2a900" in page, path
            assert "--brand-text: #ffffff" in page, path
            assert "乌苏里江畔的黑蜂蜜" in page, path  # the tagline, in Chinese by default
            for shown in ("0469-5612345", "raohe_heifeng", "每天 8:00–20:00", "从饶河县发货", "破损包赔。"):
                assert shown in page, (path, shown)
            assert "SC12823052400017" in page and "93230524MA18X7KQ2N" in page and "国家地理标志" in page
        english = (await shopper.get("/c/raohe/?lang=en")).text
        assert "Ships from Raohe County within 48 hours by SF or ZTO" in english
        assert "Daily 8:00–20:00" in english


async def test_a_save_is_stored_normalised_bumps_the_version_and_is_audited(client, session_maker, counties):
    admin = await signed_in(client)
    before = await brand_of(session_maker, counties["raohe"])
    form = {**BRAND_FORM, "accent_color": "#F2A900", "text_color": "#fFf", "custom_domain": "Honey.Raohe.CN"}
    form["after_sales_en"] = "Broken jars are replaced.\r\n\r\nOpened food is not returned."
    assert (await admin.post(BRAND, form)).status_code == 303
    after = await brand_of(session_maker, counties["raohe"])
    assert after["after_sales_en"] == "Broken jars are replaced.\n\nOpened food is not returned."
    shop = (await client.get("/c/raohe/?lang=en")).text
    assert "<p>Broken jars are replaced.</p><p>Opened food is not returned.</p>" in shop
    assert after["accent_color"] == "#f2a900" and after["text_color"] == "#ffffff"
    assert after["shipping_fee"] == 1200 and after["free_shipping_threshold"] == 9900
    assert after["custom_domain"] == "honey.raohe.cn"
    assert after["content_version"] == before["content_version"] + 1
    page = await client.get(BRAND)
    assert field_value(page.text, "shipping_fee") == "12.00"
    assert field_value(page.text, "free_shipping_threshold") == "99.00"
    assert field_value(page.text, "story_zh") == BRAND_FORM["story_zh"]
    async with session_maker() as session:
        scope_to_all_counties(session)
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "brand_saved"))
    assert entry is not None and entry.county_id == counties["raohe"]
    assert "custom_domain" in entry.detail and "primary_color" in entry.detail

    # An empty threshold is none: no free shipping; a fee of 0 is free shipping for every order.
    free = {**form, "free_shipping_threshold": "", "shipping_fee": "0"}
    assert (await admin.post(BRAND, free)).status_code == 303
    after = await brand_of(session_maker, counties["raohe"])
    assert after["free_shipping_threshold"] is None and after["shipping_fee"] == 0


# 2. Refusals: nothing saved, the typed values kept


async def test_low_contrast_is_refused_with_the_ratio_and_nothing_saved(client, session_maker, counties):
    admin = await signed_in(client)
    before = await brand_of(session_maker, counties["raohe"])
    form = {**BRAND_FORM, "primary_color": "#ffcc00", "text_color": "#ffffff", "tagline_en": "Typed tagline"}
    refused = await admin.post(BRAND, form)
    assert refused.status_code == 400
    assert "1.51:1" in refused.text and "4.5:1" in refused.text and "WCAG AA" in refused.text
    assert 'id="text_color-error"' in refused.text
    assert field_value(refused.text, "tagline_en") == "Typed tagline"
    assert field_value(refused.text, "primary_color") == "#ffcc00"
    assert await brand_of(session_maker, counties["raohe"]) == before
    # 4.48:1 is just short of AA and never shown as a passing 4.50
    grey = await admin.post(BRAND, {**BRAND_FORM, "primary_color": "#777777"})
    assert grey.status_code == 400 and "4.47:1" in grey.text


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("primary_color", "#12345", "Please give a colour as # and six hex digits"),
        ("accent_color", "red", "Please give a colour as # and six hex digits"),
        ("shipping_fee", "-5", "An amount cannot be negative."),
        ("shipping_fee", "1.234", "at most two decimals"),
        ("free_shipping_threshold", "-1", "An amount cannot be negative."),
        ("custom_domain", "https://shop.example.cn/", "no http://, port or path"),
        ("custom_domain", "shop.example.cn:8080", "no http://, port or path"),
        ("custom_domain", "not a domain", "Please give a valid domain name"),
        ("food_licence", "SC123", "SC and 14 digits"),
        ("name_zh", "", "Please give the county's name in Chinese."),
    ],
)
async def test_bad_values_are_refused_at_their_field(client, session_maker, counties, field, typed, message):
    admin = await signed_in(client)
    before = await brand_of(session_maker, counties["raohe"])
    refused = await admin.post(BRAND, {**BRAND_FORM, field: typed})
    assert refused.status_code == 400
    assert f'id="{field}-error"' in refused.text and message in html.unescape(refused.text)
    assert field_value(refused.text, field) == typed
    assert field_value(refused.text, "tagline_zh") == BRAND_FORM["tagline_zh"]
    assert await brand_of(session_maker, counties["raohe"]) == before


async def test_a_domain_of_another_county_or_of_the_platform_is_a_field_message(
    client, session_maker, counties, monkeypatch
):
    admin = await signed_in(client)
    before = await brand_of(session_maker, counties["raohe"])
    for domain in ("tea.guzhang.cn", "TEA.GUZHANG.CN", "shop.test", "raohe.shop.test", "testserver.local"):
        refused = await admin.post(BRAND, {**BRAND_FORM, "custom_domain": domain})
        assert refused.status_code == 400, domain
        assert 'id="custom_domain-error"' in refused.text, domain
        assert field_value(refused.text, "custom_domain") == domain.lower()
    assert "Another county" in refused.text or "platform" in refused.text
    assert await brand_of(session_maker, counties["raohe"]) == before

    # Two saves racing: the other county took it after the check; the unique column refuses ours.
    async def not_taken(*_args: object, **_kwargs: object) -> bool:
        return False

    monkeypatch.setattr(tenancy_service, "domain_taken", not_taken)
    raced = await admin.post(BRAND, {**BRAND_FORM, "custom_domain": "tea.guzhang.cn", "tagline_en": "Mine"})
    assert raced.status_code == 400
    assert "Another county's shop already uses this domain" in html.unescape(raced.text)
    assert field_value(raced.text, "tagline_en") == "Mine"
    assert await brand_of(session_maker, counties["raohe"]) == before
    assert (await client.get(BRAND)).status_code == 200  # the session is fine afterwards


async def test_after_a_domain_change_the_shop_answers_at_the_new_host_and_not_the_old(client, counties):
    admin = await signed_in(client)
    assert (await admin.post(BRAND, {**BRAND_FORM, "custom_domain": "honey.raohe.cn"})).status_code == 303
    shop = await client.get("/", headers={"host": "honey.raohe.cn"})
    assert shop.status_code == 200 and "Black bee honey from the Ussuri" in shop.text
    assert (await admin.post(BRAND, {**BRAND_FORM, "custom_domain": "heifeng.cn"})).status_code == 303
    assert (await client.get("/", headers={"host": "heifeng.cn"})).status_code == 200
    assert (await client.get("/", headers={"host": "honey.raohe.cn"})).status_code == 400
    assert (await admin.post(BRAND, BRAND_FORM)).status_code == 303  # no domain any more
    assert (await client.get("/", headers={"host": "heifeng.cn"})).status_code == 400
    assert (await client.get("/", headers={"host": "tea.guzhang.cn"})).status_code == 200  # theirs stays


# 3. Preview


async def test_preview_shows_the_typed_brand_and_saves_nothing(client, session_maker, counties):
    admin = await signed_in(client)
    before = await brand_of(session_maker, counties["raohe"])
    form = {**BRAND_FORM, "primary_color": "#2F5D3A", "tagline_en": "Preview tagline"}
    partial = await htmx_post(admin, PREVIEW, form)
    assert partial.status_code == 200
    assert "<html" not in partial.text and "--brand: #2f5d3a" in partial.text
    assert "Preview tagline" in partial.text and "0469-5612345" in partial.text
    assert "not saved" in partial.text
    full = await admin.post(PREVIEW, form)  # without JavaScript: the whole page, form and preview
    assert full.status_code == 200 and "<html" in full.text
    assert field_value(full.text, "tagline_en") == "Preview tagline" and "--brand: #2f5d3a" in full.text
    assert field_value(full.text, "shipping_fee") == "12.00"
    refused = await htmx_post(admin, PREVIEW, {**form, "text_color": "#3a6a45"})
    assert refused.status_code == 422 and "contrast" in refused.text and "--brand:" not in refused.text
    assert await brand_of(session_maker, counties["raohe"]) == before
    assert "Preview tagline" not in (await client.get("/c/raohe/")).text


# 4. Sealed: the signed-in admin's county only


async def test_extra_fields_are_ignored(client, session_maker, counties):
    admin = await signed_in(client)
    before = await brand_of(session_maker, counties["raohe"])
    extra = {"county_id": str(counties["guzhang"]), "content_version": "999", "slug": "stolen"}
    extra["logo_path"] = "x.png"
    assert (await admin.post(BRAND, {**BRAND_FORM, **extra})).status_code == 303
    after = await brand_of(session_maker, counties["raohe"])
    assert after["slug"] == "raohe" and after["logo_path"] == before["logo_path"]
    assert after["content_version"] == before["content_version"] + 1
    assert after["tagline_en"] == BRAND_FORM["tagline_en"]


async def test_a_county_admin_never_changes_another_county(client, session_maker, counties):
    admin = await signed_in(client)
    theirs = await brand_of(session_maker, counties["guzhang"])
    forged = {**BRAND_FORM, "county_id": str(counties["guzhang"]), "name_zh": "被改了"}
    assert (await admin.post(BRAND, forged)).status_code == 303
    assert (await admin.post(PREVIEW, forged)).status_code == 200
    assert await brand_of(session_maker, counties["guzhang"]) == theirs
    assert (await brand_of(session_maker, counties["raohe"]))["name_zh"] == "被改了"
    page = await client.get(f"{BRAND}?county_id={counties['guzhang']}")
    assert field_value(page.text, "name_zh") == "被改了"  # still their own county


async def test_a_missing_csrf_token_is_refused(client, session_maker, counties):
    admin = await signed_in(client)
    before = await brand_of(session_maker, counties["raohe"])
    assert (await admin.post(BRAND, BRAND_FORM, token="")).status_code == 403
    assert await brand_of(session_maker, counties["raohe"]) == before


async def test_a_platform_admin_without_a_county_gets_a_notice(client, session_maker, counties):
    await make_admin(session_maker, "boss-brand@example.cn")
    admin = await signed_in(client, "boss-brand@example.cn")
    before = await brand_of(session_maker, counties["raohe"])
    page = await client.get(BRAND)
    assert page.status_code == 200 and "Please choose a county first." in page.text
    assert 'name="name_zh"' not in page.text
    forged = {**BRAND_FORM, "county_id": str(counties["raohe"])}
    assert (await admin.post(BRAND, forged)).status_code == 404
    assert (await admin.post(PREVIEW, forged)).status_code == 404
    assert await brand_of(session_maker, counties["raohe"]) == before

    chosen = await admin.post("/admin/county", {"county_id": str(counties["guzhang"]), "next": BRAND})
    assert chosen.status_code == 303
    assert field_value((await client.get(BRAND)).text, "custom_domain") == "tea.guzhang.cn"
    saved = await admin.post(BRAND, {**BRAND_FORM, "name_zh": "古丈县", "custom_domain": "tea.guzhang.cn"})
    assert saved.status_code == 303
    assert (await brand_of(session_maker, counties["guzhang"]))["name_zh"] == "古丈县"
    assert await brand_of(session_maker, counties["raohe"]) == before


async def test_two_counties_saving_the_same_domain_at_once_get_it_once(settings, session_maker, counties):
    await make_admin(session_maker, "guzhang-brand@example.cn", county="guzhang")
    app: Litestar = create_app(settings)

    def client_for() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")

    async with app.lifespan(), client_for() as first, client_for() as second:
        raohe, guzhang = await signed_in(first), await signed_in(second, "guzhang-brand@example.cn")
        for round_number in range(3):
            domain = f"race{round_number}.example.cn"
            answers = await asyncio.gather(
                raohe.post(BRAND, {**BRAND_FORM, "custom_domain": domain}),
                guzhang.post(BRAND, {**BRAND_FORM, "name_zh": "古丈县", "custom_domain": domain}),
            )
            codes = sorted(answer.status_code for answer in answers)
            assert codes == [303, 400], codes
            refused = next(answer for answer in answers if answer.status_code == 400)
            assert 'id="custom_domain-error"' in refused.text
            owners = [
                slug
                for slug in ("raohe", "guzhang")
                if (await brand_of(session_maker, counties[slug]))["custom_domain"] == domain
            ]
            assert len(owners) == 1
