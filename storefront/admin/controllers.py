"""The first admin pages: the dashboard (the county's brand figures, or the platform's counties
compared, with each table as CSV), the county a platform admin acts on, and the audit log
(platform admins)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import QueryParameter
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST

from storefront.accounts.controllers import Accounts, provide_accounts
from storefront.accounts.forms import CountyChoiceForm
from storefront.accounts.sessions import COUNTY_CHOICE_KEY, client_address
from storefront.admin.dashboard import (
    COUNTY_TABLES,
    PLATFORM,
    PLATFORM_TABLES,
    Selection,
    county_dashboard,
    county_producer,
    platform_dashboard,
    read_selection,
    statement_table,
)
from storefront.admin.dashboard_forms import StatementForm
from storefront.admin.guard import HOME_PATH, CurrentAdmin
from storefront.db import DbSession
from storefront.forms import FormData, read_form
from storefront.fragments import page_or_fragment
from storefront.i18n import N_
from storefront.i18n import gettext as _
from storefront.spreadsheets import csv_download

AUDIT_PAGE_SIZE = 50
EXPORT_PATHS = [f"/export/{table}" for table in (*COUNTY_TABLES, *PLATFORM_TABLES, "statement")]
"""The dashboard's CSV downloads, one path a table (no path parameter: a table is no county's id)."""


class DashboardController(Controller):
    path = "/"
    dependencies = {"accounts": Provide(provide_accounts)}

    @get("/", name="admin:home")
    async def home(self, request: HTMXRequest, admin: CurrentAdmin, db_session: DbSession) -> Template:
        """The county's dashboard (a platform admin without a county, or on the "Platform" tab:
        the counties compared); an HTMX request gets the dashboard's body only."""
        selection = _selection(request, admin)
        context = await _dashboard_context(db_session, admin, selection)
        status = HTTP_400_BAD_REQUEST if selection.period is None else HTTP_200_OK
        return page_or_fragment(
            request, "admin/home.html", "admin/partials/dashboard_body.html", context, status_code=status
        )

    @get(EXPORT_PATHS, name="admin:dashboard-export")
    async def export(
        self, request: HTMXRequest, admin: CurrentAdmin, db_session: DbSession
    ) -> Response | Template:
        """One of the dashboard's tables as CSV (``/admin/export/<table>``), for the same period
        (``statement``: a producer's month, ``?producer=ID&month=YYYY-MM``)."""
        table = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        if table == "statement":
            return await _statement(request, admin, db_session)
        platform = table in PLATFORM_TABLES
        if platform and not admin.is_platform_admin:
            raise PermissionDeniedException(detail="platform admins only")
        if not platform and admin.county is None:
            raise NotFoundException
        selection = _selection(request, admin, PLATFORM if platform else "county")
        if selection.period is None:
            context = await _dashboard_context(db_session, admin, selection)
            return Template("admin/home.html", context=context, status_code=HTTP_400_BAD_REQUEST)
        if platform:
            tables = (await platform_dashboard(db_session, selection.period)).tables
        else:
            tables = (await county_dashboard(db_session, selection.period)).tables
        chosen = tables[table]
        owner = admin.county.slug if admin.county and not platform else PLATFORM
        name = f"{table}-{owner}-{selection.period.first.isoformat()}-{selection.period.last.isoformat()}.csv"
        return csv_download(name, chosen.columns, chosen.csv_rows())

    @post("/county", name="admin:choose-county", opt={"platform_only": True})
    async def choose_county(
        self, request: Request, data: FormData, admin: CurrentAdmin, accounts: Accounts
    ) -> Template | Redirect:
        """A platform admin picks the county their next requests act on (or none)."""
        form = read_form(CountyChoiceForm, data)
        wanted = form.data.county_id if form.is_valid else "?"
        county = next((county for county in admin.counties if str(county.id) == wanted), None)
        if county is None and wanted != "":
            context = {"admin": admin, "message": _(N_("Please choose a county.")), "dashboard": None}
            return Template("admin/home.html", context=context, status_code=HTTP_400_BAD_REQUEST)
        request.session[COUNTY_CHOICE_KEY] = county.id if county else None
        await accounts.chose_county(admin.user, county, client_address(request))
        return Redirect(form.data.next if form.is_valid else HOME_PATH, status_code=HTTP_303_SEE_OTHER)

    @get("/audit", name="admin:audit", opt={"platform_only": True})
    async def audit(
        self,
        admin: CurrentAdmin,
        accounts: Accounts,
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
    ) -> Template:
        entries, total = await accounts.audit_page(page, AUDIT_PAGE_SIZE)
        pages = max(1, -(-total // AUDIT_PAGE_SIZE))
        return Template(
            "admin/audit.html",
            context={"admin": admin, "entries": entries, "page": page, "pages": pages, "total": total},
        )


def _selection(request: Request, admin: CurrentAdmin, view: str | None = None) -> Selection:
    """The period asked for, and the view: a county's, or the platform's (platform admins without
    a county, or who asked for it with ``?view=platform``)."""
    params = {
        name: request.query_params.get(name) or "" for name in ("range", "date_from", "date_to", "view")
    }
    if view is None:
        wants_platform = admin.is_platform_admin and (admin.county is None or params["view"] == PLATFORM)
        view = PLATFORM if wants_platform else "county"
    return read_selection(params, view)


async def _dashboard_context(
    db_session: DbSession, admin: CurrentAdmin, selection: Selection, **extra: object
) -> dict[str, object]:
    context: dict[str, object] = {"admin": admin, "selection": selection, "dashboard": None, **extra}
    if selection.period is None:
        return context
    if selection.view == PLATFORM:
        context["dashboard"] = await platform_dashboard(db_session, selection.period)
    elif admin.county is not None:
        context["dashboard"] = await county_dashboard(db_session, selection.period)
    return context


async def _statement(request: Request, admin: CurrentAdmin, db_session: DbSession) -> Response | Template:
    """A producer's month as CSV; a month that does not read is the dashboard again with the
    message beside the statement form (and what was typed), a producer of another county a 404."""
    if admin.county is None:
        raise NotFoundException
    shown = {name: request.query_params.get(name) or "" for name in ("producer", "month")}
    form = read_form(StatementForm, shown)
    producer = None
    if form.data is not None:
        producer = await county_producer(db_session, form.data.producer)
        if producer is None:
            raise NotFoundException
    if form.data is None or producer is None:
        selection = _selection(request, admin, "county")
        context = await _dashboard_context(db_session, admin, selection, statement=form)
        return Template("admin/home.html", context=context, status_code=HTTP_400_BAD_REQUEST)
    table = await statement_table(db_session, producer, form.data.month)
    name = f"statement-{admin.county.slug}-{producer.slug}-{form.data.month.strftime('%Y-%m')}.csv"
    return csv_download(name, table.columns, table.csv_rows())
