"""Creators' referral links: ``?ref=CODE`` is remembered for the visit and attributed to the order."""

from __future__ import annotations

import re

from litestar import Request
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

REFERRAL_PARAM = "ref"
SESSION_KEY = "referral"
VALID_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class ReferralMiddleware(ASGIMiddleware):
    """Keeps a valid ``ref`` code in the visitor's session; runs before the page cache, so a
    cached page still counts the visit's referral."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        code = Request(scope).query_params.get(REFERRAL_PARAM)
        if code and VALID_CODE.fullmatch(code):
            scope["session"][SESSION_KEY] = code
        await next_app(scope, receive, send)


def referral_of(request: Request) -> str | None:
    return request.session.get(SESSION_KEY)
