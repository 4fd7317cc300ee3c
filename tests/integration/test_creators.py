"""Creators: a county admin registers them (code unique in the county, commission in percent), each
with a printable link to the county's shop and its QR code; a shopper who came by ``?ref=CODE`` and
buys has the order attributed to that county's creator, the last click within 30 days winning;
another county's code, an unknown, inactive or stale one attributes nothing. On SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime
import html
import io
import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import segno
from litestar.testing import AsyncTestClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from storefront.app import create_app
from storefront.clock import utcnow
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.metrics.models import Creator, Event
from storefront.orders.models import Order
from tests.integration.test_admin_products import make_two_shops
from tests.support.admins import AdminBrowser, make_admin
from tests.support.orders import paid_order
from tests.support.shopper import ADDRESS, Shopper, session_id_of

RAOHE_ADMIN = "raohe-creators@example.cn"
PLATFORM_ADMIN = "platform-creators@example.cn"
LAOWANG = {
    "name": "老王",
    "platform": "douyin",
    "handle": "@laowang",
    "code": "laowang-video",
    "commission": "5.25",
    "is_active": "1",
}


@dataclass(frozen=True)
class Shops:
    raohe: int
    guzhang: int
    raohe_variant: int
    guzhang_variant: int


@pytest.fixture
async def shops(session_maker) -> Shops:
    made = await make_two_shops(session_maker, 1, 1, RAOHE_ADMIN)
    return Shops(made.raohe.id, made.guzhang.id, made.variants[0].id, made.their_variants[0].id)


async def add_creator(session_maker, county_id: int, code: str, **fields: Any) -> int:
    async with session_maker() as session:
        scope_to_county(session, county_id)
        fields = {"name": code, "platform": "kuaishou", "commission_bp": 500, **fields}
        creator = Creator(code=code, **fields)
        session.add(creator)
        await session.commit()
        return creator.id


async def creators_of(session_maker, county_id: int) -> list[tuple]:
    async with session_maker() as session:
        scope_to_county(session, county_id)
        rows = await session.execute(
            select(
                Creator.name,
                Creator.platform,
                Creator.handle,
                Creator.code,
                Creator.commission_bp,
                Creator.is_active,
            ).order_by(Creator.id)
        )
        return [tuple(row) for row in rows]


async def signed_in(client: Any, email: str = RAOHE_ADMIN) -> AdminBrowser:
    admin = AdminBrowser(client)
    assert (await admin.log_in(email)).status_code == 303
    await client.get("/admin/?lang=en")
    return admin


def field_value(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no field {name}"
    return html.unescape(found.group(1))


def field_message(page: str, name: str) -> str:
    found = re.search(rf'id="{name}-error" role="alert">([^<]*)<', page)
    return html.unescape(found.group(1)) if found else ""


async def test_an_admin_registers_creators_and_a_clash_or_bad_rate_is_a_message_keeping_what_was_typed(
    client, shops, session_maker
):
    admin = await signed_in(client)
    listing = await client.get("/admin/creators/")
    assert listing.status_code == 200 and "No creators yet." in listing.text

    created = await admin.post("/admin/creators/new", {**LAOWANG, "county_id": str(shops.guzhang)})
    assert created.status_code == 303
    creator_path = created.headers["location"].split("?")[0]
    assert await creators_of(session_maker, shops.raohe) == [
        ("老王", "douyin", "@laowang", "laowang-video", 525, True)
    ]
    assert await creators_of(session_maker, shops.guzhang) == []  # the forged county_id is ignored
    page = await client.get(creator_path)
    assert "http://raohe.shop.test/?ref=laowang-video" in page.text
    listing = await client.get("/admin/creators/")
    assert "老王" in listing.text and "laowang-video" in listing.text and "5.25%" in listing.text

    # The same code again (a double press, or another creator): a message at the code, nothing saved.
    for code in ("laowang-video", "LaoWang-Video"):
        again = await admin.post("/admin/creators/new", {**LAOWANG, "name": "小王", "code": code})
        assert again.status_code == 400
        assert field_message(again.text, "code") == "Another creator of this county already has this code."
        assert field_value(again.text, "name") == "小王"
        assert field_value(again.text, "code") == code
        assert field_value(again.text, "commission") == "5.25"  # as typed, not in basis points
    assert len(await creators_of(session_maker, shops.raohe)) == 1

    for rate, message in (
        ("101", "Please enter the commission as a percentage from 0 to 100, such as 5.25."),
        ("5.255", "Please give the commission with at most two decimals, such as 5.25."),
        ("-1", "Please enter the commission as a percentage from 0 to 100, such as 5.25."),
        ("five", "Please enter the commission as a percentage from 0 to 100, such as 5.25."),
    ):
        refused = await admin.post("/admin/creators/new", {**LAOWANG, "code": "xiaoli", "commission": rate})
        assert refused.status_code == 400
        assert field_message(refused.text, "commission") == message
        assert field_value(refused.text, "commission") == rate
        assert field_value(refused.text, "code") == "xiaoli"
    bad_code = await admin.post("/admin/creators/new", {**LAOWANG, "code": "老王 video"})
    assert bad_code.status_code == 400 and field_message(bad_code.text, "code")
    assert len(await creators_of(session_maker, shops.raohe)) == 1

    # Edit: rename, another rate, inactive (the box unticked is absent from the form).
    second = await admin.post("/admin/creators/new", {**LAOWANG, "name": "小李", "code": "xiaoli"})
    assert second.status_code == 303
    second_path = second.headers["location"].split("?")[0]
    edit = await client.get(f"{second_path}/edit")
    assert field_value(edit.text, "commission") == "5.25"
    clash = await admin.post(f"{second_path}/edit", {**LAOWANG, "name": "小李", "code": "laowang-video"})
    assert clash.status_code == 400 and field_message(clash.text, "code")
    fields = {key: value for key, value in LAOWANG.items() if key != "is_active"}
    saved = await admin.post(
        f"{second_path}/edit", {**fields, "name": "小李子", "code": "xiaoli", "commission": "12"}
    )
    assert saved.status_code == 303
    assert (await creators_of(session_maker, shops.raohe))[1] == (
        "小李子",
        "douyin",
        "@laowang",
        "xiaoli",
        1200,
        False,
    )
    assert "12%" in (await client.get("/admin/creators/")).text


async def test_two_saves_of_one_code_racing_end_in_one_creator_and_a_message(client, shops, session_maker):
    """The check before writing finds nothing for either; the unique constraint refuses the second."""
    from storefront.metrics import creators as service
    from storefront.metrics.creator_forms import CreatorForm

    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        await add_creator(session_maker, shops.raohe, "laowang-video")  # saved meanwhile
        form = CreatorForm.model_validate(LAOWANG)
        creators = service.Creators(session, shops.raohe)
        creator = Creator(county_id=shops.raohe, **service._columns(form))
        session.add(creator)
        with pytest.raises(service.CodeTakenError):
            await creators._save(creator)
    assert len(await creators_of(session_maker, shops.raohe)) == 1


CODE_IN_USE = (
    "This code has already brought visits or orders and is on printed links and QR codes, so it "
    "cannot change. Register a new creator for a new code."
)


async def test_a_code_that_brought_visits_or_orders_cannot_change_and_an_unused_one_can(
    client, shops, session_maker
):
    visited = await add_creator(session_maker, shops.raohe, "laowang-video")
    ordered = await add_creator(session_maker, shops.raohe, "xiaoli")
    unused = await add_creator(session_maker, shops.raohe, "fresh")
    async with session_maker() as session:
        scope_to_all_counties(session)
        now = utcnow()
        session.add(
            Event(county_id=shops.raohe, kind="visit", at=now, visitor="v1", creator_code="LaoWang-Video")
        )
        session.add(Event(county_id=shops.guzhang, kind="visit", at=now, visitor="v2", creator_code="fresh"))
        order = paid_order(shops.raohe, "buyer@example.cn", now)
        order.creator_id = ordered
        session.add(order)
        await session.commit()
    admin = await signed_in(client)

    for creator_id in (visited, ordered):
        refused = await admin.post(f"/admin/creators/{creator_id}/edit", {**LAOWANG, "code": "new-code"})
        assert refused.status_code == 400
        assert field_message(refused.text, "code") == CODE_IN_USE
        assert field_value(refused.text, "code") == "new-code"  # what was typed, kept
        assert field_value(refused.text, "name") == "老王"
    await client.get("/admin/?lang=zh")
    refused = await admin.post(f"/admin/creators/{visited}/edit", {**LAOWANG, "code": "new-code"})
    assert (
        field_message(refused.text, "code")
        == "这个推广码已带来访问或订单，并印在发出的链接和二维码上，不能更改。"
        "如需新的推广码，请登记一位新达人。"
    )
    assert [row[3] for row in await creators_of(session_maker, shops.raohe)] == [
        "laowang-video",
        "xiaoli",
        "fresh",
    ]

    # Its letter case may change (codes match regardless of it); the rest of a used creator may change;
    # a code never used may change (another county's visit by the same code is not this one's).
    assert (
        await admin.post(f"/admin/creators/{visited}/edit", {**LAOWANG, "code": "LaoWang-Video"})
    ).status_code == 303
    assert (
        await admin.post(f"/admin/creators/{ordered}/edit", {**LAOWANG, "name": "小李", "code": "xiaoli"})
    ).status_code == 303
    assert (
        await admin.post(f"/admin/creators/{unused}/edit", {**LAOWANG, "code": "fresh-start"})
    ).status_code == 303
    assert [row[0::3] for row in await creators_of(session_maker, shops.raohe)] == [
        ("老王", "LaoWang-Video"),
        ("小李", "xiaoli"),
        ("老王", "fresh-start"),
    ]


async def test_li_and_li_saved_at_the_same_instant_end_in_one_creator_and_a_message(
    client, settings, shops, session_maker, monkeypatch
):
    """Each save's check finds nothing (the other is not written yet); the database's unique index
    on the county and the lower-case code refuses the second, read as a message at the code."""
    from storefront.metrics.creators import Creators

    checked = Creators._taken

    async def checked_then_the_other_save_lands(self, creator):
        taken = await checked(self, creator)
        # The other save, in its own session (on the app's event loop) committed meanwhile.
        other_engine = create_async_engine(settings.database_url)
        await add_creator(async_sessionmaker(other_engine, expire_on_commit=False), shops.raohe, "Li")
        await other_engine.dispose()
        return taken

    monkeypatch.setattr(Creators, "_taken", checked_then_the_other_save_lands)
    admin = await signed_in(client)

    second = await admin.post("/admin/creators/new", {**LAOWANG, "name": "李", "code": "li"})

    assert second.status_code == 400
    assert field_message(second.text, "code") == "Another creator of this county already has this code."
    assert (field_value(second.text, "name"), field_value(second.text, "code")) == ("李", "li")
    assert [row[3] for row in await creators_of(session_maker, shops.raohe)] == ["Li"]


async def test_the_database_refuses_a_second_code_differing_only_in_letter_case(shops, session_maker):
    await add_creator(session_maker, shops.raohe, "Li")
    await add_creator(session_maker, shops.guzhang, "li")  # another county's: its own code
    with pytest.raises(IntegrityError):
        await add_creator(session_maker, shops.raohe, "li")
    assert [row[3] for row in await creators_of(session_maker, shops.raohe)] == ["Li"]


async def test_another_countys_creator_is_a_404_and_nothing_changes(client, shops, session_maker):
    theirs = await add_creator(session_maker, shops.guzhang, "gz-tea")
    before = await creators_of(session_maker, shops.guzhang)
    admin = await signed_in(client)
    for path in ("", "/edit", "/qr?format=svg", "/qr?format=png"):
        assert (await client.get(f"/admin/creators/{theirs}{path}")).status_code == 404
    refused = await admin.post(f"/admin/creators/{theirs}/edit", {**LAOWANG, "code": "gz-tea"})
    assert refused.status_code == 404
    assert await creators_of(session_maker, shops.guzhang) == before
    assert "gz-tea" not in (await client.get("/admin/creators/")).text


async def test_a_platform_admin_acts_on_the_chosen_county_and_sees_a_notice_without_one(
    client, shops, session_maker
):
    theirs = await add_creator(session_maker, shops.guzhang, "gz-tea")
    await make_admin(session_maker, PLATFORM_ADMIN)
    admin = await signed_in(client, PLATFORM_ADMIN)
    assert "Please choose a county first." in (await client.get("/admin/creators/")).text
    assert (await client.get("/admin/creators/new")).status_code == 404
    assert (await admin.post("/admin/creators/new", LAOWANG)).status_code == 404
    assert (await client.get(f"/admin/creators/{theirs}")).status_code == 404
    await admin.post("/admin/county", {"county_id": str(shops.guzhang), "next": "/admin/creators/"})
    page = await client.get(f"/admin/creators/{theirs}")
    assert page.status_code == 200 and "http://guzhang.shop.test/?ref=gz-tea" in page.text
    assert (await admin.post("/admin/creators/new", LAOWANG)).status_code == 303
    assert len(await creators_of(session_maker, shops.guzhang)) == 2


def modules_of_png(png: bytes, scale: int = 12, border: int = 4) -> list[list[bool]]:
    """The dark modules of a QR code drawn ``scale`` pixels a module."""
    picture = Image.open(io.BytesIO(png)).convert("L")
    count = picture.width // scale - 2 * border
    return [
        [
            picture.getpixel(((border + x) * scale + scale // 2, (border + y) * scale + scale // 2)) < 128
            for x in range(count)
        ]
        for y in range(count)
    ]


async def test_the_qr_code_of_a_creators_link_is_served_as_svg_and_png(client, shops, session_maker):
    creator = await add_creator(session_maker, shops.raohe, "laowang-video")
    await signed_in(client)
    link = "http://raohe.shop.test/?ref=laowang-video"
    expected = segno.make(link, error="m")

    page = await client.get(f"/admin/creators/{creator}")
    assert page.status_code == 200 and "<svg" in page.text and "@media print" in page.text

    svg = await client.get(f"/admin/creators/{creator}/qr?format=svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert "attachment" in svg.headers["content-disposition"]
    assert f"<title>{html.escape(link)}</title>" in svg.text
    drawn = io.BytesIO()
    expected.save(drawn, kind="svg", scale=8, border=4, title=link)
    assert svg.content == drawn.getvalue()

    png = await client.get(f"/admin/creators/{creator}/qr?format=png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert modules_of_png(png.content) == [[bool(module) for module in row] for row in expected.matrix]
    assert (await client.get(f"/admin/creators/{creator}/qr?format=gif")).status_code == 404


# Attribution -------------------------------------------------------------------------------------


async def buy(client, session_maker, county: str, variant_id: int) -> Order:
    """The visitor puts one in the cart and starts paying: the order as stored."""
    shopper = Shopper(client, county)
    assert (await shopper.add(variant_id, 1)).status_code == 303
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.cn"
    session_id_of(await shopper.checkout(email))
    async with session_maker() as session:
        scope_to_all_counties(session)
        return await session.scalar(select(Order).where(Order.email == email))


async def test_a_shopper_who_came_by_a_creators_link_has_the_order_attributed(client, shops, session_maker):
    creator = await add_creator(session_maker, shops.raohe, "laowang-video")
    before = utcnow().replace(microsecond=0)
    page = await client.get("/c/raohe/?ref=laowang-video")
    assert page.status_code == 200
    assert "session" not in client.cookies  # a visit stores nothing on the server
    order = await buy(client, session_maker, "raohe", shops.raohe_variant)
    assert order.creator_id == creator and order.referral_code == "laowang-video"
    assert before <= order.referred_at <= utcnow()


async def test_the_last_click_wins(client, shops, session_maker):
    await add_creator(session_maker, shops.raohe, "laowang-video")
    xiaoli = await add_creator(session_maker, shops.raohe, "xiaoli")
    await client.get("/c/raohe/?ref=laowang-video")
    await client.get("/c/raohe/?page=1&ref=xiaoli")
    await client.get("/c/raohe/?ref=<script>")  # not a code: changes nothing
    order = await buy(client, session_maker, "raohe", shops.raohe_variant)
    assert order.creator_id == xiaoli


@pytest.mark.parametrize("case", ["another county's code", "unknown code", "inactive creator"])
async def test_a_code_not_the_countys_active_creators_attributes_nothing(client, shops, session_maker, case):
    await add_creator(session_maker, shops.guzhang, "gz-tea")
    await add_creator(session_maker, shops.raohe, "resting", is_active=False)
    code = {"another county's code": "gz-tea", "unknown code": "nobody", "inactive creator": "resting"}[case]
    await client.get(f"/c/raohe/?ref={code}")
    order = await buy(client, session_maker, "raohe", shops.raohe_variant)
    assert order.creator_id is None and order.referred_at is None
    assert order.referral_code == code  # what the link said, kept


async def test_a_county_as_ref_cookie_is_not_in_force_in_another_countys_shop(client, shops, session_maker):
    """Both counties have a creator with the code "star"; the click was in Raohe's shop."""
    raohe_star = await add_creator(session_maker, shops.raohe, "star")
    await add_creator(session_maker, shops.guzhang, "star")
    await client.get("/c/raohe/?ref=star")
    elsewhere = await buy(client, session_maker, "guzhang", shops.guzhang_variant)
    assert elsewhere.creator_id is None and elsewhere.referral_code is None
    assert (await buy(client, session_maker, "raohe", shops.raohe_variant)).creator_id == raohe_star

    # A cookie sent to every shop (as set before cookies were scoped, or by hand) names Raohe only.
    client.cookies.clear()
    clicked = int(utcnow().timestamp())
    client.cookies.set("ref", "star", domain="testserver.local", path="/")
    client.cookies.set("ref_at", f"raohe.{clicked}", domain="testserver.local", path="/")
    assert (await buy(client, session_maker, "guzhang", shops.guzhang_variant)).creator_id is None


@pytest.mark.parametrize(("days", "attributed"), [(29, True), (31, False)])
async def test_a_click_older_than_30_days_attributes_nothing(client, shops, session_maker, days, attributed):
    """A browser that kept the cookies longer than asked (or had them set by hand)."""
    creator = await add_creator(session_maker, shops.raohe, "laowang-video")
    clicked = utcnow().replace(microsecond=0) - datetime.timedelta(days=days)
    client.cookies.set("ref", "laowang-video", domain="testserver.local", path="/c/raohe")
    client.cookies.set(
        "ref_at", f"raohe.{int(clicked.timestamp())}", domain="testserver.local", path="/c/raohe"
    )
    order = await buy(client, session_maker, "raohe", shops.raohe_variant)
    if attributed:
        assert order.creator_id == creator and order.referred_at == clicked
    else:
        assert order.creator_id is None and order.referred_at is None and order.referral_code is None


async def test_the_referral_cookies_are_scoped_to_the_shop_visited(client, shops):
    on_platform = await client.get("/c/raohe/?ref=laowang-video")
    cookies = [cookie for cookie in on_platform.headers.get_list("set-cookie") if cookie.startswith("ref")]
    assert len(cookies) == 2 and all(
        "Path=/c/raohe;" in cookie or cookie.endswith("Path=/c/raohe") for cookie in cookies
    )
    own_host = await client.get("/?ref=laowang-video", headers={"Host": "raohe.shop.test"})
    cookies = [cookie for cookie in own_host.headers.get_list("set-cookie") if cookie.startswith("ref")]
    assert len(cookies) == 2
    assert all("Path=/;" in cookie and "Domain" not in cookie for cookie in cookies)
    assert any(cookie.startswith("ref_at=raohe.") for cookie in cookies)


async def test_the_creator_pages_speak_chinese(client, shops, session_maker):
    creator = await add_creator(session_maker, shops.raohe, "laowang-video")
    admin = await signed_in(client)
    await client.get("/admin/?lang=zh")
    assert "达人" in (await client.get("/admin/creators/")).text
    assert "佣金比例" in (await client.get("/admin/creators/new")).text
    assert "下载二维码" in (await client.get(f"/admin/creators/{creator}")).text
    refused = await admin.post("/admin/creators/new", {**LAOWANG, "commission": "500"})
    assert refused.status_code == 400
    assert field_message(refused.text, "commission") == "请输入 0 到 100 之间的佣金百分比，例如 5.25。"


async def test_the_creator_list_shows_each_creators_visits_orders_sales_refunds_and_commission(
    client, shops, session_maker
):
    """5.25 % of ¥58.00 (¥68.00 paid, ¥10.00 refunded) is ¥3.045, owed as ¥3.05; another
    creator's and another county's numbers stay theirs."""
    laowang = await add_creator(session_maker, shops.raohe, "laowang-video", commission_bp=525)
    await add_creator(session_maker, shops.raohe, "xiaoli")
    now = utcnow()
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        order = paid_order(shops.raohe, "fan@example.cn", now)
        order.creator_id, order.referred_at = laowang, now - datetime.timedelta(days=2)
        session.add(order)
        await session.flush()
        session.add_all(
            [
                Event(kind="visit", at=now, visitor="a", creator_code="laowang-video"),
                Event(kind="visit", at=now, visitor="b", creator_code="laowang-video"),
                Event(kind="order_paid", at=now, visitor="a", order_id=order.id, amount=6800),
                Event(kind="order_refunded", at=now, visitor="a", order_id=order.id, amount=1000),
            ]
        )
        await session.commit()
    await signed_in(client)
    page = (await client.get("/admin/creators/")).text
    row = re.search(rf'<tr id="creator-{laowang}">(.*?)</tr>', page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
    assert cells[-5:] == ["2", "1", "¥58.00", "¥10.00", "¥3.05"]
    assert "5.25%" in cells


async def test_a_click_on_the_countys_own_host_is_attributed_there(settings, shops, session_maker):
    """The printable link is the county's own host: its cookies are that host's alone."""
    creator = await add_creator(session_maker, shops.raohe, "laowang-video")
    async with AsyncTestClient(app=create_app(settings), base_url="http://raohe.shop.test") as browser:
        assert (await browser.get("/?ref=laowang-video")).status_code == 200
        await browser.get("/cart")
        csrf = {"x-csrftoken": browser.cookies["csrftoken"]}
        added = await browser.post(
            "/cart/items",
            data={"variant_id": shops.raohe_variant, "quantity": 1},
            headers=csrf,
            follow_redirects=False,
        )
        assert added.status_code == 303
        email = f"buyer-{uuid.uuid4().hex[:8]}@example.cn"
        session_id_of(
            await browser.post(
                "/checkout", data={"email": email, **ADDRESS}, headers=csrf, follow_redirects=False
            )
        )
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        assert await session.scalar(select(Order.creator_id).where(Order.email == email)) == creator
