"""Admin accounts for tests, and an admin driving the admin pages through their HTML forms."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pyotp
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from storefront.accounts.models import AdminUser
from storefront.accounts.service import AccountService

PASSWORD = "correct-horse-battery"


async def make_admin(
    session_maker: async_sessionmaker,
    email: str,
    *,
    county: str | None = None,
    password: str = PASSWORD,
    must_change_password: bool = False,
    totp_secret: str | None = None,
) -> AdminUser:
    async with session_maker() as session:
        user = await AccountService(session).create(
            email=email,
            password=password,
            county_slug=county,
            platform=county is None,
            must_change_password=must_change_password,
        )
        user.totp_secret = totp_secret
        await session.commit()
    return user


class AdminBrowser:
    """One browser (its own cookies) using the admin without JavaScript."""

    def __init__(self, client: AsyncTestClient) -> None:
        self.client = client

    async def csrf_token(self) -> str:
        if "csrftoken" not in self.client.cookies:
            await self.client.get("/admin/login")
        return self.client.cookies["csrftoken"]

    async def post(self, path: str, data: dict[str, Any], *, token: str | None = None) -> httpx.Response:
        token = token if token is not None else await self.csrf_token()
        return await self.client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)

    async def log_in(
        self, email: str, password: str = PASSWORD, totp_secret: str | None = None
    ) -> httpx.Response:
        response = await self.post("/admin/login", {"email": email, "password": password})
        if response.headers.get("location") == "/admin/login/code":
            page = await self.client.get("/admin/login/code")
            secret = totp_secret or setup_secret(page.text)
            response = await self.post("/admin/login/code", {"code": pyotp.TOTP(secret).now()})
        return response

    async def change_password(
        self, new: str, *, current: str = PASSWORD, again: str | None = None
    ) -> httpx.Response:
        fields = {"current_password": current, "new_password": new, "confirm_password": again or new}
        return await self.post("/admin/password", fields)

    async def log_out(self) -> httpx.Response:
        return await self.post("/admin/logout", {})


def setup_secret(page: str) -> str:
    """The two-factor key shown on the set-up page."""
    found = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)
    assert found, page[:2000]
    return found.group(1)
