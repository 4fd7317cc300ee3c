"""Finding the county (tenant) a request is for, and recording that a county's shop changed.

Every save of something a shopper sees (product, price, stock, brand, domain) calls
:func:`bump_content_version` in the transaction of the change; ``storefront.content_versions``
then renews the tokens cached pages are keyed on, once that transaction commits.
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Any

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from storefront.accounts.service import AccountService, Action
from storefront.content_versions import note_change
from storefront.i18n import N_
from storefront.tenancy.models import County

if TYPE_CHECKING:
    from collections.abc import Sequence

    from advanced_alchemy.repository import LoadSpec
    from sqlalchemy.ext.asyncio import AsyncSession

    from storefront.accounts.models import AdminUser


class CountyRepository(SQLAlchemyAsyncRepository[County]):
    model_type = County


class CountyService(SQLAlchemyAsyncRepositoryService[County, CountyRepository]):
    repository_type = CountyRepository

    async def get_active(self, slug: str, load: Sequence[LoadSpec] = ()) -> County | None:
        """The shop for ``slug``; an unknown or inactive county is None (a 404 for shoppers)."""
        return await self.get_one_or_none(County.slug == slug, County.is_active.is_(True), load=list(load))

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


DOMAIN_TAKEN = N_("Another county's shop already uses this domain; please give another.")
PLATFORM_DOMAIN = N_(
    "This host name belongs to the platform itself; please give a domain your county owns, "
    "such as shop.example.cn."
)


class CustomDomainError(ValueError):
    """The custom domain cannot be this county's; ``message`` (an ``N_`` msgid) says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def domain_taken(db_session: AsyncSession, domain: str, county_id: int | None = None) -> bool:
    """Whether a county other than ``county_id`` has ``domain`` as its custom domain."""
    others = () if county_id is None else (County.id != county_id,)
    found = await db_session.scalar(select(County.id).where(County.custom_domain == domain, *others).limit(1))
    return found is not None


async def save_brand(
    db_session: AsyncSession,
    county_id: int,
    columns: dict[str, Any],
    *,
    actor: AdminUser,
    platform_host: bool = False,
    client_address: str = "",
) -> County:
    """Store a county's brand (``columns``, as :meth:`storefront.tenancy.admin_forms.BrandForm.columns`
    gives them), bump its content version (its shop, and which domain is whose, change on the next
    request) and record it in the audit log, all in the caller's transaction; the caller commits.

    Raises :class:`CustomDomainError` when the custom domain is one of the platform's own hosts
    (``platform_host``, judged by the caller from the settings) or another county's, also when two
    saves race for it (the unique column refuses the second); the transaction is then rolled back
    and the counties and ``actor`` read again, so the form can be shown with the message."""
    domain = columns.get("custom_domain")
    if domain and platform_host:
        raise CustomDomainError(PLATFORM_DOMAIN)
    if domain and await domain_taken(db_session, domain, county_id):
        raise CustomDomainError(DOMAIN_TAKEN)
    county = await db_session.get(County, county_id)
    if county is None:
        raise LookupError(county_id)
    changed = [name for name, value in columns.items() if getattr(county, name) != value]
    for name, value in columns.items():
        setattr(county, name, value)
    try:
        await db_session.flush()
    except IntegrityError:
        await db_session.rollback()
        await db_session.execute(select(County).execution_options(populate_existing=True))
        await db_session.refresh(actor)
        raise CustomDomainError(DOMAIN_TAKEN) from None
    await bump_content_version(db_session, county_id)
    await AccountService(db_session).record(
        Action.BRAND_SAVED,
        actor=actor,
        county_id=county_id,
        subject=county.slug,
        detail=", ".join(changed) or "-",
        client_address=client_address,
    )
    return county
