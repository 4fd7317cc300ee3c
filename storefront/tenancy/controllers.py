"""The platform's front door: the directory of county shops."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from storefront.db import DbSession
from storefront.page_cache import SHARED_PAGE
from storefront.tenancy.service import CountyService


class DirectoryController(Controller):
    path = "/"

    @get("/", name="directory", **SHARED_PAGE)
    async def directory(self, db_session: DbSession) -> Template:
        provinces = await CountyService(session=db_session).directory()
        return Template("shop/directory.html", context={"provinces": provinces})
