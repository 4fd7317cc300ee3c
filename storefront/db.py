"""Database base classes and the one tenant-scoping mechanism.

Every tenant-owned model inherits :class:`TenantScoped`. A session is bound to one county with
:func:`scope_to_county`; from then on every ORM SELECT, UPDATE and DELETE of tenant-owned rows is
filtered to that county (``with_loader_criteria``) and every new row is stamped with it. A session
bound to no county refuses to touch tenant-owned rows at all, unless it was explicitly opened for
all counties with :func:`scope_to_all_counties` (platform admins, seeding, the sweeper). Code that
switches scope for a while (a webhook finding its order's county, the sweeper going from county to
county) does so in :func:`county_scope` or :func:`all_counties_scope`, which restore the scope before.

What cannot be filtered is refused with :class:`TenantScopeError`: tenant tables named through
Core (``Model.__table__``); and, in a county-scoped session, raw ``text()`` SQL, an INSERT or
UPDATE (``insert(Model)``, ``update(Model).values(...)``, or an object changed or deleted) whose
``county_id`` is not the session's, an INSERT from a SELECT or with ON CONFLICT, and a bulk
UPDATE by primary key (a list of parameter rows), which ignores the county filter.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeAlias

from advanced_alchemy.base import BigIntAuditBase
from litestar.di import NamedDependency
from sqlalchemy import BindParameter, ColumnClause, ForeignKey, TableClause, TextClause, event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)
from sqlalchemy.sql import visitors
from sqlalchemy.sql.dml import UpdateBase

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


def scoped_county_id(session: AsyncSession | Session) -> int:
    """The county ``session`` is scoped to, for a lookup the scoping cannot filter by itself
    (the full-text indexes, which hold each county's tokens behind its mark)."""
    county_id = session.info.get(COUNTY_KEY)
    if county_id is None:
        msg = "no county to look up in; call scope_to_county() first"
        raise TenantScopeError(msg)
    return county_id


def scope_to_all_counties(session: AsyncSession | Session) -> None:
    session.info[ALL_COUNTIES_KEY] = True
    session.info.pop(COUNTY_KEY, None)


@contextmanager
def county_scope(session: AsyncSession | Session, county_id: int) -> Iterator[None]:
    """Within the block, ``session`` works for one county; the scope it had before comes back after."""
    with _restored_scope(session):
        scope_to_county(session, county_id)
        yield


@contextmanager
def all_counties_scope(session: AsyncSession | Session) -> Iterator[None]:
    """Within the block, ``session`` works across counties (platform jobs, and finding the county of
    an event that names none); the scope it had before comes back after."""
    with _restored_scope(session):
        scope_to_all_counties(session)
        yield


@contextmanager
def _restored_scope(session: AsyncSession | Session) -> Iterator[None]:
    previous = {key: session.info[key] for key in (COUNTY_KEY, ALL_COUNTIES_KEY) if key in session.info}
    try:
        yield
    finally:
        session.info.pop(COUNTY_KEY, None)
        session.info.pop(ALL_COUNTIES_KEY, None)
        session.info.update(previous)


def _tenant_tables() -> frozenset[str]:
    return frozenset(
        mapper.local_table.name for mapper in Base.registry.mappers if issubclass(mapper.class_, TenantScoped)
    )


def _statement_parts(state: ORMExecuteState) -> tuple[set[str], set[str], bool]:
    """Tenant-owned tables in the statement (FROM, JOIN, subquery, INSERT/UPDATE/DELETE target),
    those of them reached through an ORM class (which ``with_loader_criteria`` can filter), and
    whether it holds raw ``text()`` SQL, which nothing can filter."""
    tenant_tables = _tenant_tables()
    found: set[str] = set()
    through_orm = {mapper.local_table.name for mapper in state.all_mappers}
    raw = False

    def visit_table(table: TableClause) -> None:
        if table.name in tenant_tables:  # a Table, or a lightweight table() naming one
            found.add(table.name)
            if table._annotations.get("parententity") is not None:
                through_orm.add(table.name)

    def visit_column(column: ColumnClause) -> None:
        if column._annotations.get("parententity") is not None and column.table is not None:
            through_orm.add(column.table.name)  # e.g. a WHERE on ``OrderLine.variant_id``

    def visit_text(_text: TextClause) -> None:
        nonlocal raw
        raw = True

    def visit_crud(crud: UpdateBase) -> None:
        visit_table(crud.table)

    visitors.traverse(
        state.statement,
        {},
        {
            "table": visit_table,
            "column": visit_column,
            "textclause": visit_text,
            "insert": visit_crud,
            "update": visit_crud,
            "delete": visit_crud,
        },
    )
    return found, through_orm, raw


def _county_ids(values: Mapping[Any, Any] | None) -> set[object]:
    return {
        value.effective_value if isinstance(value, BindParameter) else value
        for key, value in (values or {}).items()
        if getattr(key, "key", key) == COUNTY_KEY
    }


def _county_ids_written(state: ORMExecuteState) -> list[set[object]]:
    """For each row an INSERT or UPDATE writes, the ``county_id`` values it sets, from the
    statement's ``values()`` and from the execution's parameters."""
    statement = state.statement
    fixed = _county_ids(statement._values)
    rows = [_county_ids(row) for rows in statement._multi_values for row in rows] or [set()]
    parameters = state.parameters
    parameter_rows = parameters if isinstance(parameters, list) else [parameters]
    return [fixed | row | _county_ids(values) for row in rows for values in parameter_rows]


def _check_write(state: ORMExecuteState, county_id: int) -> None:
    statement = state.statement
    if state.is_insert and (statement._select_names or statement._post_values_clause is not None):
        msg = "INSERT from a SELECT or with ON CONFLICT cannot be kept to one county; insert objects"
        raise TenantScopeError(msg)
    if state.is_update and isinstance(state.parameters, list):
        msg = "a bulk UPDATE by primary key ignores the county filter; use update().where()"
        raise TenantScopeError(msg)
    allowed = {county_id}
    for counties in _county_ids_written(state):
        if counties - allowed or (state.is_insert and counties != allowed):
            msg = "rows written outside the session's county"
            raise TenantScopeError(msg)


@event.listens_for(Session, "do_orm_execute")
def _scope_statement(state: ORMExecuteState) -> None:
    info = state.session.info
    if info.get(ALL_COUNTIES_KEY):
        return
    county_id = info.get(COUNTY_KEY)
    tenant_tables, through_orm, raw = _statement_parts(state)
    if raw and county_id is not None:
        msg = "raw text() SQL in a county-scoped session; use ORM statements"
        raise TenantScopeError(msg)
    if not tenant_tables:
        return
    if county_id is None:
        msg = "tenant-owned data queried without a county; call scope_to_county() first"
        raise TenantScopeError(msg)
    if unfiltered := tenant_tables - through_orm:
        msg = f"tenant-owned tables {sorted(unfiltered)} queried through Core columns; use their ORM classes"
        raise TenantScopeError(msg)
    if state.is_insert or state.is_update:
        _check_write(state, county_id)
    if not state.is_insert:
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
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, TenantScoped) and not all_counties and obj.county_id != county_id:
            msg = f"{type(obj).__name__} changed outside its county"
            raise TenantScopeError(msg)
