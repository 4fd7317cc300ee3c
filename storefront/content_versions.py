"""Content versions: the tokens cached pages are keyed on, renewed when a county's shop changes.

Every save of something a shopper sees (product, price, stock, brand, domain) calls
``storefront.tenancy.service.bump_content_version`` in the transaction of the change. Once that
transaction commits, the
county's version token and the platform's (the directory, the custom domains) are replaced in the
``content_versions`` store (:func:`publish_content_changes`; for requests the app does it before
the response goes out, see ``storefront.page_cache``). Cached pages are keyed on those tokens, so
the next request after a save misses the cache and renders the change, on every worker.

A token is random, not the database number: a number can come back (a rolled back bump hands its
number out again; two saves can publish out of order), a random token never does. A token is
written after its save committed and before any page is rendered under it, so a page keyed on it
shows that save, and no later save can bring the token back. Reading never writes: a county not
saved since the store began has the empty token, so the store holds one key a county that changed
(none for unknown slugs). Version keys never expire; on Redis, keep an eviction policy that spares
them (``noeviction`` or a ``volatile-*`` one: pages all expire), as pages cached under the empty
token before a save would come back if its token were evicted.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from litestar.stores.base import Store
    from sqlalchemy.ext.asyncio import AsyncSession

VERSIONS_STORE = "content_versions"
PLATFORM_VERSION = "platform"
"""The version of what spans counties: the directory of shops, and which custom domain is whose."""
_CHANGED = "content_changed"
_COMMITTED = "content_committed"


def county_version(slug: str) -> str:
    """The key of a county's version token in the ``content_versions`` store."""
    return f"county:{slug}"


def note_change(db_session: AsyncSession, slug: str) -> None:
    """The county ``slug`` changed in ``db_session``'s transaction (see ``bump_content_version``)."""
    db_session.info.setdefault(_CHANGED, set()).add(slug)


@event.listens_for(Session, "after_commit")
def _changes_committed(session: Session) -> None:
    # Bumps of a transaction that rolled back stay listed and are published with the next commit:
    # an extra token costs a render; a lost one would keep a stale page.
    if changed := session.info.pop(_CHANGED, None):
        session.info.setdefault(_COMMITTED, set()).update(changed)


async def publish_content_changes(versions: Store, db_session: AsyncSession) -> None:
    """Give every county whose bump ``db_session`` has committed, and the platform, a new token.
    Call after the commit (the app does it for requests); nothing to do when nothing was bumped."""
    if changed := db_session.info.pop(_COMMITTED, None):
        for key in (*map(county_version, sorted(changed)), PLATFORM_VERSION):
            await versions.set(key, secrets.token_hex(8))


async def current_version(versions: Store, key: str) -> str:
    """The version token ``key`` has now; empty if it was never published."""
    token = await versions.get(key)
    return token.decode() if token else ""
