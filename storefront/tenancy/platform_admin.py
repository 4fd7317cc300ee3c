"""Counties, for platform admins (``/admin/counties``): every county with its address, names,
province, active flag, custom domain and numbers of products and admins; a new county (its shop
opens at once at ``/c/{slug}/``, and the county can be chosen in the header); closing (deactivating)
or opening a county's shop.

Every page here is ``platform_only`` (403 for county admins) and works across counties. Nothing
a form does not declare is read.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST
from sqlalchemy.exc import IntegrityError

from storefront.accounts.admin_users import refresh_after_rollback
from storefront.accounts.controllers import client_address
from storefront.admin.guard import CurrentAdmin
from storefront.catalog.admin_forms import ActiveForm
from storefront.db import DbSession
from storefront.forms import FormData, SubmittedForm, read_form
from storefront.i18n import N_
from storefront.i18n import gettext as _
from storefront.tenancy.platform_forms import BRAND_DEFAULTS, read_new_county
from storefront.tenancy.platform_service import PlatformCounties, SlugTakenError

LIST_PATH = "/admin/counties"
SLUG_TAKEN = N_("Another county already has this address name; please choose another.")

Counties: TypeAlias = NamedDependency[PlatformCounties]


def provide_counties(request: Request, admin: CurrentAdmin, db_session: DbSession) -> PlatformCounties:
    return PlatformCounties(db_session, admin.user, client_address(request))


def _see(path: str) -> Redirect:
    return Redirect(path, status_code=HTTP_303_SEE_OTHER)


class PlatformCountyController(Controller):
    path = "/counties"
    opt = {"platform_only": True}
    dependencies = {"counties": Provide(provide_counties, sync_to_thread=False)}

    @get("/", name="admin:counties")
    async def list_counties(self, admin: CurrentAdmin, counties: Counties) -> Template:
        return Template("admin/counties.html", context={"admin": admin, "rows": await counties.overview()})

    @get("/new", name="admin:county-form")
    async def new_county_form(self, admin: CurrentAdmin) -> Template:
        return self._form(admin, SubmittedForm(values=dict(BRAND_DEFAULTS)))

    @post("/", name="admin:county-create")
    async def create_county(
        self, admin: CurrentAdmin, counties: Counties, db_session: DbSession, data: FormData
    ) -> Template | Redirect:
        form, columns = read_new_county(data)
        if columns is None:
            return self._form(admin, form, status_code=HTTP_400_BAD_REQUEST)
        try:
            await counties.create(columns)
            await db_session.commit()  # redirects are not autocommitted
        except (SlugTakenError, IntegrityError) as taken:
            if isinstance(taken, IntegrityError):  # created at the same instant by another request
                await db_session.rollback()
                await refresh_after_rollback(db_session, admin)
            refused = SubmittedForm(values=form.values, errors={"slug": _(SLUG_TAKEN)})
            return self._form(admin, refused, status_code=HTTP_400_BAD_REQUEST)
        return _see(LIST_PATH)

    @post("/{county_id:int}/active", name="admin:county-active")
    async def set_active(
        self, counties: Counties, db_session: DbSession, county_id: FromPath[int], data: FormData
    ) -> Redirect:
        county = await counties.get(county_id)
        if county is None:
            raise NotFoundException
        form = read_form(ActiveForm, data).data
        await counties.set_active(county, bool(form and form.active))
        await db_session.commit()
        return _see(LIST_PATH)

    @staticmethod
    def _form(admin: CurrentAdmin, form: SubmittedForm, *, status_code: int = 200) -> Template:
        context: dict[str, Any] = {"admin": admin, "form": form}
        return Template("admin/county_form.html", context=context, status_code=status_code)
