"""Creators' referral links: ``?ref=CODE`` on a county's shop is remembered for that county only,
with the time of the click, for 30 days; the last click wins. At checkout the code is resolved to
the county's creator (:func:`storefront.metrics.creators.referring_creator`).

Design: two cookies, written together (:func:`referral_cookies`, added to the response by
:class:`storefront.metrics.events.EventMiddleware`) on a shop request that carries a valid code,
both scoped to the shop that was visited, so that a browser sends them back to that shop only:

- on the platform's host (path-routed shops) with ``Path=/c/{slug}``: the browser sends them to
  ``/c/{slug}`` and everything below it, never to ``/c/{other}`` (nor to ``/c/{slug}x``);
- on a county's own host (subdomain or custom domain) with ``Path=/`` and no ``Domain``: a host-only
  cookie, which that host alone gets back.

``ref`` holds the code itself; ``ref_at`` holds ``{slug}.{unix seconds of the click}``, naming the
county as well. :func:`referral_of` trusts the code only when ``ref_at`` names the county of the
request's shop and the click is less than 30 days old, so a cookie sent where it does not belong (one
written before the cookies were scoped, or one set by hand) attributes nothing. When a browser sends
several cookies of one name, the one of the longest path comes first (RFC 6265, 5.4): that one, the
shop's own, is read.

A ``?ref=`` on a page of no shop (the directory of counties) is remembered host-wide as before, as
``ref`` alone: it is in force in no shop, since codes are each county's own.

The cookies are added outside the page cache, to that visitor's response only, and a referral visit
creates no server-side session: a livestream's thousands of ``?ref=`` visitors all get the cached page.
"""

from __future__ import annotations

import datetime
import re

from litestar import Request
from litestar.types import Scope

from storefront.clock import utcnow
from storefront.origins import HOST_COUNTY_KEY
from storefront.web import first_cookies

REFERRAL_PARAM = "ref"
COOKIE_NAME = "ref"
CLICK_COOKIE_NAME = "ref_at"
REFERRAL_LIFETIME = datetime.timedelta(days=30)
COOKIE_MAX_AGE = int(REFERRAL_LIFETIME.total_seconds())
CLOCK_SKEW = datetime.timedelta(minutes=5)
"""A click this far in the future still counts (several servers' clocks)."""
VALID_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")
SHOP_PATH = re.compile(r"/c/([a-z0-9-]{1,63})(?:/|$)")
CLICK = re.compile(r"([a-z0-9-]{1,63})\.([0-9]{1,12})")


def shop_slug(scope: Scope) -> str | None:
    """The county whose shop a request is for (the path, already rewritten on a county's host)."""
    found = SHOP_PATH.match(scope.get("path", ""))
    return found.group(1) if found else None


def referral_cookies(scope: Scope) -> list[tuple[str, str, str]]:
    """The cookies (name, value, path) a visit with a valid ``ref`` code gets: the last click wins,
    a new code replaces the one before, with its own time. None without a valid code."""
    code = clicked_code(scope)
    if code is None:
        return []
    slug = shop_slug(scope)
    if slug is None:
        return [(COOKIE_NAME, code, "/")]
    path = "/" if scope["state"].get(HOST_COUNTY_KEY) == slug else f"/c/{slug}"
    return [(COOKIE_NAME, code, path), (CLICK_COOKIE_NAME, f"{slug}.{int(utcnow().timestamp())}", path)]


def clicked_code(scope: Scope) -> str | None:
    """A valid creator's code clicked on this very request (``?ref=``)."""
    if b"ref=" not in scope.get("query_string", b""):  # most requests: no parsing at all
        return None
    code = Request(scope).query_params.get(REFERRAL_PARAM)
    return code if code and VALID_CODE.fullmatch(code) else None


def referral_in(scope: Scope) -> tuple[str, datetime.datetime] | None:
    """The code in force for this request's shop and the time of its click."""
    cookies = first_cookies(scope)
    code = cookies.get(COOKIE_NAME)
    if not code:
        return None
    click = CLICK.fullmatch(cookies.get(CLICK_COOKIE_NAME, ""))
    slug = shop_slug(scope)
    if not (VALID_CODE.fullmatch(code) and click and slug and click.group(1) == slug):
        return None
    try:
        clicked_at = datetime.datetime.fromtimestamp(int(click.group(2)), datetime.UTC)
    except (OverflowError, ValueError, OSError):
        return None
    now = utcnow()
    if not now - REFERRAL_LIFETIME <= clicked_at <= now + CLOCK_SKEW:
        return None
    return code, clicked_at


def referral_of(request: Request) -> str | None:
    """The creator's code in force for this request's shop (clicked there in the last 30 days)."""
    found = referral_in(request.scope)
    return found[0] if found else None


def referral_clicked_at(request: Request) -> datetime.datetime | None:
    """When the code of :func:`referral_of` was clicked (UTC)."""
    found = referral_in(request.scope)
    return found[1] if found else None
