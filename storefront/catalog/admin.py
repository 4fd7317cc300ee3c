"""Admin product list (``/admin/products``): the county's products and variants, searched and paged,
with inline edits of a variant's price and on-hand stock and a product's active flag.

Each edit is one small form: with HTMX it gets just its row back (saved, or with the message and
what was typed); without JavaScript a save redirects back to the list and a refusal shows the list
again with the message in the row. The county is the signed-in admin's (the guard scoped
``db_session`` to it): another county's id is a 404 and changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias
from urllib.parse import urlencode

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST, HTTP_422_UNPROCESSABLE_ENTITY

from storefront.admin.guard import CurrentAdmin
from storefront.catalog.admin_forms import ActiveForm, OnHandForm, PriceForm
from storefront.catalog.admin_service import CatalogAdmin, CatalogItemNotFoundError
from storefront.catalog.models import Variant
from storefront.db import DbSession
from storefront.forms import FormData, read_form
from storefront.fragments import page_or_fragment
from storefront.i18n import N_
from storefront.i18n import gettext as _
from storefront.stock.service import OnHandBelowHeldError, OnHandChangedError

LIST_PATH = "/admin/products"
QUERY_LIMIT = 100

Catalog: TypeAlias = NamedDependency[CatalogAdmin]

ON_HAND_MOVED = N_(
    "Since this page was opened, units were sold or counted: %(on_hand)s are on hand now. "
    "Nothing was saved; check your count and save again."
)
BELOW_HELD = N_(
    "Stock on hand cannot be less than the %(held)s held by open checkouts; "
    "those units are not yours to count until the checkouts end."
)


def provide_catalog(admin: CurrentAdmin, db_session: DbSession) -> CatalogAdmin:
    """The catalog of the admin's county; a platform admin who chose no county has none to edit."""
    if admin.county is None:
        raise NotFoundException
    return CatalogAdmin(db_session, admin.county.id)


def _list_state(data: Any) -> dict[str, Any]:
    """The list the form was sent from (search words, page), to go back to; anything odd is dropped."""
    data = data if isinstance(data, dict) else {}
    query = data.get("q")
    query = query.strip()[:QUERY_LIMIT] if isinstance(query, str) else ""
    page = data.get("page")
    number = int(page) if isinstance(page, str) and page.isdigit() and len(page) < 7 else 1
    return {"q": query, "page": max(1, number)}


def _list_url(state: dict[str, Any]) -> str:
    params = {
        key: value for key, value in (("q", state["q"]), ("page", state["page"])) if value and value != 1
    }
    return f"{LIST_PATH}?{urlencode(params)}" if params else LIST_PATH


class ProductAdminController(Controller):
    path = "/products"
    # Asked for by the edits only: the list shows a platform admin without a county a notice.
    dependencies = {"catalog": Provide(provide_catalog, sync_to_thread=False)}

    @get("/", name="admin:products")
    async def list_products(
        self,
        request: HTMXRequest,
        admin: CurrentAdmin,
        db_session: DbSession,
        q: Annotated[str, QueryParameter(max_length=QUERY_LIMIT)] = "",
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
    ) -> Template:
        if admin.county is None:
            return Template("admin/products.html", context={"admin": admin, "products": None, "state": {}})
        catalog = CatalogAdmin(db_session, admin.county.id)
        products = await catalog.page(page, q.strip())
        state = {"q": products.query, "page": products.number}
        context = {"admin": admin, "products": products, "state": state, "edit": None}
        return page_or_fragment(request, "admin/products.html", "admin/partials/product_list.html", context)

    @post("/variants/{variant_id:int}/price", name="admin:variant-price")
    async def set_price(
        self,
        request: HTMXRequest,
        admin: CurrentAdmin,
        catalog: Catalog,
        variant_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        variant = await self._variant(catalog, variant_id)
        form = read_form(PriceForm, data)
        if form.data is None:
            return await self._refused(
                request, admin, catalog, data, "price", variant.id, form.values, form.error
            )
        try:
            variant = await catalog.set_price(variant.id, form.data.price)
        except CatalogItemNotFoundError as missing:
            raise NotFoundException from missing
        return await self._saved(request, admin, catalog, data, variant_id=variant.id)

    @post("/variants/{variant_id:int}/stock", name="admin:variant-stock")
    async def set_stock(
        self,
        request: HTMXRequest,
        admin: CurrentAdmin,
        catalog: Catalog,
        variant_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        variant = await self._variant(catalog, variant_id)
        form = read_form(OnHandForm, data)
        error = form.error
        if form.data is not None:
            try:
                await catalog.set_on_hand(variant.id, form.data.on_hand, shown=form.data.on_hand_shown)
            except CatalogItemNotFoundError as missing:
                raise NotFoundException from missing
            except OnHandBelowHeldError as refused:
                error = _(BELOW_HELD) % {"held": refused.held}
            except OnHandChangedError as moved:
                error = _(ON_HAND_MOVED) % {"on_hand": moved.on_hand}
            else:
                return await self._saved(request, admin, catalog, data, variant_id=variant.id)
        return await self._refused(request, admin, catalog, data, "stock", variant.id, form.values, error)

    @post("/{product_id:int}/active", name="admin:product-active")
    async def set_active(
        self,
        request: HTMXRequest,
        admin: CurrentAdmin,
        catalog: Catalog,
        product_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        try:
            product = await catalog.product(product_id)
        except CatalogItemNotFoundError as missing:
            raise NotFoundException from missing
        form = read_form(ActiveForm, data)
        if form.data is None:  # a checkbox cannot be wrong, but a client can send anything
            return await self._refused(
                request, admin, catalog, data, "active", product.id, form.values, form.error
            )
        await catalog.set_active(product.id, form.data.active)
        return await self._saved(request, admin, catalog, data, product_id=product.id)

    @staticmethod
    async def _variant(catalog: CatalogAdmin, variant_id: int) -> Variant:
        try:
            return await catalog.variant(variant_id)
        except CatalogItemNotFoundError as missing:
            raise NotFoundException from missing

    async def _row(
        self,
        request: HTMXRequest,
        admin: CurrentAdmin,
        catalog: CatalogAdmin,
        state: dict[str, Any],
        edit: dict[str, Any] | None,
        *,
        variant_id: int | None = None,
        product_id: int | None = None,
        status_code: int = 200,
    ) -> Template:
        context: dict[str, Any] = {"admin": admin, "state": state, "edit": edit}
        if variant_id is not None:
            context["variant"] = await catalog.variant(variant_id)
            return Template("admin/partials/variant_row.html", context=context, status_code=status_code)
        context["product"] = await catalog.product(product_id)  # type: ignore[arg-type]
        return Template("admin/partials/product_row.html", context=context, status_code=status_code)

    async def _saved(
        self,
        request: HTMXRequest,
        admin: CurrentAdmin,
        catalog: CatalogAdmin,
        data: Any,
        *,
        variant_id: int | None = None,
        product_id: int | None = None,
    ) -> Template | Redirect:
        state = _list_state(data)
        if request.htmx:  # committed by the autocommit of this 200, before the response goes out
            edit = {"saved": "variant" if variant_id is not None else "product"}
            return await self._row(
                request, admin, catalog, state, edit, variant_id=variant_id, product_id=product_id
            )
        await catalog.db_session.commit()  # redirects are not autocommitted
        return Redirect(_list_url(state), status_code=HTTP_303_SEE_OTHER)

    async def _refused(
        self,
        request: HTMXRequest,
        admin: CurrentAdmin,
        catalog: CatalogAdmin,
        data: Any,
        form_name: str,
        item_id: int,
        values: dict[str, str],
        error: str | None,
    ) -> Template:
        """The row (HTMX) or the whole list (no JavaScript) again, with the message and what was
        typed; the refused transaction is rolled back by the error status."""
        state = _list_state(data)
        edit = {"form": form_name, "id": item_id, "values": values, "error": error}
        if request.htmx:
            ids = {"product_id": item_id} if form_name == "active" else {"variant_id": item_id}
            return await self._row(
                request, admin, catalog, state, edit, status_code=HTTP_422_UNPROCESSABLE_ENTITY, **ids
            )
        products = await catalog.page(state["page"], state["q"])
        return Template(
            "admin/products.html",
            context={"admin": admin, "products": products, "state": state, "edit": edit},
            status_code=HTTP_400_BAD_REQUEST,
        )
