"""Who is signed in, kept in the visitor's server-side session (:mod:`storefront.sessions`).

Signing in gives the session a new id (the data moves to it, the old id's data is deleted from the
store), so an id known before the sign-in (planted, or seen on a shared machine) is worth nothing
after it. The session keeps its CSRF token (``storefront.security.CsrfGuard`` binds the two), so the
forms of the page the admin lands on post as before. Signing out deletes the session and drops its
cookie: the old cookie then names nothing.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from litestar import Request
from litestar.utils.scope.state import ScopeState

from storefront.accounts.models import AdminUser
from storefront.sessions import SESSIONS_STORE

USER_KEY = "admin_user_id"
PENDING_KEY = "admin_pending"
"""Between the password and the two-factor code: the account, the time, and a secret being set up."""
COUNTY_CHOICE_KEY = "admin_county_id"
"""The county a platform admin chose to act on."""
PENDING_SECONDS = 300
SIGNED_IN_AT_KEY = "admin_signed_in_at"
PASSWORD_MARK_KEY = "admin_password_mark"
"""A digest of the password hash signed in with: a new password ends every other session."""
SIGN_IN_SECONDS = 12 * 3600
"""How long a sign-in lasts (the visitor session itself lasts 14 days): a working day, then again."""
SESSION_COOKIE = "session"


def client_address(request: Request) -> str:
    """The visitor's address, as the proxy headers were trusted (storefront.asgi) for the audit log."""
    return request.client.host if request.client else ""


def signed_in_user_id(request: Request) -> int | None:
    """The account signed in on this session, unless that sign-in is older than SIGN_IN_SECONDS."""
    session = request.scope.get("session")
    if not isinstance(session, dict):
        return None
    user_id, since = session.get(USER_KEY), session.get(SIGNED_IN_AT_KEY)
    if not isinstance(since, (int, float)) or not 0 <= time.time() - since < SIGN_IN_SECONDS:
        return None
    return user_id if isinstance(user_id, int) else None


def password_mark(user: AdminUser) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()


def signed_in_with_current_password(request: Request, user: AdminUser) -> bool:
    """False once the account's password changed (by its owner elsewhere, or reset) since this
    session signed in."""
    return secrets.compare_digest(
        str(request.scope["session"].get(PASSWORD_MARK_KEY, "")), password_mark(user)
    )


def set_pending(request: Request, user: AdminUser, totp_secret: str | None = None) -> None:
    request.session[PENDING_KEY] = {"user_id": user.id, "since": time.time(), "secret": totp_secret}


def pending(request: Request) -> dict[str, Any] | None:
    """The half-finished sign-in, if there is one and it is recent."""
    session = request.scope.get("session")
    entry = session.get(PENDING_KEY) if isinstance(session, dict) else None
    if not isinstance(entry, dict) or time.time() - entry.get("since", 0) > PENDING_SECONDS:
        return None
    return entry


async def sign_in(request: Request, user: AdminUser) -> None:
    """Bind the session to ``user`` under a new session id."""
    store = request.app.stores.get(SESSIONS_STORE)
    state = ScopeState.from_scope(request.scope)
    for old_id in {request.cookies.get(SESSION_COOKIE), request.get_session_id()}:
        if old_id:
            await store.delete(old_id)
    state.session_id = secrets.token_hex(32)
    session = request.session
    session.pop(PENDING_KEY, None)
    session.pop(COUNTY_CHOICE_KEY, None)
    session[USER_KEY] = user.id
    session[SIGNED_IN_AT_KEY] = time.time()
    session[PASSWORD_MARK_KEY] = password_mark(user)


async def sign_out(request: Request) -> None:
    """Delete the session from the store and drop its cookie."""
    store = request.app.stores.get(SESSIONS_STORE)
    for old_id in {request.cookies.get(SESSION_COOKIE), request.get_session_id()}:
        if old_id:
            await store.delete(old_id)
    request.clear_session()
