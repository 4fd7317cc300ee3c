"""The guard of every admin page: who is signed in, and which county their database session serves.

It runs before each handler of the admin router (:mod:`storefront.admin.router`), so a page added
to the router is guarded without asking. It resolves the signed-in account from the visitor's
session and scopes the request's database session (the one handlers get as ``db_session``) through
:func:`storefront.db.scope_to_county`:

- a county admin: to the county of their account, never one named by the URL or a form;
- a platform admin: to the county they chose (kept in their session, changeable on every page),
  or to none (tenant queries are then refused, see :mod:`storefront.db`); platform pages that
  work across counties say so with :func:`storefront.db.all_counties_scope`. The choice is one for
  all their tabs, so each page names the county it was made for (:func:`acting_county_field` in
  its forms, the ``X-Acting-County`` header on its HTMX requests): a post from a page made for
  another county than the one chosen since, in another tab, is refused (409), never applied to it.

Handler options (``opt``): ``admin_public`` (the sign-in pages: no account needed),
``password_change`` (reachable while a new password is still due), ``platform_only`` (403 for
county admins).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from litestar import MediaType, Request, Response
from litestar.di import NamedDependency
from litestar.exceptions import (
    ClientException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_401_UNAUTHORIZED, HTTP_409_CONFLICT
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.accounts.models import AdminUser
from storefront.accounts.service import AccountService, Action
from storefront.accounts.sessions import (
    COUNTY_CHOICE_KEY,
    client_address,
    signed_in_user_id,
    signed_in_with_current_password,
)
from storefront.db import scope_to_county
from storefront.sessions import SAFE_METHODS
from storefront.tenancy.models import County

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.handlers import BaseRouteHandler
    from litestar.types import Scope

LOGIN_PATH = "/admin/login"
PASSWORD_PATH = "/admin/password"
HOME_PATH = "/admin/"
ACTING_COUNTY_FIELD = "_acting_county"
ACTING_COUNTY_HEADER = "x-acting-county"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


@dataclass(frozen=True)
class AdminContext:
    """The signed-in admin, the county their requests act on (None: a platform admin who chose
    none) and, for platform admins, the counties they may choose from."""

    user: AdminUser
    county: County | None
    counties: list[County] = field(default_factory=list)

    @property
    def is_platform_admin(self) -> bool:
        return self.user.is_platform_admin


CurrentAdmin: TypeAlias = NamedDependency[AdminContext]
"""The signed-in admin, as ``admin``; ``db_session`` is already scoped to ``admin.county``."""


class SignInRequired(NotAuthorizedException):
    """No signed-in admin: pages go to the sign-in form, HTMX requests get 401."""


class PasswordChangeRequired(NotAuthorizedException):
    """The account must set its own password before anything else."""


def request_session(connection: ASGIConnection) -> AsyncSession:
    """The request's database session: the one the SQLAlchemy plugin injects as ``db_session``."""
    app = connection.app
    return app.state.db_config.provide_session(app.state, connection.scope)


async def admin_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    opt = handler.opt
    if opt.get("admin_public"):
        return
    user_id = signed_in_user_id(connection)  # type: ignore[arg-type]
    if user_id is None:
        raise SignInRequired
    db_session = request_session(connection)
    user = await db_session.get(AdminUser, user_id)
    if user is None or not user.is_active or not signed_in_with_current_password(connection, user):  # type: ignore[arg-type]
        connection.scope["session"].clear()
        raise SignInRequired
    if user.must_change_password and not opt.get("password_change"):
        raise PasswordChangeRequired
    counties: list[County] = []
    if user.is_platform_admin:
        counties = list(await db_session.scalars(select(County).order_by(County.slug)))
        chosen = connection.scope["session"].get(COUNTY_CHOICE_KEY)
        county = next((county for county in counties if county.id == chosen), None)
    else:
        county = await db_session.get(County, user.county_id)
        if county is None:
            raise SignInRequired
    if county is not None:
        scope_to_county(db_session, county.id)
    connection.state.admin = AdminContext(user=user, county=county, counties=counties)
    if opt.get("platform_only") and not user.is_platform_admin:
        raise PermissionDeniedException(detail="platform admins only")
    if (
        user.is_platform_admin
        and not opt.get("platform_only")
        and connection.scope["method"] not in SAFE_METHODS
    ):
        await _check_acting_county(connection, county)


async def _check_acting_county(connection: ASGIConnection, county: County | None) -> None:
    """409 when the page a platform admin posts from was made for another county than the one
    chosen now; a request naming none (a script, a test) acts on the chosen one."""
    named = connection.headers.get(ACTING_COUNTY_HEADER)
    if named is None and connection.headers.get("content-type", "").startswith(FORM_TYPES):
        named = (await Request(connection.scope, connection.receive).form()).get(ACTING_COUNTY_FIELD)
    if named is not None and named != _county_name(county):
        raise ClientException(status_code=HTTP_409_CONFLICT, detail="the page was made for another county")


def _county_name(county: County | None) -> str:
    return str(county.id) if county is not None else ""


def acting_county_field(admin: AdminContext | None) -> Markup:
    """The hidden field of a platform admin's form naming the county its page was made for."""
    if admin is None or not admin.is_platform_admin:
        return Markup("")
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        ACTING_COUNTY_FIELD, _county_name(admin.county)
    )


def acting_county_header(admin: AdminContext | None) -> Markup:
    """The ``hx-headers`` attribute naming the page's county on a platform admin's HTMX requests."""
    if admin is None or not admin.is_platform_admin:
        return Markup("")
    return Markup(""" hx-headers='{{"X-Acting-County": "{}"}}'""").format(_county_name(admin.county))


def provide_admin(request: Request) -> AdminContext:
    return request.state.admin


def _elsewhere(request: Request, path: str) -> Response:
    if request.headers.get("hx-request") == "true":
        return Response(
            "", status_code=HTTP_401_UNAUTHORIZED, headers={"HX-Redirect": path}, media_type=MediaType.TEXT
        )
    return Redirect(path, status_code=HTTP_303_SEE_OTHER)


def sign_in_required(request: Request, _exc: Exception) -> Response:
    return _elsewhere(request, LOGIN_PATH)


def password_change_required(request: Request, _exc: Exception) -> Response:
    return _elsewhere(request, PASSWORD_PATH)


async def record_out_of_reach(exc: Exception, scope: Scope) -> None:
    """Audit a signed-in admin's request refused as not theirs: a 404 (another county's id finds
    nothing in their county-scoped session) or a 403 (a platform page), with method and path.

    An app ``after_exception`` hook: the request's own transaction is rolled back with its error
    status, so the entry is written in a session of its own.
    """
    admin = scope.get("state", {}).get("admin")
    if admin is None or not isinstance(exc, NotFoundException | PermissionDeniedException):
        return
    app = scope["app"]
    async with app.state.db_config.get_session() as db_session:
        await AccountService(db_session).record(
            Action.OUT_OF_REACH,
            actor=admin.user,
            county_id=admin.county.id if admin.county else None,
            detail=f"{exc.status_code} {scope['method']} {scope['path']}",
            client_address=client_address(Request(scope)),
        )
        await db_session.commit()
