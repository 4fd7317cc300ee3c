"""Protections every response and every form post goes through.

- :func:`secure_send`: security headers on every response (pages, files, errors), a response
  that sets a cookie kept out of shared caches, and ``HEAD`` answered like ``GET`` without the body.
- :class:`CsrfGuard`: what Litestar's double-submit CSRF check leaves open. In a visitor's session
  the CSRF token is the one the session was created with, so an attacker's own valid token pair
  planted beside a victim's session fails; and a token must be ASCII text (Litestar's comparison
  raises on anything else: a planted cookie with ``é`` would turn every post into a 500).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import Request
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware

from storefront.sessions import CSRF_COOKIE, CSRF_KEY
from storefront.web import send_with_cookie

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
PRIVATE = (b"cache-control", b"private, no-cache")
"""For a response that sets a cookie and says nothing of caching: a proxy must never hand one
visitor's cookie to another, and the browser asks again rather than guessing a freshness."""
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
            if b"set-cookie" in present and b"cache-control" not in present:
                extra.append(PRIVATE)
            message = {**message, "headers": [*message.get("headers", ()), *extra]}
        elif head and message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return send_secured


class CsrfGuard(ASGIMiddleware):
    """Holds each visitor's session to its own CSRF token and refuses tokens Litestar cannot compare.

    A session keeps the token it was created with: a request carrying another CSRF cookie (a
    planted one, or a new one after the browser dropped its session cookies on restart) has it
    replaced by the session's own, here and in the response, before Litestar's CSRF middleware
    checks the submitted token against it. Unsafe requests whose tokens are not ASCII text are
    refused (Litestar's comparison would raise on them).
    """

    exclude_opt_key = "exclude_from_csrf"
    exclude_path_pattern = ("^/stripe/webhook$",)

    def __init__(self, *, secure: bool = False) -> None:
        self.secure = secure

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request: Request = Request(scope, receive)
        cookies = request.cookies  # the parsed cookies every later reader of this request shares
        bound = scope["session"].get(CSRF_KEY) if scope.get("session") else None
        if isinstance(bound, str) and cookies.get(CSRF_COOKIE) != bound:
            cookies[CSRF_COOKIE] = bound
            send = send_with_cookie(send, Cookie(key=CSRF_COOKIE, value=bound, secure=self.secure))
        if scope["method"] not in SAFE_METHODS:
            tokens: list[object] = [cookies.get(CSRF_COOKIE), request.headers.get(CSRF_HEADER)]
            if request.content_type[0] in {RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART}:
                tokens.append((await request.form()).get(CSRF_FIELD))
            if not all(token is None or (isinstance(token, str) and token.isascii()) for token in tokens):
                raise PermissionDeniedException(detail="CSRF token verification failed")
        await next_app(scope, receive, send)
