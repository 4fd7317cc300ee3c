"""The checkout form: validated at the edge, every error next to its field, nothing typed lost."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email

from storefront.checkout import divisions
from storefront.i18n import gettext as _

MOBILE = re.compile(r"1[3-9][0-9]{9}")
POSTAL_CODE = re.compile(r"[0-9]{6}")
FIELDS = ("email", "recipient", "mobile", "province", "city", "district", "address", "postal_code", "note")
LIMITS = {"email": 254, "recipient": 50, "address": 200, "note": 500}


def form_text(value: Any) -> str:
    """A typed value as text: trimmed, without NUL bytes (which no database column can hold)."""
    return str(value or "").replace("\x00", "").strip()


@dataclass
class CheckoutForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    names: tuple[str, str, str] = ("", "", "")

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @classmethod
    def parse(cls, data: dict[str, Any]) -> CheckoutForm:
        values = {name: form_text(data.get(name)) for name in FIELDS}
        values["mobile"] = values["mobile"].replace(" ", "").replace("-", "")
        form = cls(values=values)
        form._validate()
        return form

    def _require(self, name: str, message: str) -> bool:
        if not self.values[name]:
            self.errors[name] = message
            return False
        return True

    def _validate(self) -> None:
        values = self.values
        if self._require("email", _("Please enter your email address.")):
            self._validate_email()
        self._require("recipient", _("Please enter the recipient's name."))
        if self._require("mobile", _("Please enter a mobile number.")) and not MOBILE.fullmatch(
            values["mobile"]
        ):
            self.errors["mobile"] = _("A mobile number has 11 digits and starts with 13 to 19.")
        if self._require("province", _("Please choose a province.")) and self._require(
            "city", _("Please choose a city.")
        ):
            names = divisions.resolve(values["province"], values["city"], values["district"])
            if names is None:
                self.errors["district"] = _("Please choose a district of the chosen city.")
            else:
                self.names = names
        self._require("address", _("Please enter the street address."))
        if values["postal_code"] and not POSTAL_CODE.fullmatch(values["postal_code"]):
            self.errors["postal_code"] = _("A postal code has 6 digits.")
        for name, limit in LIMITS.items():
            if len(values[name]) > limit:
                self.errors[name] = _("Please keep this under %(limit)s characters.") % {"limit": limit}

    def _validate_email(self) -> None:
        """Only addresses a mail server can take (``strict`` also limits the part before the @)."""
        try:
            checked = validate_email(self.values["email"], check_deliverability=False, strict=True)
        except EmailNotValidError:
            self.errors["email"] = _("This email address does not look right.")
        else:
            self.values["email"] = checked.normalized
