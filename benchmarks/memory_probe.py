"""The shop's app, with a probe that tells ``benchmarks.memory`` what the server worker holds.

A daemon thread of the worker writes, every ``MEMORY_PROBE_SECONDS``, a JSON line to the file named
by ``MEMORY_PROBE_FILE``: the page cache's entries, the pages being rendered, the other in-memory
stores' entries and the events waiting to be written. Reading their sizes from a thread is safe
(the GIL) and costs microseconds, so the pages are served as without it. With
``MEMORY_PROBE_TRACE`` (a number of frames), the probe starts ``tracemalloc`` at its first sample
(once the app is up: tracing from the start slows it past the benchmarks' startup timeout) and its
lines from the third one on hold the allocation sites grown most since the second: what to look
at when memory grows.
"""

from __future__ import annotations

import gc
import itertools
import json
import linecache
import os
import threading
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storefront.app import create_app as create_shop
from storefront.content_versions import VERSIONS_STORE
from storefront.page_cache import STORE_NAME, PageStore

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.stores.base import Store

PROBE_FILE = "MEMORY_PROBE_FILE"
PROBE_SECONDS = "MEMORY_PROBE_SECONDS"
PROBE_TRACE = "MEMORY_PROBE_TRACE"
TOP_GROWTH = 8
MB = 2**20
SHOWN_FRAMES = 8


def _entries(store: Store) -> int | None:
    """Entries of an in-memory store (None for Redis)."""
    held = getattr(store, "_store", None)
    return len(held) if held is not None else None


def probe(app: Litestar) -> dict[str, Any]:
    """What the worker holds now."""
    pages = app.stores.get(STORE_NAME)
    page_store = pages.store if isinstance(pages, PageStore) else pages
    held = list(getattr(page_store, "_store", {}).values())
    return {
        "page_cache": _entries(page_store),
        "page_cache_mb": sum(len(entry.data) for entry in held) / MB,
        "rendering": len(pages._rendering) if isinstance(pages, PageStore) else 0,
        "content_versions": _entries(app.stores.get(VERSIONS_STORE)),
        "rate_limit": _entries(app.stores.get("rate_limit")),
        "events_waiting": app.state.events.waiting,
        "traced_mb": tracemalloc.get_traced_memory()[0] / MB,
    }


def _growth(baseline: tracemalloc.Snapshot) -> list[str]:
    """The allocation sites that grew most since ``baseline``, with their callers."""
    ignore = [  # the probe's own: the snapshots, and the source lines read to print them
        tracemalloc.Filter(inclusive=False, filename_pattern=__file__, all_frames=True),
        tracemalloc.Filter(inclusive=False, filename_pattern=tracemalloc.__file__),
        tracemalloc.Filter(inclusive=False, filename_pattern=linecache.__file__),
    ]
    now = tracemalloc.take_snapshot().filter_traces(ignore)
    lines = []
    for stat in now.compare_to(baseline.filter_traces(ignore), "traceback")[:TOP_GROWTH]:
        lines.append(f"{stat.size_diff / 1024:+.0f} KiB, {stat.count_diff:+d} blocks")
        frames = stat.traceback.format(most_recent_first=True)[: 2 * SHOWN_FRAMES]
        lines.extend(f"    {frame}" for frame in frames)
    return lines


def census() -> Counter[str]:
    """Objects the garbage collector tracks, by type."""
    return Counter(type(thing).__qualname__ for thing in gc.get_objects())


def _write_forever(app: Litestar, path: Path, seconds: float, frames: int) -> None:
    baseline: tracemalloc.Snapshot | None = None
    objects: Counter[str] = Counter()
    for sample in itertools.count():
        time.sleep(seconds)
        line = probe(app)
        if frames and sample == 0:
            tracemalloc.start(frames)
        elif frames:
            if sample == 1:
                baseline, objects = tracemalloc.take_snapshot(), census()
            elif baseline is not None:
                line["growth"] = _growth(baseline)
                grown = census()
                grown.subtract(objects)
                line["objects"] = [f"{count:+d} {name}" for name, count in grown.most_common(TOP_GROWTH)]
        with path.open("a") as file:
            file.write(json.dumps(line) + "\n")


def create_app() -> Litestar:
    app = create_shop()
    if path := os.environ.get(PROBE_FILE):
        seconds = float(os.environ.get(PROBE_SECONDS, "15"))
        frames = int(os.environ.get(PROBE_TRACE, "0"))
        threading.Thread(target=_write_forever, args=(app, Path(path), seconds, frames), daemon=True).start()
    return app
