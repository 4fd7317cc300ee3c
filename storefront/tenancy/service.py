"""Finding the county (tenant) a request is for, and the content versions that tell cached pages
a county's shop has changed.

Every save of something a shopper sees (product, price, stock, brand, domain) calls
:func:`bump_content_version` in the transaction of the change. Once that transaction commits, the
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
from itertools import groupby
from typing import TYPE_CHECKING

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from storefront.tenancy.models import County

if TYPE_CHECKING:
    from litestar.stores.base import Store
    from sqlalchemy.ext.asyncio import AsyncSession

VERSIONS_STORE = "content_versions"
PLATFORM_VERSION = "platform"
"""The version of what spans counties: the directory of shops, and which custom domain is whose."""
_CHANGED = "content_changed"
_COMMITTED = "content_committed"


class CountyRepository(SQLAlchemyAsyncRepository[County]):
    model_type = County


class CountyService(SQLAlchemyAsyncRepositoryService[County, CountyRepository]):
    repository_type = CountyRepository

    async def get_active(self, slug: str) -> County | None:
        """The shop for ``slug``; an unknown or inactive county is None (a 404 for shoppers)."""
        return await self.get_one_or_none(County.slug == slug, County.is_active.is_(True))

    async def directory(self) -> list[tuple[County, list[County]]]:
        """Active counties grouped by province: (first county of the province, its counties)."""
        counties = await self.get_many(
            County.is_active.is_(True), order_by=[(County.province_zh, False), (County.name_zh, False)]
        )
        grouped = []
        for _, members in groupby(counties, key=lambda county: county.province_zh):
            members = list(members)
            grouped.append((members[0], members))
        return grouped

    async def custom_domains(self) -> dict[str, str]:
        rows = await self.repository.session.execute(
            select(County.custom_domain, County.slug).where(
                County.custom_domain.is_not(None), County.is_active.is_(True)
            )
        )
        return {domain.lower(): slug for domain, slug in rows.all()}


def county_version(slug: str) -> str:
    """The key of a county's version token in the ``content_versions`` store."""
    return f"county:{slug}"


async def bump_content_version(db_session: AsyncSession, county_id: int) -> int:
    """Record that the county's shop changed, in the caller's transaction: one atomic ``UPDATE``
    (concurrent saves each count). Its cached pages and the directory are renewed once the
    transaction commits. Returns the county's new version number."""
    statement = (
        update(County)
        .where(County.id == county_id)
        .values(content_version=County.content_version + 1)
        .returning(County.slug, County.content_version)
    )
    slug, version = (await db_session.execute(statement)).one()
    db_session.info.setdefault(_CHANGED, set()).add(slug)
    return version


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
