"""Protections every response and every form post goes through.

- :func:`secure_send`: security headers on every response (pages, files, errors), and ``HEAD``
  answered like ``GET`` without the body.
- :class:`CsrfGuard`: what Litestar's double-submit CSRF check leaves open. A token must be ASCII
  (Litestar's comparison raises on anything else: a planted cookie with ``é`` would turn every
  post into a 500), and in a visitor's session the CSRF cookie must be the one the session was
  created with, so an attacker's own valid token pair planted beside a victim's session fails.
"""

from __future__ import annotations

from hmac import compare_digest
from typing import TYPE_CHECKING

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware

from storefront.sessions import CSRF_COOKIE, CSRF_KEY

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrftoken"
CSRF_FIELD = "_csrf_token"


def secure_send(scope: Scope, send: Send) -> Send:
    """``send`` with the security headers added; a ``HEAD`` request is routed as ``GET`` and gets
    its headers only."""
    head = scope["method"] == "HEAD"
    if head:
        scope["method"] = "GET"

    async def send_secured(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {bytes(name).lower() for name, _ in message.get("headers", ())}
            extra = [header for header in SECURITY_HEADERS if header[0] not in present]
            message = {**message, "headers": [*message.get("headers", ()), *extra]}
        elif head and message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return send_secured


class CsrfGuard(ASGIMiddleware):
    """Refuses unsafe requests whose CSRF tokens are not ASCII, or whose CSRF cookie is not the one
    bound to the visitor's session; Litestar's CSRF middleware then checks the token pair itself."""

    exclude_opt_key = "exclude_from_csrf"
    exclude_path_pattern = ("^/stripe/webhook$",)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["method"] not in SAFE_METHODS:
            request: Request = Request(scope, receive)
            cookie = request.cookies.get(CSRF_COOKIE)
            tokens = [cookie, request.headers.get(CSRF_HEADER)]
            if request.content_type[0] in {RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART}:
                tokens.append((await request.form()).get(CSRF_FIELD))
            if not all(token.isascii() for token in tokens if isinstance(token, str)):
                raise PermissionDeniedException(detail="CSRF token verification failed")
            bound = scope["session"].get(CSRF_KEY) if scope.get("session") else None
            if bound and not (cookie and compare_digest(bound.encode(), cookie.encode())):
                raise PermissionDeniedException(detail="CSRF token verification failed")
        await next_app(scope, receive, send)
