"""Signing in and out, the two-factor code, and changing one's password (HTTP only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import segno
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST, HTTP_429_TOO_MANY_REQUESTS

from storefront.accounts.forms import CodeForm, PasswordForm, SignInForm
from storefront.accounts.passwords import password_problem, verify_password
from storefront.accounts.service import AccountService, Outcome, new_totp_secret, totp_uri
from storefront.accounts.sessions import (
    PENDING_KEY,
    client_address,
    pending,
    set_pending,
    sign_in,
    sign_out,
    signed_in_user_id,
)
from storefront.admin.guard import HOME_PATH, LOGIN_PATH, PASSWORD_PATH, CurrentAdmin
from storefront.db import DbSession
from storefront.forms import FormData, SubmittedForm, read_form
from storefront.i18n import N_
from storefront.i18n import gettext as _

if TYPE_CHECKING:
    from storefront.accounts.models import AdminUser

Accounts: TypeAlias = NamedDependency[AccountService]

WRONG_CREDENTIALS = N_("Wrong email or password.")
WRONG_CODE = N_("That code is not right. Please try the current code from your authenticator app.")
LOCKED = N_("Too many failed sign-ins. Please wait 15 minutes and try again.")
CODE_PATH = "/admin/login/code"


async def provide_accounts(db_session: DbSession) -> AccountService:
    return AccountService(db_session)


def _see(path: str) -> Redirect:
    return Redirect(path, status_code=HTTP_303_SEE_OTHER)


def _qr_code(uri: str) -> str:
    """The authenticator link as an SVG ``data:`` URI (the page's CSP allows ``data:`` images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=4)


class SignInController(Controller):
    path = "/"
    opt = {"admin_public": True}
    dependencies = {"accounts": Provide(provide_accounts)}

    @get("/login", name="admin:login-form")
    async def login_form(self, request: Request) -> Template | Redirect:
        if signed_in_user_id(request) is not None:
            return _see(HOME_PATH)
        return Template("admin/login.html", context={"form": SubmittedForm()})

    @post("/login", name="admin:login")
    async def login(self, request: Request, data: FormData, accounts: Accounts) -> Template | Redirect:
        form = read_form(SignInForm, data)
        if not form.is_valid:
            return Template("admin/login.html", context={"form": form}, status_code=HTTP_400_BAD_REQUEST)
        address = client_address(request)
        result = await accounts.check_password(form.data.email, form.data.password, address)
        if result.outcome is not Outcome.OK:
            locked = result.outcome is Outcome.LOCKED
            return Template(
                "admin/login.html",
                context={"form": form, "message": _(LOCKED if locked else WRONG_CREDENTIALS)},
                status_code=HTTP_429_TOO_MANY_REQUESTS if locked else HTTP_400_BAD_REQUEST,
            )
        user = result.user
        if user.totp_secret:
            set_pending(request, user)
            return _see(CODE_PATH)
        if user.is_platform_admin:  # two-factor is required: set it up now
            set_pending(request, user, new_totp_secret())
            return _see(CODE_PATH)
        return await self._complete(request, accounts, user, address)

    @get("/login/code", name="admin:code-form")
    async def code_form(self, request: Request, accounts: Accounts) -> Template | Redirect:
        state = pending(request)
        user = await accounts.get(state["user_id"]) if state else None
        if user is None:
            return _see(LOGIN_PATH)
        return Template("admin/code.html", context=self._code_context(user, state, SubmittedForm()))

    @post("/login/code", name="admin:code")
    async def code(self, request: Request, data: FormData, accounts: Accounts) -> Template | Redirect:
        state = pending(request)
        user = await accounts.get(state["user_id"]) if state else None
        if user is None or not user.is_active:
            return _see(LOGIN_PATH)
        form = read_form(CodeForm, data)
        if not form.is_valid:
            context = self._code_context(user, state, form)
            return Template("admin/code.html", context=context, status_code=HTTP_400_BAD_REQUEST)
        address = client_address(request)
        secret = user.totp_secret or state.get("secret")
        check = await accounts.check_code(user, secret, form.data.code, address)
        outcome = check.outcome
        if outcome is Outcome.LOCKED:
            request.session.pop(PENDING_KEY, None)
            context = {"form": SubmittedForm(), "message": _(LOCKED)}
            return Template("admin/login.html", context=context, status_code=HTTP_429_TOO_MANY_REQUESTS)
        if outcome is Outcome.WRONG:
            context = {**self._code_context(user, state, form), "message": _(WRONG_CODE)}
            return Template("admin/code.html", context=context, status_code=HTTP_400_BAD_REQUEST)
        if not user.totp_secret:
            await accounts.enable_two_factor(user, secret, check.step, address)
        return await self._complete(request, accounts, user, address)

    @post("/logout", name="admin:logout")
    async def logout(self, request: Request, accounts: Accounts) -> Redirect:
        user_id = signed_in_user_id(request)
        user = await accounts.get(user_id) if user_id is not None else None
        if user is not None:
            await accounts.signed_out(user, client_address(request))
        await sign_out(request)
        return _see(LOGIN_PATH)

    @staticmethod
    def _code_context(user, state, form) -> dict:  # type: ignore[no-untyped-def]
        context = {"form": form, "setup": None}
        if not user.totp_secret and state.get("secret"):
            uri = totp_uri(state["secret"], user.email)
            context["setup"] = {"secret": state["secret"], "qr": _qr_code(uri), "uri": uri}
        return context

    @staticmethod
    async def _complete(request: Request, accounts: AccountService, user, address: str) -> Redirect:  # type: ignore[no-untyped-def]
        await sign_in(request, user)
        await accounts.signed_in(user, address)
        return _see(PASSWORD_PATH if user.must_change_password else HOME_PATH)


def _refused_change(user: AdminUser, change: PasswordForm) -> dict[str, str]:
    """What the form alone cannot judge: the current password, and a new one that is the current
    one (a temporary password someone else set) or holds the account's email."""
    if not verify_password(user.password_hash, change.current_password):
        return {"current_password": _(N_("Your current password is not right."))}
    if change.new_password == change.current_password:
        return {"new_password": _(N_("Please choose a password other than your current one."))}
    if problem := password_problem(change.new_password, user.email):
        return {"new_password": _(problem)}
    return {}


class PasswordController(Controller):
    path = "/password"
    opt = {"password_change": True}
    dependencies = {"accounts": Provide(provide_accounts)}

    @get("/", name="admin:password-form")
    async def password_form(self, admin: CurrentAdmin) -> Template:
        return Template("admin/password.html", context={"admin": admin, "form": SubmittedForm()})

    @post("/", name="admin:password")
    async def change_password(
        self, request: Request, data: FormData, admin: CurrentAdmin, accounts: Accounts
    ) -> Template | Redirect:
        form = read_form(PasswordForm, data)
        if form.is_valid and (refused := _refused_change(admin.user, form.data)):
            form = SubmittedForm(values=form.values, errors=refused)
        if not form.is_valid:
            return Template(
                "admin/password.html",
                context={"admin": admin, "form": form},
                status_code=HTTP_400_BAD_REQUEST,
            )
        await accounts.change_password(admin.user, form.data.new_password, client_address(request))
        await sign_in(request, admin.user)  # this session goes on under the new password; others end
        return _see(HOME_PATH)
