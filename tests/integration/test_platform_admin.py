"""The platform admin's pages: counties (/admin/counties) and admin accounts (/admin/users), each
change in the audit log; county admins kept out of every one of them. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
import pyotp
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from storefront.accounts.models import AdminUser, AuditEntry
from storefront.accounts.passwords import verify_password
from storefront.accounts.service import AccountService
from storefront.catalog.models import Category
from storefront.db import scope_to_all_counties
from storefront.tenancy.models import County
from storefront.tenancy.platform_service import PlatformCounties
from tests.support.admins import PASSWORD, AdminBrowser, make_admin
from tests.support.factories import make_catalog, make_county

BOSS = "boss@example.cn"
RAOHE_ADMIN = "raohe-admin@example.cn"
NEW_COUNTY = {
    "slug": "fuyuan",
    "name_zh": "抚远市",
    "name_en": "Fuyuan",
    "province_zh": "黑龙江省",
    "province_en": "Heilongjiang",
    "tagline_zh": "华夏东极",
    "tagline_en": "Where China's day begins",
    "primary_color": "#1B4F72",
    "accent_color": "#fc3",
    "text_color": "#FFF",
}
TEMPORARY = "temporary-pass-42"


@dataclass(frozen=True)
class Platform:
    raohe: int
    guzhang: int
    secret: str
    boss: int
    raohe_admin: int


@pytest.fixture
async def platform(session_maker) -> Platform:
    async with session_maker() as session:
        raohe = await make_county(session, "raohe")
        await make_catalog(session, raohe, products=2)
        guzhang = await make_county(session, "guzhang")
        await session.commit()
    secret = pyotp.random_base32()
    boss = await make_admin(session_maker, BOSS, totp_secret=secret)
    raohe_admin = await make_admin(session_maker, RAOHE_ADMIN, county="raohe")
    return Platform(raohe.id, guzhang.id, secret, boss.id, raohe_admin.id)


async def boss_signed_in(client: AsyncTestClient, platform: Platform) -> AdminBrowser:
    boss = AdminBrowser(client)
    await client.get("/admin/login?lang=en")
    assert (await boss.log_in(BOSS, totp_secret=platform.secret)).status_code == 303
    return boss


async def account(session_maker, email: str) -> AdminUser | None:
    async with session_maker() as session:
        return await AccountService(session).by_email(email)


async def county_by_slug(session_maker, slug: str) -> County | None:
    async with session_maker() as session:
        return await session.scalar(select(County).where(County.slug == slug))


async def audit(session_maker) -> list[tuple[str, str, str, str | None]]:
    """(action, subject, detail, actor's email) of every entry, oldest first."""
    async with session_maker() as session:
        rows = await session.execute(
            select(AuditEntry.action, AuditEntry.subject, AuditEntry.detail, AdminUser.email)
            .outerjoin(AdminUser, AdminUser.id == AuditEntry.actor_id)
            .order_by(AuditEntry.id)
        )
        return [tuple(row) for row in rows]


async def snapshot(session_maker) -> tuple:
    """Every county and every account as stored (what a refused request must leave alone)."""
    async with session_maker() as session:
        scope_to_all_counties(session)
        counties = (
            await session.execute(
                select(County.id, County.slug, County.is_active, County.content_version).order_by(County.id)
            )
        ).all()
        users = (
            await session.execute(
                select(
                    AdminUser.id,
                    AdminUser.email,
                    AdminUser.role,
                    AdminUser.county_id,
                    AdminUser.is_active,
                    AdminUser.must_change_password,
                    AdminUser.password_hash,
                ).order_by(AdminUser.id)
            )
        ).all()
    return tuple(map(tuple, counties)), tuple(map(tuple, users))


def option_value(page: str, slug: str) -> str:
    found = re.search(rf'<option value="(\d+)"[^>]*>[^<]*\({slug}\)</option>', page)
    assert found, page[:3000]
    return found.group(1)


def activate_button(page: str, action: str) -> bool:
    """Whether the form posting to ``action`` offers "Activate" (the thing is inactive now)."""
    form = re.search(rf'action="{action}">(.*?)</form>', page, re.S)
    return bool(form) and ">Activate</button>" in form.group(1)


# 1. A county and its admin, from nothing to running their shop


async def test_a_platform_admin_opens_a_county_and_its_admin_who_sets_their_own_password(
    client, session_maker, platform
):
    boss = await boss_signed_in(client, platform)
    form = await client.get("/admin/counties/new")
    assert form.status_code == 200 and 'name="slug"' in form.text
    forged = {
        "county_id": str(platform.raohe),
        "is_active": "0",
        "content_version": "99",
        "custom_domain": "x.cn",
        "story_zh": "forged story",
        "shipping_fee": "0",
    }
    created = await boss.post("/admin/counties", {**NEW_COUNTY, **forged})
    assert created.status_code == 303 and created.headers["location"] == "/admin/counties"
    county = await county_by_slug(session_maker, "fuyuan")
    assert county is not None and county.is_active and county.custom_domain is None
    assert (county.name_zh, county.province_en, county.tagline_en) == (
        "抚远市",
        "Heilongjiang",
        "Where China's day begins",
    )
    assert (county.primary_color, county.accent_color, county.text_color) == ("#1b4f72", "#ffcc33", "#ffffff")
    assert county.story_zh == "" and county.shipping_fee == 1000

    listing = await client.get("/admin/counties")
    assert "fuyuan" in listing.text and 'href="/c/fuyuan/"' in listing.text
    assert (await client.get("/c/fuyuan/?lang=en")).status_code == 200  # the shop works at once
    # and the new county can be chosen in the header's county switch
    county_id = option_value(listing.text, "fuyuan")
    assert county_id == str(county.id)
    assert (await boss.post("/admin/county", {"county_id": county_id})).status_code == 303
    assert "Fuyuan" in (await client.get("/admin/")).text

    user_form = await client.get("/admin/users/new")
    assert user_form.status_code == 200 and option_value(user_form.text, "fuyuan") == county_id
    fields = {"email": " Zhang.Wei@Example.CN ", "role": "county_admin", "county_id": county_id}
    forged = {"must_change_password": "0", "is_active": "0", "totp_secret": "JBSWY3DPEHPK3PXP"}
    made = await boss.post("/admin/users", {**fields, "password": TEMPORARY, **forged})
    assert made.status_code == 303 and made.headers["location"] == "/admin/users"
    new_admin = await account(session_maker, "zhang.wei@example.cn")
    assert new_admin is not None and new_admin.county_id == county.id and new_admin.role == "county_admin"
    assert new_admin.must_change_password and new_admin.is_active and new_admin.totp_secret is None
    users = await client.get("/admin/users")
    assert "zhang.wei@example.cn" in users.text
    await boss.log_out()

    # the new admin logs in with the temporary password and must choose their own first
    newcomer = AdminBrowser(client)
    assert (await newcomer.log_in("zhang.wei@example.cn", TEMPORARY)).status_code == 303
    first = await client.get("/admin/products", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/admin/password"
    changed = await newcomer.change_password("my-own-secret-77", current=TEMPORARY)
    assert changed.status_code == 303
    home = await client.get("/admin/?lang=en")
    assert home.status_code == 200 and "Fuyuan" in home.text
    products = await client.get("/admin/products?lang=en")
    assert products.status_code == 200 and "椴树蜂蜜" not in products.text  # not Raohe's products
    assert (await client.get("/admin/counties")).status_code == 403
    assert (await client.get("/admin/users")).status_code == 403

    actions = [(action, subject, actor) for action, subject, _detail, actor in await audit(session_maker)]
    assert ("county_created", BOSS, BOSS) in actions
    assert ("admin_created", "zhang.wei@example.cn", BOSS) in actions
    assert ("password_changed", "zhang.wei@example.cn", "zhang.wei@example.cn") in actions


async def test_a_platform_admin_made_in_the_ui_has_no_county_and_sets_up_two_factor(
    client, session_maker, platform
):
    boss = await boss_signed_in(client, platform)
    fields = {"email": "deputy@example.cn", "role": "platform_admin", "county_id": str(platform.raohe)}
    assert (await boss.post("/admin/users", {**fields, "password": TEMPORARY})).status_code == 303
    deputy = await account(session_maker, "deputy@example.cn")
    assert deputy.is_platform_admin and deputy.county_id is None and deputy.must_change_password
    await boss.log_out()
    signing_in = await AdminBrowser(client).post(
        "/admin/login", {"email": "deputy@example.cn", "password": TEMPORARY}
    )
    assert signing_in.headers["location"] == "/admin/login/code"  # two-factor is required of them


# 2. Refusals with the typed values kept


async def test_a_taken_slug_or_email_is_a_field_message_and_the_typed_values_stay(
    client, session_maker, platform
):
    boss = await boss_signed_in(client, platform)
    before = await snapshot(session_maker)
    taken = await boss.post("/admin/counties?lang=en", {**NEW_COUNTY, "slug": "raohe"})
    assert taken.status_code == 400
    assert "Another county already has this address name" in taken.text
    assert (
        'value="华夏东极"' in taken.text and 'value="Fuyuan"' in taken.text and 'value="raohe"' in taken.text
    )
    upper = await boss.post("/admin/counties?lang=en", {**NEW_COUNTY, "slug": "RAOHE"})
    assert upper.status_code == 400 and "Another county already has this address name" in upper.text

    fields = {"email": "Raohe-Admin@Example.cn", "role": "county_admin", "county_id": str(platform.guzhang)}
    clash = await boss.post("/admin/users?lang=en", {**fields, "password": TEMPORARY})
    assert clash.status_code == 400
    assert "An admin with this email address already exists." in clash.text
    assert 'value="raohe-admin@example.cn"' in clash.text
    assert re.search(rf'<option value="{platform.guzhang}" selected>', clash.text)
    assert TEMPORARY not in clash.text  # a password is never written back into the page
    assert await snapshot(session_maker) == before


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"slug": "饶河"}, "slug", "Use lower-case letters a-z"),
        ({"slug": "fu yuan"}, "slug", "Use lower-case letters a-z"),
        ({"slug": "-fuyuan"}, "slug", "Use lower-case letters a-z"),
        ({"slug": "f" * 64}, "slug", "Use lower-case letters a-z"),
        ({"slug": "www"}, "slug", "the platform&#39;s own"),
        ({"slug": ""}, "slug", "address name, such as raohe"),
        ({"name_zh": " "}, "name_zh", "name in Chinese"),
        ({"primary_color": "brown"}, "primary_color", "# and six hex digits"),
        ({"accent_color": ""}, "accent_color", "# and six hex digits"),
        ({"primary_color": "#f2c14e"}, "text_color", "contrast of only"),
        ({"province_en": ""}, "province_en", "province in English"),
        ({"tagline_en": "x" * 201}, "tagline_en", "under 200 characters"),
        ({"slug": ["a", "b"]}, "slug", "could not be read"),
    ],
)
async def test_a_bad_new_county_is_refused_with_its_message(
    client, session_maker, platform, fields, field, message
):
    boss = await boss_signed_in(client, platform)
    before = await snapshot(session_maker)
    refused = await boss.post("/admin/counties?lang=en", {**NEW_COUNTY, **fields})
    assert refused.status_code == 400
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', refused.text)
    assert error and message in error.group(1), refused.text[-3000:]
    assert 'value="抚远市"' in refused.text or field == "name_zh"
    assert await snapshot(session_maker) == before


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "wang@"}, "email", "does not look right"),
        ({"email": ""}, "email", "Please enter the email address."),
        ({"password": "short"}, "password", "at least 10 characters"),
        ({"password": ""}, "password", "temporary password"),
        ({"password": "newcomer-2026"}, "password", "must not contain the email"),
        ({"role": "superuser"}, "role", "Please choose a role."),
        ({"county_id": ""}, "county_id", "Please choose the county"),
        ({"county_id": "999999"}, "county_id", "Please choose the county"),
    ],
)
async def test_a_bad_new_admin_is_refused_with_its_message(
    client, session_maker, platform, fields, field, message
):
    boss = await boss_signed_in(client, platform)
    before = await snapshot(session_maker)
    base = {"email": "newcomer@example.cn", "role": "county_admin", "county_id": str(platform.raohe)}
    refused = await boss.post("/admin/users?lang=en", {**base, "password": TEMPORARY, **fields})
    assert refused.status_code == 400
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', refused.text)
    assert error and message in error.group(1), refused.text[-3000:]
    assert await snapshot(session_maker) == before


async def test_two_creations_at_once_end_in_one_and_a_field_message(
    client, session_maker, platform, monkeypatch
):
    """The second of two racing requests passes the early check, then meets the unique index."""
    boss = await boss_signed_in(client, platform)

    async def not_yet(*_args) -> bool:
        return False

    monkeypatch.setattr(PlatformCounties, "slug_taken", not_yet)
    raced = await boss.post("/admin/counties?lang=en", {**NEW_COUNTY, "slug": "raohe"})
    assert raced.status_code == 400 and "Another county already has this address name" in raced.text
    assert BOSS in raced.text  # the page still shows who is signed in after the rollback

    async def nobody(*_args):
        return None

    monkeypatch.setattr(AccountService, "by_email", nobody)
    fields = {"email": RAOHE_ADMIN, "role": "county_admin", "county_id": str(platform.guzhang)}
    raced = await boss.post("/admin/users?lang=en", {**fields, "password": TEMPORARY})
    assert raced.status_code == 400 and "An admin with this email address already exists." in raced.text
    monkeypatch.undo()
    assert (await account(session_maker, RAOHE_ADMIN)).county_id == platform.raohe
    assert (await client.get("/admin/counties")).status_code == 200  # the session is usable again


# 3. Counties opened and closed


async def test_a_deactivated_county_shop_answers_404_until_activated_again(client, session_maker, platform):
    boss = await boss_signed_in(client, platform)
    assert (await client.get("/c/raohe/")).status_code == 200
    closed = await boss.post(f"/admin/counties/{platform.raohe}/active", {"active": "0"})
    assert closed.status_code == 303
    assert (await client.get("/c/raohe/")).status_code == 404
    assert "raohe" not in (await client.get("/?lang=en")).text.split("<main", 1)[-1]
    listing = await client.get("/admin/counties?lang=en")
    assert activate_button(listing.text, f"/admin/counties/{platform.raohe}/active")
    again = await boss.post(f"/admin/counties/{platform.raohe}/active", {"active": "0"})  # a double press
    assert again.status_code == 303
    assert (await boss.post(f"/admin/counties/{platform.raohe}/active", {"active": "1"})).status_code == 303
    assert (await client.get("/c/raohe/")).status_code == 200
    actions = [(action, detail) for action, _subject, detail, _actor in await audit(session_maker)]
    assert actions.count(("county_deactivated", "raohe")) == 1 and ("county_activated", "raohe") in actions
    assert (await boss.post("/admin/counties/999999/active", {"active": "0"})).status_code == 404


# 4. Accounts deactivated, activated, reset


async def test_a_deactivated_admin_is_signed_out_at_their_next_request(client, session_maker, platform):
    """Two browsers on one client (one event loop): each keeps its own cookies, swapped in turn."""
    raohe = AdminBrowser(client)
    assert (await raohe.log_in(RAOHE_ADMIN)).status_code == 303
    assert (await client.get("/admin/")).status_code == 200
    raohe_cookies = httpx.Cookies(client.cookies)
    client.cookies.clear()
    boss = await boss_signed_in(client, platform)
    deactivated = await boss.post(f"/admin/users/{platform.raohe_admin}/active", {"active": "0"})
    assert deactivated.status_code == 303
    boss_cookies = httpx.Cookies(client.cookies)
    client.cookies = raohe_cookies
    gone = await client.get("/admin/products", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/admin/login"
    assert (await client.get("/admin/", follow_redirects=False)).headers["location"] == "/admin/login"
    assert (await raohe.log_in(RAOHE_ADMIN)).status_code == 400  # and cannot sign in again
    client.cookies = boss_cookies
    users = await client.get("/admin/users?lang=en")
    assert activate_button(users.text, f"/admin/users/{platform.raohe_admin}/active")
    activated = await boss.post(f"/admin/users/{platform.raohe_admin}/active", {"active": "1"})
    assert activated.status_code == 303
    client.cookies = raohe_cookies
    assert (await raohe.log_in(RAOHE_ADMIN)).status_code == 303
    actions = [(action, subject, actor) for action, subject, _detail, actor in await audit(session_maker)]
    assert ("admin_deactivated", RAOHE_ADMIN, BOSS) in actions and (
        "admin_activated",
        RAOHE_ADMIN,
        BOSS,
    ) in actions


async def test_a_platform_admin_cannot_deactivate_themselves(client, session_maker, platform):
    boss = await boss_signed_in(client, platform)
    before = await snapshot(session_maker)
    refused = await boss.post(f"/admin/users/{platform.boss}/active?lang=en", {"active": "0"})
    assert refused.status_code == 400 and "You cannot deactivate your own account." in refused.text
    assert await snapshot(session_maker) == before
    assert (await client.get("/admin/users")).status_code == 200


async def test_a_reset_password_is_temporary_and_the_old_one_stops_working(client, session_maker, platform):
    boss = await boss_signed_in(client, platform)
    short = await boss.post(f"/admin/users/{platform.raohe_admin}/password?lang=en", {"password": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.text
    own_email = await boss.post(
        f"/admin/users/{platform.raohe_admin}/password?lang=en", {"password": "raohe-admin-2026"}
    )
    assert own_email.status_code == 400 and "must not contain the email" in own_email.text
    forged = {
        "password": TEMPORARY,
        "role": "platform_admin",
        "county_id": str(platform.guzhang),
        "active": "0",
    }
    reset = await boss.post(f"/admin/users/{platform.raohe_admin}/password", forged)
    assert reset.status_code == 303
    user = await account(session_maker, RAOHE_ADMIN)
    assert user.must_change_password and verify_password(user.password_hash, TEMPORARY)
    assert (user.role, user.county_id, user.is_active) == ("county_admin", platform.raohe, True)
    assert (await boss.post("/admin/users/999999/password", {"password": TEMPORARY})).status_code == 404
    assert (await boss.post("/admin/users/999999/active", {"active": "0"})).status_code == 404
    await boss.log_out()
    raohe = AdminBrowser(client)
    assert (await raohe.log_in(RAOHE_ADMIN, PASSWORD)).status_code == 400
    assert (await raohe.log_in(RAOHE_ADMIN, TEMPORARY)).status_code == 303
    assert (await client.get("/admin/", follow_redirects=False)).headers["location"] == "/admin/password"
    actions = [(action, subject, actor) for action, subject, _detail, actor in await audit(session_maker)]
    assert ("password_reset", RAOHE_ADMIN, BOSS) in actions


# 5. Forged fields elsewhere


async def test_a_county_admin_cannot_raise_their_own_role_with_forged_fields(client, session_maker, platform):
    raohe = AdminBrowser(client)
    await raohe.log_in(RAOHE_ADMIN)
    forged = {"role": "platform_admin", "county_id": str(platform.guzhang), "is_active": "1"}
    changed = await raohe.post(
        "/admin/password",
        {
            "current_password": PASSWORD,
            "new_password": "raohe-own-pass-9",
            "confirm_password": "raohe-own-pass-9",
            **forged,
        },
    )
    assert changed.status_code == 303
    await raohe.post("/admin/county", {"county_id": str(platform.guzhang), **forged})
    user = await account(session_maker, RAOHE_ADMIN)
    assert (user.role, user.county_id) == ("county_admin", platform.raohe)
    assert (await client.get("/admin/users")).status_code == 403


# 6. County admins kept out; CSRF


def platform_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) of the pages here, collected from the app, so a new one is covered."""
    found = []
    for route in app.routes:
        if not route.path.startswith(("/admin/counties", "/admin/users")):
            continue
        for method in sorted(getattr(route, "methods", set()) - {"HEAD", "OPTIONS"}):
            found.append((method, route.path))
    return found


async def test_a_county_admin_gets_403_on_every_platform_page_and_nothing_changes(
    client, session_maker, platform
):
    routes = platform_routes(client.app)
    assert len(routes) >= 7, routes
    raohe = AdminBrowser(client)
    await raohe.log_in(RAOHE_ADMIN)
    before = await snapshot(session_maker)
    ids = {"county_id": platform.raohe, "user_id": platform.boss}
    data = {
        **NEW_COUNTY,
        "email": "sneaky@example.cn",
        "role": "platform_admin",
        "password": TEMPORARY,
        "active": "0",
    }
    for method, path in routes:
        url = re.sub(r"\{(\w+):int\}", lambda match: str(ids[match.group(1)]), path)
        if method == "GET":
            response = await client.get(url, follow_redirects=False)
        else:
            response = await raohe.post(url, data)
        assert response.status_code == 403, (method, url, response.status_code)
    assert await snapshot(session_maker) == before
    assert (await client.get("/admin/")).status_code == 200  # still signed in, nothing else happened


@pytest.mark.parametrize("path", ["/admin/counties", "/admin/users", "/admin/users/{boss}/active"])
async def test_a_post_without_the_csrf_token_is_refused(client, session_maker, platform, path):
    await boss_signed_in(client, platform)
    before = await snapshot(session_maker)
    data = {
        **NEW_COUNTY,
        "email": "x1@example.cn",
        "role": "platform_admin",
        "password": TEMPORARY,
        "active": "0",
    }
    response = await client.post(path.format(boss=platform.raohe_admin), data=data, follow_redirects=False)
    assert response.status_code == 403
    assert await snapshot(session_maker) == before


# 7. The audit log


async def test_every_action_appears_in_the_audit_log_with_readable_labels(client, session_maker, platform):
    boss = await boss_signed_in(client, platform)
    await boss.post("/admin/counties", NEW_COUNTY)
    county = await county_by_slug(session_maker, "fuyuan")
    fields = {
        "email": "li@example.cn",
        "role": "county_admin",
        "county_id": str(county.id),
        "password": TEMPORARY,
    }
    await boss.post("/admin/users", fields)
    user = await account(session_maker, "li@example.cn")
    await boss.post(f"/admin/users/{user.id}/password", {"password": "another-temp-77"})
    await boss.post(f"/admin/users/{user.id}/active", {"active": "0"})
    await boss.post(f"/admin/users/{user.id}/active", {"active": "1"})
    await boss.post(f"/admin/counties/{county.id}/active", {"active": "0"})
    await boss.post(f"/admin/counties/{county.id}/active", {"active": "1"})
    english = await client.get("/admin/audit?lang=en")
    for label in (
        "County created",
        "Admin created",
        "Password reset",
        "Admin deactivated",
        "Admin activated",
        "County deactivated",
        "County activated",
        "Signed in",
    ):
        assert f">{label}</td>" in english.text, label
    assert "another-temp-77" not in english.text and TEMPORARY not in english.text
    chinese = await client.get("/admin/audit?lang=zh")
    for label in ("新建县", "新建管理员", "重置密码", "停用管理员", "启用管理员", "停用县", "启用县", "登录"):
        assert f">{label}</td>" in chinese.text, label


async def test_the_platform_pages_work_across_counties_whichever_county_is_chosen(
    client, session_maker, platform
):
    boss = await boss_signed_in(client, platform)
    async with session_maker() as session:
        guzhang = await session.get(County, platform.guzhang)
        await make_catalog(session, guzhang, products=3, category_slug="tea")
        await session.commit()
    assert (await boss.post("/admin/county", {"county_id": str(platform.raohe)})).status_code == 303
    listing = await client.get("/admin/counties?lang=en")
    rows = {
        slug: re.findall(r"<td>(\d+)</td>", row)
        for slug, row in re.findall(
            r'<tr id="county-\d+">\s*<td>([a-z-]+)</td>(.*?)</tr>', listing.text, re.S
        )
    }
    assert rows == {"guzhang": ["3", "0"], "raohe": ["2", "1"]}  # products and admins of every county
    assert (await boss.post("/admin/counties", NEW_COUNTY)).status_code == 303
    fields = {"email": "gu@example.cn", "role": "county_admin", "county_id": str(platform.guzhang)}
    assert (await boss.post("/admin/users", {**fields, "password": TEMPORARY})).status_code == 303
    assert (await account(session_maker, "gu@example.cn")).county_id == platform.guzhang
    assert (await boss.post(f"/admin/counties/{platform.guzhang}/active", {"active": "0"})).status_code == 303
    assert not (await county_by_slug(session_maker, "guzhang")).is_active
    assert "Raohe County</strong>" in (await client.get("/admin/?lang=en")).text  # still acting on Raohe


async def test_a_page_opened_for_one_county_saves_nothing_once_another_tab_chose_another(
    client, session_maker, platform
):
    """A platform admin's county is one for all their tabs: a form opened for Raohe, sent after
    another tab switched to Guzhang, must not be applied to Guzhang."""
    boss = await boss_signed_in(client, platform)
    assert (await boss.post("/admin/county", {"county_id": str(platform.raohe)})).status_code == 303
    form = await client.get("/admin/categories/new?lang=en")
    named = re.search(r'name="_acting_county" value="(\d*)"', form.text)[1]
    assert named == str(platform.raohe)
    assert f'hx-headers=\'{{"X-Acting-County": "{platform.raohe}"}}\'' in form.text  # its HTMX requests too
    assert (await boss.post("/admin/county", {"county_id": str(platform.guzhang)})).status_code == 303
    nuts = {"slug": "nuts", "name_zh": "坚果", "name_en": "Nuts"}
    stale = await boss.post("/admin/categories/new?lang=en", {**nuts, "_acting_county": named})
    assert stale.status_code == 409 and "made for another county than the one chosen since" in stale.text
    moved = await client.post(
        "/admin/categories/1/move",
        data={"direction": "up"},
        headers={"X-Acting-County": named, "HX-Request": "true", "x-csrftoken": await boss.csrf_token()},
    )
    assert moved.status_code == 409 and "<html" not in moved.text
    async with session_maker() as session:
        scope_to_all_counties(session)
        assert await session.scalar(select(func.count()).where(Category.slug == "nuts")) == 0
    fresh = await boss.post("/admin/categories/new", {**nuts, "_acting_county": str(platform.guzhang)})
    assert fresh.status_code == 303
    async with session_maker() as session:
        scope_to_all_counties(session)
        made = await session.scalar(select(Category).where(Category.slug == "nuts"))
        assert made.county_id == platform.guzhang
