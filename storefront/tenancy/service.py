"""Finding the county (tenant) a request is for, and recording that a county's shop changed.

Every save of something a shopper sees (product, price, stock, brand, domain) calls
:func:`bump_content_version` in the transaction of the change; ``storefront.content_versions``
then renews the tokens cached pages are keyed on, once that transaction commits.
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import select, update

from storefront.content_versions import note_change
from storefront.tenancy.models import County

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


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
    note_change(db_session, slug)
    return version
