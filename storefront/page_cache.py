"""The page cache for catalog pages: keyed per visible variant, rendered once when it lapses.

Pages every visitor sees alike (directory, county home, categories, producers, brand story,
sitemap) are kept for ``PAGE_CACHE_SECONDS``. When an entry lapses under load, the first request
renders it and the others wait for that render instead of all rendering at once.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from time import monotonic
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.config.response_cache import ResponseCacheConfig
from litestar.status_codes import HTTP_200_OK
from litestar.stores.base import Store
from litestar.types import HTTPScope

from storefront.i18n import negotiate_language
from storefront.metrics.referrals import REFERRAL_PARAM

STORE_NAME = "response_cache"
RENDER_WAIT_SECONDS = 5.0

SHARED_PAGE: dict[str, Any] = {"cache": True, "opt": {"exclude_from_csrf": True}}
"""Route options for pages every visitor sees alike: served from the page cache, and without the
CSRF cookie, which a cached response would otherwise hand to the next visitor."""


def page_cache_key(request: Request) -> str:
    """Cached pages differ by scheme and host (links, canonical URL), path, query and language; a
    creator's ``ref`` code changes nothing on the page, so ``?ref=`` links share the cached copy."""
    origin = f"{request.url.scheme}://{request.headers.get('host', '')}"
    query = urlencode(
        sorted((key, value) for key, value in request.query_params.multi_items() if key != REFERRAL_PARAM)
    )
    return f"{origin}{request.url.path}?{query}#{negotiate_language(request)}"


class SingleFlightStore(Store):
    """A store in front of another that renders each page once when it lapses.

    An entry is kept twice as long as asked. Past its time it is stale: the first reader gets a
    miss and renders the page again, while the others keep getting the stale copy meanwhile. A
    page never rendered yet makes its next readers wait (up to ``RENDER_WAIT_SECONDS``) for the
    first render instead. The bookkeeping is per process; with Redis, a copy another worker
    stored counts as fresh until Redis drops it.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._rendering: dict[str, tuple[asyncio.Event, float]] = {}
        self._fresh_until: dict[str, float] = {}

    def _claim_render(self, key: str) -> bool:
        """True if this caller should render ``key`` (nobody else is, or that render is overdue)."""
        rendering = self._rendering.get(key)
        if rendering is None or monotonic() - rendering[1] > RENDER_WAIT_SECONDS:
            self._rendering[key] = (asyncio.Event(), monotonic())
            return True
        return False

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        value = await self.store.get(key, renew_for)
        if value is not None:
            stale = monotonic() > self._fresh_until.get(key, float("inf"))
            return None if stale and self._claim_render(key) else value
        self._fresh_until.pop(key, None)
        if self._claim_render(key):
            return None  # this request renders the page
        try:
            await asyncio.wait_for(self._rendering[key][0].wait(), RENDER_WAIT_SECONDS)
        except TimeoutError:
            return None  # that render failed or was not cacheable: render here
        return await self.store.get(key, renew_for)

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
        if seconds:
            self._fresh_until[key] = monotonic() + seconds
        await self.store.set(key, value, int(seconds * 2) if seconds else expires_in)
        self.release(key)

    def release(self, key: str) -> None:
        """The render of ``key`` is over (stored, or not cacheable): let the waiting readers go."""
        if rendering := self._rendering.pop(key, None):
            rendering[0].set()

    async def delete(self, key: str) -> None:
        await self.store.delete(key)

    async def delete_all(self) -> None:
        await self.store.delete_all()

    async def exists(self, key: str) -> bool:
        return await self.store.exists(key)

    async def expires_in(self, key: str) -> int | None:
        return await self.store.expires_in(key)


def page_cache_config(seconds: int) -> ResponseCacheConfig:
    def cacheable(scope: HTTPScope, status: int) -> bool:
        if seconds > 0 and status == HTTP_200_OK:
            return True
        store = scope["litestar_app"].stores.get(STORE_NAME)
        if isinstance(store, SingleFlightStore):  # a 404 or an error: readers waiting on it render themselves
            store.release(page_cache_key(Request(scope)))
        return False

    return ResponseCacheConfig(
        default_expiration=seconds,
        key_builder=page_cache_key,
        store=STORE_NAME,
        cache_response_filter=cacheable,
    )
