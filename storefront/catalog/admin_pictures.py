"""Admin pictures: a product's pictures (``/admin/products/{id}/pictures``: upload one or several,
alt text in Chinese and English, order by buttons or by drag, delete), a producer's photo
(``/admin/producers/{id}/photo``) and the county's logo and banner (``/admin/brand/logo``,
``/admin/brand/banner``).

Uploads are checked and stored by :mod:`storefront.media.processing`; a refused file is named with
its reason and nothing of the upload is stored (no file, no row). Every form works without
JavaScript (post, then a redirect back to the page); the drag order is the one script's doing
(``static/js/pictures.js``) on top of the "Move up" / "Move down" buttons. The county is the
signed-in admin's: another county's product, picture or producer is a 404 and changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, NamedTuple, TypeAlias

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT
from pydantic import BeforeValidator

from storefront.admin.guard import CurrentAdmin
from storefront.db import DbSession
from storefront.forms import FormData, FormModel, Text, UploadData, field_error, form_text, limited, read_form
from storefront.i18n import N_
from storefront.i18n import gettext as _
from storefront.media.processing import (
    MAX_BYTES,
    NO_FILE,
    PictureRefused,
    StoredPicture,
    remove_pictures,
    store_picture,
)
from storefront.media.service import OrderOutOfDateError, PictureNotFoundError, Pictures

MAX_FILES = 6
"""Pictures in one upload; the request may then carry that many of the largest allowed."""
UPLOAD_BODY_LIMIT = MAX_FILES * MAX_BYTES + 1024 * 1024
MAX_ALT = 200
TOO_MANY_FILES = N_("Please upload at most %(limit)s pictures at a time.")
ORDER_CHANGED = N_("The pictures changed in the meantime; here they are as they are now. Please try again.")

PictureAdmin: TypeAlias = NamedDependency[Pictures]


def provide_pictures(admin: CurrentAdmin, db_session: DbSession) -> Pictures:
    """The pictures of the admin's county; a platform admin who chose no county has none to edit."""
    if admin.county is None:
        raise NotFoundException
    return Pictures(db_session, admin.county.id)


def _media_dir(request: Request) -> Path:
    return request.app.state.settings.media_dir


class AltForm(FormModel):
    alt_zh: Annotated[Text, limited(MAX_ALT)] = ""
    alt_en: Annotated[Text, limited(MAX_ALT)] = ""


def _step(raw: Any) -> int:
    steps = {"up": -1, "down": 1}
    text = form_text(raw)
    if text not in steps:
        raise field_error(N_("Please use the Move up or Move down button."))
    return steps[text]


def _order(raw: Any) -> tuple[int, ...]:
    parts = [part.strip() for part in form_text(raw).split(",")]
    if not parts or len(parts) > 500 or not all(part.isdigit() and len(part) < 19 for part in parts):
        raise field_error(ORDER_CHANGED)
    return tuple(int(part) for part in parts)


class MoveForm(FormModel):
    direction: Annotated[int, BeforeValidator(_step)] = None  # type: ignore[assignment]


class OrderForm(FormModel):
    order: Annotated[tuple[int, ...], BeforeValidator(_order)] = None  # type: ignore[assignment]


class UploadRefused(Exception):
    """An upload not stored, with the message to show (already in the admin's language)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _files(data: Any, field: str) -> list[UploadFile]:
    """The files chosen in ``field`` (a browser sends an empty part when none is chosen)."""
    value = data.get(field) if isinstance(data, dict) else None
    values = value if isinstance(value, list) else [value]
    return [item for item in values if isinstance(item, UploadFile) and (item.filename or item.size)]


async def _store_uploads(
    request: Request, files: list[UploadFile], county_id: int, kind: str, *, limit: int
) -> list[StoredPicture]:
    """Each file checked and stored, or none: the first refused one is named with its reason
    (:class:`UploadRefused`) and whatever was stored before it removed."""
    if not files:
        raise UploadRefused(_(NO_FILE))
    if len(files) > limit:
        raise UploadRefused(_(TOO_MANY_FILES) % {"limit": limit})
    stored: list[StoredPicture] = []
    try:
        for upload in files:
            data = await upload.read(MAX_BYTES + 1)
            try:
                stored.append(await store_picture(data, _media_dir(request), county_id, kind))
            except PictureRefused as refused:
                name = (upload.filename or "").strip()[:100]
                message = _(refused.message)
                raise UploadRefused(f"{name}: {message}" if name else message) from refused
    except BaseException:
        await remove_pictures(_media_dir(request), *(picture.path for picture in stored))
        raise
    return stored


async def save_uploads(
    request: Request,
    db_session: DbSession,
    files: list[UploadFile],
    save: Callable[[list[StoredPicture]], Awaitable[str | None]],
    *,
    county_id: int,
    kind: str,
    limit: int = 1,
) -> None:
    """Uploads stored (or :class:`UploadRefused`, nothing stored), recorded by ``save`` (which gives
    back the path of a picture it replaced) and committed; the replaced picture's files are removed
    only then, and the new files if anything fails before the commit is done."""
    stored = await _store_uploads(request, files, county_id, kind, limit=limit)
    try:
        replaced = await save(stored)
        await db_session.commit()
    except BaseException as failed:
        await remove_pictures(_media_dir(request), *(picture.path for picture in stored))
        if isinstance(failed, PictureNotFoundError):  # deleted by another admin meanwhile
            raise NotFoundException from failed
        raise
    await remove_pictures(_media_dir(request), replaced)


def _back(path: str, done: str) -> Redirect:
    return Redirect(f"{path}?done={done}", status_code=HTTP_303_SEE_OTHER)


DONE = {
    "uploaded": N_("Pictures uploaded."),
    "saved": N_("Saved."),
    "moved": N_("Order saved."),
    "deleted": N_("Picture deleted."),
}


class ProductPicturesController(Controller):
    path = "/products/{product_id:int}/pictures"
    dependencies = {"pictures": Provide(provide_pictures, sync_to_thread=False)}

    @staticmethod
    def _page(product_id: int) -> str:
        return f"/admin/products/{product_id}/pictures"

    async def _show(
        self,
        admin: CurrentAdmin,
        pictures: Pictures,
        product_id: int,
        *,
        status_code: int = 200,
        error: str | None = None,
        edit: dict[str, Any] | None = None,
        done: Annotated[str | None, QueryParameter(max_length=20)] = None,
    ) -> Template:
        try:
            product = await pictures.product(product_id)
        except PictureNotFoundError as missing:
            raise NotFoundException from missing
        context = {
            "admin": admin,
            "product": product,
            "error": error,
            "edit": edit or {},
            "done": _(DONE[done]) if done in DONE else None,
            "max_files": MAX_FILES,
        }
        return Template("admin/pictures.html", context=context, status_code=status_code)

    async def _product(self, pictures: Pictures, product_id: int, image_id: int | None = None) -> None:
        try:
            if image_id is None:
                await pictures.product(product_id)
            else:
                await pictures.picture(product_id, image_id)
        except PictureNotFoundError as missing:
            raise NotFoundException from missing

    @get("/", name="admin:product-pictures")
    async def show(
        self,
        admin: CurrentAdmin,
        pictures: PictureAdmin,
        product_id: FromPath[int],
        done: Annotated[str | None, QueryParameter(max_length=20)] = None,
    ) -> Template:
        return await self._show(admin, pictures, product_id, done=done)

    @post("/", name="admin:product-pictures-upload", request_max_body_size=UPLOAD_BODY_LIMIT)
    async def upload(
        self,
        request: Request,
        admin: CurrentAdmin,
        db_session: DbSession,
        pictures: PictureAdmin,
        product_id: FromPath[int],
        data: UploadData,
    ) -> Template | Redirect:
        await self._product(pictures, product_id)
        try:
            await save_uploads(
                request,
                db_session,
                _files(data, "pictures"),
                lambda stored: pictures.add(product_id, stored),
                county_id=pictures.county_id,
                kind="products",
                limit=MAX_FILES,
            )
        except UploadRefused as refused:
            return await self._show(
                admin, pictures, product_id, status_code=HTTP_400_BAD_REQUEST, error=refused.message
            )
        return _back(self._page(product_id), "uploaded")

    @post("/{image_id:int}", name="admin:product-picture-alt")
    async def set_alt(
        self,
        admin: CurrentAdmin,
        db_session: DbSession,
        pictures: PictureAdmin,
        product_id: FromPath[int],
        image_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        await self._product(pictures, product_id, image_id)
        form = read_form(AltForm, data)
        if form.data is None:
            edit = {"id": image_id, "values": form.values, "errors": form.errors}
            return await self._show(admin, pictures, product_id, status_code=HTTP_400_BAD_REQUEST, edit=edit)
        await pictures.set_alt(product_id, image_id, form.data.alt_zh, form.data.alt_en)
        await db_session.commit()
        return _back(self._page(product_id), "saved")

    @post("/{image_id:int}/move", name="admin:product-picture-move")
    async def move(
        self,
        admin: CurrentAdmin,
        db_session: DbSession,
        pictures: PictureAdmin,
        product_id: FromPath[int],
        image_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        await self._product(pictures, product_id, image_id)
        form = read_form(MoveForm, data)
        if form.data is None:
            return await self._show(
                admin, pictures, product_id, status_code=HTTP_400_BAD_REQUEST, error=form.error
            )
        await pictures.move(product_id, image_id, form.data.direction)
        await db_session.commit()
        return _back(self._page(product_id), "moved")

    @post("/order", name="admin:product-pictures-order")
    async def reorder(
        self,
        admin: CurrentAdmin,
        db_session: DbSession,
        pictures: PictureAdmin,
        product_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        """The order the pictures were dragged into (ids, comma separated), naming each once."""
        await self._product(pictures, product_id)
        form = read_form(OrderForm, data)
        error = form.error
        if form.data is not None:
            try:
                await pictures.reorder(product_id, form.data.order)
            except OrderOutOfDateError:
                error = _(ORDER_CHANGED)
            else:
                await db_session.commit()
                return _back(self._page(product_id), "moved")
        return await self._show(admin, pictures, product_id, status_code=HTTP_409_CONFLICT, error=error)

    @post("/{image_id:int}/delete", name="admin:product-picture-delete")
    async def delete(
        self,
        request: Request,
        db_session: DbSession,
        pictures: PictureAdmin,
        product_id: FromPath[int],
        image_id: FromPath[int],
    ) -> Redirect:
        await self._product(pictures, product_id, image_id)
        path = await pictures.delete(product_id, image_id)
        await db_session.commit()
        await remove_pictures(_media_dir(request), path)  # only once no row points at them
        return _back(self._page(product_id), "deleted")


class ProducerPhotoController(Controller):
    path = "/producers/{producer_id:int}/photo"
    dependencies = {"pictures": Provide(provide_pictures, sync_to_thread=False)}

    async def _show(
        self,
        admin: CurrentAdmin,
        pictures: Pictures,
        producer_id: int,
        *,
        status_code: int = 200,
        error: str | None = None,
        done: Annotated[str | None, QueryParameter(max_length=20)] = None,
    ) -> Template:
        try:
            producer = await pictures.producer(producer_id)
        except PictureNotFoundError as missing:
            raise NotFoundException from missing
        context = {
            "admin": admin,
            "producer": producer,
            "error": error,
            "done": _(DONE["saved"]) if done == "saved" else None,
        }
        return Template("admin/producer_photo.html", context=context, status_code=status_code)

    @get("/", name="admin:producer-photo")
    async def show(
        self,
        admin: CurrentAdmin,
        pictures: PictureAdmin,
        producer_id: FromPath[int],
        done: Annotated[str | None, QueryParameter(max_length=20)] = None,
    ) -> Template:
        return await self._show(admin, pictures, producer_id, done=done)

    @post("/", name="admin:producer-photo-upload", request_max_body_size=MAX_BYTES + 1024 * 1024)
    async def upload(
        self,
        request: Request,
        admin: CurrentAdmin,
        db_session: DbSession,
        pictures: PictureAdmin,
        producer_id: FromPath[int],
        data: UploadData,
    ) -> Template | Redirect:
        try:
            await pictures.producer(producer_id)
        except PictureNotFoundError as missing:
            raise NotFoundException from missing
        try:
            await save_uploads(
                request,
                db_session,
                _files(data, "photo"),
                lambda stored: pictures.set_producer_photo(producer_id, stored[0]),
                county_id=pictures.county_id,
                kind="producers",
            )
        except UploadRefused as refused:
            return await self._show(
                admin, pictures, producer_id, status_code=HTTP_400_BAD_REQUEST, error=refused.message
            )
        return _back(f"/admin/producers/{producer_id}/photo", "saved")


class CountyPicture(NamedTuple):
    """One of the county's own pictures, replaced by an upload on a page of its own."""

    kind: str
    title: str
    hint: str
    missing: str
    label: str
    box: tuple[int, int]

    @property
    def path(self) -> str:
        return f"/admin/brand/{self.kind}"


LOGO = CountyPicture(
    "logo",
    N_("Logo"),
    N_(
        "Shown round, on white, beside the county's name; a square picture fits best. "
        "A transparent background becomes white."
    ),
    N_("No logo yet."),
    N_("New logo"),
    (128, 128),
)
BANNER = CountyPicture(
    "banner",
    N_("Banner"),
    N_(
        "Shown across the top of the shop's home, about 3 times as wide as it is high "
        "(1280 × 400 pixels fits best); keep words out of it: the page has its own heading."
    ),
    N_("No banner yet."),
    N_("New banner"),
    (320, 100),
)


def _county_picture_page(
    admin: CurrentAdmin, picture: CountyPicture, *, done: str | None = None, error: str | None = None
) -> Template:
    context = {"admin": admin, "picture": picture, "error": error, "done": done}
    status_code = HTTP_400_BAD_REQUEST if error else 200
    return Template("admin/county_picture.html", context=context, status_code=status_code)


def _county_picture_controller(picture: CountyPicture) -> type[Controller]:
    """The page of one of the county's pictures (``/admin/brand/{kind}``): shown, and replaced."""

    class CountyPictureController(Controller):
        path = f"/brand/{picture.kind}"

        @get("/", name=f"admin:{picture.kind}")
        async def show(
            self, admin: CurrentAdmin, done: Annotated[str | None, QueryParameter(max_length=20)] = None
        ) -> Template:
            return _county_picture_page(admin, picture, done=_(DONE["saved"]) if done == "saved" else None)

        @post(
            "/",
            name=f"admin:{picture.kind}-upload",
            request_max_body_size=MAX_BYTES + 1024 * 1024,
            dependencies={"pictures": Provide(provide_pictures, sync_to_thread=False)},
        )
        async def upload(
            self,
            request: Request,
            admin: CurrentAdmin,
            db_session: DbSession,
            pictures: PictureAdmin,
            data: UploadData,
        ) -> Template | Redirect:
            try:
                await save_uploads(
                    request,
                    db_session,
                    _files(data, picture.kind),
                    lambda stored: pictures.set_county_picture(picture.kind, stored[0]),
                    county_id=pictures.county_id,
                    kind=picture.kind,
                )
            except UploadRefused as refused:
                return _county_picture_page(admin, picture, error=refused.message)
            return _back(picture.path, "saved")

    CountyPictureController.__name__ = CountyPictureController.__qualname__ = (
        f"{picture.kind.title()}Controller"
    )
    return CountyPictureController


LogoController = _county_picture_controller(LOGO)
BannerController = _county_picture_controller(BANNER)
