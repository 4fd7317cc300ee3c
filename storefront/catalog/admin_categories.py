"""Admin categories (``/admin/categories``): the county's categories in the order the shop shows
them, moved with "Move up" and "Move down"; list, new and edit pages (slug, names in Chinese and
English). Another county's category is a 404 and changes nothing."""

from __future__ import annotations

from litestar import post
from litestar.params import FromPath
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER

from storefront.catalog.admin import Catalog
from storefront.catalog.admin_forms import CategoryForm, MoveForm
from storefront.catalog.admin_pages import Editor, found
from storefront.forms import FormData, read_form

STEPS = {"up": -1, "down": 1}

category_editor = Editor.of(CategoryForm, "categories", "category")


class CategoryAdminController(category_editor.controller()):  # type: ignore[misc]
    @post("/{category_id:int}/move", name="admin:category-move")
    async def move_category(self, catalog: Catalog, category_id: FromPath[int], data: FormData) -> Redirect:
        """One place up or down ("Move up" / "Move down"); anything else sent moves nothing."""
        form = read_form(MoveForm, data)
        await found(catalog.category(category_id))
        if form.data is not None:
            await catalog.move_category(category_id, STEPS[form.data.direction])
            await catalog.db_session.commit()
        return Redirect(f"{category_editor.path}#category-{category_id}", status_code=HTTP_303_SEE_OTHER)
