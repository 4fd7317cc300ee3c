"""What the catalog's edit pages (products, producers, categories) share: a form shown with what
was typed and a message next to each field it refused, the admin's page again after a rolled-back
save, and the plain new/edit page of a producer or a category (:class:`Editor`).

Every page works without JavaScript: a GET shows the form, a POST saves and redirects (committing
first: redirects are not autocommitted) or shows the form again with status 400.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any, Generic, TypeVar

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.admin.guard import AdminContext, CurrentAdmin
from storefront.catalog.admin import Catalog, provide_catalog
from storefront.catalog.admin_service import CatalogAdmin, CatalogFieldError, CatalogItemNotFoundError
from storefront.db import DbSession
from storefront.forms import FormData, FormModel, SubmittedForm, form_text, read_form
from storefront.i18n import gettext as _

F = TypeVar("F", bound=FormModel)
T = TypeVar("T")


def shown(item: Any, names: Mapping[str, str] | list[str] | Any) -> dict[str, str]:
    """A saved row's values as its form shows them (``None`` as an empty field)."""
    values = {}
    for name in names:
        value = getattr(item, name, None)
        values[name] = "" if value is None else str(value)
    return values


def with_errors(form: SubmittedForm[F], fields: Mapping[str, str], data: Any) -> SubmittedForm[F]:
    """The form as typed (``data``, not the values it was read as: yuan, not fen), with the
    database's refusals (``N_`` msgids) added to its messages."""
    data = data if isinstance(data, Mapping) else {}
    values = {name: form_text(data.get(name)) for name in form.values}  # read once already: all text
    errors = {**form.errors, **{name: _(message) for name, message in fields.items()}}
    return replace(form, values=values, errors=errors, data=None)


async def after_rollback(db_session: AsyncSession, admin: AdminContext) -> None:
    """A rollback expired every loaded row: load again what the admin's page header shows."""
    seen: set[int] = set()
    for item in (admin.user, admin.county, *admin.counties):
        if item is not None and id(item) not in seen and item in db_session:
            seen.add(id(item))
            await db_session.refresh(item)


async def found(load: Awaitable[T]) -> T:
    """The county's item, or a 404 (another county's id, or none at all)."""
    try:
        return await load
    except CatalogItemNotFoundError as missing:
        raise NotFoundException from missing


async def submit(
    admin: AdminContext,
    catalog: CatalogAdmin,
    form: SubmittedForm[F],
    data: Any,
    save: Callable[[F], Awaitable[T]],
) -> tuple[SubmittedForm[F], T | None]:
    """Save a form read without a message: (the form, what ``save`` gave). When the database
    refused it (a slug or SKU taken, a choice not the county's), or the form had messages
    already, the form comes back with its messages and without ``data``; nothing was saved."""
    if form.data is None:
        return form, None
    try:
        return form, await save(form.data)
    except CatalogFieldError as refused:
        await after_rollback(catalog.db_session, admin)
        return with_errors(form, refused.fields, data), None


@dataclass(frozen=True)
class Editor(Generic[F]):
    """The list, new and edit pages of a producer or a category: one form, saved by the catalog
    service; :meth:`controller` makes their routes."""

    form: type[F]
    name: str  # of the list's path, e.g. "producers"
    id_name: str  # of the item's id in the path, e.g. "producer_id"
    template: str  # of the form; the list's is ``admin/{name}.html``
    listing: Callable[[CatalogAdmin], Awaitable[list[Any]]]
    load: Callable[[CatalogAdmin, int], Awaitable[Any]]
    create: Callable[[CatalogAdmin, F], Awaitable[Any]]
    update: Callable[[CatalogAdmin, int, F], Awaitable[Any]]

    @classmethod
    def of(cls, form: type[F], name: str, singular: str) -> Editor[F]:
        """The editor of ``name`` (e.g. "producers"), by the names its pieces follow: the
        service's ``producers``, ``producer``, ``create_producer``, ``update_producer``, the
        template ``admin/producer_form.html`` and the path's ``producer_id``."""
        return cls(
            form=form,
            name=name,
            id_name=f"{singular}_id",
            template=f"admin/{singular}_form.html",
            listing=getattr(CatalogAdmin, name),
            load=getattr(CatalogAdmin, singular),
            create=getattr(CatalogAdmin, f"create_{singular}"),
            update=getattr(CatalogAdmin, f"update_{singular}"),
        )

    @property
    def path(self) -> str:
        return f"/admin/{self.name}"

    async def list_page(self, admin: AdminContext, db_session: AsyncSession) -> Template:
        items = None
        if admin.county is not None:  # a platform admin who chose no county sees a notice
            items = await self.listing(CatalogAdmin(db_session, admin.county.id))
        return Template(f"admin/{self.name}.html", context={"admin": admin, self.name: items})

    async def show(
        self, admin: AdminContext, catalog: CatalogAdmin, item_id: int | None = None, *, saved: bool = False
    ) -> Template:
        item = None if item_id is None else await found(self.load(catalog, item_id))
        values = shown(item, self.form.model_fields) if item is not None else {}
        form: SubmittedForm[F] = SubmittedForm(values=values)
        return self._page(admin, item, form, saved=saved)

    async def save(
        self, admin: AdminContext, catalog: CatalogAdmin, data: Any, item_id: int | None = None
    ) -> Template | Redirect:
        if item_id is None:
            form, item = await submit(
                admin, catalog, read_form(self.form, data), data, self._creator(catalog)
            )
        else:
            await found(self.load(catalog, item_id))
            form, _saved = await submit(
                admin, catalog, read_form(self.form, data), data, self._updater(catalog, item_id)
            )
        if form.data is not None:
            await catalog.db_session.commit()  # redirects are not autocommitted
            return Redirect(f"{self.path}/{item_id or item.id}?saved=1", status_code=HTTP_303_SEE_OTHER)
        item = None if item_id is None else await found(self.load(catalog, item_id))
        return self._page(admin, item, form, status_code=HTTP_400_BAD_REQUEST)

    def _creator(self, catalog: CatalogAdmin) -> Callable[[F], Awaitable[Any]]:
        return lambda valid: self.create(catalog, valid)

    def _updater(self, catalog: CatalogAdmin, item_id: int) -> Callable[[F], Awaitable[Any]]:
        return lambda valid: self.update(catalog, item_id, valid)

    def _page(
        self,
        admin: AdminContext,
        item: Any,
        form: SubmittedForm[F],
        *,
        saved: bool = False,
        status_code: int = 200,
    ) -> Template:
        context = {"admin": admin, "item": item, "form": form, "saved": saved, "path": self.path}
        return Template(self.template, context=context, status_code=status_code)

    def controller(self) -> type[Controller]:
        """The routes: ``/admin/{name}`` (list), ``/new`` and ``/{id}`` (GET shows, POST saves)."""
        editor = self
        item_path = f"/{{{self.id_name}:int}}"

        class EditorController(Controller):
            path = f"/{editor.name}"
            dependencies = {"catalog": Provide(provide_catalog, sync_to_thread=False)}

            @get("/", name=f"admin:{editor.name}")
            async def list_items(self, admin: CurrentAdmin, db_session: DbSession) -> Template:
                return await editor.list_page(admin, db_session)

            @get("/new", name=f"admin:{editor.name}-new")
            async def new_item(self, admin: CurrentAdmin, catalog: Catalog) -> Template:
                return await editor.show(admin, catalog)

            @post("/new", name=f"admin:{editor.name}-create")
            async def create_item(
                self, admin: CurrentAdmin, catalog: Catalog, data: FormData
            ) -> Template | Redirect:
                return await editor.save(admin, catalog, data)

            @get(item_path, name=f"admin:{editor.name}-edit")
            async def edit_item(
                self,
                request: Request,
                admin: CurrentAdmin,
                catalog: Catalog,
                saved: Annotated[str, QueryParameter(max_length=1)] = "",
            ) -> Template:
                item_id = request.path_params[editor.id_name]
                return await editor.show(admin, catalog, item_id, saved=bool(saved))

            @post(item_path, name=f"admin:{editor.name}-save")
            async def save_item(
                self, request: Request, admin: CurrentAdmin, catalog: Catalog, data: FormData
            ) -> Template | Redirect:
                return await editor.save(admin, catalog, data, request.path_params[editor.id_name])

        EditorController.__name__ = EditorController.__qualname__ = f"{editor.name.title()}AdminController"
        return EditorController
