"""Languages: Simplified Chinese by default, English on request.

Interface strings are English msgids translated through Babel gettext catalogs in
``storefront/locale``; content (names, stories) is stored in ``*_zh`` / ``*_en`` columns and falls
back to Chinese where no English was written.
"""

from __future__ import annotations

import datetime
import io
from contextvars import ContextVar
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

if TYPE_CHECKING:
    from litestar import Request

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANGUAGE_COOKIE = "lang"
LOCALE_DIR = Path(__file__).parent / "locale"
_BABEL_LOCALES = {"zh": "zh_Hans", "en": "en"}
MAX_REMEMBERED_ACCEPT = 256
"""Browsers send under 100 characters; remembering longer headers would let a client fill memory."""

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> NullTranslations:
    """Compile the language's .po catalog in memory (no build step, no binary files in git)."""
    po_file = LOCALE_DIR / _BABEL_LOCALES[language] / "LC_MESSAGES" / "messages.po"
    if not po_file.exists():
        return NullTranslations()
    with po_file.open("rb") as fp:
        catalog = read_po(fp, locale=_BABEL_LOCALES[language])
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def gettext(message: str) -> str:
    return translations(current_language.get()).gettext(message)


def N_(message: str) -> str:
    """Mark a string for the catalog where it is defined; translate it with gettext where shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language.get()).ngettext(singular, plural, n)


def negotiate_language(request: Request) -> str:
    """``?lang=`` wins, then the remembered cookie, then ``Accept-Language``, then Chinese."""
    for candidate in (requested_language(request), request.cookies.get(LANGUAGE_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return accepted_language(request.headers.get("accept-language", ""))


def requested_language(request: Request) -> str | None:
    """The address's ``?lang=`` (the query is parsed only when it has one: most have none)."""
    if b"lang=" not in request.scope.get("query_string", b""):
        return None
    return request.query_params.get("lang")


def accepted_language(accept: str) -> str:
    """The language of ours an ``Accept-Language`` header ranks first; remembered when it is of a
    browser's size (a few browsers' headers make most requests), read afresh when longer."""
    if len(accept) > MAX_REMEMBERED_ACCEPT:
        return _first_accepted(accept)
    return _remembered_accepted(accept)


def _first_accepted(accept: str) -> str:
    ranked = []
    for index, part in enumerate(accept.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.strip().lower()[:2]))
    for _, _, code in sorted(ranked):
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


_remembered_accepted = lru_cache(maxsize=512)(_first_accepted)


class Localized:
    """Content columns come in pairs, ``name_zh`` and ``name_en``; read them through :meth:`t`."""

    def t(self, field: str, language: str | None = None) -> str:
        language = language or current_language.get()
        if language != DEFAULT_LANGUAGE:
            value = getattr(self, f"{field}_{language}", "")
            if value:
                return value
        return getattr(self, f"{field}_{DEFAULT_LANGUAGE}")


def day_label(day: datetime.date) -> str:
    """A day as the shopper's language writes it, with its weekday: 12月1日周二, Tue, Dec 1."""
    moment = datetime.datetime.combine(day, datetime.time())
    return format_skeleton("MMMEd", moment, locale=_BABEL_LOCALES[current_language.get()])
