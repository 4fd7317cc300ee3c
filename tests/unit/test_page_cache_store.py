"""The page cache renders a lapsed page once: one visitor renders, the others never pile up."""

from __future__ import annotations

import asyncio

import pytest
from litestar.stores.memory import MemoryStore

from storefront import page_cache
from storefront.page_cache import SingleFlightStore


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(page_cache, "monotonic", lambda: now[0])
    return now


async def test_a_stale_page_is_rendered_by_one_visitor_while_the_others_get_the_old_copy(clock):
    store = SingleFlightStore(MemoryStore())
    await store.set("home", b"v1", expires_in=10)
    clock[0] += 5
    assert await store.get("home") == b"v1"
    clock[0] += 6  # past its time: stale
    assert await store.get("home") is None  # this visitor renders it again
    assert await store.get("home") == b"v1"  # the others are not held up meanwhile
    await store.set("home", b"v2", expires_in=10)
    assert await store.get("home") == b"v2"


async def test_the_first_render_of_a_page_is_waited_for_not_repeated(clock):
    store = SingleFlightStore(MemoryStore())
    assert await store.get("home") is None  # the first visitor renders
    waiting = asyncio.gather(*(store.get("home") for _ in range(5)))
    await asyncio.sleep(0)
    await store.set("home", b"v1", expires_in=10)
    assert await waiting == [b"v1"] * 5


async def test_a_render_that_is_not_stored_lets_the_waiting_visitors_render(clock):
    store = SingleFlightStore(MemoryStore())
    assert await store.get("missing") is None
    waiting = asyncio.gather(*(store.get("missing") for _ in range(3)))
    await asyncio.sleep(0)
    store.release("missing")  # a 404: nothing to store
    assert await waiting == [None] * 3
