"""The facts shoppers leave, recorded on our own server (no third-party script).

Kinds: :data:`VISIT`, :data:`PAGE_VIEW`, :data:`PRODUCT_VIEW`, :data:`SEARCH`, :data:`ADD_TO_CART`,
:data:`CHECKOUT_STARTED` come through the buffered recorder (``storefront.metrics.recorder``);
:data:`ORDER_PAID` and :data:`ORDER_REFUNDED` are money facts, added to the session of the payment
change itself (:func:`add_order_paid`, :func:`add_order_refunded`), so they are written, or rolled
back, with it: never lost, never doubled.

Who: an anonymous visitor id in the first-party cookie ``vid`` (random, one year, nothing personal,
no server-side session). A visit is a visitor's first page view of a 30-minute stretch: the
short-lived cookie ``visit`` (scoped to the shop, like the referral cookies) is renewed on every
page view and a page view without it starts a visit; so does a creator's ``?ref=`` click.

:class:`EventMiddleware` sits outside the page cache (``storefront.page_cache``): a page served
from the cache still counts, and the cookies go on that visitor's copy of the response only.
A cached page view costs no database query: the county and the product are named by their slugs
from the route and the batch writer resolves them, one query a batch.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import quote, unquote

from litestar import Request
from litestar.middleware import ASGIMiddleware
from sqlalchemy import delete, func, select

from storefront.clock import beijing_date, utcnow
from storefront.i18n import requested_language
from storefront.metrics.buyers import add_buyer_order
from storefront.metrics.locks import lock_county_rollups
from storefront.metrics.models import Creator, DailyMetric, Event, MonthlyMetric
from storefront.metrics.recorder import PendingEvent
from storefront.metrics.referrals import COOKIE_MAX_AGE, clicked_code, referral_cookies, referral_in
from storefront.origins import HOST_COUNTY_KEY
from storefront.web import first_cookies, hex_tokens

if TYPE_CHECKING:
    import datetime

    from litestar.types import ASGIApp, Message, Receive, Scope, Send
    from sqlalchemy.ext.asyncio import AsyncSession

    from storefront.metrics.recorder import EventRecorder
    from storefront.orders.models import Order

VISIT = "visit"
PAGE_VIEW = "page_view"
PRODUCT_VIEW = "product_view"
SEARCH = "search"
ADD_TO_CART = "add_to_cart"
CHECKOUT_STARTED = "checkout_started"
ORDER_PAID = "order_paid"
ORDER_REFUNDED = "order_refunded"
KINDS = (VISIT, PAGE_VIEW, PRODUCT_VIEW, SEARCH, ADD_TO_CART, CHECKOUT_STARTED, ORDER_PAID, ORDER_REFUNDED)

VISITOR_COOKIE = "vid"
VISITOR_MAX_AGE = 365 * 24 * 3600
VISIT_COOKIE = "visit"
VISIT_SECONDS = 30 * 60
VISITOR_KEY = "visitor"
"""Where the request's visitor id (from ``vid``, or new) is kept in the scope state."""
HEAD_REQUEST = "head_request"
"""Set in the scope state by the app when a ``HEAD`` request is about to be routed as ``GET``."""
VALID_VISITOR = re.compile(r"[0-9a-f]{32}")

PHONE, TABLET, DESKTOP = "phone", "tablet", "desktop"
_TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook|(android(?!.*mobile))", re.IGNORECASE)
_PHONE = re.compile(r"mobi|iphone|ipod|android|windows phone|blackberry|opera mini", re.IGNORECASE)
_BROWSER = re.compile(r"(?:Mozilla|Opera)/")
"""Every browser (WeChat's and Alipay's built-in ones too) names itself so; HTTP libraries do not."""
_BOT = re.compile(
    r"(?<!cu)bot\b|crawl|spider|slurp|archiver|facebookexternalhit|headlesschrome|lighthouse|pingdom"
    r"|uptime|monitor|statuscake|kube-probe|healthcheck|scrapy|feedfetcher|preview",
    re.IGNORECASE,
)
NOT_PAGES = frozenset({"cart:count", "checkout:divisions"})
"""Shop routes that answer with a fragment for another page, never a page of their own."""
PRODUCT_ROUTE = "shop:product"
SEARCH_ROUTE = "shop:search"
Headers: TypeAlias = list[tuple[bytes, bytes]]
SEARCH_HEADER = b"x-storefront-search"
"""How the search page tells :class:`EventMiddleware` the search to record (:func:`search_header`):
a header of its response, kept with it in the page cache so a search served from there still
counts, and taken off before the response leaves."""


_VISITOR_IDS = hex_tokens(16)


def device_of(user_agent: str) -> str:
    """phone, tablet or desktop, from a few clear signs in the User-Agent."""
    if _TABLET.search(user_agent):
        return TABLET
    if _PHONE.search(user_agent):
        return PHONE
    return DESKTOP


def is_bot(user_agent: str) -> bool:
    """Crawlers and monitors, and clients that are not browsers at all (scripts, HTTP libraries)."""
    return not _BROWSER.match(user_agent) or bool(_BOT.search(user_agent))


@functools.lru_cache(maxsize=4096)
def shopper_device(user_agent: bytes) -> str | None:
    """The device of a shopper's browser, or None for a bot. Remembered: a few browsers make most
    requests, and the patterns cost more than all the rest of recording a page view."""
    agent = user_agent.decode("latin-1")
    return None if is_bot(agent) else device_of(agent)


def _user_agent(scope: Scope) -> bytes:
    return next((value for key, value in scope["headers"] if key == b"user-agent"), b"")


def _visitor_of(scope: Scope) -> str | None:
    value = first_cookies(scope).get(VISITOR_COOKIE)
    return value if value and VALID_VISITOR.fullmatch(value) else None


def code_in_force(scope: Scope) -> str | None:
    """The creator's code this request counts for: one clicked now, or the shop's referral."""
    if clicked := clicked_code(scope):
        return clicked
    referral = referral_in(scope)
    return referral[0] if referral else None


def search_header(query: str, results: int) -> dict[str, str]:
    """The response header that records a finished search for ``query``, which found ``results``."""
    return {SEARCH_HEADER.decode(): f"{results} {quote(query)}"}


def _search_in(headers: Headers) -> tuple[Headers, tuple[str, int] | None]:
    """The headers without the search page's :data:`SEARCH_HEADER`, and the search it names."""
    for index, (key, value) in enumerate(headers):
        if key == SEARCH_HEADER:
            results, _, query = value.decode("latin-1").partition(" ")
            return [*headers[:index], *headers[index + 1 :]], (unquote(query), int(results))
    return headers, None


def _recorder(scope: Scope) -> EventRecorder | None:
    return scope["litestar_app"].state.get("events")


def _facts(scope: Scope, device: str, visitor: str) -> tuple[Any, ...]:
    """What every event of the request carries, in :class:`PendingEvent`'s order after its kind."""
    county = scope["state"].get("county")
    county_id = county.id if county is not None else None
    slug = scope["path_params"].get("county_slug", "")
    return utcnow(), county_id, slug, visitor, code_in_force(scope), device


def record(request: Request, kind: str, **fields: Any) -> None:
    """Queue one shopper event of the request's shop (``query``, ``results``, ``product_id``...);
    never blocks, never fails the page (a full queue drops it and counts it)."""
    scope = request.scope
    recorder = _recorder(scope)
    if recorder is None or (device := shopper_device(_user_agent(scope))) is None:
        return
    facts = _facts(scope, device, scope["state"].get(VISITOR_KEY) or _visitor_of(scope) or "")
    recorder.put(PendingEvent(kind, *facts)._replace(**fields))


class EventMiddleware(ASGIMiddleware):
    """Gives each shop visitor a ``vid``, a creator's link's visitor the referral cookies
    (``storefront.metrics.referrals``), and records page views, visits and product views; outside
    the page cache, so cached pages count and never carry one visitor's cookie to another.

    Every shop request passes here, cached pages at several thousand a second: the request is read
    once (:func:`~storefront.web.first_cookies`), the User-Agent's verdict is remembered, and the
    cookies are written by hand (Litestar's ``Cookie`` goes through ``SimpleCookie``, 150 µs).
    """

    def __init__(self, *, secure: bool = False) -> None:
        self.flags = "; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")

    def _cookie(self, key: str, value: str, max_age: int, path: str = "/") -> tuple[bytes, bytes]:
        """A ``Set-Cookie`` header (names, values, paths here: ASCII letters, digits and ``-_./``)."""
        return b"set-cookie", f"{key}={value}; Max-Age={max_age}; Path={path}{self.flags}".encode()

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        referral = [
            self._cookie(key, value, COOKIE_MAX_AGE, path) for key, value, path in referral_cookies(scope)
        ]
        searching = scope["route_handler"].name == SEARCH_ROUTE
        passing = self._with_headers(send, referral) if referral or searching else send
        slug = scope["path_params"].get("county_slug")
        if slug is None or scope["state"].get(HEAD_REQUEST) or (recorder := _recorder(scope)) is None:
            await next_app(scope, receive, passing)
            return
        user_agent = fragment = b""
        for key, value in scope["headers"]:
            if key == b"user-agent":
                user_agent = value
            elif key == b"hx-request":
                fragment = value
        device = shopper_device(user_agent)
        if device is None:
            await next_app(scope, receive, passing)
            return
        visitor = _visitor_of(scope)
        new_visitor = visitor is None
        scope["state"][VISITOR_KEY] = visitor = visitor or next(_VISITOR_IDS)
        is_page = (
            scope["method"] == "GET" and scope["route_handler"].name not in NOT_PAGES and fragment != b"true"
        )

        async def send_recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers, search = [*message.get("headers", ()), *referral], None
                if searching:
                    headers, search = _search_in(headers)
                    search = None if requested_language(Request(scope)) else search  # the same search
                if new_visitor:
                    headers.append(self._cookie(VISITOR_COOKIE, visitor, VISITOR_MAX_AGE))
                if is_page and message["status"] == 200 and _is_html(headers):
                    on_own_host = scope["state"].get(HOST_COUNTY_KEY) == slug
                    path = "/" if on_own_host else f"/c/{slug}"
                    headers.append(self._cookie(VISIT_COOKIE, "1", VISIT_SECONDS, path))
                    _record_page(scope, recorder, device, visitor, search)
                message = {**message, "headers": headers}
            await send(message)

        await next_app(scope, receive, send_recording)

    @staticmethod
    def _with_headers(send: Send, headers: Headers) -> Send:
        """``send``, adding ``headers`` to the response and taking the search page's header off."""

        async def send_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": _search_in([*message.get("headers", ()), *headers])[0]}
            await send(message)

        return send_headers


def _record_page(
    scope: Scope, recorder: EventRecorder, device: str, visitor: str, search: tuple[str, int] | None
) -> None:
    """The page view; a visit first when the visitor's ``visit`` cookie lapsed or a new creator's
    link was clicked (reloading the same link is no new visit); a product view on a product page;
    the search a search page names (:func:`search_header`)."""
    facts = _facts(scope, device, visitor)
    clicked = clicked_code(scope)
    if VISIT_COOKIE not in first_cookies(scope) or (
        clicked and clicked.lower() != (referral_in(scope) or ("",))[0].lower()
    ):
        recorder.put(PendingEvent(VISIT, *facts))
    recorder.put(PendingEvent(PAGE_VIEW, *facts))
    if scope["route_handler"].name == PRODUCT_ROUTE:
        recorder.put(PendingEvent(PRODUCT_VIEW, *facts, product_slug=scope["path_params"].get("slug")))
    if search is not None:
        query, results = search
        recorder.put(PendingEvent(SEARCH, *facts, query=query, results=results))


def _is_html(headers: Headers) -> bool:
    return any(key == b"content-type" and value.startswith(b"text/html") for key, value in headers)


# ---- money facts, in the transaction of the payment change --------------------------------------


async def _creator_code(db_session: AsyncSession, order: Order) -> str | None:
    creator_id = getattr(order, "creator_id", None)
    if creator_id is None:
        return None
    return await db_session.scalar(select(Creator.code).where(Creator.id == creator_id))


async def add_order_paid(db_session: AsyncSession, order: Order, paid_at: datetime.datetime) -> None:
    """The order's payment as a fact at ``paid_at`` (Stripe's time of the payment), and the order in
    its buyer's chain, in the session (and transaction) that marked it paid."""
    db_session.add(
        Event(
            county_id=order.county_id,
            kind=ORDER_PAID,
            at=paid_at,
            order_id=order.id,
            amount=order.total,
            creator_code=await _creator_code(db_session, order),
        )
    )
    await db_session.flush()
    await add_buyer_order(db_session, order, paid_at)
    await _reopen_closed_day(db_session, order.county_id, paid_at)


async def add_order_refunded(
    db_session: AsyncSession, order: Order, amount_refunded: int, refunded_at: datetime.datetime
) -> None:
    """What this refund added to the order's refunds, in the session that grew ``amount_refunded``,
    at ``refunded_at`` (Stripe's time of the refund).

    Called after the compare-and-set that grew it, so the order's row is this transaction's: the
    refunds already recorded are read after any other delivery's, and their sum is subtracted.
    """
    recorded = await db_session.scalar(
        select(func.coalesce(func.sum(Event.amount), 0)).where(
            Event.order_id == order.id, Event.kind == ORDER_REFUNDED
        )
    )
    if (delta := amount_refunded - int(recorded or 0)) <= 0:
        return
    db_session.add(
        Event(
            county_id=order.county_id,
            kind=ORDER_REFUNDED,
            at=refunded_at,
            order_id=order.id,
            amount=delta,
            creator_code=await _creator_code(db_session, order),
        )
    )
    await db_session.flush()
    await _reopen_closed_day(db_session, order.county_id, refunded_at)


async def _reopen_closed_day(db_session: AsyncSession, county_id: int, at: datetime.datetime) -> None:
    """A money fact of a day before today (a webhook Stripe retried for days, a payment the sweeper
    found late) drops that day's roll-ups, and its month's, in the same transaction: the dashboard
    reads the day's raw rows until the roll-up job builds it again (it rebuilds the last week's
    missing days, and their months)."""
    day = beijing_date(at)
    if day < beijing_date(utcnow()):
        await lock_county_rollups(db_session, county_id)  # after a rebuild running meanwhile
        await db_session.execute(
            delete(DailyMetric).where(DailyMetric.county_id == county_id, DailyMetric.day == day)
        )
        await db_session.execute(
            delete(MonthlyMetric).where(
                MonthlyMetric.county_id == county_id, MonthlyMetric.month == day.replace(day=1)
            )
        )
