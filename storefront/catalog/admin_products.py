"""A product's pages in the admin: ``/admin/products/new`` (the product and its first variant) and
``/admin/products/{product_id}`` (its fields, and each variant edited, added or removed).

Plain forms, plain POSTs and redirects: everything works without JavaScript. A refusal shows the
page again (400) with the message next to its field and what was typed. The county is the signed-in
admin's: another county's product or variant is a 404 and changes nothing, as is a variant asked
for under a product it is not of.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST

from storefront.admin.guard import CurrentAdmin
from storefront.catalog.admin import BELOW_HELD, ON_HAND_MOVED, Catalog, provide_catalog
from storefront.catalog.admin_forms import NewProductForm, ProductForm, VariantForm
from storefront.catalog.admin_pages import found, shown, submit, with_errors
from storefront.catalog.admin_service import CatalogAdmin, LastVariantError, VariantHeldError
from storefront.catalog.models import Product, Variant
from storefront.forms import FormData, FormModel, SubmittedForm, read_form
from storefront.i18n import N_
from storefront.i18n import gettext as _
from storefront.money import decimal_string
from storefront.stock.service import OnHandBelowHeldError, OnHandChangedError

PATH = "/admin/products"
SAVED = {
    "product": N_("Saved."),
    "variant": N_("Variant saved."),
    "added": N_("Variant added."),
    "removed": N_("Variant removed."),
}


def product_values(product: Product) -> dict[str, str]:
    values = shown(product, ProductForm.model_fields)
    values["active"] = "1" if product.is_active else ""
    return values


def variant_values(variant: Variant) -> dict[str, str]:
    values = shown(variant, VariantForm.model_fields)
    values["price"] = decimal_string(variant.price)
    values["on_hand"] = values["on_hand_shown"] = str(variant.on_hand)
    return values


class ProductEditController(Controller):
    path = "/products"
    dependencies = {"catalog": Provide(provide_catalog, sync_to_thread=False)}

    @get("/new", name="admin:product-new")
    async def new_product(self, admin: CurrentAdmin, catalog: Catalog) -> Template:
        form: SubmittedForm[NewProductForm] = SubmittedForm(values={"active": "1", "position": "0"})
        return await self._new_page(admin, catalog, form)

    @post("/new", name="admin:product-create")
    async def create_product(
        self, admin: CurrentAdmin, catalog: Catalog, data: FormData
    ) -> Template | Redirect:
        form, product = await submit(
            admin, catalog, read_form(NewProductForm, data), data, catalog.create_product
        )
        if product is not None:
            return await self._saved(catalog, product.id, "product")
        return await self._new_page(admin, catalog, form, status_code=HTTP_400_BAD_REQUEST)

    @get("/{product_id:int}", name="admin:product")
    async def edit_product(
        self,
        admin: CurrentAdmin,
        catalog: Catalog,
        product_id: FromPath[int],
        saved: Annotated[str, QueryParameter(max_length=10)] = "",
    ) -> Template:
        return await self._edit_page(admin, catalog, product_id, notice=SAVED.get(saved))

    @post("/{product_id:int}", name="admin:product-save")
    async def save_product(
        self, admin: CurrentAdmin, catalog: Catalog, product_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        return await self._submit(
            admin, catalog, product_id, data, ProductForm, catalog.update_product, "product"
        )

    @post("/{product_id:int}/variants", name="admin:variant-add")
    async def add_variant(
        self, admin: CurrentAdmin, catalog: Catalog, product_id: FromPath[int], data: FormData
    ) -> Template | Redirect:
        return await self._submit(admin, catalog, product_id, data, VariantForm, catalog.add_variant, "new")

    @post("/{product_id:int}/variants/{variant_id:int}", name="admin:variant-save")
    async def save_variant(
        self,
        admin: CurrentAdmin,
        catalog: Catalog,
        product_id: FromPath[int],
        variant_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        await found(catalog.variant(variant_id, product_id))
        form = read_form(VariantForm, data)
        try:
            form, _none = await submit(
                admin, catalog, form, data, partial(catalog.update_variant, product_id, variant_id)
            )
        except OnHandBelowHeldError as refused:
            form = with_errors(form, {}, data)
            form.errors["on_hand"] = _(BELOW_HELD) % {"held": refused.held}
        except OnHandChangedError as moved:
            form = with_errors(form, {}, data)
            form.values["on_hand_shown"] = str(moved.on_hand)  # saving again counts from the count now
            form.errors["on_hand"] = _(ON_HAND_MOVED) % {"on_hand": moved.on_hand}
        return await self._answer(admin, catalog, product_id, form, variant_id, "variant")

    @post("/{product_id:int}/variants/{variant_id:int}/delete", name="admin:variant-remove")
    async def remove_variant(
        self, admin: CurrentAdmin, catalog: Catalog, product_id: FromPath[int], variant_id: FromPath[int]
    ) -> Template | Redirect:
        await found(catalog.variant(variant_id, product_id))
        try:
            await catalog.remove_variant(product_id, variant_id)
        except VariantHeldError as refused:
            message = _(
                N_(
                    "This variant cannot be removed while open checkouts hold %(held)s of it; "
                    "try again when they have ended."
                )
            ) % {"held": refused.held}
        except LastVariantError:
            message = _(N_("A product keeps at least one variant: add another before removing this one."))
        else:
            return await self._saved(catalog, product_id, "removed")
        return await self._edit_page(
            admin, catalog, product_id, removal={variant_id: message}, status_code=HTTP_400_BAD_REQUEST
        )

    async def _submit(
        self,
        admin: CurrentAdmin,
        catalog: CatalogAdmin,
        product_id: int,
        data: Any,
        model: type[FormModel],
        save: Callable[..., Awaitable[object]],
        key: str,
    ) -> Template | Redirect:
        """A form of the product's page (its own, "product", or the new variant's, "new"),
        saved by ``save(product_id, form)``."""
        await found(catalog.product(product_id))
        form, _saved = await submit(admin, catalog, read_form(model, data), data, partial(save, product_id))
        return await self._answer(admin, catalog, product_id, form, key, "added" if key == "new" else key)

    async def _answer(
        self,
        admin: CurrentAdmin,
        catalog: CatalogAdmin,
        product_id: int,
        form: SubmittedForm[Any],
        key: str | int,
        done: str,
    ) -> Template | Redirect:
        """Saved: back to the product's page, saying ``done``. Refused: the page again with this
        form (``key``: "product", "new" for the new variant, or the variant's id) as typed."""
        if form.data is not None:
            return await self._saved(catalog, product_id, done)
        return await self._edit_page(
            admin, catalog, product_id, forms={key: form}, status_code=HTTP_400_BAD_REQUEST
        )

    @staticmethod
    async def _saved(catalog: CatalogAdmin, product_id: int, what: str) -> Redirect:
        await catalog.db_session.commit()  # redirects are not autocommitted
        return Redirect(f"{PATH}/{product_id}?saved={what}", status_code=HTTP_303_SEE_OTHER)

    @staticmethod
    async def _new_page(
        admin: CurrentAdmin, catalog: CatalogAdmin, form: SubmittedForm[Any], status_code: int = 200
    ) -> Template:
        categories, producers = await catalog.choices()
        context = {
            "admin": admin,
            "product": None,
            "form": form,
            "categories": categories,
            "producers": producers,
        }
        return Template("admin/product_form.html", context=context, status_code=status_code)

    @staticmethod
    async def _edit_page(
        admin: CurrentAdmin,
        catalog: CatalogAdmin,
        product_id: int,
        *,
        forms: dict[str | int, SubmittedForm[Any]] | None = None,
        removal: dict[int, str] | None = None,
        notice: str | None = None,
        status_code: int = 200,
    ) -> Template:
        product = await found(catalog.product(product_id))
        categories, producers = await catalog.choices()
        forms = forms or {}
        context = {
            "admin": admin,
            "product": product,
            "form": forms.get("product") or SubmittedForm(values=product_values(product)),
            "variants": [
                (
                    variant,
                    forms.get(variant.id) or SubmittedForm(values=variant_values(variant)),
                    (removal or {}).get(variant.id),
                )
                for variant in product.variants
            ],
            "new_variant": forms.get("new") or SubmittedForm(values={"position": str(len(product.variants))}),
            "categories": categories,
            "producers": producers,
            "notice": _(notice) if notice else None,
        }
        return Template("admin/product_form.html", context=context, status_code=status_code)
