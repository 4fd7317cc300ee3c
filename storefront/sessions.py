"""Visitor sessions: server-side, stored only once they hold something, never on an id we did not issue.

Litestar stores a new, empty session for every visitor without a cookie; for a shop whose pages
are mostly read by first-time visitors and crawlers, that is a store write per request for
nothing. A session is created here the first time a cart or an order is kept.

A visitor without a session cookie costs no store read and no new session id (a system call):
the id is made when a session is first stored or started (:func:`start_session`).

Sessions last ``max_age`` (14 days) from their last use. Redis drops them itself; the file store
only when one is read, so :data:`run_session_cleanup` deletes the expired ones every hour (a
visitor who never comes back would otherwise leave a file for good).

A session cookie naming no stored session (expired, or invented by someone planting it in a
victim's browser) is never adopted: the visitor gets a new id. Each session also records the CSRF
token in use when it was created, and keeps it (:class:`storefront.security.CsrfGuard`).

A request writes its session back only if it changed it (or once a day, to renew its lifetime):
a page read while the same browser adds to its cart would otherwise store the cart it loaded over
the one just added to. The posts of routes marked :data:`TAKES_TURNS` (the cart's changes) take
the session's turn in this worker, from loading it to storing it, so two taps at once both count.
(Checkout's presses are not serialised: they join the one payment the first opens.)
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import secrets
from typing import TYPE_CHECKING, Any

from litestar.connection import ASGIConnection
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.session import SessionMiddleware
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.file import FileStore
from litestar.stores.memory import MemoryStore
from litestar.types import Empty, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from storefront.clock import utcnow
from storefront.jobs import every

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from litestar import Litestar

CSRF_KEY = "csrf"
CSRF_COOKIE = "csrftoken"
SESSIONS_STORE = "sessions"
SESSION_CLEANUP_LEASE = "expired_sessions"
SESSION_CLEANUP_SECONDS = 3600
STORED_ON_KEY = "stored_on"
"""The day (UTC) the session was last stored: a session stored again only to renew it, once a day."""
AS_LOADED_KEY = "session_as_loaded"
"""Where the request keeps its session as loaded (serialised), to tell whether it changed."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TAKES_TURNS = "session_turns"
"""A route's ``opt``: its posts change the session and wait for each other's (see above)."""


class LazySessionBackend(ServerSideSessionBackend):
    def __init__(self, config: ServerSideSessionConfig) -> None:
        super().__init__(config)
        self._turns: dict[str, tuple[asyncio.Lock, int]] = {}
        """One for the app: Litestar makes a session middleware for each route, sharing this backend."""

    @contextlib.asynccontextmanager
    async def turn(self, session_id: str) -> AsyncIterator[None]:
        """One request that may change the session ``session_id`` at a time (in this worker)."""
        lock, waiting = self._turns.get(session_id) or (asyncio.Lock(), 0)
        self._turns[session_id] = (lock, waiting + 1)
        try:
            async with lock:
                yield
        finally:
            lock, waiting = self._turns[session_id]
            if waiting == 1:
                del self._turns[session_id]
            else:
                self._turns[session_id] = (lock, waiting - 1)

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        if not data and connection.cookies.get(self.config.key):
            connection._connection_state.session_id = self.generate_session_id()
        scope = connection.scope
        scope["state"][AS_LOADED_KEY] = self.serialize_data(data, scope) if data else None
        return data

    def get_session_id(self, connection: ASGIConnection) -> str:
        return connection.get_session_id() or super().get_session_id(connection)

    async def store_in_message(
        self, scope_session: dict[str, Any] | Empty, message: Message, connection: ASGIConnection
    ) -> None:
        if scope_session is Empty:  # cleared (an admin signing out): data deleted, cookie dropped
            await super().store_in_message(scope_session, message, connection)
            return
        as_loaded = connection.scope["state"].get(AS_LOADED_KEY)
        if not scope_session and as_loaded is None:
            return  # nothing then, nothing now (a cookie naming no stored session stores none)
        if scope_session and not scope_session.get(CSRF_KEY):
            token = ScopeState.from_scope(connection.scope).csrf_token
            token = token if isinstance(token, str) else connection.cookies.get(CSRF_COOKIE)
            if token:
                scope_session[CSRF_KEY] = token
        if scope_session:
            today = utcnow().date().isoformat()
            if self.serialize_data(scope_session, connection.scope) == as_loaded and (
                scope_session.get(STORED_ON_KEY) == today
                or not await self._still_stored(connection, as_loaded)
            ):
                return  # unchanged: storing it could only undo another request's change
            scope_session[STORED_ON_KEY] = today
        await super().store_in_message(scope_session, message, connection)

    async def _still_stored(self, connection: ASGIConnection, as_loaded: bytes) -> bool:
        """Whether the store still holds the session as this request loaded it (if another request
        stored it since, that renewed it too: this one must not store its older copy over it)."""
        store = self.config.get_store_from_app(connection.scope["app"])
        return await store.get(self.get_session_id(connection)) == as_loaded


class LazySessionMiddleware(SessionMiddleware[LazySessionBackend]):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        connection: ASGIConnection = ASGIConnection(scope, receive=receive, send=send)
        session_id = connection.cookies.get(self.backend.config.key)
        if not session_id:
            scope["session"] = {}
            await self.app(scope, receive, self.create_send_wrapper(connection))
            return
        changing = scope["method"] not in SAFE_METHODS and scope["route_handler"].opt.get(TAKES_TURNS)
        async with self.backend.turn(session_id) if changing else contextlib.nullcontext():
            scope["session"] = await self.backend.load_from_connection(connection)
            connection._connection_state.session_id = self.backend.get_session_id(connection)
            await self.app(scope, receive, self.create_send_wrapper(connection))


class LazySessionConfig(ServerSideSessionConfig):
    _backend_class = LazySessionBackend

    @property
    def middleware(self) -> DefineMiddleware:
        return DefineMiddleware(LazySessionMiddleware, backend=self._backend_class(config=self))


def start_session(connection: ASGIConnection) -> str:
    """Give a visitor without a session one now (a shopper who buys at once, with nothing kept yet):
    its id is made here, and the session is stored with the response once it holds something."""
    session_id = connection.get_session_id()
    if not session_id:
        session_id = connection._connection_state.session_id = secrets.token_hex(32)
    return hashlib.sha256(session_id.encode()).hexdigest()


def visitor_key(connection: ASGIConnection) -> str | None:
    """A name for the visitor's session that is safe to store (a hash of its id); None while the
    session holds nothing."""
    if not connection.scope.get("session"):
        return None
    return start_session(connection)  # a session filled in this very request gets its id now


async def delete_expired_sessions(app: Litestar) -> None:
    """Delete the sessions past their lifetime from a file or memory store (Redis expires its own)."""
    store = app.stores.get(SESSIONS_STORE)
    if isinstance(store, FileStore | MemoryStore):
        await store.delete_expired()


run_session_cleanup = every(
    SESSION_CLEANUP_LEASE, lambda _app: SESSION_CLEANUP_SECONDS, delete_expired_sessions
)
"""App lifespan: expired sessions deleted every hour, in one worker at a time."""
