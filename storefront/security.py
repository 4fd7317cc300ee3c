"""Protections every response and every form post goes through.

- :func:`secure_send`: security headers on every response (pages, files, errors), a response
  that sets a cookie kept out of shared caches, and ``HEAD`` answered like ``GET`` without the body.
- :class:`CsrfGuard`: Litestar's double-submit CSRF check (its signed tokens, cookie and form
  field), done here in the same pass as what that check leaves open. In a visitor's session the
  CSRF token is the one the session was created with, so an attacker's own valid token pair
  planted beside a victim's session fails; and a token must be ASCII text (the comparison raises
  on anything else: a planted cookie with ``é`` would turn every post into a 500).
"""

from __future__ import annotations

from hmac import compare_digest
from typing import TYPE_CHECKING

from litestar import Request
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.middleware.csrf import CSRF_SECRET_BYTES, CSRF_SECRET_LENGTH, generate_csrf_hash
from litestar.utils.scope.state import ScopeState

from storefront.sessions import CSRF_COOKIE, CSRF_KEY, SAFE_METHODS
from storefront.web import hex_tokens, send_with_cookie

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
CSRF_HEADER = "x-csrftoken"
CSRF_FIELD = "_csrf_token"
_CSRF_SECRETS = hex_tokens(CSRF_SECRET_BYTES)


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
    """The CSRF check of every request but those whose route opts out (``exclude_from_csrf``: pages
    every visitor sees alike, the signed Stripe webhook).

    A safe request gets a signed token (Litestar's) for its forms, in the ``csrftoken`` cookie if it
    has none; an unsafe one must submit, in the ``x-csrftoken`` header or the ``_csrf_token`` field,
    the token of its cookie. A session keeps the token it was created with: a request carrying
    another CSRF cookie (a planted one, or a new one after the browser dropped its session cookies
    on restart) has it replaced by the session's own, here and in the response, before the check.
    Tokens that are not ASCII text are refused. One middleware, no ``Request`` built on a safe
    request, the cookie header written once per process: every page pays for this.
    """

    exclude_opt_key = "exclude_from_csrf"

    def __init__(self, *, secret: str, secure: bool = False) -> None:
        self.secret = secret
        self.secure = secure
        self.cookie_flags = "; Path=/; SameSite=lax" + ("; Secure" if secure else "")

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request: Request = Request(scope, receive)
        cookies = request.cookies  # the parsed cookies every later reader of this request shares
        cookie = cookies.get(CSRF_COOKIE)
        bound = scope["session"].get(CSRF_KEY) if scope.get("session") else None
        if isinstance(bound, str) and cookie != bound:
            cookies[CSRF_COOKIE] = cookie = bound
            send = send_with_cookie(send, Cookie(key=CSRF_COOKIE, value=bound, secure=self.secure))
        state = ScopeState.from_scope(scope)
        if scope["method"] in SAFE_METHODS:
            state.csrf_token = cookie or self._new_token()
            if cookie is None:
                send = self._send_new_token(send, state.csrf_token)
        else:
            state.csrf_token = await self._submitted_token(request, cookie)
        await next_app(scope, receive, send)

    async def _submitted_token(self, request: Request, cookie: str | None) -> str:
        """The token the form or the header carries, when it is the cookie's (signed by us)."""
        submitted = request.headers.get(CSRF_HEADER)
        tokens: list[object] = [cookie, submitted]
        if request.content_type[0] in {RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART}:
            field = (await request.form()).get(CSRF_FIELD)
            tokens.append(field)
            submitted = submitted or field
        if not all(token is None or (isinstance(token, str) and token.isascii()) for token in tokens):
            raise PermissionDeniedException(detail="CSRF token verification failed")
        if not (isinstance(submitted, str) and cookie and self._tokens_match(submitted, cookie)):
            raise PermissionDeniedException(detail="CSRF token verification failed")
        return submitted

    def _new_token(self) -> str:
        """A token as Litestar makes them: a random secret and its signature."""
        secret = next(_CSRF_SECRETS)
        return secret + generate_csrf_hash(token=secret, secret=self.secret)

    def _unsigned(self, token: str) -> str | None:
        """The random part of a token we signed; None for any other text."""
        if len(token) <= CSRF_SECRET_LENGTH:
            return None
        secret, signature = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
        expected = generate_csrf_hash(token=secret, secret=self.secret)
        return secret if compare_digest(signature, expected) else None

    def _tokens_match(self, submitted: str, cookie: str) -> bool:
        ours, theirs = self._unsigned(submitted), self._unsigned(cookie)
        return ours is not None and theirs is not None and compare_digest(ours, theirs)

    def _send_new_token(self, send: Send, token: str) -> Send:
        """``send``, giving the browser its new token (hexadecimal: written without ``Cookie``)."""
        header = (b"set-cookie", f"{CSRF_COOKIE}={token}{self.cookie_flags}".encode())

        async def send_token(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), header]}
            await send(message)

        return send_token
