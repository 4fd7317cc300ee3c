"""The ``county`` dependency: resolves the tenant and binds the database session to it."""

from __future__ import annotations

from typing import TypeAlias

from litestar import Request
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from storefront.catalog.models import SEARCH_EXAMPLE
from storefront.db import DbSession, all_counties_scope, scope_to_county
from storefront.tenancy.models import County
from storefront.tenancy.service import CountyService

CurrentCounty: TypeAlias = NamedDependency[County]
"""The county of the request, as ``county``; tenant queries on ``db_session`` are scoped to it."""


async def provide_county(county_slug: FromPath[str], db_session: DbSession, request: Request) -> County:
    with all_counties_scope(db_session):  # the county and, correlated to it, its own first product
        county = await CountyService(session=db_session).get_active(county_slug, load=SEARCH_EXAMPLE)
    if county is None:
        raise NotFoundException(detail="county not found")
    scope_to_county(db_session, county.id)
    request.state.county = county
    return county
