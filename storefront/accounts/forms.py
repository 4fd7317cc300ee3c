"""The sign-in, two-factor and password forms, read through :func:`storefront.forms.read_form`."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, ValidationInfo, field_validator

from storefront.accounts.models import Role
from storefront.accounts.passwords import MAX_LENGTH, password_problem
from storefront.accounts.service import normalize_email
from storefront.forms import FormModel, Text, field_error, limited, mail_address, required
from storefront.i18n import N_


def _password_text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise field_error(N_("This field could not be read; please fill it in again."))
    return value.replace("\x00", "")


RawPassword = Annotated[str, BeforeValidator(_password_text), limited(MAX_LENGTH)]


class SignInForm(FormModel):
    email: Annotated[
        Text, required(N_("Please enter your email address.")), limited(254), AfterValidator(normalize_email)
    ] = ""
    password: Annotated[RawPassword, required(N_("Please enter your password."))] = ""


class CodeForm(FormModel):
    code: Annotated[
        Text,
        AfterValidator(lambda value: value.replace(" ", "")),
        required(N_("Please enter the 6-digit code from your authenticator app.")),
        limited(6),
    ] = ""


class PasswordForm(FormModel):
    """The current password (checked by the service), a new one and the same again."""

    current_password: Annotated[RawPassword, required(N_("Please enter your current password."))] = ""
    new_password: Annotated[RawPassword, required(N_("Please choose a new password."))] = ""
    confirm_password: RawPassword = ""

    @field_validator("new_password")
    @classmethod
    def _strong(cls, value: str) -> str:
        if problem := password_problem(value):
            raise field_error(problem)
        return value

    @field_validator("confirm_password")
    @classmethod
    def _same(cls, value: str, info: ValidationInfo) -> str:
        if "new_password" in info.data and value != info.data["new_password"]:
            raise field_error(N_("The two new passwords are not the same."))
        return value


class CountyChoiceForm(FormModel):
    """A platform admin's choice of county (empty: none), and the admin page to go back to."""

    county_id: Annotated[Text, limited(18)] = ""
    next: Annotated[Text, limited(500)] = ""

    @field_validator("county_id")
    @classmethod
    def _number(cls, value: str) -> str:
        if value and not value.isdigit():
            raise field_error(N_("Please choose a county."))
        return value

    @field_validator("next")
    @classmethod
    def _admin_page(cls, value: str) -> str:
        """Only a page of the admin on this site (never ``//elsewhere`` or a full address)."""
        return value if value.startswith("/admin/") and "//" not in value and "\\" not in value else "/admin/"


# A platform admin's forms for other accounts (/admin/users).

ROLES = (Role.COUNTY_ADMIN, Role.PLATFORM_ADMIN)


def _temporary_password(value: str, info: ValidationInfo) -> str:
    """The same rules as a password one chooses oneself (and not the account's email)."""
    if problem := password_problem(value, info.data.get("email", "")):
        raise field_error(problem)
    return value


class NewAdminForm(FormModel):
    """A new admin: email, role (a county admin of ``county_id``, or a platform admin) and the
    temporary password the account must replace at its first sign-in."""

    email: Annotated[
        Text,
        required(N_("Please enter the email address.")),
        limited(254),
        AfterValidator(mail_address),
        AfterValidator(normalize_email),
    ] = ""
    role: Annotated[Text, limited(20)] = Role.COUNTY_ADMIN
    county_id: Annotated[Text, limited(18)] = ""
    password: Annotated[RawPassword, required(N_("Please type a temporary password."))] = ""

    @field_validator("role")
    @classmethod
    def _role(cls, value: str) -> str:
        if value not in ROLES:
            raise field_error(N_("Please choose a role."))
        return value

    @field_validator("county_id")
    @classmethod
    def _county(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("role") != Role.COUNTY_ADMIN:
            return ""
        if not value.isdigit():
            raise field_error(N_("Please choose the county this admin runs."))
        return value

    _password = field_validator("password")(_temporary_password)


class PasswordResetForm(FormModel):
    """A new temporary password for another account (checked against its email by the service)."""

    password: Annotated[RawPassword, required(N_("Please type a temporary password."))] = ""

    _password = field_validator("password")(_temporary_password)
