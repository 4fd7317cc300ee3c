"""The page cache for catalog pages: shared by every visitor, so it never holds anything personal.

Pages every visitor sees alike (directory, county home, categories, producers, brand story,
sitemap) are kept for ``PAGE_CACHE_SECONDS``, product pages and search results for one second
(:data:`LIVE_PAGE`).
Three rules keep one visitor's things from reaching the next (DESIGN section 2a):

- :class:`PageCacheBoundary` is the innermost app middleware: cookies that outer middleware add
  for one visitor (session, language, referral) go on that visitor's copy of the response, never
  on what the cache captured;
- :class:`PageStore` refuses to store a response that carries ``Set-Cookie`` at all;
- the cache key takes only the query parameters the page's handler declares (:func:`page_query`),
  and pages build their links from those same parameters, so ``?ref=`` or ``?junk=`` can neither
  reach a cached page nor multiply its entries.

An admin's save shows on the next request, not after ``PAGE_CACHE_SECONDS``: the key also holds
the content version of the page's county (of the platform for the directory), read from the
``content_versions`` store (memory, or Redis shared by the workers) before the cache is asked, so a
cached page still costs no database query. A save bumps the version in its transaction and the
new token is written once it commits (:func:`publish_after_commit`; see
``storefront.content_versions``).

When an entry lapses under load, the first request renders it and the others keep getting the
stale copy (or wait for a first render) instead of all rendering at once.
"""

from __future__ import annotations

import asyncio
import logging
import struct
from contextvars import ContextVar
from datetime import timedelta
from functools import cache
from time import monotonic, time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from advanced_alchemy.extensions.litestar._utils import get_aa_scope_state
from litestar import Request
from litestar.config.response_cache import ResponseCacheConfig
from litestar.middleware import ASGIMiddleware
from litestar.middleware.response_cache import ResponseCacheMiddleware
from litestar.status_codes import HTTP_200_OK
from litestar.stores.base import StorageObject, Store
from litestar.stores.memory import MemoryStore
from msgspec.msgpack import decode

from storefront.compression import response_encoding
from storefront.content_versions import (
    PLATFORM_VERSION,
    VERSIONS_STORE,
    county_version,
    current_version,
    publish_content_changes,
)
from storefront.fragments import FRAGMENT_HEADERS
from storefront.i18n import current_language
from storefront.origins import origin

if TYPE_CHECKING:
    from litestar.handlers import HTTPRouteHandler
    from litestar.types import ASGIApp, BeforeMessageSendHookHandler, HTTPScope, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

STORE_NAME = "response_cache"
VERSION_KEY = "content_version"
"""Where the content version a page is cached under is kept in the request's scope state."""
RENDER_WAIT_SECONDS = 5.0
MAX_MEMORY_ENTRIES = 1000
"""Pages kept per process without Redis (a page is 10-60 KB); the least recently stored go first."""

SHARED_PAGE: dict[str, Any] = {"cache": True, "opt": {"exclude_from_csrf": True}}
"""Route options for pages every visitor sees alike: served from the page cache, and without the
CSRF cookie (a response that sets a cookie is never stored)."""

LIVE_PAGE: dict[str, Any] = {"cache": 1, "opt": {"exclude_from_csrf": True}}
"""Route options for a shared page that shows stock (the product page, search results): like
:data:`SHARED_PAGE`, but kept one second, so what a checkout takes shows within a second without a
content version of its own, while a livestream's thousands of viewers are served one render a
second. Its forms carry no visitor's token: HTMX sends the cookie's, and without JavaScript they
ask a page of the visitor's own (``cart:confirm-add``)."""

_FRESH_UNTIL = struct.Struct("!d")
_Claim = tuple[asyncio.Event, float]
_CLAIMED: ContextVar[tuple[str, _Claim] | None] = ContextVar("claimed_render", default=None)
"""The page render this request claimed (its key and claim), for :meth:`PageStore.release_abandoned`."""


@cache
def _declared_query(handler: HTTPRouteHandler, path_names: frozenset[str]) -> frozenset[str]:
    model = handler.create_kwargs_model(path_parameters=dict.fromkeys(path_names))
    return frozenset(parameter.field_alias for parameter in model.expected_query_params)


def page_query(request: Request) -> list[tuple[str, str]]:
    """The query parameters the page's handler reads (``page``, ``q``...), sorted, one value each:
    the one the handler takes, the last (``?page=2&page=3`` is page 3, and is cached and linked as
    page 3), written as it came. Nothing else in the address may change the page, its cache key, or
    the links it prints (none on a page no route answered)."""
    handler = request.scope.get("route_handler")
    if not handler:
        return []
    declared = _declared_query(handler, frozenset(request.path_params))
    query = request.query_params
    return [(name, query.getall(name)[-1]) for name in sorted(declared) if name in query]


def page_cache_key(request: Request) -> str:
    """Cached pages differ by the host's origin (links are host-relative on a county's own host),
    path, the parameters the page reads, language (the one ``LanguageMiddleware`` picked for the
    request, that the page renders in), the content version they were rendered at, and the
    compression the visitor accepts (pages are stored compressed: ``storefront.compression``)."""
    scope = request.scope
    return (
        f"{origin(request)}{scope.get('root_path', '')}{scope['path']}?{urlencode(page_query(request))}"
        f"#{current_language.get()}@{scope['state'].get(VERSION_KEY, '')}~{response_encoding(request)}"
    )


def fragment_cache_key(request: Request) -> str:
    """The key of a page that answers HTMX with a fragment of itself (the live search): the page and
    its fragment are kept apart by the headers browsers keep them apart by (``Vary``)."""
    htmx = "".join(f"!{name}" for name in FRAGMENT_HEADERS if request.headers.get(name) == "true")
    return f"{page_cache_key(request)}{htmx}"


class PageCacheBoundary(ASGIMiddleware):
    """Reads the content version of each cached route's page, and hands the middleware outside it a
    copy of the route's response start.

    The version (the county's, or the platform's for the directory) is read from the store once,
    before the cache is asked, and kept in the scope: the page is looked up and stored under the
    version it was rendered at, even if a save lands meanwhile. Litestar's response cache keeps
    the start message it passed on and encodes it once the body is done; outer middleware add
    their ``Set-Cookie`` to that same message in place. Must be the last (innermost) middleware of
    the app. A route with no cached handler is left unwrapped (Litestar puts its response cache
    right inside the app's middleware on the routes that have one, and only there).
    """

    def __call__(self, app: ASGIApp) -> ASGIApp:
        if not isinstance(app, ResponseCacheMiddleware):
            return app
        return super().__call__(app)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if not scope["route_handler"].cache:
            await next_app(scope, receive, send)
            return
        stores = scope["litestar_app"].stores
        page_store = stores.get(STORE_NAME)
        if isinstance(page_store, PageStore):
            slug = scope["path_params"].get("county_slug")
            key = county_version(slug) if slug is not None else PLATFORM_VERSION
            scope["state"][VERSION_KEY] = await current_version(stores.get(VERSIONS_STORE), key)

        async def send_copy(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": list(message.get("headers", ()))}
            await send(message)

        claimed = _CLAIMED.set(None)
        try:
            await next_app(scope, receive, send_copy)
        finally:
            if isinstance(page_store, PageStore):
                page_store.release_abandoned()
            _CLAIMED.reset(claimed)


def _sets_cookie(response: bytes) -> bool:
    start = decode(response)[0]
    return any(bytes(name).lower() == b"set-cookie" for name, _ in start.get("headers", ()))


class LocalStore(MemoryStore):
    """Litestar's memory store, read without its lock: a read has nothing to wait for, and taking
    the lock hands the event loop a turn (a whole loop iteration a read, two reads a cached page).
    Writes still take the lock; a read runs between two of them, never within one (one thread)."""

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        stored = self._store.get(key)
        if stored is None:
            return None
        if stored.expired:
            self._store.pop(key, None)
            return None
        if renew_for and stored.expires_at:
            stored = self._store[key] = StorageObject.new(data=stored.data, expires_in=renew_for)
        return stored.data


class BoundedMemoryStore(LocalStore):
    """A :class:`LocalStore` holding at most ``max_entries`` values: when full, expired entries go
    first, then the least recently used (read or stored), so a burst of pages asked once (random
    searches) pushes out each other rather than the home page every shopper reads."""

    def __init__(self, max_entries: int = MAX_MEMORY_ENTRIES) -> None:
        super().__init__()
        self.max_entries = max_entries

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        found = await super().get(key, renew_for)
        if found is not None:
            self._store[key] = self._store.pop(key)  # to the end: the last to go
        return found

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        async with self._lock:
            self._store.pop(key, None)
            self._store[key] = StorageObject.new(data=data, expires_in=expires_in)
            if len(self._store) > self.max_entries:
                self._store = {key: entry for key, entry in self._store.items() if not entry.expired}
            while len(self._store) > self.max_entries:
                del self._store[next(iter(self._store))]


class PageStore(Store):
    """The page cache's store, in front of memory or Redis: refuses personal responses and renders
    each page once when it lapses.

    An entry is kept twice as long as asked, stamped with the time it stays fresh until (shared by
    every worker through Redis). Past that it is stale: the first reader gets a miss and renders
    the page again, while the others keep getting the stale copy meanwhile. A page never rendered
    yet makes its next readers wait (up to ``RENDER_WAIT_SECONDS``) for the first render instead.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._rendering: dict[str, tuple[asyncio.Event, float]] = {}

    def _claim_render(self, key: str) -> bool:
        """True if this caller should render ``key`` (nobody else is, or that render is overdue)."""
        rendering = self._rendering.get(key)
        if rendering is None or monotonic() - rendering[1] > RENDER_WAIT_SECONDS:
            self._rendering[key] = claim = (asyncio.Event(), monotonic())
            _CLAIMED.set((key, claim))
            return True
        return False

    async def _read(self, key: str) -> tuple[float, bytes] | None:
        stored = await self.store.get(key)
        if stored is None:
            return None
        return _FRESH_UNTIL.unpack_from(stored)[0], stored[_FRESH_UNTIL.size :]

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        if (entry := await self._read(key)) is not None:
            fresh_until, response = entry
            return None if time() > fresh_until and self._claim_render(key) else response
        if self._claim_render(key):
            return None  # this request renders the page
        try:
            await asyncio.wait_for(self._rendering[key][0].wait(), RENDER_WAIT_SECONDS)
        except TimeoutError:
            return None  # that render failed or was not cacheable: render here
        entry = await self._read(key)
        return entry[1] if entry else None

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        response = value.encode() if isinstance(value, str) else value
        seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else (expires_in or 0)
        try:
            if _sets_cookie(response):
                logger.warning("page %s sets a cookie: not cached", key)
            elif seconds > 0:
                stamped = _FRESH_UNTIL.pack(time() + seconds) + response
                await self.store.set(key, stamped, int(seconds * 2))
        finally:
            self.release(key)

    def release(self, key: str) -> None:
        """The render of ``key`` is over (stored, or not cacheable): let the waiting readers go."""
        if rendering := self._rendering.pop(key, None):
            rendering[0].set()

    def release_abandoned(self) -> None:
        """The request that claimed a render ends without having stored or refused its page (an
        error escaped even the error page): let its readers go now rather than after a wait, and
        forget the claim (one a failing address would otherwise be kept for good)."""
        claimed = _CLAIMED.get()
        if claimed is not None and self._rendering.get(claimed[0]) is claimed[1]:
            self.release(claimed[0])

    async def delete(self, key: str) -> None:
        await self.store.delete(key)

    async def delete_all(self) -> None:
        await self.store.delete_all()

    async def exists(self, key: str) -> bool:
        return await self.store.exists(key)

    async def expires_in(self, key: str) -> int | None:
        return await self.store.expires_in(key)


def publish_after_commit(
    handler: BeforeMessageSendHookHandler, session_scope_key: str
) -> BeforeMessageSendHookHandler:
    """The database's before-send ``handler`` (which commits or rolls back the request's session as
    the response starts), followed by publishing the content versions the request's commits
    bumped: before the response goes out, so the next request, on any worker, renders the change."""

    async def before_send(message: Message, scope: Scope) -> None:
        session = get_aa_scope_state(scope, session_scope_key)  # gone once the handler closed it
        if session is None:
            return  # no database session in this request (most cached pages, /health): nothing to do
        await handler(message, scope)
        if message["type"] == "http.response.start":
            await publish_content_changes(scope["litestar_app"].stores.get(VERSIONS_STORE), session)

    return before_send


def page_cache_config(seconds: int) -> ResponseCacheConfig:
    def cacheable(scope: HTTPScope, status: int) -> bool:
        if seconds > 0 and status == HTTP_200_OK:
            return True
        store = scope["litestar_app"].stores.get(STORE_NAME)
        if isinstance(store, PageStore):  # a 404 or an error: readers waiting on it render themselves
            key_of = scope["route_handler"].cache_key_builder or page_cache_key
            store.release(key_of(Request(scope)))
        return False

    return ResponseCacheConfig(
        default_expiration=seconds,
        key_builder=page_cache_key,
        store=STORE_NAME,
        cache_response_filter=cacheable,
    )
