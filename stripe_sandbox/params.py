"""Stripe's request encoding and error shapes.

Stripe's v1 API takes ``application/x-www-form-urlencoded`` parameters in which brackets nest
objects and arrays (``line_items[0][price_data][unit_amount]=1280``, ``metadata[order_id]=5``).
:func:`decode_form` turns them back into dicts and lists; :class:`Form` reads them with the same
errors Stripe gives, each naming the offending parameter in the same bracket notation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
_CURRENCY = re.compile(r"^[a-z]{3}$")
_INTEGER = re.compile(r"^-?[0-9]+$")

METADATA_MAX_KEYS = 50
METADATA_KEY_MAX_LENGTH = 40
METADATA_VALUE_MAX_LENGTH = 500


class StripeError(Exception):
    """An error answered in Stripe's shape: ``{"error": {"type", "message", "param", "code"}}``."""

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        status: int = 400,
        type: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code
        self.status = status
        self.type = type

    def as_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.param is not None:
            error["param"] = self.param
        if self.code is not None:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        return {"error": error}


def missing(param: str) -> StripeError:
    return StripeError(f"Missing required param: {param}.", param=param, code="parameter_missing")


def no_such(kind: str, object_id: str, param: str | None = None) -> StripeError:
    return StripeError(f"No such {kind}: '{object_id}'", param=param, code="resource_missing", status=404)


def decode_form(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Nest bracket-encoded pairs; objects whose keys are all indexes become lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        path = [match.group(1), *_SEGMENT.findall(match.group(2))] if match else [key]
        node = root
        for depth, segment in enumerate(path):
            name = _name(path[: depth + 1])
            if segment == "":
                segment = str(len(node))
            if depth == len(path) - 1:
                if isinstance(node.get(segment), dict):
                    raise StripeError(f"Invalid hash or array: {name}", param=name)
                node[segment] = value
            else:
                child = node.setdefault(segment, {})
                if not isinstance(child, dict):
                    raise StripeError(f"Invalid hash or array: {name}", param=name)
                node = child
    return _listify(root, "")


def _name(path: list[str]) -> str:
    return path[0] + "".join(f"[{segment}]" for segment in path[1:])


def _listify(node: dict[str, Any], name: str) -> Any:
    for key, value in node.items():
        if isinstance(value, dict):
            node[key] = _listify(value, f"{name}[{key}]" if name else key)
    if node and name and all(key.isdigit() for key in node):
        indexes = sorted(int(key) for key in node)
        if indexes != list(range(len(indexes))):
            raise StripeError(f"Invalid array: {name} has indexes {indexes}", param=name)
        return [node[str(index)] for index in indexes]
    return node


class Form:
    """Typed, validated access to one level of decoded parameters.

    ``prefix`` is the bracket path of this level, so every error names the full parameter the
    way Stripe does (``line_items[1][price_data][currency]``).
    """

    def __init__(self, data: dict[str, Any], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix

    def name(self, key: str | int) -> str:
        return f"{self.prefix}[{key}]" if self.prefix else str(key)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def only(self, *allowed: str) -> Form:
        """Refuse parameters this endpoint does not know, as Stripe does (typos fail loudly)."""
        for key in self.data:
            if key not in allowed:
                raise StripeError(
                    f"Received unknown parameter: {self.name(key)}",
                    param=self.name(key),
                    code="parameter_unknown",
                )
        return self

    def string(
        self,
        key: str | int,
        *,
        required: bool = False,
        choices: Iterable[str] | None = None,
        max_length: int = 5000,
    ) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise missing(self.name(key))
            return None
        if not isinstance(value, str):
            raise StripeError(
                f"Invalid string: {self.name(key)} must be a string, not an object or array",
                param=self.name(key),
            )
        if len(value) > max_length:
            raise StripeError(
                f"Invalid string: {self.name(key)} must be at most {max_length} characters",
                param=self.name(key),
            )
        if choices is not None and value not in choices:
            raise StripeError(
                f"Invalid {self.name(key)}: must be one of {', '.join(choices)}",
                param=self.name(key),
            )
        return value

    def integer(self, key: str, *, required: bool = False, minimum: int | None = None) -> int | None:
        raw = self.string(key, required=required)
        if raw is None:
            return None
        if not _INTEGER.match(raw):
            raise StripeError(
                f"Invalid integer: {raw}", param=self.name(key), code="parameter_invalid_integer"
            )
        value = int(raw)
        if minimum is not None and value < minimum:
            kind = "positive integer" if minimum == 1 else f"integer (at least {minimum})"
            raise StripeError(
                f"Invalid {kind}: {raw}", param=self.name(key), code="parameter_invalid_integer"
            )
        return value

    def currency(self, key: str, *, required: bool = False) -> str | None:
        raw = self.string(key, required=required)
        if raw is None:
            return None
        if not _CURRENCY.match(raw.lower()):
            raise StripeError(f"Invalid currency: {raw}", param=self.name(key))
        return raw.lower()

    def url(self, key: str, *, required: bool = False) -> str | None:
        raw = self.string(key, required=required, max_length=5000)
        if raw is None:
            return None
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise StripeError("Not a valid URL", param=self.name(key), code="url_invalid")
        return raw

    def hash(self, key: str, *, required: bool = False) -> Form | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise missing(self.name(key))
            return None
        if not isinstance(value, dict):
            raise StripeError(f"Invalid object: {self.name(key)} must be a hash", param=self.name(key))
        return Form(value, self.name(key))

    def array(self, key: str, *, required: bool = False) -> list[Any]:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise missing(self.name(key))
            return []
        if not isinstance(value, list):
            raise StripeError(f"Invalid array: {self.name(key)} must be an array", param=self.name(key))
        return value

    def hashes(self, key: str, *, required: bool = False) -> list[Form]:
        forms = []
        for index, item in enumerate(self.array(key, required=required)):
            name = f"{self.name(key)}[{index}]"
            if not isinstance(item, dict):
                raise StripeError(f"Invalid object: {name} must be a hash", param=name)
            forms.append(Form(item, name))
        return forms

    def strings(self, key: str, *, choices: Iterable[str] | None = None) -> list[str]:
        holder = Form(dict(enumerate(self.array(key))), self.name(key))
        return [holder.string(index, required=True, choices=choices) for index in holder.data]

    def metadata(self, key: str = "metadata") -> dict[str, str]:
        form = self.hash(key)
        if form is None:
            return {}
        if len(form.data) > METADATA_MAX_KEYS:
            raise StripeError(f"Invalid {form.prefix}: at most {METADATA_MAX_KEYS} keys", param=form.prefix)
        metadata = {}
        for meta_key in form.data:
            if len(meta_key) > METADATA_KEY_MAX_LENGTH:
                raise StripeError(
                    f"Invalid {form.prefix}: keys must be at most {METADATA_KEY_MAX_LENGTH} characters",
                    param=form.name(meta_key),
                )
            value = form.string(meta_key, max_length=METADATA_VALUE_MAX_LENGTH)
            if value is not None:
                metadata[meta_key] = value
        return metadata
