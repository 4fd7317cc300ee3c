"""Admin accounts, for platform admins (``/admin/users``): every account, a new admin (a county
admin of a chosen county, or a platform admin) with a temporary password they must replace at
their first sign-in, deactivating or activating an account, and resetting its password.

Every page here is ``platform_only`` (403 for county admins) and works across counties; every change
is recorded in the audit log by :class:`storefront.accounts.service.AccountService`. Nothing a form
does not declare (``must_change_password``, ``is_active`` on the new-admin form, a ``role`` on the
reset form, ...) is read.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storefront.accounts.controllers import Accounts, client_address, provide_accounts
from storefront.accounts.forms import ROLES, NewAdminForm, PasswordResetForm
from storefront.accounts.models import AdminUser, Role
from storefront.accounts.service import AccountError
from storefront.admin.guard import CurrentAdmin
from storefront.catalog.admin_forms import ActiveForm
from storefront.db import DbSession
from storefront.forms import FormData, SubmittedForm, read_form
from storefront.i18n import N_
from storefront.i18n import gettext as _
from storefront.tenancy.models import County

LIST_PATH = "/admin/users"
EMAIL_TAKEN = N_("An admin with this email address already exists.")
NO_SUCH_COUNTY = N_("Please choose the county this admin runs.")
NOT_YOURSELF = N_("You cannot deactivate your own account.")


async def provide_target(accounts: Accounts, user_id: FromPath[int]) -> AdminUser:
    """The account a change is for, by the id in the path (404 if none has it)."""
    user = await accounts.get(user_id)
    if user is None:
        raise NotFoundException
    return user


Target: TypeAlias = NamedDependency[AdminUser]


def _see(path: str) -> Redirect:
    return Redirect(path, status_code=HTTP_303_SEE_OTHER)


async def refresh_after_rollback(db_session: DbSession, admin: CurrentAdmin) -> None:
    """A rollback expired everything the page shows of the signed-in admin: read it again."""
    for thing in (admin.user, admin.county, *admin.counties):
        if thing is not None and thing in db_session:
            await db_session.refresh(thing)


class AdminUsersController(Controller):
    path = "/users"
    opt = {"platform_only": True}
    dependencies = {"accounts": Provide(provide_accounts)}

    @get("/", name="admin:users")
    async def list_users(self, admin: CurrentAdmin, accounts: Accounts) -> Template:
        return await self._list(admin, accounts)

    @get("/new", name="admin:user-form")
    async def new_user_form(self, admin: CurrentAdmin, db_session: DbSession) -> Template:
        return await self._form(admin, db_session, SubmittedForm(values={"role": Role.COUNTY_ADMIN}))

    @post("/", name="admin:user-create")
    async def create_user(
        self, request: Request, admin: CurrentAdmin, accounts: Accounts, db_session: DbSession, data: FormData
    ) -> Template | Redirect:
        form = read_form(NewAdminForm, data)
        if form.data is None:
            return await self._form(admin, db_session, form, status_code=HTTP_400_BAD_REQUEST)
        fields = form.data
        county = None
        if fields.role == Role.COUNTY_ADMIN:
            county = await db_session.get(County, int(fields.county_id))
            if county is None:
                return await self._refused(admin, db_session, form, county_id=_(NO_SUCH_COUNTY))
        if await accounts.by_email(fields.email) is not None:
            return await self._refused(admin, db_session, form, email=_(EMAIL_TAKEN))
        try:
            await accounts.create(
                email=fields.email,
                password=fields.password,
                county_slug=county.slug if county else None,
                platform=county is None,
                must_change_password=True,
                actor=admin.user,
                client_address=client_address(request),
            )
            await db_session.commit()  # redirects are not autocommitted
        except (AccountError, IntegrityError) as taken:  # created at the same instant by another request
            if isinstance(taken, IntegrityError):
                await db_session.rollback()
                await refresh_after_rollback(db_session, admin)
            return await self._refused(admin, db_session, form, email=_(EMAIL_TAKEN))
        return _see(LIST_PATH)

    @post("/{user_id:int}/active", name="admin:user-active", dependencies={"target": Provide(provide_target)})
    async def set_active(
        self, request: Request, admin: CurrentAdmin, accounts: Accounts, target: Target, data: FormData
    ) -> Template | Redirect:
        active = read_form(ActiveForm, data).data
        try:
            await accounts.set_active(
                admin.user, target, bool(active and active.active), client_address(request)
            )
        except AccountError:
            return await self._list(admin, accounts, {target.id: _(NOT_YOURSELF)})
        await accounts.session.commit()  # redirects are not autocommitted
        return _see(LIST_PATH)

    @post(
        "/{user_id:int}/password",
        name="admin:user-password",
        dependencies={"target": Provide(provide_target)},
    )
    async def reset_password(
        self, request: Request, admin: CurrentAdmin, accounts: Accounts, target: Target, data: FormData
    ) -> Template | Redirect:
        form = read_form(PasswordResetForm, data)
        error = form.error
        if form.data is not None:
            try:
                await accounts.reset_password(admin.user, target, form.data.password, client_address(request))
            except AccountError:  # the password contains this account's email
                error = _(N_("A password must not contain the email address."))
            else:
                await accounts.session.commit()
                return _see(LIST_PATH)
        return await self._list(admin, accounts, {target.id: error})

    @staticmethod
    async def _list(
        admin: CurrentAdmin, accounts: Accounts, errors: dict[int, str] | None = None
    ) -> Template:
        """The list; with ``errors`` (by account id), refused and shown again with them."""
        context = {"admin": admin, "users": await accounts.admins(), "errors": errors or {}}
        return Template(
            "admin/users.html", context=context, status_code=HTTP_400_BAD_REQUEST if errors else 200
        )

    @staticmethod
    async def _form(
        admin: CurrentAdmin, db_session: DbSession, form: SubmittedForm, *, status_code: int = 200
    ) -> Template:
        counties = list(await db_session.scalars(select(County).order_by(County.slug)))
        context: dict[str, Any] = {"admin": admin, "form": form, "counties": counties, "roles": ROLES}
        return Template("admin/user_form.html", context=context, status_code=status_code)

    async def _refused(
        self, admin: CurrentAdmin, db_session: DbSession, form: SubmittedForm, **errors: str
    ) -> Template:
        form = SubmittedForm(values=form.values, errors=errors)
        return await self._form(admin, db_session, form, status_code=HTTP_400_BAD_REQUEST)
