"""The reference of every figure: a bare Litestar app with one plain-text route, served like ours.

It answers ``/health`` (the path the benchmarks wait for) with ``ok``: no middleware, no session,
no database. Our pages are measured as a share of its throughput in the same run.
"""

from litestar import Litestar, get


@get("/health", media_type="text/plain", sync_to_thread=False)
def health() -> str:
    return "ok"


def create_app() -> Litestar:
    return Litestar(route_handlers=[health])
