"""Admin creators (``/admin/creators``): the county's video creators, each with a referral code,
a commission and an active flag; list, new and edit pages, and each creator's page with their
printable link to the shop and its QR code (shown as SVG, downloadable as SVG or PNG).

A platform admin who chose no county sees a notice on the list and 404 elsewhere; another county's
creator is a 404 and changes nothing. Every page works without JavaScript: a POST saves and
redirects (committing first: redirects are not autocommitted) or shows the form again with 400.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST
from markupsafe import Markup

from storefront.admin.guard import AdminContext, CurrentAdmin
from storefront.catalog.admin_pages import after_rollback, with_errors
from storefront.db import DbSession
from storefront.forms import FormData, SubmittedForm, read_form
from storefront.i18n import N_
from storefront.i18n import gettext as _
from storefront.metrics.creator_forms import PLATFORMS, CreatorForm, percent
from storefront.metrics.creators import (
    FORM_COLUMNS,
    QR_FILES,
    CodeInUseError,
    CodeTakenError,
    CreatorNotFoundError,
    Creators,
    qr_code,
    qr_file,
    referral_link,
)
from storefront.metrics.definitions import beijing_today, county_dashboard
from storefront.metrics.models import Creator
from storefront.metrics.periods import preset

CODE_TAKEN = N_("Another creator of this county already has this code.")
CODE_IN_USE = N_(
    "This code has already brought visits or orders and is on printed links and QR codes, so it "
    "cannot change. Register a new creator for a new code."
)
Saved = Annotated[str, QueryParameter(max_length=1)]
STATS_PERIOD = "30d"
QrFormat = Annotated[str, QueryParameter(query="format", max_length=3)]


def _creators(admin: AdminContext, db_session: DbSession) -> Creators:
    if admin.county is None:  # a platform admin who chose no county
        raise NotFoundException
    return Creators(db_session, admin.county.id)


async def _found(creators: Creators, creator_id: int) -> Creator:
    try:
        return await creators.one(creator_id)
    except CreatorNotFoundError as missing:
        raise NotFoundException from missing


def _shown(creator: Creator) -> dict[str, str]:
    """A saved creator as the form shows it (the commission in percent)."""
    values = {name: str(getattr(creator, column)) for name, column in FORM_COLUMNS.items()}
    return {
        **values,
        "commission": percent(creator.commission_bp),
        "is_active": "1" if creator.is_active else "",
    }


def _link(request: Request, admin: AdminContext, creator: Creator) -> str:
    return referral_link(request.app.county_hosts, admin.county, creator.code)  # type: ignore[attr-defined]


class CreatorAdminController(Controller):
    path = "/creators"

    def _form_page(
        self,
        admin: AdminContext,
        creator: Creator | None,
        form: SubmittedForm[CreatorForm],
        status: int = 200,
    ) -> Template:
        choices = [(value, _(label)) for value, label in PLATFORMS.items()]
        context = {"admin": admin, "item": creator, "form": form, "platform_choices": choices}
        return Template("admin/creator_form.html", context=context, status_code=status)

    async def _save(
        self, admin: AdminContext, db_session: DbSession, data: Any, creator_id: int | None = None
    ) -> Template | Redirect:
        creators = _creators(admin, db_session)
        creator = None if creator_id is None else await _found(creators, creator_id)
        form = read_form(CreatorForm, data)
        if form.data is not None:
            try:
                if creator_id is None:
                    creator = await creators.create(form.data)
                else:
                    await creators.update(creator_id, form.data)
            except CodeTakenError:
                await after_rollback(db_session, admin)
                form = with_errors(form, {"code": CODE_TAKEN}, data)
                creator = None if creator_id is None else await _found(creators, creator_id)
            except CodeInUseError:
                form = with_errors(form, {"code": CODE_IN_USE}, data)
            else:
                await db_session.commit()  # redirects are not autocommitted
                return Redirect(f"/admin/creators/{creator.id}?saved=1", status_code=HTTP_303_SEE_OTHER)
        return self._form_page(admin, creator, form, HTTP_400_BAD_REQUEST)

    @get("/", name="admin:creators")
    async def list_creators(self, admin: CurrentAdmin, db_session: DbSession) -> Template:
        """The county's creators with their numbers over the last 30 days (Beijing days)."""
        creators = stats = None
        if admin.county is not None:
            creators = await Creators(db_session, admin.county.id).all()
            dashboard = await county_dashboard(db_session, preset(STATS_PERIOD, beijing_today()))
            stats = {row.creator_id: row for row in dashboard.creators}
        context = {
            "admin": admin,
            "creators": creators,
            "stats": stats,
            "platforms": PLATFORMS,
            "percent": percent,
        }
        return Template("admin/creators.html", context=context)

    @get("/new", name="admin:creators-new")
    async def new_creator(self, admin: CurrentAdmin, db_session: DbSession) -> Template:
        _creators(admin, db_session)
        return self._form_page(admin, None, SubmittedForm(values={"is_active": "1", "commission": "0"}))

    @post("/new", name="admin:creators-create")
    async def create_creator(
        self, admin: CurrentAdmin, db_session: DbSession, data: FormData
    ) -> Template | Redirect:
        return await self._save(admin, db_session, data)

    @get("/{creator_id:int}", name="admin:creator")
    async def show_creator(
        self,
        request: Request,
        admin: CurrentAdmin,
        db_session: DbSession,
        creator_id: FromPath[int],
        saved: Saved = "",
    ) -> Template:
        creator = await _found(_creators(admin, db_session), creator_id)
        link = _link(request, admin, creator)
        context = {
            "admin": admin,
            "creator": creator,
            "link": link,
            "qr": Markup(qr_code(link).svg_inline(scale=6, border=4, title=link)),
            "platforms": PLATFORMS,
            "commission": percent(creator.commission_bp),
            "saved": bool(saved),
        }
        return Template("admin/creator.html", context=context)

    @get("/{creator_id:int}/edit", name="admin:creator-edit")
    async def edit_creator(
        self, admin: CurrentAdmin, db_session: DbSession, creator_id: FromPath[int]
    ) -> Template:
        creator = await _found(_creators(admin, db_session), creator_id)
        return self._form_page(admin, creator, SubmittedForm(values=_shown(creator)))

    @post("/{creator_id:int}/edit", name="admin:creator-save")
    async def save_creator(
        self, admin: CurrentAdmin, db_session: DbSession, creator_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        return await self._save(admin, db_session, data, creator_id)

    @get("/{creator_id:int}/qr", name="admin:creator-qr")
    async def qr_download(
        self,
        request: Request,
        admin: CurrentAdmin,
        db_session: DbSession,
        creator_id: FromPath[int],
        kind: QrFormat = "svg",
    ) -> Response[bytes]:
        """The QR code of the creator's link, to save: ``?format=svg`` or ``?format=png``."""
        creator = await _found(_creators(admin, db_session), creator_id)
        if kind not in QR_FILES:
            raise NotFoundException
        return _download(
            qr_file(_link(request, admin, creator), kind), QR_FILES[kind][0], f"qr-{creator.code}.{kind}"
        )


def _download(content: bytes, media_type: str, filename: str) -> Response[bytes]:
    """A file to save (the code is letters, digits, ``-`` and ``_``: safe in a file name)."""
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
