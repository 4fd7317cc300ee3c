"""Finding the county (tenant) a request is for."""

from __future__ import annotations

from itertools import groupby

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import select

from storefront.tenancy.models import County


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
