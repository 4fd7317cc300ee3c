"""The page cache's store: one visitor renders a lapsed page, nothing personal is kept, memory is bounded."""

from __future__ import annotations

import asyncio

import pytest
from msgspec.msgpack import encode

from storefront import page_cache
from storefront.page_cache import BoundedMemoryStore, PageStore


def response(body: bytes, *headers: tuple[bytes, bytes]) -> bytes:
    """A response as Litestar's cache encodes it: the ASGI messages."""
    start = {
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"text/html"), *headers],
    }
    return encode([start, {"type": "http.response.body", "body": body}])


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(page_cache, "monotonic", lambda: now[0])
    monkeypatch.setattr(page_cache, "time", lambda: now[0])
    return now


async def test_a_stale_page_is_rendered_by_one_visitor_while_the_others_get_the_old_copy(clock):
    store = PageStore(BoundedMemoryStore())
    await store.set("home", response(b"v1"), expires_in=10)
    clock[0] += 5
    assert await store.get("home") == response(b"v1")
    clock[0] += 6  # past its time: stale
    assert await store.get("home") is None  # this visitor renders it again
    assert await store.get("home") == response(b"v1")  # the others are not held up meanwhile
    await store.set("home", response(b"v2"), expires_in=10)
    assert await store.get("home") == response(b"v2")


async def test_the_first_render_of_a_page_is_waited_for_not_repeated(clock):
    store = PageStore(BoundedMemoryStore())
    assert await store.get("home") is None  # the first visitor renders
    waiting = asyncio.gather(*(store.get("home") for _ in range(5)))
    await asyncio.sleep(0.05)  # every visitor is waiting by now
    await store.set("home", response(b"v1"), expires_in=10)
    assert await asyncio.wait_for(waiting, 1) == [response(b"v1")] * 5


async def test_a_render_that_is_not_stored_lets_the_waiting_visitors_render(clock):
    store = PageStore(BoundedMemoryStore())
    assert await store.get("missing") is None
    waiting = asyncio.gather(*(store.get("missing") for _ in range(3)))
    await asyncio.sleep(0.05)  # every visitor is waiting by now
    store.release("missing")  # a 404: nothing to store
    assert await asyncio.wait_for(waiting, 1) == [None] * 3  # released at once, not after their 5 s wait


async def test_a_response_that_sets_a_cookie_is_never_stored(clock):
    store = PageStore(BoundedMemoryStore())
    assert await store.get("home") is None
    waiting = asyncio.gather(*(store.get("home") for _ in range(3)))
    await asyncio.sleep(0.05)  # every visitor is waiting by now
    await store.set("home", response(b"mine", (b"Set-Cookie", b"session=abc; Path=/")), expires_in=10)
    assert await asyncio.wait_for(waiting, 1) == [None] * 3  # the others render their own page at once
    assert await store.get("home") is None


async def test_memory_holds_a_bounded_number_of_pages_dropping_the_oldest_first():
    store = BoundedMemoryStore(max_entries=50)
    for number in range(3000):
        await store.set(f"page-{number}", b"x" * 100, expires_in=60)
    assert len(store._store) == 50
    assert await store.get("page-2999") is not None
    assert await store.get("page-0") is None


async def test_a_page_shoppers_keep_reading_outlasts_a_burst_of_pages_asked_once():
    store = BoundedMemoryStore(max_entries=50)
    await store.set("home", b"x", expires_in=60)
    for number in range(3000):
        await store.set(f"search-{number}", b"x", expires_in=60)
        if number % 40 == 0:
            assert await store.get("home") == b"x"
    assert len(store._store) == 50
    assert await store.get("home") == b"x"
    assert await store.get("search-2950") is None  # the least recently used went instead


async def test_expired_pages_are_dropped_before_fresh_ones_when_memory_is_full(clock):
    store = BoundedMemoryStore(max_entries=3)
    await store.set("fresh", b"x", expires_in=None)
    await store.set("old-1", b"x", expires_in=1)
    await store.set("old-2", b"x", expires_in=1)
    await asyncio.sleep(1.1)
    await store.set("new", b"x", expires_in=60)
    assert await store.get("fresh") == b"x"
