"""Creators' referral links: ``?ref=CODE`` is remembered for 30 days in the visitor's own cookie and
attributed to the order.

The cookie is added outside the page cache, to that visitor's response only, and a referral visit
creates no server-side session: a livestream's thousands of ``?ref=`` visitors all get the cached page.
"""

from __future__ import annotations

import re

from litestar import Request
from litestar.datastructures import Cookie
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from storefront.web import send_with_cookie

REFERRAL_PARAM = "ref"
COOKIE_NAME = "ref"
COOKIE_MAX_AGE = 30 * 24 * 3600
VALID_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class ReferralMiddleware(ASGIMiddleware):
    """Answers a visit with a valid ``ref`` code with that code's cookie (the last click wins)."""

    def __init__(self, *, secure: bool = False) -> None:
        self.secure = secure

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        code = Request(scope).query_params.get(REFERRAL_PARAM)
        if code and VALID_CODE.fullmatch(code):
            cookie = Cookie(
                key=COOKIE_NAME, value=code, max_age=COOKIE_MAX_AGE, httponly=True, secure=self.secure
            )
            send = send_with_cookie(send, cookie)
        await next_app(scope, receive, send)


def referral_of(request: Request) -> str | None:
    code = request.cookies.get(COOKIE_NAME)
    return code if code and VALID_CODE.fullmatch(code) else None
