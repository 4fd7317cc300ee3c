"""Server-side sessions that are only stored once they hold something.

Litestar stores a new, empty session for every visitor without a cookie; for a shop whose pages
are mostly read by first-time visitors and crawlers, that is a store write (and a file on disk)
per request for nothing. A session is created here the first time a cart or an order is kept.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty, Message


class LazySessionBackend(ServerSideSessionBackend):
    async def store_in_message(
        self, scope_session: dict[str, Any] | Empty, message: Message, connection: ASGIConnection
    ) -> None:
        if not scope_session and not connection.cookies.get(self.config.key):
            return
        await super().store_in_message(scope_session, message, connection)


class LazySessionConfig(ServerSideSessionConfig):
    _backend_class = LazySessionBackend
