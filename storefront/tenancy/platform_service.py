"""Counties, for platform admins: every county with its counts, a new county, deactivating or
activating one. Works across counties (inside :func:`storefront.db.all_counties_scope`, which
gives back the scope the session had); every change is recorded in the audit log and bumps the
county's content version in the same transaction (its shop and the directory change at once).
The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.accounts.models import AdminUser
from storefront.accounts.service import AccountService, Action
from storefront.catalog.models import Product
from storefront.db import all_counties_scope
from storefront.tenancy.models import County
from storefront.tenancy.service import bump_content_version


class SlugTakenError(ValueError):
    """Another county has the slug."""


@dataclass(frozen=True)
class CountyRow:
    county: County
    products: int
    admins: int


class PlatformCounties:
    def __init__(self, db_session: AsyncSession, actor: AdminUser, client_address: str = "") -> None:
        self.db_session = db_session
        self.actor = actor
        self.client_address = client_address

    async def overview(self) -> list[CountyRow]:
        """Every county (active or not) by slug, with its number of products and of admins."""
        db_session = self.db_session
        with all_counties_scope(db_session):
            counties = list(await db_session.scalars(select(County).order_by(County.slug)))
            products = dict(
                (
                    await db_session.execute(
                        select(Product.county_id, func.count()).group_by(Product.county_id)
                    )
                ).all()
            )
            admins = dict(
                (
                    await db_session.execute(
                        select(AdminUser.county_id, func.count())
                        .where(AdminUser.county_id.is_not(None))
                        .group_by(AdminUser.county_id)
                    )
                ).all()
            )
        return [
            CountyRow(county, products.get(county.id, 0), admins.get(county.id, 0)) for county in counties
        ]

    async def slug_taken(self, slug: str) -> bool:
        return await self.db_session.scalar(select(County.id).where(County.slug == slug)) is not None

    async def get(self, county_id: int) -> County | None:
        return await self.db_session.get(County, county_id)

    async def create(self, columns: dict[str, Any]) -> County:
        """A new, active county with these columns. Raises :class:`SlugTakenError` when another
        county has the slug (an ``IntegrityError`` at the flush or commit when two creations race)."""
        if await self.slug_taken(columns["slug"]):
            raise SlugTakenError(columns["slug"])
        county = County(**columns, is_active=True)
        self.db_session.add(county)
        await self.db_session.flush()
        await bump_content_version(self.db_session, county.id)
        await self._record(Action.COUNTY_CREATED, county)
        return county

    async def set_active(self, county: County, active: bool) -> bool:
        """Open (``active``) or close a county's shop (an inactive county's shop answers 404);
        False when nothing changed."""
        if county.is_active == active:
            return False
        county.is_active = active
        await bump_content_version(self.db_session, county.id)
        await self._record(Action.COUNTY_ACTIVATED if active else Action.COUNTY_DEACTIVATED, county)
        return True

    async def _record(self, action: Action, county: County) -> None:
        await AccountService(self.db_session).record(
            action,
            actor=self.actor,
            county_id=county.id,
            detail=county.slug,
            client_address=self.client_address,
        )
