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
"""

from __future__ import annotations

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

from storefront.jobs import every

if TYPE_CHECKING:
    from litestar import Litestar

CSRF_KEY = "csrf"
CSRF_COOKIE = "csrftoken"
SESSIONS_STORE = "sessions"
SESSION_CLEANUP_LEASE = "expired_sessions"
SESSION_CLEANUP_SECONDS = 3600


class LazySessionBackend(ServerSideSessionBackend):
    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        if not data and connection.cookies.get(self.config.key):
            connection._connection_state.session_id = self.generate_session_id()
        return data

    def get_session_id(self, connection: ASGIConnection) -> str:
        return connection.get_session_id() or super().get_session_id(connection)

    async def store_in_message(
        self, scope_session: dict[str, Any] | Empty, message: Message, connection: ASGIConnection
    ) -> None:
        if scope_session is Empty:  # cleared (an admin signing out): data deleted, cookie dropped
            await super().store_in_message(scope_session, message, connection)
            return
        if not scope_session and not connection.cookies.get(self.config.key):
            return
        if scope_session and not scope_session.get(CSRF_KEY):
            token = ScopeState.from_scope(connection.scope).csrf_token
            token = token if isinstance(token, str) else connection.cookies.get(CSRF_COOKIE)
            if token:
                scope_session[CSRF_KEY] = token
        await super().store_in_message(scope_session, message, connection)


class LazySessionMiddleware(SessionMiddleware[LazySessionBackend]):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        connection: ASGIConnection = ASGIConnection(scope, receive=receive, send=send)
        if connection.cookies.get(self.backend.config.key):
            scope["session"] = await self.backend.load_from_connection(connection)
            connection._connection_state.session_id = self.backend.get_session_id(connection)
        else:
            scope["session"] = {}
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
