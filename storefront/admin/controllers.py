"""The first admin pages: who is signed in and for which county, the county a platform admin acts
on, and the audit log (platform admins)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST

from storefront.accounts.controllers import Accounts, provide_accounts
from storefront.accounts.forms import CountyChoiceForm
from storefront.accounts.sessions import COUNTY_CHOICE_KEY, client_address
from storefront.admin.guard import HOME_PATH, CurrentAdmin
from storefront.forms import FormData, read_form
from storefront.i18n import N_
from storefront.i18n import gettext as _

AUDIT_PAGE_SIZE = 50


class DashboardController(Controller):
    path = "/"
    dependencies = {"accounts": Provide(provide_accounts)}

    @get("/", name="admin:home")
    async def home(self, admin: CurrentAdmin) -> Template:
        return Template("admin/home.html", context={"admin": admin})

    @post("/county", name="admin:choose-county", opt={"platform_only": True})
    async def choose_county(
        self, request: Request, data: FormData, admin: CurrentAdmin, accounts: Accounts
    ) -> Template | Redirect:
        """A platform admin picks the county their next requests act on (or none)."""
        form = read_form(CountyChoiceForm, data)
        wanted = form.data.county_id if form.is_valid else "?"
        county = next((county for county in admin.counties if str(county.id) == wanted), None)
        if county is None and wanted != "":
            context = {"admin": admin, "message": _(N_("Please choose a county."))}
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
