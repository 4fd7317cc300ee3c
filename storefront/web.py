"""Rendering helpers shared by every page: the Jinja environment, language and shop URLs."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from litestar import Request
from litestar.datastructures import Cookie
from litestar.exceptions import ClientException, NotFoundException
from litestar.middleware import ASGIMiddleware
from markupsafe import Markup, escape

from storefront.clock import beijing_time
from storefront.config import PROJECT_ROOT
from storefront.i18n import (
    LANGUAGE_COOKIE,
    current_language,
    day_label,
    gettext,
    negotiate_language,
    ngettext,
    requested_language,
)
from storefront.media.names import picture_set
from storefront.money import format_money
from storefront.origins import HOST_COUNTY_KEY, origin
from storefront.page_cache import page_query
from storefront.static_files import STATIC_DIR, StaticAssets

if TYPE_CHECKING:
    from collections.abc import Iterator

    from jinja2.runtime import Context
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

TEMPLATE_DIR = PROJECT_ROOT / "templates"

LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


def shop_path(request: Request, county_slug: str, path: str = "/") -> str:
    """A county page's path: host-relative on the county's own host, ``/c/{slug}`` elsewhere."""
    if request.scope.get("state", {}).get(HOST_COUNTY_KEY) == county_slug:
        return path
    return f"/c/{county_slug}{path}"


@pass_context
def _shop_url(context: Context, path: str = "/", **query: Any) -> str:
    url = shop_path(context["request"], context["county"].slug, path)
    params = {key: value for key, value in query.items() if value is not None}
    return f"{url}?{urlencode(params)}" if params else url


@pass_context
def _lang_url(context: Context, language: str) -> str:
    """The current page in another language (the choice is then remembered in a cookie); it keeps
    only the parameters the page reads, never a creator's ``?ref=`` code."""
    request: Request = context["request"]
    return f"{_public_path(request)}?{urlencode([*page_query(request), ('lang', language)])}"


def _public_path(request: Request) -> str:
    """The path as the visitor sees it: host-relative on a county's own host, shop homes with a slash."""
    path = request.url.path
    slug = request.scope.get("state", {}).get(HOST_COUNTY_KEY)
    if slug and path.startswith(f"/c/{slug}"):
        return path[len(f"/c/{slug}") :] or "/"
    if path.startswith("/c/") and path.count("/") == 2:
        return f"{path}/"
    return path


@pass_context
def _platform_url(context: Context) -> str:
    """The directory of all counties: on a county's own host, that is the platform's address."""
    request: Request = context["request"]
    if not request.scope.get("state", {}).get(HOST_COUNTY_KEY):
        return "/"
    return f"{context['platform_origin']}/"


def canonical_url(request: Request) -> str:
    """The page's absolute address without query, on the host the visitor used."""
    return f"{origin(request)}{_public_path(request)}"


@pass_context
def _canonical_url(context: Context) -> str:
    return canonical_url(context["request"])


def media_url(path: str | None) -> str:
    return f"/media/{path}" if path else "/static/img/placeholder.svg"


def paragraphs(text: str | None) -> Markup:
    """Plain text with blank lines between paragraphs, as HTML paragraphs."""
    blocks = [block.strip() for block in (text or "").split("\n\n") if block.strip()]
    return Markup("".join(f"<p>{escape(block)}</p>" for block in blocks))


def create_environment(
    *, platform_origin: str = "", auto_reload: bool = True, assets: StaticAssets | None = None
) -> Environment:
    """The templates' environment; ``assets`` names the static files (read here when not given)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=auto_reload,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["money"] = format_money
    env.filters["paragraphs"] = paragraphs
    env.filters["beijing_time"] = beijing_time
    env.filters["day"] = day_label
    env.globals.update(
        shop_url=_shop_url,
        lang_url=_lang_url,
        canonical_url=_canonical_url,
        platform_url=_platform_url,
        platform_origin=platform_origin,
        media_url=media_url,
        static_url=(assets or StaticAssets(STATIC_DIR)).url,
        picture_set=picture_set,
        current_language=current_language.get,
    )
    return env


class RejectNulBytes(ASGIMiddleware):
    """A NUL byte in a path or query is never meant; PostgreSQL cannot even store one. Answer 400."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        query = scope.get("query_string", b"").lower()
        if "\x00" in scope["path"] or b"%00" in query or b"\x00" in query:
            raise ClientException(detail="NUL byte in the address")
        await next_app(scope, receive, send)


FIRST_COOKIES_KEY = "first_cookies"


def first_cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies, read once per request (kept in the scope state); of several with one
    name, the first the browser sent: the one of the longest path (RFC 6265, 5.4), the shop's own."""
    found: dict[str, str] | None = scope["state"].get(FIRST_COOKIES_KEY)
    if found is None:
        found = {}
        for key, value in scope["headers"]:
            if key == b"cookie":
                for pair in value.decode("latin-1").split(";"):
                    name, _, content = pair.partition("=")
                    found.setdefault(name.strip(), content.strip().strip('"'))
        scope["state"][FIRST_COOKIES_KEY] = found
    return found


def hex_tokens(size: int) -> Iterator[str]:
    """Random tokens of ``size`` bytes, in hexadecimal, read from the system's random source 256
    at a time (one read each is a system call that costs more than the rest of a cached page)."""
    while True:
        block = secrets.token_bytes(size * 256)
        for start in range(0, len(block), size):
            yield block[start : start + size].hex()


def send_with_cookie(send: Send, cookie: Cookie) -> Send:
    """``send``, adding ``cookie`` to the response (this visitor's own, outside the page cache)."""
    header = (b"set-cookie", cookie.to_header(header="").encode())

    async def send_cookie(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), header]}
        await send(message)

    return send_cookie


class LanguageMiddleware(ASGIMiddleware):
    """Picks the page language for the request and remembers an explicit ``?lang=`` choice."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request: Request = Request(scope)
        language = negotiate_language(request)
        token = current_language.set(language)
        if requested_language(request) == language:
            send = send_with_cookie(
                send, Cookie(key=LANGUAGE_COOKIE, value=language, max_age=LANGUAGE_COOKIE_MAX_AGE)
            )
        try:
            await next_app(scope, receive, send)
        finally:
            current_language.reset(token)


MAX_ROW_ID = 2**31 - 1
"""The largest id a row here has room for (PostgreSQL compares ids as 32-bit where a column is)."""


async def refuse_impossible_ids(request: Request) -> None:
    """A whole-number id in a path that no row could have (0, negative, or too large for the
    database) is a 404 before any query, never an overflow in the database (an app hook; a
    coroutine, since Litestar runs a plain function hook in a worker thread)."""
    for value in request.path_params.values():
        if isinstance(value, int) and not isinstance(value, bool) and not 0 < value <= MAX_ROW_ID:
            raise NotFoundException
