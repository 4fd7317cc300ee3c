"""Catalog CSV (``/admin/catalog/csv``): the county's catalog exported as a CSV file, and a CSV file
imported in two steps.

1. "Import CSV" uploads the file: nothing is written; the page shows what would change (products
   and variants to create, fields to change with old and new values, unchanged rows counted) and
   every bad row with its line and reason.
2. "Apply" sends back the file's text as the preview held it (compressed, in the form), the
   preview's fingerprint of the changes, and an HMAC of both bound to the admin and the county.
   A digest that does not match (a tampered form, another admin's or county's preview) is
   refused; a catalog that moved on since the preview (another save, the same preview applied
   already) gives the new preview to check instead of applying. Otherwise every row is written
   in one transaction, or nothing.

The rules are in :mod:`storefront.catalog.csv_import`; this module only reads the request and
renders.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import zlib
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import QueryParameter
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Response, Template
from litestar.status_codes import (
    HTTP_303_SEE_OTHER,
    HTTP_400_BAD_REQUEST,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
)
from sqlalchemy.exc import IntegrityError

from storefront.admin.guard import AdminContext, CurrentAdmin
from storefront.catalog.csv_import import (
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    CatalogSnapshot,
    TooManyRowsError,
    UnreadableCsvError,
    apply_plan,
    plan_import,
    read_rows,
)
from storefront.db import DbSession
from storefront.forms import FormData, FormModel, Text, UploadData, read_form
from storefront.fragments import page_or_fragment
from storefront.i18n import N_
from storefront.i18n import gettext as _
from storefront.spreadsheets import UnreadableFileError, csv_download, decode_upload
from storefront.stock.service import OnHandBelowHeldError
from storefront.tenancy.models import County

PAGE = "/admin/catalog/csv"
PAGE_TEMPLATE = "admin/catalog_csv.html"
PREVIEW_LIMIT = 200
"""Rows shown per list of the preview (all are counted; every bad row is always shown)."""

COLUMN_HELP = {
    "product_slug": N_("The product's web address name: lowercase letters, digits and hyphens."),
    "name_zh": N_("Product name in Chinese."),
    "name_en": N_("Product name in English."),
    "category_slug": N_("The slug of one of the county's categories (empty: none)."),
    "producer_slug": N_("The slug of one of the county's producers (empty: none)."),
    "active": N_("1 on sale, 0 not on sale."),
    "description_zh": N_("Description in Chinese."),
    "description_en": N_("Description in English."),
    "origin_zh": N_("Origin story in Chinese."),
    "origin_en": N_("Origin story in English."),
    "sku": N_("The variant's stock-keeping code, unique in the county."),
    "label_zh": N_("Variant label in Chinese, such as 500克瓶装."),
    "label_en": N_("Variant label in English, such as 500 g jar."),
    "price": N_("Price in yuan, such as 68.00."),
    "on_hand": N_("Units on hand, a whole number (units held by open checkouts included)."),
}
EXAMPLE_PRODUCT = (
    "linden-honey",
    "椴树蜂蜜",
    "Linden honey",
    "honey",
    "li-family",
    "1",
    "东北黑蜂采集的椴树蜜。",
    "Linden honey from black bees.",
    "饶河县西林子村",
    "Xilinzi village",
)
EXAMPLE_ROWS = [
    COLUMNS,
    (*EXAMPLE_PRODUCT, "HONEY-500", "500克瓶装", "500 g jar", "68.00", "20"),
    (*EXAMPLE_PRODUCT, "HONEY-250", "250克瓶装", "250 g jar", "38.80", "35"),
]
EXAMPLE = "".join(",".join(row) + "\n" for row in EXAMPLE_ROWS)


class ApplyForm(FormModel):
    payload: Text = ""
    fingerprint: Text = ""
    digest: Text = ""


def _county(admin: AdminContext) -> County:
    """The admin's county; a platform admin who chose none has no catalog to export or import."""
    if admin.county is None:
        raise NotFoundException
    return admin.county


def _secret(request: Request) -> bytes:
    return request.app.state.settings.secret_key.encode()


def _digest(request: Request, admin: AdminContext, payload: str, fingerprint: str) -> str:
    county = _county(admin)
    message = f"catalog-csv\n{admin.user.id}\n{county.id}\n{fingerprint}\n{payload}".encode()
    return hmac.new(_secret(request), message, hashlib.sha256).hexdigest()


def _pack(text: str) -> str:
    return base64.urlsafe_b64encode(zlib.compress(text.encode(), 6)).decode()


def _unpack(payload: str) -> str | None:
    try:
        return zlib.decompress(base64.urlsafe_b64decode(payload.encode())).decode()
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError):
        return None


class CatalogCsvController(Controller):
    path = "/catalog/csv"

    @get("/", name="admin:catalog-csv")
    async def show(
        self,
        admin: CurrentAdmin,
        products: Annotated[int | None, QueryParameter(ge=0, le=MAX_ROWS)] = None,
        variants: Annotated[int | None, QueryParameter(ge=0, le=MAX_ROWS)] = None,
        changed: Annotated[int | None, QueryParameter(ge=0, le=2 * MAX_ROWS)] = None,
    ) -> Template:
        applied = None
        if admin.county is not None and None not in (products, variants, changed):
            applied = {"products": products, "variants": variants, "changed": changed}
        return self._page(admin, applied=applied)

    @get("/export", name="admin:catalog-csv-export")
    async def export(self, admin: CurrentAdmin, db_session: DbSession) -> Response:
        county = _county(admin)
        catalog = await CatalogSnapshot.load(db_session)
        return csv_download(f"catalog-{county.slug}.csv", COLUMNS, catalog.export_rows())

    @post("/import", name="admin:catalog-csv-import")
    async def import_file(
        self, request: HTMXRequest, admin: CurrentAdmin, db_session: DbSession, data: UploadData
    ) -> Template:
        _county(admin)
        upload = data.get("file") if isinstance(data, dict) else None
        if not isinstance(upload, UploadFile) or not upload.filename:
            return self._refused(request, admin, N_("Please choose a CSV file."), HTTP_400_BAD_REQUEST)
        raw = await upload.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            message = N_("The file is larger than 2 MB; please split it into smaller files.")
            return self._refused(request, admin, message, HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        try:
            text = decode_upload(raw)
        except UnreadableFileError:
            message = N_(
                "This file is not CSV text; please save it from Excel or WPS as CSV (UTF-8 or GB18030)."
            )
            return self._refused(request, admin, message, HTTP_400_BAD_REQUEST)
        return await self._preview(request, admin, db_session, text, filename=upload.filename[:200])

    @post("/apply", name="admin:catalog-csv-apply")
    async def apply(
        self, request: HTMXRequest, admin: CurrentAdmin, db_session: DbSession, data: FormData
    ) -> Template | Redirect:
        county = _county(admin)
        form = read_form(ApplyForm, data).data or ApplyForm()
        expected = _digest(request, admin, form.payload, form.fingerprint)
        matches = hmac.compare_digest(expected.encode(), form.digest.encode())
        text = _unpack(form.payload) if matches else None
        if text is None:
            message = N_("This preview could not be checked; please import the file again.")
            return self._refused(request, admin, message, HTTP_400_BAD_REQUEST)
        try:
            plan = plan_import(await CatalogSnapshot.load(db_session), read_rows(text))
        except UnreadableCsvError:
            plan = None
        if plan is None or not plan.is_valid or plan.fingerprint() != form.fingerprint:
            notice = N_(
                "The catalog changed since this preview (or it was applied already). "
                "Here is what the file would do now; check it and apply again."
            )
            return await self._preview(
                request, admin, db_session, text, notice=notice, status_code=HTTP_409_CONFLICT
            )
        try:
            await apply_plan(db_session, county.id, plan)
            await db_session.commit()  # redirects are not autocommitted
        except (OnHandBelowHeldError, IntegrityError):
            await db_session.rollback()
            notice = N_(
                "The catalog changed while the file was being applied, so nothing was written. "
                "Here is what the file would do now; check it and apply again."
            )
            return await self._preview(
                request, admin, db_session, text, notice=notice, status_code=HTTP_409_CONFLICT
            )
        done = {
            "products": len(plan.new_products),
            "variants": len(plan.new_variants),
            "changed": len(plan.changed_products) + len(plan.changed_variants),
        }
        return Redirect(f"{PAGE}?{urlencode(done)}", status_code=HTTP_303_SEE_OTHER)

    async def _preview(
        self,
        request: HTMXRequest,
        admin: AdminContext,
        db_session: DbSession,
        text: str,
        *,
        filename: str = "",
        notice: str | None = None,
        status_code: int | None = None,
    ) -> Template:
        try:
            plan = plan_import(await CatalogSnapshot.load(db_session), read_rows(text))
        except UnreadableCsvError as unreadable:
            too_many = isinstance(unreadable, TooManyRowsError)
            status = HTTP_413_REQUEST_ENTITY_TOO_LARGE if too_many else HTTP_400_BAD_REQUEST
            return self._refused(request, admin, unreadable.message, status, **unreadable.params)
        payload = _pack(text)
        fingerprint = plan.fingerprint()
        preview = {
            "plan": plan,
            "filename": filename,
            "notice": _(notice) if notice else None,
            "payload": payload,
            "fingerprint": fingerprint,
            "digest": _digest(request, admin, payload, fingerprint),
            "limit": PREVIEW_LIMIT,
        }
        if status_code is None:
            status_code = 200 if plan.is_valid else HTTP_400_BAD_REQUEST
        return self._render(request, admin, status_code, preview=preview)

    def _refused(
        self, request: HTMXRequest, admin: AdminContext, message: str, status_code: int, **params: Any
    ) -> Template:
        text = _(message) % params if params else _(message)
        return self._render(request, admin, status_code, error=text)

    @staticmethod
    def _render(request: HTMXRequest, admin: AdminContext, status_code: int, **context: Any) -> Template:
        """The result alone for HTMX (swapped under the form), else the whole page around it."""
        page = CatalogCsvController._context(admin, **context)
        return page_or_fragment(
            request, PAGE_TEMPLATE, "admin/partials/csv_result.html", page, status_code=status_code
        )

    @staticmethod
    def _page(admin: AdminContext, status_code: int = 200, **context: Any) -> Template:
        return Template(
            PAGE_TEMPLATE, context=CatalogCsvController._context(admin, **context), status_code=status_code
        )

    @staticmethod
    def _context(admin: AdminContext, **context: Any) -> dict[str, Any]:
        return {
            "admin": admin,
            "columns": [(name, COLUMN_HELP[name], name in REQUIRED_COLUMNS) for name in COLUMNS],
            "example": EXAMPLE,
            "max_rows": MAX_ROWS,
            **context,
        }
