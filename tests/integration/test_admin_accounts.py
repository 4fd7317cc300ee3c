"""Admin accounts: signing in and out, attempt limits, CSRF, session ids, two-factor, roles and the
audit log, on SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pyotp
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from storefront.accounts import sessions as admin_sessions
from storefront.accounts.models import AdminUser, AuditEntry
from storefront.accounts.service import ACCOUNT_FAILURES, ADDRESS_FAILURES
from storefront.catalog.models import Variant
from storefront.db import scope_to_all_counties
from tests.support.admins import PASSWORD, AdminBrowser, make_admin, setup_secret
from tests.support.factories import make_catalog, make_county
from tests.support.shopper import Shopper

BASE_URL = "http://testserver.local"
RAOHE_ADMIN = "raohe@example.cn"
BOSS = "boss@example.cn"


@pytest.fixture
async def counties(session_maker) -> dict[str, int]:
    async with session_maker() as session:
        raohe = await make_county(session, "raohe")
        guzhang = await make_county(session, "guzhang")
        await session.commit()
    return {"raohe": raohe.id, "guzhang": guzhang.id}


@pytest.fixture
async def raohe_admin(session_maker, counties) -> AdminUser:
    return await make_admin(session_maker, RAOHE_ADMIN, county="raohe")


async def _audit(session_maker) -> list[tuple[str, str]]:
    async with session_maker() as session:
        rows = await session.execute(select(AuditEntry.action, AuditEntry.subject).order_by(AuditEntry.id))
        return [tuple(row) for row in rows]


async def test_a_county_admin_logs_in_sees_their_county_and_logs_out(client, raohe_admin, session_maker):
    admin = AdminBrowser(client)
    assert (await client.get("/admin/", follow_redirects=False)).headers["location"] == "/admin/login"
    page = await client.get("/admin/login?lang=en")
    assert (
        '<label for="email">Email</label>' in page.text
        and '<label for="password">Password</label>' in page.text
    )
    assert ">Log in</button>" in page.text
    response = await admin.log_in(RAOHE_ADMIN)
    assert response.status_code == 303 and response.headers["location"] == "/admin/"
    home = await client.get("/admin/")
    assert home.status_code == 200
    assert RAOHE_ADMIN in home.text and "Raohe County" in home.text and ">Log out</button>" in home.text
    assert home.headers["cache-control"] == "no-store"
    assert (await admin.log_out()).headers["location"] == "/admin/login"
    assert (await client.get("/admin/", follow_redirects=False)).headers["location"] == "/admin/login"
    actions = [action for action, _subject in await _audit(session_maker)]
    assert actions == ["admin_created", "sign_in", "sign_out"]


async def test_chinese_is_the_default(client, raohe_admin):
    page = await client.get("/admin/login")
    assert "登录" in page.text and "邮箱" in page.text and "密码" in page.text


async def test_a_wrong_password_is_refused_and_recorded(client, raohe_admin, session_maker):
    admin = AdminBrowser(client)
    await client.get("/admin/login?lang=en")
    response = await admin.log_in(RAOHE_ADMIN, "not-the-password")
    assert response.status_code == 400 and "Wrong email or password." in response.text
    unknown = await admin.log_in("nobody@example.cn", "not-the-password")
    assert unknown.status_code == 400 and "Wrong email or password." in unknown.text
    assert (await client.get("/admin/", follow_redirects=False)).status_code == 303
    assert await _audit(session_maker) == [
        ("admin_created", RAOHE_ADMIN),
        ("sign_in_failed", RAOHE_ADMIN),
        ("sign_in_failed", "nobody@example.cn"),
    ]


async def test_empty_fields_get_a_message_each(client, raohe_admin):
    response = await AdminBrowser(client).post("/admin/login?lang=en", {"email": "", "password": ""})
    assert response.status_code == 400
    assert (
        "Please enter your email address." in response.text and "Please enter your password." in response.text
    )


async def test_attempts_are_limited_per_account(client, raohe_admin, session_maker, counties):
    admin = AdminBrowser(client)
    await client.get("/admin/login?lang=en")
    for _ in range(ACCOUNT_FAILURES):
        assert (await admin.log_in(RAOHE_ADMIN, "wrong-password-1")).status_code == 400
    locked = await admin.log_in(RAOHE_ADMIN)  # even the right password, now
    assert locked.status_code == 429
    assert "Too many failed sign-ins. Please wait 15 minutes and try again." in locked.text
    await client.get("/admin/login?lang=zh")
    assert "登录失败次数过多" in (await admin.log_in(RAOHE_ADMIN)).text
    # another account from the same address is not locked out by these
    await make_admin(session_maker, "other@example.cn", county="guzhang")
    assert (await admin.log_in("other@example.cn")).headers["location"] == "/admin/"
    assert ("sign_in_blocked", RAOHE_ADMIN) in await _audit(session_maker)


async def test_attempts_are_limited_per_address(client, raohe_admin):
    admin = AdminBrowser(client)
    await client.get("/admin/login?lang=en")
    for number in range(ADDRESS_FAILURES):
        assert (await admin.log_in(f"guess{number}@example.cn", "wrong-password-1")).status_code == 400
    locked = await admin.log_in(RAOHE_ADMIN)
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text


async def test_a_sign_in_starts_the_accounts_count_afresh(client, raohe_admin):
    admin = AdminBrowser(client)
    for _ in range(ACCOUNT_FAILURES - 1):
        await admin.log_in(RAOHE_ADMIN, "wrong-password-1")
    assert (await admin.log_in(RAOHE_ADMIN)).status_code == 303
    await admin.log_out()
    assert (await admin.log_in(RAOHE_ADMIN, "wrong-password-1")).status_code == 400
    assert (await admin.log_in(RAOHE_ADMIN)).status_code == 303


@pytest.mark.parametrize("token", ["missing", "foreign"])
async def test_a_missing_or_foreign_csrf_token_is_refused(client, settings, raohe_admin, token):
    admin = AdminBrowser(client)
    await admin.csrf_token()
    async with AsyncTestClient(app=client.app, base_url=BASE_URL) as other:
        foreign = await AdminBrowser(other).csrf_token()
    data = {"email": RAOHE_ADMIN, "password": PASSWORD}
    if token == "missing":
        response = await client.post("/admin/login", data=data, follow_redirects=False)
    else:
        response = await admin.post("/admin/login", data, token=foreign)
    assert response.status_code == 403
    assert "session" not in client.cookies
    # and signed in, a post without the token does not sign out
    assert (await admin.log_in(RAOHE_ADMIN)).status_code == 303
    assert (await client.post("/admin/logout", follow_redirects=False)).status_code == 403
    assert (await client.get("/admin/")).status_code == 200


async def test_the_session_id_changes_at_login_and_the_old_cookie_dies_at_logout(
    client, session_maker, counties
):
    """A visitor with a cart (a session) signs in: new id, old one deleted, cart and CSRF kept."""
    async with session_maker() as session:
        scope_to_all_counties(session)
        county = await make_county(session, "fuyuan")
        await make_catalog(session, county, products=1)
        variant_id = await session.scalar(select(Variant.id))
        await session.commit()
    await make_admin(session_maker, "fuyuan@example.cn", county="fuyuan")
    assert (await Shopper(client, "fuyuan").add(variant_id)).status_code == 303
    before = client.cookies["session"]
    store = client.app.stores.get("sessions")
    assert await store.get(before) is not None

    admin = AdminBrowser(client)
    assert (await admin.log_in("fuyuan@example.cn")).status_code == 303
    after = client.cookies["session"]
    assert after != before
    assert await store.get(before) is None
    assert "1" in (await client.get("/c/fuyuan/cart/count")).text  # the cart came along

    # the CSRF token still matches the (new) session: a form posts after the sign-in
    changed = await admin.change_password("a-new-pass-2026")
    assert changed.status_code == 303 and changed.headers["location"] == "/admin/"

    signed_out = await admin.log_out()
    assert signed_out.status_code == 303
    dropped = [
        cookie for cookie in signed_out.headers.get_list("set-cookie") if cookie.startswith("session=")
    ]
    assert dropped and dropped[0].startswith("session=null;") and "expires=" in dropped[0]  # expires now
    assert await store.get(after) is None
    client.cookies.set("session", after, domain="testserver.local")
    replayed = await client.get("/admin/", follow_redirects=False)
    assert replayed.status_code == 303 and replayed.headers["location"] == "/admin/login"


async def test_an_htmx_request_without_a_session_gets_401(client):
    response = await client.get("/admin/", headers={"hx-request": "true"}, follow_redirects=False)
    assert response.status_code == 401 and response.headers["hx-redirect"] == "/admin/login"


async def test_a_new_admin_must_choose_their_own_password(client, session_maker, counties):
    await make_admin(session_maker, "newcomer@example.cn", county="raohe", must_change_password=True)
    admin = AdminBrowser(client)
    await client.get("/admin/login?lang=en")
    response = await admin.log_in("newcomer@example.cn")
    assert response.headers["location"] == "/admin/password"
    assert (await client.get("/admin/", follow_redirects=False)).headers["location"] == "/admin/password"
    assert (await client.get("/admin/audit", follow_redirects=False)).headers["location"] == "/admin/password"
    form = await client.get("/admin/password")
    assert ">Save</button>" in form.text
    weak = await admin.change_password("short")
    assert weak.status_code == 400 and "at least 10 characters" in weak.text
    mismatch = await admin.change_password("a-new-pass-2026", again="a-new-pass-2027")
    assert mismatch.status_code == 400 and "not the same" in mismatch.text
    wrong = await admin.change_password("a-new-pass-2026", current="not-it-at-all")
    assert wrong.status_code == 400 and "current password is not right" in wrong.text
    kept = await admin.change_password(PASSWORD)  # the temporary one, which whoever set it knows
    assert kept.status_code == 400 and "other than your current one" in kept.text
    named = await admin.change_password("Newcomer-2026-pass")
    assert named.status_code == 400 and "must not contain the email address" in named.text
    done = await admin.change_password("a-new-pass-2026")
    assert done.headers["location"] == "/admin/"
    assert (await client.get("/admin/")).status_code == 200
    await admin.log_out()
    assert (await admin.log_in("newcomer@example.cn")).status_code == 400
    assert (await admin.log_in("newcomer@example.cn", "a-new-pass-2026")).headers["location"] == "/admin/"
    assert ("password_changed", "newcomer@example.cn") in await _audit(session_maker)


async def test_a_platform_admin_must_use_a_two_factor_code(client, session_maker, counties):
    await make_admin(session_maker, BOSS)
    admin = AdminBrowser(client)
    await client.get("/admin/login?lang=en")
    response = await admin.post("/admin/login", {"email": BOSS, "password": PASSWORD})
    assert response.headers["location"] == "/admin/login/code"
    pending_id = client.cookies["session"]
    # the password alone signs nobody in
    assert (await client.get("/admin/", follow_redirects=False)).headers["location"] == "/admin/login"
    setup = await client.get("/admin/login/code")
    secret = setup_secret(setup.text)
    assert 'src="data:image/svg+xml' in setup.text
    wrong = await admin.post("/admin/login/code", {"code": "000000"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.text
    used = pyotp.TOTP(secret).now()
    done = await admin.post("/admin/login/code", {"code": used})
    assert done.headers["location"] == "/admin/"
    assert client.cookies["session"] != pending_id
    assert (await client.get("/admin/")).status_code == 200
    async with session_maker() as session:
        assert await session.scalar(select(AdminUser.totp_secret).where(AdminUser.email == BOSS)) == secret

    # next time the code is asked for, without a new set-up
    await admin.log_out()
    response = await admin.post("/admin/login", {"email": BOSS, "password": PASSWORD})
    assert response.headers["location"] == "/admin/login/code"
    assert 'class="secret"' not in (await client.get("/admin/login/code")).text
    assert (await client.get("/admin/", follow_redirects=False)).headers["location"] == "/admin/login"
    replayed = await admin.post("/admin/login/code", {"code": used})  # the code taken at the set-up
    assert replayed.status_code == 400 and "That code is not right" in replayed.text
    following = pyotp.TOTP(secret).at(time.time() + 30)  # the next code (a step ahead is accepted)
    assert (await admin.post("/admin/login/code", {"code": following})).status_code == 303
    actions = [action for action, _subject in await _audit(session_maker)]
    assert actions.count("two_factor_enabled") == 1 and "sign_in_failed" in actions


async def test_a_county_admin_with_two_factor_gives_a_code(client, session_maker, counties):
    secret = pyotp.random_base32()
    await make_admin(session_maker, RAOHE_ADMIN, county="raohe", totp_secret=secret)
    admin = AdminBrowser(client)
    response = await admin.post("/admin/login", {"email": RAOHE_ADMIN, "password": PASSWORD})
    assert response.headers["location"] == "/admin/login/code"
    assert (await admin.log_in(RAOHE_ADMIN, totp_secret=secret)).headers["location"] == "/admin/"


async def test_a_two_factor_code_signs_in_once(client, session_maker, counties):
    """A code seen over a shoulder, or pressed twice, is worth one sign-in."""
    secret = pyotp.random_base32()
    await make_admin(session_maker, BOSS, totp_secret=secret)
    code = pyotp.TOTP(secret).now()
    admin = AdminBrowser(client)
    for expected in ("/admin/", None):
        response = await admin.post("/admin/login", {"email": BOSS, "password": PASSWORD})
        assert response.headers["location"] == "/admin/login/code"
        response = await admin.post("/admin/login/code", {"code": code})
        assert response.headers.get("location") == expected
        await admin.log_out()
    assert response.status_code == 400
    assert ("sign_in_failed", BOSS) in await _audit(session_maker)


async def test_a_county_admin_is_kept_out_of_platform_pages(client, raohe_admin, counties):
    admin = AdminBrowser(client)
    await admin.log_in(RAOHE_ADMIN)
    assert (await client.get("/admin/audit")).status_code == 403
    choose = await admin.post("/admin/county", {"county_id": counties["guzhang"]})
    assert choose.status_code == 403
    home = await client.get("/admin/?lang=en")
    assert "Raohe County" in home.text and "Guzhang County" not in home.text


async def test_a_platform_admin_chooses_the_county_and_reads_the_audit_log(
    client, session_maker, raohe_admin, counties
):
    secret = pyotp.random_base32()
    await make_admin(session_maker, BOSS, totp_secret=secret)
    admin = AdminBrowser(client)
    await AdminBrowser(client).log_in(RAOHE_ADMIN, "a-wrong-password")
    await client.get("/admin/login?lang=en")
    await admin.log_in(BOSS, totp_secret=secret)
    home = await client.get("/admin/")
    assert "none chosen" in home.text
    chosen = await admin.post("/admin/county", {"county_id": counties["guzhang"], "next": "/admin/audit"})
    assert chosen.headers["location"] == "/admin/audit"
    audit = await client.get("/admin/audit")
    assert audit.status_code == 200 and "County: <strong>Guzhang County</strong>" in audit.text
    assert audit.text.index("county_chosen") < audit.text.index("sign_in_failed")  # newest first
    assert "Page 1 of 1" in audit.text
    elsewhere = await admin.post("/admin/county", {"county_id": counties["raohe"], "next": "//evil.example/"})
    assert elsewhere.headers["location"] == "/admin/"
    assert "Raohe County</strong>" in (await client.get("/admin/")).text
    unknown = await admin.post("/admin/county", {"county_id": "999999"})
    assert unknown.status_code == 400
    none = await admin.post("/admin/county", {"county_id": ""})
    assert none.status_code == 303 and "none chosen" in (await client.get("/admin/")).text


async def test_the_audit_log_is_paginated(client, session_maker, counties):
    secret = pyotp.random_base32()
    await make_admin(session_maker, BOSS, totp_secret=secret)
    async with session_maker() as session:
        session.add_all(AuditEntry(action="sign_in_failed", subject=f"n{n}@example.cn") for n in range(60))
        await session.commit()
    admin = AdminBrowser(client)
    await client.get("/admin/login?lang=en")
    await admin.log_in(BOSS, totp_secret=secret)
    first = await client.get("/admin/audit")
    assert "Page 1 of 2" in first.text and 'href="/admin/audit?page=2"' in first.text
    second = await client.get("/admin/audit?page=2")
    assert "Page 2 of 2" in second.text and "n0@example.cn" in second.text and "n59@" not in second.text
    assert (await client.get("/admin/audit?page=0")).status_code == 400


async def test_a_sign_in_lasts_a_working_day(client, raohe_admin, monkeypatch):
    admin = AdminBrowser(client)
    await admin.log_in(RAOHE_ADMIN)
    assert (await client.get("/admin/")).status_code == 200
    monkeypatch.setattr(admin_sessions, "SIGN_IN_SECONDS", 0)  # as if twelve hours had gone by
    assert (await client.get("/admin/", follow_redirects=False)).headers["location"] == "/admin/login"
    assert (await client.get("/admin/login")).status_code == 200  # the form, not a loop


async def test_a_deactivated_account_is_signed_out(client, session_maker, raohe_admin):
    admin = AdminBrowser(client)
    await admin.log_in(RAOHE_ADMIN)
    async with session_maker() as session:
        user = await session.scalar(select(AdminUser).where(AdminUser.email == RAOHE_ADMIN))
        user.is_active = False
        await session.commit()
    assert (await client.get("/admin/", follow_redirects=False)).headers["location"] == "/admin/login"
    assert (await admin.log_in(RAOHE_ADMIN)).status_code == 400


async def test_a_new_password_ends_the_accounts_other_sessions(client, raohe_admin):
    """Signed in on two machines; a password changed on one signs the other out (a lost laptop)."""
    admin = AdminBrowser(client)

    def machine(cookies: dict[str, str]) -> None:
        client.cookies.clear()
        for name, value in cookies.items():
            client.cookies.set(name, value, domain="testserver.local")

    assert (await admin.log_in(RAOHE_ADMIN)).status_code == 303
    elsewhere = dict(client.cookies.items())
    machine({})
    assert (await admin.log_in(RAOHE_ADMIN)).status_code == 303
    machine(elsewhere)
    assert (await client.get("/admin/", follow_redirects=False)).status_code == 200  # both signed in
    machine({})
    assert (await admin.log_in(RAOHE_ADMIN)).status_code == 303
    assert (await admin.change_password("a-new-pass-2026")).status_code == 303
    assert (await client.get("/admin/", follow_redirects=False)).status_code == 200  # this one goes on
    machine(elsewhere)
    signed_out = await client.get("/admin/", follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/admin/login"
