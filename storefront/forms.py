"""HTML forms: each one a pydantic model, read through one adapter.

A handler takes the submitted body as :data:`FormData` (a dict, as Litestar reads
``application/x-www-form-urlencoded``) and calls :func:`read_form`. That gives back a
:class:`SubmittedForm`: the typed model when every field is right, otherwise one message per
field (all of them at once) in the visitor's language; either way what the visitor typed, to show
the form again.

Field rules raise :func:`field_error` with an English message marked ``N_``; only the adapter
translates (gettext), so the models know nothing of languages or requests. A value no browser
sends for a text field (a repeated field, a file, a list) is a message on that field, never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Generic, TypeAlias, TypeVar

from email_validator import EmailNotValidError, validate_email
from litestar.enums import RequestEncodingType
from litestar.params import Body
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from storefront.i18n import N_
from storefront.i18n import gettext as _

FormData: TypeAlias = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
"""A submitted HTML form, as Litestar parses it; read it with :func:`read_form`."""

UploadData: TypeAlias = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
"""A submitted form with files (``enctype="multipart/form-data"``): its text fields read with
:func:`read_form` like any form, its files as Litestar's ``UploadFile``."""

FIELD_ERROR = "form_field"
UNREADABLE = N_("This field could not be read; please fill it in again.")


def field_error(message: str, **params: Any) -> PydanticCustomError:
    """A rule's refusal: ``message`` is an ``N_``-marked msgid, ``params`` fill its ``%(name)s``."""
    return PydanticCustomError(FIELD_ERROR, message, {"message": message, **params})


def form_text(value: Any) -> str:
    """A typed value as text: trimmed, without NUL bytes (which no database column can hold)."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise field_error(UNREADABLE)
    return value.replace("\x00", "").strip()


def required(message: str) -> AfterValidator:
    def check(value: str) -> str:
        if not value:
            raise field_error(message)
        return value

    return AfterValidator(check)


def limited(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > limit:
            raise field_error(N_("Please keep this under %(limit)s characters."), limit=limit)
        return value

    return AfterValidator(check)


def clipped(limit: int) -> AfterValidator:
    """Cut to ``limit`` characters, for fields where anything longer can only find nothing."""
    return AfterValidator(lambda value: value[:limit])


Text = Annotated[str, BeforeValidator(form_text)]
"""A text field: trimmed, NUL bytes removed, anything but text refused."""


class FormModel(BaseModel):
    """Base of every HTML form: unknown fields ignored, defaults judged like typed values."""

    model_config = ConfigDict(extra="ignore", validate_default=True, frozen=True, hide_input_in_errors=True)


Form = TypeVar("Form", bound=FormModel)


@dataclass(frozen=True)
class SubmittedForm(Generic[Form]):
    """A form as submitted: ``values`` to show again, ``errors`` by field, ``data`` when valid."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    data: Form | None = None

    @property
    def is_valid(self) -> bool:
        return self.data is not None

    @property
    def error(self) -> str | None:
        """The first field's message, for forms that show one message rather than one a field."""
        return next(iter(self.errors.values()), None)

    def without_errors(self) -> SubmittedForm[Form]:
        """The same values, shown without judging them yet."""
        return replace(self, errors={}, data=None)


def read_form(model: type[Form], data: Mapping[str, Any] | None) -> SubmittedForm[Form]:
    """The adapter: a submitted body (every field a string, or whatever else a client sent) to
    the typed ``model`` or to per-field messages in the visitor's language."""
    data = data if isinstance(data, Mapping) else {}
    values = {name: _shown(data.get(name)) for name in model.model_fields}
    try:
        parsed = model.model_validate(dict(data))
    except ValidationError as error:
        return SubmittedForm(values=values, errors=messages(error))
    typed = {name: str(value) for name, value in parsed.model_dump().items()}  # normalized, e.g. the email
    return SubmittedForm(values={**values, **typed}, data=parsed)


def messages(error: ValidationError) -> dict[str, str]:
    """One message a field, in the visitor's language; the first rule a field broke wins."""
    found: dict[str, str] = {}
    for detail in error.errors(include_url=False, include_input=False):
        name = str(detail["loc"][0]) if detail["loc"] else ""
        context = dict(detail.get("ctx") or {})
        if detail["type"] == FIELD_ERROR:
            message = _(context.pop("message"))
            found.setdefault(name, message % context if context else message)
        else:  # pydantic's own checks (a type no rule expected): not meant for shoppers' eyes
            found.setdefault(name, _(UNREADABLE))
    return found


def _shown(value: Any) -> str:
    """What the visitor typed, as text to fill the field with again (nothing for unreadable values)."""
    try:
        return form_text(value)
    except PydanticCustomError:
        return ""


def mail_address(value: str) -> str:
    """Only addresses a mail server can take (``strict`` also limits the part before the @)."""
    try:
        return validate_email(value, check_deliverability=False, strict=True).normalized
    except EmailNotValidError:
        raise field_error(N_("This email address does not look right.")) from None


def without_separators(value: str) -> str:
    """A number as typed with spaces or hyphens (138-0013-8000), as it is kept and looked up."""
    return value.replace(" ", "").replace("-", "")
