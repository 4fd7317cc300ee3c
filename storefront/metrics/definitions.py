"""Every number of the brand dashboard, defined once (issue 9, DESIGN section 5).

The dashboard, its CSV exports, the platform view and the tests all read these functions. Each
function takes a session scoped to one county (the admin guard does that) unless it says
otherwise, and a :class:`~storefront.metrics.periods.Period` of Beijing days.

Common rules, for every metric below:

- **Days are Beijing days** (see storefront.clock): a fact belongs to the Beijing day of its time.
- **Money facts come from the** ``order_paid`` / ``order_refunded`` **events**, written in the
  payment's own transaction: an order is *paid* on the Beijing day of its ``order_paid`` event
  (``amount`` = the order's total) and a refund counts on the Beijing day of its ``order_refunded``
  event (``amount`` = what that refund added), not on the day of the payment. Both events carry
  Stripe's own time (its webhook event's ``created``), never the time we processed it.
- **Cancelled and expired orders never count**: a money event whose order is cancelled or
  expired is ignored.
- **Sales** everywhere (county, day, province, product, producer, creator, statement) means
  *paid minus refunded* within the period, in fen: it may be negative on a day with refunds only.
- Where an order's refund must be split over its lines (products, producers, statements), each
  line takes ``refund × line amount // order total`` (line amount = unit price × quantity;
  shipping keeps its own share; rounded down to the fen per line and per refund).
- **Units** are the quantities of the lines of orders paid in the period (a refund gives back
  money, not a count of units).

Additive numbers are kept per day in roll-ups (``DailyMetric``, see :mod:`.rollups`): for closed
days the dashboard reads the roll-ups, for today (and any day not rolled up yet) the raw rows.
Buyers, which do not add up over days, are counted on the buyer chain (:func:`buyer_counts`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, case, distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.catalog.models import Producer, Product, Variant
from storefront.clock import beijing_date, beijing_day, utcnow
from storefront.db import all_counties_scope, county_scope
from storefront.metrics.buyers import buyer_key, settled_until
from storefront.metrics.events import (
    ADD_TO_CART,
    CHECKOUT_STARTED,
    ORDER_PAID,
    ORDER_REFUNDED,
    PAGE_VIEW,
    PRODUCT_VIEW,
    SEARCH,
    VISIT,
)
from storefront.metrics.models import BuyerCount, BuyerOrder, Creator, DailyMetric, Event, MonthlyMetric
from storefront.metrics.periods import Period, month_of, previous, year_before
from storefront.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from storefront.tenancy.models import County

NEVER_SOLD = (OrderStatus.CANCELLED, OrderStatus.EXPIRED)
"""Orders in these statuses never count, whatever events they have."""

# Roll-up vocabulary: (dimension, key, metric) of a DailyMetric row. See rollups.py for the table.
COUNTY = "county"
PRODUCT = "product"
PRODUCER = "producer"
PROVINCE = "province"
CREATOR = "creator"
SEARCHES = "search"
SHIP_HOURS = "ship_hours"
PAYMENT_METHOD = "payment_method"

PAID = "paid"
REFUNDED = "refunded"
ORDERS = "orders"
UNITS = "units"
VISITS = "visits"
VISITORS = "visitors"
PRODUCT_VIEWERS = "product_viewers"
CART_ADDERS = "cart_adders"
CHECKOUT_STARTERS = "checkout_starters"
ZERO_RESULTS = "zero_results"
ROLLED_UP = "rolled_up"
"""The marker row of a day whose roll-ups were built: (day, county, "", rolled_up) = 1."""

ALL_DIMENSIONS = frozenset(
    {COUNTY, PRODUCT, PRODUCER, PROVINCE, CREATOR, SEARCHES, SHIP_HOURS, PAYMENT_METHOD}
)

FactKey = tuple[datetime.date, str, str, str]
"""(Beijing day, dimension, key, metric)."""
Facts = dict[FactKey, int]


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Funnel:
    """Each step counted per Beijing day and added up over the period's days (a visitor who
    comes back on three days counts three times; a visitor counts once a day however often)."""

    visitors: int
    """Distinct anonymous visitors with a ``visit`` or ``page_view`` event that day."""
    product_views: int
    """Distinct visitors with a ``product_view`` event that day."""
    add_to_cart: int
    """Distinct visitors with an ``add_to_cart`` event that day."""
    checkout_started: int
    """Distinct visitors with a ``checkout_started`` event that day."""
    paid: int
    """Paid orders (:attr:`Dashboard.orders`)."""


@dataclass(frozen=True)
class ProvinceSales:
    province: str
    """The buyer's province as written on the order."""
    sales: int
    """Paid minus refunded, in fen, of orders to this province."""
    orders: int
    """Orders to this province paid in the period."""


@dataclass(frozen=True)
class PaymentMethodSales:
    method: str | None
    """A code of ``storefront.orders.models.PAYMENT_METHODS``; None for orders Stripe did not tell
    us how they were paid."""
    orders: int
    """Orders paid this way in the period."""
    sales: int
    """Paid minus refunded, in fen, of orders paid this way."""
    order_share: float
    """orders ÷ all orders paid in the period; 0.0 without orders."""
    sales_share: float | None
    """sales ÷ the county's sales in the period; None when those are 0 or less."""


@dataclass(frozen=True)
class ProductSales:
    product_id: int | None
    """None for lines whose variant (or product) was deleted: they count under their copied name.
    (Days rolled up before the deletion keep the product's id, then named ``#id``.)"""
    name_zh: str
    name_en: str
    units: int
    sales: int


@dataclass(frozen=True)
class ProducerSales:
    producer_id: int
    name_zh: str
    name_en: str
    units: int
    sales: int
    """Paid minus refunded (the refunds below are already taken off)."""
    refunds: int


@dataclass(frozen=True)
class CreatorSales:
    creator_id: int
    name: str
    platform: str
    code: str
    visits: int
    """``visit`` events carrying this creator's code in the period."""
    orders: int
    """Orders attributed to the creator (``Order.creator_id``) paid in the period."""
    sales: int
    """Paid minus refunded of those orders in the period (refunds already taken off)."""
    refunds: int
    commission: int
    """``sales × commission_bp / 10000``, rounded half away from zero to the fen; negative when
    the period's refunds of earlier sales outweigh its sales (a claw-back)."""


@dataclass(frozen=True)
class Totals:
    """The headline numbers of a period (what :func:`compare` compares)."""

    sales: int
    paid: int
    refunded: int
    orders: int
    average_order_value: int
    unique_buyers: int
    repeat_purchase_rate: float
    refund_rate: float
    visitors: int


@dataclass(frozen=True)
class Dashboard:
    period: Period
    sales: int
    """Paid minus refunded in the period, in fen (:func:`sales_of`)."""
    orders: int
    """Orders paid in the period (distinct orders with an ``order_paid`` event in it)."""
    average_order_value: int
    """Paid amount (before refunds) ÷ paid orders, rounded half up to the fen; 0 without orders."""
    unique_buyers: int
    """Distinct buyer emails (lower-case) among the orders paid in the period."""
    repeat_purchase_rate: float
    """Of the unique buyers, the share with 2 or more paid orders ever, up to the period's end
    (so a buyer whose first order was last year and second is in the period is a repeat buyer);
    0.0 without buyers."""
    refund_rate: float
    """Refunded in the period ÷ paid in the period (amounts in fen); 0.0 when nothing was paid."""
    funnel: Funnel
    sales_by_day: list[tuple[datetime.date, int]]
    """Every day of the period (zero included) with its sales."""
    sales_by_province: list[ProvinceSales]
    """Provinces with sales or orders, most sales first."""
    top_products: list[ProductSales]
    """Products sold or refunded in the period, most sales first (then units)."""
    producers: list[ProducerSales]
    """Producers ("farmers earning") whose products sold or were refunded, most sales first. Lines
    whose product has no producer, or whose variant was deleted, are not anyone's here."""
    creators: list[CreatorSales]
    """Every creator of the county that is active or had visits, orders or refunds, most sales first."""
    median_hours_to_ship: float | None
    """Of the orders shipped in the period (their ``shipped`` status entry is in it), the median of
    the whole hours (rounded down) from payment to shipping; the mean of the middle two for an
    even count; None when none shipped."""
    searches_without_results: list[tuple[str, int]]
    """Queries of ``search`` events that found nothing (``results`` = 0), spaces collapsed and
    lower-cased, with how often, most often first (top 20)."""
    paid: int = 0
    """Paid in the period before refunds, in fen."""
    refunded: int = 0
    """Refunded in the period, in fen."""
    payment_methods: list[PaymentMethodSales] = field(default_factory=list)
    """The payment method mix (:func:`payment_method_mix`)."""

    @property
    def totals(self) -> Totals:
        """The headline numbers, as :func:`totals` gives them for the period."""
        return Totals(
            sales=self.sales,
            paid=self.paid,
            refunded=self.refunded,
            orders=self.orders,
            average_order_value=self.average_order_value,
            unique_buyers=self.unique_buyers,
            repeat_purchase_rate=self.repeat_purchase_rate,
            refund_rate=self.refund_rate,
            visitors=self.funnel.visitors,
        )


@dataclass(frozen=True)
class Comparison:
    current: Totals
    previous: Totals
    """The period of the same length just before (:func:`~.periods.previous`)."""
    year_before: Totals
    """The same days a year before (:func:`~.periods.year_before`)."""
    growth_vs_previous: float | None
    """Sales growth: (current − previous) ÷ previous; None when previous sales are 0 or less."""
    growth_vs_year_before: float | None
    """Sales growth year on year, as above."""


@dataclass(frozen=True)
class StatementLine:
    product_name_zh: str
    product_name_en: str
    variant_label_zh: str
    variant_label_en: str
    units: int
    sales: int
    """Paid minus refunded in the month (refunds already taken off)."""
    refunds: int


@dataclass(frozen=True)
class CountySales:
    county_id: int
    slug: str
    name_zh: str
    name_en: str
    province_zh: str
    province_en: str
    sales: int
    previous_sales: int
    """Sales of the period of the same length just before."""
    growth: float | None
    """(sales − previous_sales) ÷ previous_sales; None when previous_sales is 0 or less."""


@dataclass(frozen=True)
class ProvinceRollup:
    province_zh: str
    province_en: str
    sales: int
    counties: list[CountySales] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Small formulas


def growth(current: int, base: int) -> float | None:
    """(current − base) ÷ base; None when the base is 0 or less (no meaningful growth)."""
    if base <= 0:
        return None
    return (current - base) / base


def ratio(part: int, whole: int) -> float:
    """part ÷ whole, 0.0 when whole is 0."""
    return part / whole if whole else 0.0


def divide_half_up(amount: int, count: int) -> int:
    """amount ÷ count rounded to the nearest fen, halves away from zero; 0 when count is 0."""
    if count == 0:
        return 0
    sign = -1 if (amount < 0) != (count < 0) else 1
    return sign * ((2 * abs(amount) + abs(count)) // (2 * abs(count)))


def commission(sales: int, commission_bp: int) -> int:
    """sales × commission_bp / 10000, rounded half away from zero to the fen."""
    return divide_half_up(sales * commission_bp, 10000)


def median(values: list[int]) -> float | None:
    """The middle value (mean of the middle two for an even count); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def search_key(query: str | None) -> str:
    """How a search query is grouped: spaces collapsed, lower-case, at most 100 characters."""
    return " ".join((query or "").split()).lower()[:100]


def product_key(product_id: int | None, name_zh: str) -> str:
    """``p<id>`` for a product that still exists, ``n<copied name>`` for a line whose variant is gone."""
    return f"p{product_id}" if product_id is not None else f"n{name_zh[:99]}"


def beijing_today() -> datetime.date:
    return beijing_date(utcnow())


# ---------------------------------------------------------------------------------------------
# Raw facts: additive numbers per Beijing day, straight from orders, lines and events


def _in(column: Any, period: Period) -> tuple[Any, Any]:
    return (column >= period.starts_at, column < period.ends_before)


def _money_events(kind: str, period: Period, *columns: object) -> Select:
    """The ``kind`` money events of the period with their (never cancelled or expired) orders."""
    return (
        select(*columns)
        .select_from(Event)
        .join(Order, Order.id == Event.order_id)
        .where(Event.kind == kind, *_in(Event.at, period), Order.status.not_in(NEVER_SOLD))
    )


async def raw_facts(
    db_session: AsyncSession, period: Period, dimensions: Iterable[str] = ALL_DIMENSIONS
) -> Facts:
    """The additive facts of each day of ``period``, computed from the raw rows.

    Returns ``{(day, dimension, key, metric): value}``; see :mod:`.rollups` for the vocabulary.
    """
    dimensions = frozenset(dimensions)
    facts: Facts = defaultdict(int)
    day = beijing_day(Event.at).label("day")

    # Payments and refunds by day, province and creator.
    for kind, metric in ((ORDER_PAID, PAID), (ORDER_REFUNDED, REFUNDED)):
        rows = await db_session.execute(
            _money_events(
                kind,
                period,
                day,
                Order.province,
                Order.creator_id,
                Order.payment_method,
                func.count(distinct(Event.order_id)),
                func.coalesce(func.sum(Event.amount), 0),
            ).group_by(day, Order.province, Order.creator_id, Order.payment_method)
        )
        for on, province, creator_id, payment_method, orders, amount in rows:
            amount = int(amount)  # a sum of bigints is a Decimal on PostgreSQL
            facts[on, COUNTY, "", metric] += amount
            if kind == ORDER_PAID:
                facts[on, COUNTY, "", ORDERS] += orders
            if PROVINCE in dimensions:
                facts[on, PROVINCE, province, metric] += amount
                if kind == ORDER_PAID:
                    facts[on, PROVINCE, province, ORDERS] += orders
            if CREATOR in dimensions and creator_id is not None:
                facts[on, CREATOR, str(creator_id), metric] += amount
                if kind == ORDER_PAID:
                    facts[on, CREATOR, str(creator_id), ORDERS] += orders
            if PAYMENT_METHOD in dimensions:
                facts[on, PAYMENT_METHOD, payment_method or "", metric] += amount
                if kind == ORDER_PAID:
                    facts[on, PAYMENT_METHOD, payment_method or "", ORDERS] += orders

    # Visitors per step, distinct per day.
    step = case(
        (Event.kind.in_((VISIT, PAGE_VIEW)), VISITORS),
        (Event.kind == PRODUCT_VIEW, PRODUCT_VIEWERS),
        (Event.kind == ADD_TO_CART, CART_ADDERS),
        else_=CHECKOUT_STARTERS,
    ).label("step")
    rows = await db_session.execute(
        select(day, step, func.count(distinct(Event.visitor)))
        .where(
            Event.kind.in_((VISIT, PAGE_VIEW, PRODUCT_VIEW, ADD_TO_CART, CHECKOUT_STARTED)),
            *_in(Event.at, period),
            Event.visitor != "",
        )
        .group_by(day, step)
    )
    for on, metric, visitors in rows:
        facts[on, COUNTY, "", metric] += visitors

    if PRODUCT in dimensions or PRODUCER in dimensions:
        await _line_facts(db_session, period, facts, dimensions)
    if CREATOR in dimensions:
        await _creator_visits(db_session, period, facts)
    if SEARCHES in dimensions:
        rows = await db_session.execute(
            select(day, Event.query, func.count())
            .where(Event.kind == SEARCH, Event.results == 0, *_in(Event.at, period))
            .group_by(day, Event.query)
        )
        for on, query, count in rows:
            if key := search_key(query):
                facts[on, SEARCHES, key, ZERO_RESULTS] += count
    if SHIP_HOURS in dimensions:
        for on, hours in await _hours_to_ship(db_session, period):
            facts[on, SHIP_HOURS, str(hours), ORDERS] += 1
    return {key: value for key, value in facts.items() if value}


def _line_columns() -> tuple:
    line_amount = OrderLine.unit_price * OrderLine.quantity
    return line_amount, Variant.product_id, Product.producer_id, OrderLine.product_name_zh


async def _line_facts(
    db_session: AsyncSession, period: Period, facts: Facts, dimensions: frozenset[str]
) -> None:
    day = beijing_day(Event.at).label("day")
    line_amount, product_id, producer_id, name_zh = _line_columns()
    # Deleted variants are grouped by their copied name; live ones by product (the name is ignored).
    name = case((Variant.product_id.is_(None), name_zh), else_="").label("name")
    refund_share = (Event.amount * line_amount) // Order.total
    for kind in (ORDER_PAID, ORDER_REFUNDED):
        amount = line_amount if kind == ORDER_PAID else refund_share
        statement = (
            _money_events(
                kind,
                period,
                day,
                product_id,
                producer_id,
                name,
                func.sum(OrderLine.quantity),
                func.sum(amount),
            )
            .join(OrderLine, OrderLine.order_id == Order.id)
            .outerjoin(Variant, Variant.id == OrderLine.variant_id)
            .outerjoin(Product, Product.id == Variant.product_id)
            .where(Order.total > 0)
            .group_by(day, product_id, producer_id, name)
        )
        for on, product, producer, copied_name, quantity, amount in await db_session.execute(statement):
            units, money = int(quantity), int(amount)  # sums of bigints are Decimals on PostgreSQL
            keys = []
            if PRODUCT in dimensions:
                keys.append((PRODUCT, product_key(product, copied_name)))
            if PRODUCER in dimensions and producer is not None:
                keys.append((PRODUCER, str(producer)))
            for dimension, key in keys:
                if kind == ORDER_PAID:
                    facts[on, dimension, key, UNITS] += units
                    facts[on, dimension, key, PAID] += money
                else:
                    facts[on, dimension, key, REFUNDED] += money


async def _creator_visits(db_session: AsyncSession, period: Period, facts: Facts) -> None:
    creators = {
        code.lower(): creator_id
        for creator_id, code in await db_session.execute(select(Creator.id, Creator.code))
    }
    if not creators:
        return
    day = beijing_day(Event.at).label("day")
    rows = await db_session.execute(
        select(day, Event.creator_code, func.count())
        .where(Event.kind == VISIT, Event.creator_code.is_not(None), *_in(Event.at, period))
        .group_by(day, Event.creator_code)
    )
    for on, code, visits in rows:
        if (creator_id := creators.get(code.lower())) is not None:
            facts[on, CREATOR, str(creator_id), VISITS] += visits


async def _hours_to_ship(db_session: AsyncSession, period: Period) -> list[tuple[datetime.date, int]]:
    """(Beijing day shipped, whole hours from payment) of each order shipped in the period: its
    first ``shipped`` status entry is in the period (later entries at that status are notes)."""
    first_shipped = func.min(OrderEvent.created_at)
    shipped_in_period = select(OrderEvent.order_id).where(
        OrderEvent.status == OrderStatus.SHIPPED, *_in(OrderEvent.created_at, period)
    )
    rows = await db_session.execute(
        select(first_shipped, Order.paid_at)
        .join(Order, Order.id == OrderEvent.order_id)
        .where(
            OrderEvent.status == OrderStatus.SHIPPED,
            OrderEvent.order_id.in_(shipped_in_period),
            Order.paid_at.is_not(None),
            Order.status.not_in(NEVER_SOLD),
        )
        .group_by(OrderEvent.order_id, Order.paid_at)
        .having(*_in(first_shipped, period))
    )
    return [
        (beijing_date(shipped), max(0, int((shipped - paid_at).total_seconds() // 3600)))
        for shipped, paid_at in rows
    ]


# ---------------------------------------------------------------------------------------------
# Roll-ups plus today's raw rows


async def rolled_facts(
    db_session: AsyncSession, period: Period, dimensions: Iterable[str] = ALL_DIMENSIONS
) -> tuple[Facts, set[datetime.date]]:
    """The roll-ups stored for ``period`` and the days they cover (days with the marker row).

    County totals come per day; the other dimensions come added up over the period, under its
    first day (nothing reads them by day): from the monthly roll-ups for the whole months of the
    period that have them, from the daily ones for its other days.
    """
    dimensions = frozenset(dimensions)
    covered = set(
        await db_session.scalars(
            select(DailyMetric.day).where(
                DailyMetric.dimension == COUNTY,
                DailyMetric.metric == ROLLED_UP,
                DailyMetric.day >= period.first,
                DailyMetric.day <= period.last,
            )
        )
    )
    facts: Facts = defaultdict(int)
    if covered:
        # A day's rows are written with its marker in one transaction: a day without the marker
        # has no rows, so no filter by covered day is needed. The same holds for a month.
        within = (DailyMetric.day >= period.first, DailyMetric.day <= period.last)
        if COUNTY in dimensions:  # by day, for sales by day
            rows = await db_session.execute(
                select(DailyMetric.day, DailyMetric.key, DailyMetric.metric, DailyMetric.value).where(
                    *within, DailyMetric.dimension == COUNTY, DailyMetric.metric != ROLLED_UP
                )
            )
            for on, key, metric, value in rows:
                facts[on, COUNTY, key, metric] += value
        if others := dimensions - {COUNTY}:  # added up over the period in the database
            months = await _rolled_up_months(db_session, period)
            days = _runs([on for on in covered if on.replace(day=1) not in months])
            statements = []
            if days:
                in_days = or_(*(DailyMetric.day.between(run.first, run.last) for run in days))
                statements.append(_summed(DailyMetric, in_days, others))
            if months:
                statements.append(_summed(MonthlyMetric, MonthlyMetric.month.in_(months), others))
            for statement in statements:
                for dimension, key, metric, value in await db_session.execute(statement):
                    facts[period.first, dimension, key, metric] += int(value)
    return facts, covered


def _summed(table: type[DailyMetric | MonthlyMetric], rows: Any, dimensions: frozenset[str]) -> Select:
    """The roll-ups of ``dimensions`` among ``rows`` of ``table``, added up per key and metric."""
    return (
        select(table.dimension, table.key, table.metric, func.sum(table.value))
        .where(rows, table.dimension.in_(dimensions))
        .group_by(table.dimension, table.key, table.metric)
    )


async def _rolled_up_months(db_session: AsyncSession, period: Period) -> set[datetime.date]:
    """The first days of the calendar months wholly inside ``period`` that have monthly roll-ups."""
    first = (
        period.first if period.first.day == 1 else month_of(period.first).last + datetime.timedelta(days=1)
    )
    after = (period.last + datetime.timedelta(days=1)).replace(day=1)
    if first >= after:
        return set()
    return set(
        await db_session.scalars(
            select(MonthlyMetric.month).where(
                MonthlyMetric.dimension == COUNTY,
                MonthlyMetric.metric == ROLLED_UP,
                MonthlyMetric.month >= first,
                MonthlyMetric.month < after,
            )
        )
    )


def _runs(days: list[datetime.date]) -> list[Period]:
    """Consecutive days grouped into periods."""
    runs: list[Period] = []
    for on in sorted(days):
        if runs and runs[-1].last + datetime.timedelta(days=1) == on:
            runs[-1] = Period(runs[-1].first, on)
        else:
            runs.append(Period(on, on))
    return runs


async def facts_of(
    db_session: AsyncSession,
    period: Period,
    dimensions: Iterable[str] = ALL_DIMENSIONS,
    *,
    rollups: bool = True,
) -> Facts:
    """The facts of ``period``: roll-ups for the days they cover, raw rows for the others (today,
    days not rolled up yet). ``rollups=False`` reads raw rows only (tests compare the two)."""
    dimensions = frozenset(dimensions)
    facts: Facts = {}
    covered: set[datetime.date] = set()
    if rollups:
        facts, covered = await rolled_facts(db_session, period, dimensions)
    facts = defaultdict(int, facts)
    for run in _runs([on for on in period.each_day() if on not in covered]):
        for key, value in (await raw_facts(db_session, run, dimensions)).items():
            facts[key] += value
    return dict(facts)


def _sum(facts: Facts, dimension: str, metric: str) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for (_on, dim, key, name), value in facts.items():
        if dim == dimension and name == metric:
            totals[key] += value
    return totals


def _total(facts: Facts, metric: str) -> int:
    return _sum(facts, COUNTY, metric).get("", 0)


# ---------------------------------------------------------------------------------------------
# Buyers (not additive over days: read from the buyer chain, or from the orders paid in the period)


async def unique_buyers(db_session: AsyncSession, period: Period) -> int:
    """Distinct buyers (email in lower case) of the orders paid in the period (an ``order_paid`` fact
    in it, the order never cancelled or expired).

    On the buyer chain (:class:`~.models.BuyerOrder`, each purchase with the days of its buyer's
    previous and next one), for the period [a, b]: the rows with ``paid_day`` in [a, b] and
    ``previous_day`` NULL or before a, i.e. each buyer's first purchase of the period
    (:func:`buyer_counts`). This function counts the raw rows (``rollups=False``)."""
    return await db_session.scalar(_money_events(ORDER_PAID, period, func.count(distinct(buyer_key())))) or 0


async def repeat_buyers(db_session: AsyncSession, period: Period) -> int:
    """Of the period's unique buyers, those with 2 or more paid (never cancelled or expired)
    orders with an ``order_paid`` event before the period's end, whenever the first one was.

    On the buyer chain, for [a, b]: of the rows counted as :func:`unique_buyers`, those with a
    ``previous_day`` (a purchase before the period) or a ``next_day`` up to b (another one in it)
    (:func:`buyer_counts`). This function counts the raw rows (``rollups=False``)."""
    in_period = _money_events(ORDER_PAID, period, buyer_key()).scalar_subquery()
    ever = Period(datetime.date(1970, 1, 1), period.last)
    repeaters = (
        _money_events(ORDER_PAID, ever, buyer_key())
        .where(buyer_key().in_(in_period))
        .group_by(buyer_key())
        .having(func.count(distinct(Order.id)) >= 2)
        .subquery()
    )
    return await db_session.scalar(select(func.count()).select_from(repeaters)) or 0


async def buyer_counts(db_session: AsyncSession, period: Period, *, rollups: bool = True) -> tuple[int, int]:
    """(:func:`unique_buyers`, :func:`repeat_buyers`) of the period, from the buyer chain: the
    counts stored for its settled part (:class:`~.models.BuyerCount`) plus its last days' purchases,
    or one index range scan (:func:`chain_counts`) when none are stored; with ``rollups=False``
    from the raw rows (tests compare them). The chain holds today's purchases too (written with
    their payment), so no day is read raw."""
    if not rollups:
        buyers = await unique_buyers(db_session, period)
        return buyers, await repeat_buyers(db_session, period) if buyers else 0
    settled = settled_until(beijing_today())
    if period.first <= settled:
        stored = (
            await db_session.execute(
                select(BuyerCount.buyers, BuyerCount.repeaters).where(
                    BuyerCount.first == period.first, BuyerCount.last == min(period.last, settled)
                )
            )
        ).one_or_none()
        if stored is not None:
            if period.last <= settled:
                return stored.buyers, stored.repeaters
            buyers, repeaters = await _counts_after(db_session, period, settled)
            return stored.buyers + buyers, stored.repeaters + repeaters
    return await chain_counts(db_session, period)


def _first_of_period(period: Period) -> tuple:
    """Chain rows that are their buyer's first purchase in the period: one per unique buyer."""
    return (
        BuyerOrder.paid_day >= period.first,
        BuyerOrder.paid_day <= period.last,
        or_(BuyerOrder.previous_day.is_(None), BuyerOrder.previous_day < period.first),
    )


def _bought_again(period: Period) -> Any:
    """Of those, the buyers with an earlier purchase, or a later one within the period."""
    return or_(BuyerOrder.previous_day.is_not(None), BuyerOrder.next_day <= period.last)


async def chain_counts(db_session: AsyncSession, period: Period) -> tuple[int, int]:
    """(unique buyers, repeat buyers) of the period over the buyer chain: its first-of-period rows,
    and those bought again. One index range scan over the period's purchases."""
    buyers, repeaters = (
        await db_session.execute(
            select(func.count(), func.count().filter(_bought_again(period))).where(*_first_of_period(period))
        )
    ).one()
    return buyers, repeaters


async def _counts_after(db_session: AsyncSession, period: Period, settled: datetime.date) -> tuple[int, int]:
    """What the purchases after ``settled`` add to the counts of ``period`` up to ``settled``: the
    buyers whose first purchase in the period came later (repeat buyers if they bought again), and
    the buyers first seen by then whose second purchase ever came later (now repeat buyers)."""
    later = Period(settled + datetime.timedelta(days=1), period.last)
    new_buyers, new_repeaters = (
        await db_session.execute(
            select(func.count(), func.count().filter(_bought_again(period))).where(
                *_first_of_period(period), BuyerOrder.paid_day >= later.first
            )
        )
    ).one()
    now_repeaters = await db_session.scalar(
        select(func.count()).where(
            BuyerOrder.next_day >= later.first,
            BuyerOrder.next_day <= later.last,
            BuyerOrder.previous_day.is_(None),
            BuyerOrder.paid_day >= period.first,
            BuyerOrder.paid_day <= settled,
        )
    )
    return new_buyers, new_repeaters + (now_repeaters or 0)


def compared_periods(period: Period) -> tuple[Period, Period, Period]:
    """The period, the period of the same length just before it, and the same days a year before:
    what the dashboard compares."""
    return period, previous(period), year_before(period)


# ---------------------------------------------------------------------------------------------
# The metrics


async def sales_of(db_session: AsyncSession, period: Period, *, rollups: bool = True) -> int:
    """Sales: Σ ``order_paid`` amounts − Σ ``order_refunded`` amounts in the period (fen), each on
    its own Beijing day, orders cancelled or expired left out."""
    facts = await facts_of(db_session, period, {COUNTY}, rollups=rollups)
    return _total(facts, PAID) - _total(facts, REFUNDED)


async def totals(db_session: AsyncSession, period: Period, *, rollups: bool = True) -> Totals:
    """The headline numbers of ``period``, defined as on :class:`Dashboard`."""
    facts = await facts_of(db_session, period, {COUNTY}, rollups=rollups)
    return await _totals(db_session, period, facts, rollups=rollups)


async def _totals(db_session: AsyncSession, period: Period, facts: Facts, *, rollups: bool) -> Totals:
    paid, refunded, orders = _total(facts, PAID), _total(facts, REFUNDED), _total(facts, ORDERS)
    buyers, repeaters = await buyer_counts(db_session, period, rollups=rollups)
    return Totals(
        sales=paid - refunded,
        paid=paid,
        refunded=refunded,
        orders=orders,
        average_order_value=divide_half_up(paid, orders),
        unique_buyers=buyers,
        repeat_purchase_rate=ratio(repeaters, buyers),
        refund_rate=ratio(refunded, paid),
        visitors=_total(facts, VISITORS),
    )


async def county_dashboard(db_session: AsyncSession, period: Period, *, rollups: bool = True) -> Dashboard:
    """Every number of the county dashboard for ``period`` (see each field of :class:`Dashboard`)."""
    facts = await facts_of(db_session, period, rollups=rollups)
    head = await _totals(db_session, period, facts, rollups=rollups)

    by_day: dict[datetime.date, int] = defaultdict(int)
    for (on, dimension, _key, metric), value in facts.items():
        if dimension == COUNTY and metric in (PAID, REFUNDED):
            by_day[on] += value if metric == PAID else -value

    paid_p, refunded_p, orders_p = (_sum(facts, PROVINCE, m) for m in (PAID, REFUNDED, ORDERS))
    provinces = [
        ProvinceSales(
            province, paid_p.get(province, 0) - refunded_p.get(province, 0), orders_p.get(province, 0)
        )
        for province in set(paid_p) | set(refunded_p) | set(orders_p)
    ]
    provinces.sort(key=lambda row: (-row.sales, -row.orders, row.province))

    hours: list[int] = []
    for (_on, dimension, key, _metric), count in facts.items():
        if dimension == SHIP_HOURS:
            hours.extend([int(key)] * count)

    searches = sorted(_sum(facts, SEARCHES, ZERO_RESULTS).items(), key=lambda item: (-item[1], item[0]))[:20]

    return Dashboard(
        period=period,
        sales=head.sales,
        orders=head.orders,
        average_order_value=head.average_order_value,
        unique_buyers=head.unique_buyers,
        repeat_purchase_rate=head.repeat_purchase_rate,
        refund_rate=head.refund_rate,
        funnel=Funnel(
            visitors=_total(facts, VISITORS),
            product_views=_total(facts, PRODUCT_VIEWERS),
            add_to_cart=_total(facts, CART_ADDERS),
            checkout_started=_total(facts, CHECKOUT_STARTERS),
            paid=head.orders,
        ),
        sales_by_day=[(on, by_day.get(on, 0)) for on in period.each_day()],
        sales_by_province=provinces,
        top_products=await _products(db_session, facts),
        producers=await _producers(db_session, facts),
        creators=await _creators(db_session, facts),
        median_hours_to_ship=median(hours),
        searches_without_results=searches,
        paid=head.paid,
        refunded=head.refunded,
        payment_methods=payment_method_mix(facts),
    )


def payment_method_mix(facts: Facts) -> list[PaymentMethodSales]:
    """Per payment method (the order's ``payment_method``, None when unknown): paid orders = orders
    with an ``order_paid`` event in the period; sales = Σ ``order_paid`` − Σ ``order_refunded``
    amounts in the period; order share = orders ÷ Σ orders; sales share = sales ÷ Σ sales (None
    when Σ sales ≤ 0). Most sales first, then most orders."""
    paid, refunded, orders = (_sum(facts, PAYMENT_METHOD, metric) for metric in (PAID, REFUNDED, ORDERS))
    keys = set(paid) | set(refunded) | set(orders)
    sales = {key: paid.get(key, 0) - refunded.get(key, 0) for key in keys}
    all_orders, all_sales = sum(orders.values()), sum(sales.values())
    rows = [
        PaymentMethodSales(
            method=key or None,
            orders=orders.get(key, 0),
            sales=sales[key],
            order_share=ratio(orders.get(key, 0), all_orders),
            sales_share=sales[key] / all_sales if all_sales > 0 else None,
        )
        for key in keys
    ]
    rows.sort(key=lambda row: (-row.sales, -row.orders, row.method or "~"))
    return rows


async def _products(db_session: AsyncSession, facts: Facts) -> list[ProductSales]:
    units, paid, refunded = (_sum(facts, PRODUCT, m) for m in (UNITS, PAID, REFUNDED))
    keys = set(units) | set(paid) | set(refunded)
    ids = [int(key[1:]) for key in keys if key.startswith("p")]
    names = {
        product_id: (zh, en)
        for product_id, zh, en in await db_session.execute(
            select(Product.id, Product.name_zh, Product.name_en).where(Product.id.in_(ids))
        )
    }
    copied = [key[1:] for key in keys if key.startswith("n")]
    english = (
        dict(
            (
                await db_session.execute(
                    select(OrderLine.product_name_zh, func.max(OrderLine.product_name_en))
                    .where(OrderLine.variant_id.is_(None), OrderLine.product_name_zh.in_(copied))
                    .group_by(OrderLine.product_name_zh)
                )
            ).all()
        )
        if copied
        else {}
    )
    rows = []
    for key in keys:
        if key.startswith("p"):
            product_id: int | None = int(key[1:])
            # Deleted since its day was rolled up: its number stands in for its name.
            zh, en = names.get(product_id, (f"#{product_id}", f"#{product_id}"))
        else:
            product_id, zh, en = None, key[1:], english.get(key[1:], "")
        rows.append(
            ProductSales(product_id, zh, en, units.get(key, 0), paid.get(key, 0) - refunded.get(key, 0))
        )
    rows.sort(key=lambda row: (-row.sales, -row.units, row.name_zh))
    return rows


async def _producers(db_session: AsyncSession, facts: Facts) -> list[ProducerSales]:
    units, paid, refunded = (_sum(facts, PRODUCER, m) for m in (UNITS, PAID, REFUNDED))
    keys = set(units) | set(paid) | set(refunded)
    names = {
        str(producer_id): (zh, en)
        for producer_id, zh, en in await db_session.execute(
            select(Producer.id, Producer.name_zh, Producer.name_en).where(
                Producer.id.in_([int(k) for k in keys])
            )
        )
    }
    rows = [
        ProducerSales(
            int(key),
            *names.get(key, (f"#{key}", f"#{key}")),  # deleted since its day was rolled up
            units=units.get(key, 0),
            sales=paid.get(key, 0) - refunded.get(key, 0),
            refunds=refunded.get(key, 0),
        )
        for key in keys
    ]
    rows.sort(key=lambda row: (-row.sales, -row.units, row.name_zh))
    return rows


async def _creators(db_session: AsyncSession, facts: Facts) -> list[CreatorSales]:
    visits, orders, paid, refunded = (_sum(facts, CREATOR, m) for m in (VISITS, ORDERS, PAID, REFUNDED))
    rows = []
    for creator in await db_session.scalars(select(Creator).order_by(Creator.id)):
        key = str(creator.id)
        if not creator.is_active and not any(key in numbers for numbers in (visits, orders, paid, refunded)):
            continue
        sales = paid.get(key, 0) - refunded.get(key, 0)
        rows.append(
            CreatorSales(
                creator_id=creator.id,
                name=creator.name,
                platform=creator.platform,
                code=creator.code,
                visits=visits.get(key, 0),
                orders=orders.get(key, 0),
                sales=sales,
                refunds=refunded.get(key, 0),
                commission=commission(sales, creator.commission_bp),
            )
        )
    rows.sort(key=lambda row: (-row.sales, -row.orders, -row.visits, row.name))
    return rows


async def compare(
    db_session: AsyncSession, period: Period, *, rollups: bool = True, current: Totals | None = None
) -> Comparison:
    """The period's totals beside the period just before and the same days a year before; growth
    is of sales (:func:`growth`). ``current``: the period's totals when already read
    (:attr:`Dashboard.totals`), so they are not read twice."""
    current = current or await totals(db_session, period, rollups=rollups)
    before, last_year = [
        await totals(db_session, each, rollups=rollups) for each in compared_periods(period)[1:]
    ]
    return Comparison(
        current=current,
        previous=before,
        year_before=last_year,
        growth_vs_previous=growth(current.sales, before.sales),
        growth_vs_year_before=growth(current.sales, last_year.sales),
    )


async def producer_statement(
    db_session: AsyncSession, producer_id: int, month: datetime.date
) -> list[StatementLine]:
    """A producer's monthly statement: for the calendar month of ``month`` (any day of it), per
    product and variant sold (names as on the order lines), the units of orders paid in the month,
    sales (line amounts paid minus refund shares recorded in the month) and refunds (the lines'
    shares of refunds recorded in the month). Read from the raw rows (one producer, one month)."""
    period = month_of(month)
    line_amount = OrderLine.unit_price * OrderLine.quantity
    names = (
        OrderLine.product_name_zh,
        OrderLine.product_name_en,
        OrderLine.variant_label_zh,
        OrderLine.variant_label_en,
    )
    units: dict[tuple, int] = defaultdict(int)
    paid: dict[tuple, int] = defaultdict(int)
    refunded: dict[tuple, int] = defaultdict(int)
    for kind in (ORDER_PAID, ORDER_REFUNDED):
        amount = line_amount if kind == ORDER_PAID else (Event.amount * line_amount) // Order.total
        rows = await db_session.execute(
            _money_events(kind, period, *names, func.sum(OrderLine.quantity), func.sum(amount))
            .join(OrderLine, OrderLine.order_id == Order.id)
            .join(Variant, Variant.id == OrderLine.variant_id)
            .join(Product, Product.id == Variant.product_id)
            .where(Product.producer_id == producer_id, Order.total > 0)
            .group_by(*names)
        )
        for *name, summed_quantity, summed_money in rows:
            quantity, money = int(summed_quantity), int(summed_money)
            if kind == ORDER_PAID:
                units[tuple(name)] += quantity
                paid[tuple(name)] += money
            else:
                refunded[tuple(name)] += money
    lines = [
        StatementLine(
            *name,
            units=units.get(name, 0),
            sales=paid.get(name, 0) - refunded.get(name, 0),
            refunds=refunded.get(name, 0),
        )
        for name in sorted(set(paid) | set(refunded))
    ]
    return lines


# ---------------------------------------------------------------------------------------------
# Platform: across counties (the session opened for all counties)


async def county_ranking(db_session: AsyncSession, period: Period) -> list[CountySales]:
    """Every active county with its sales in ``period`` and in the period just before, most sales
    first (then most growth). Each county's sales are :func:`sales_of` in that county's scope."""
    before = previous(period)
    with all_counties_scope(db_session):
        counties = list(await db_session.scalars(select(County).where(County.is_active).order_by(County.id)))
    rows = []
    for county in counties:
        with county_scope(db_session, county.id):
            sales = await sales_of(db_session, period)
            previous_sales = await sales_of(db_session, before)
        rows.append(
            CountySales(
                county_id=county.id,
                slug=county.slug,
                name_zh=county.name_zh,
                name_en=county.name_en,
                province_zh=county.province_zh,
                province_en=county.province_en,
                sales=sales,
                previous_sales=previous_sales,
                growth=growth(sales, previous_sales),
            )
        )
    rows.sort(
        key=lambda row: (-row.sales, -(row.growth if row.growth is not None else float("-inf")), row.slug)
    )
    return rows


def province_rollup(ranking: list[CountySales]) -> list[ProvinceRollup]:
    """Counties' sales (``ranking``, from :func:`county_ranking`) added up by the county's
    province, most sales first; each province lists its counties in ranking order."""
    provinces: dict[tuple[str, str], list[CountySales]] = defaultdict(list)
    for row in ranking:
        provinces[row.province_zh, row.province_en].append(row)
    rollup = [
        ProvinceRollup(zh, en, sum(row.sales for row in counties), counties)
        for (zh, en), counties in provinces.items()
    ]
    rollup.sort(key=lambda row: (-row.sales, row.province_zh))
    return rollup
