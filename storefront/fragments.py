"""Addresses that answer HTMX with a fragment of their page: which requests get the fragment, and
the ``Vary`` header that keeps a browser from showing one in the other's place.

A browser keeps the last answer of an address, whoever asked for it: without ``Vary``, Back to an
address HTMX put in the history (``hx-push-url``) or asked for itself (a poll) can show the bare
fragment, without the page's header, styles or ``lang``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template
from litestar.status_codes import HTTP_200_OK, HTTP_400_BAD_REQUEST, HTTP_422_UNPROCESSABLE_ENTITY

FRAGMENT_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")
"""The request headers that choose between the page and its fragment."""
VARY = {"vary": ", ".join(FRAGMENT_HEADERS)}


def from_htmx(request: Request) -> bool:
    """Asked by HTMX (for a fragment, a boosted page or a page of its history). The header is read
    as it came, as the page cache's key reads it (``fragment_cache_key``), never decoded as
    ``request.htmx`` decodes it: a request must not get one answer and be cached as the other."""
    return request.headers.get("hx-request") == "true"


def wants_fragment(request: Request) -> bool:
    """HTMX swapping part of the page; not a boosted link or form nor HTMX restoring a page of its
    history, which both replace the whole page."""
    headers = request.headers
    return (
        from_htmx(request)
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def refusal_status(request: Request) -> int:
    """The status of a refused form shown again: 422 for its fragment, 400 for the page."""
    return HTTP_422_UNPROCESSABLE_ENTITY if wants_fragment(request) else HTTP_400_BAD_REQUEST


def page_or_fragment(
    request: Request,
    page: str,
    fragment: str,
    context: dict[str, Any],
    *,
    status_code: int = HTTP_200_OK,
    headers: dict[str, str] | None = None,
) -> Template:
    """The ``fragment`` template for HTMX (:func:`wants_fragment`), else the whole ``page``; each
    answer says that it depends on the HTMX headers."""
    template = fragment if wants_fragment(request) else page
    return Template(template, context=context, status_code=status_code, headers={**VARY, **(headers or {})})
