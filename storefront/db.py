"""Database base classes and the one tenant-scoping mechanism.

Every tenant-owned model inherits :class:`TenantScoped`. A session is bound to one county with
:func:`scope_to_county`; from then on every ORM SELECT, UPDATE and DELETE of tenant-owned rows is
filtered to that county (``with_loader_criteria``) and every new row is stamped with it. A session
bound to no county refuses to touch tenant-owned rows at all, unless it was explicitly opened for
all counties with :func:`scope_to_all_counties` (platform admins, seeding, the sweeper). Tenant
tables named through Core (``Model.__table__``) cannot be filtered and are refused; raw ``text()``
SQL is never used for tenant data.
"""

from __future__ import annotations

from typing import TypeAlias

from advanced_alchemy.base import BigIntAuditBase
from litestar.di import NamedDependency
from sqlalchemy import ForeignKey, Table, event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)
from sqlalchemy.sql.util import find_tables

COUNTY_KEY = "county_id"
ALL_COUNTIES_KEY = "all_counties"

Base = BigIntAuditBase

DbSession: TypeAlias = NamedDependency[AsyncSession]
"""The request's database session, injected by the SQLAlchemy plugin as ``db_session``."""


class TenantScopeError(RuntimeError):
    """A query or write on tenant-owned data without a county to scope it to."""


class TenantScoped:
    """Mixin for every table owned by a county."""

    @declared_attr
    def county_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("counties.id", ondelete="CASCADE"), index=True)


def scope_to_county(session: AsyncSession | Session, county_id: int) -> None:
    session.info[COUNTY_KEY] = county_id
    session.info.pop(ALL_COUNTIES_KEY, None)


def scope_to_all_counties(session: AsyncSession | Session) -> None:
    session.info[ALL_COUNTIES_KEY] = True
    session.info.pop(COUNTY_KEY, None)


def _tenant_tables() -> frozenset[str]:
    return frozenset(
        mapper.local_table.name for mapper in Base.registry.mappers if issubclass(mapper.class_, TenantScoped)
    )


def _tenant_tables_in(state: ORMExecuteState) -> tuple[set[str], set[str]]:
    """Tenant-owned tables in the statement (FROM, JOIN, subquery, UPDATE/DELETE target): all of
    them, and those reached through an ORM class, which ``with_loader_criteria`` can filter."""
    tenant_tables = _tenant_tables()
    found, through_orm = set(), {mapper.local_table.name for mapper in state.all_mappers}
    for table in find_tables(state.statement, include_joins=True, include_crud=True):
        if isinstance(table, Table) and table.name in tenant_tables:
            found.add(table.name)
            if table._annotations.get("parententity") is not None:
                through_orm.add(table.name)
    return found, through_orm


@event.listens_for(Session, "do_orm_execute")
def _scope_statement(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    info = state.session.info
    if info.get(ALL_COUNTIES_KEY):
        return
    tenant_tables, through_orm = _tenant_tables_in(state)
    if not tenant_tables:
        return
    county_id = info.get(COUNTY_KEY)
    if county_id is None:
        msg = "tenant-owned data queried without a county; call scope_to_county() first"
        raise TenantScopeError(msg)
    if unfiltered := tenant_tables - through_orm:
        msg = f"tenant-owned tables {sorted(unfiltered)} queried through Core columns; use their ORM classes"
        raise TenantScopeError(msg)
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped,
            lambda cls: cls.county_id == county_id,
            include_aliases=True,
            track_closure_variables=True,
        ),
    )


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session: Session, _flush_context: object, _instances: object) -> None:
    county_id = session.info.get(COUNTY_KEY)
    all_counties = session.info.get(ALL_COUNTIES_KEY)
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.county_id is None and county_id is not None:
            obj.county_id = county_id
        if obj.county_id is None or (not all_counties and obj.county_id != county_id):
            msg = f"{type(obj).__name__} written outside its county"
            raise TenantScopeError(msg)
    for obj in session.dirty:
        if isinstance(obj, TenantScoped) and not all_counties and obj.county_id != county_id:
            msg = f"{type(obj).__name__} changed outside its county"
            raise TenantScopeError(msg)


def import_models() -> None:
    """Import every domain's models so the metadata is complete (Alembic, create_all)."""
    from storefront import jobs as _jobs  # noqa: F401
    from storefront.catalog import models as _catalog  # noqa: F401
    from storefront.orders import models as _orders  # noqa: F401
    from storefront.tenancy import models as _tenancy  # noqa: F401
