"""Two years of invented trade for a demo county, so the brand dashboard tells a story on first run.

What to invent is data, in ``demo/history.toml`` (checked here when loaded): orders a day and
yearly growth per county, its seasons (618, Double 11, before Spring Festival, the tea harvest),
where buyers live, its creators. :func:`plan_county` turns that and the county's seeded catalog
into rows, deterministically (one seeded random generator per county: the same file, catalog and
moment give the same rows); :func:`seed_history` writes them in bulk inside the county's scope.

What is made, per county:

- **creators** (Douyin, Kuaishou, WeChat Channels, Xiaohongshu) with codes and commission rates;
- **visitors** and their **events**: visit, page views, product views, searches (some for what
  the county does not sell, found nothing), add to cart, checkout started; a visitor who came by
  a creator's link carries that creator's code;
- **orders** of the county's own variants: paid ones (buyers' provinces weighted towards the big
  eastern provinces and the county's own; some buyers come back), shipped and delivered after
  realistic delays, some refunded in full or in part, paid mostly by WeChat Pay and Alipay; and
  checkouts never paid (expired or cancelled), which have no payment and never count;
- the money **events** exactly as the payment code writes them: ``order_paid`` (amount = the
  order's total, at its payment) and ``order_refunded`` (what the refund added, when recorded);
- each order's **status history**, and the creator of the link it came by (``creator_id``,
  ``referred_at``).

Stock is left alone: this is sold history, in the past; today's stock is the catalog's. Nothing
happens after the moment given (orders paid in the last hours are still waiting to be shipped).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import gc
import itertools
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import Field, model_validator
from sqlalchemy import insert, select, text

from demo.content import DemoContentError, Short, Slug, _Entry, _unique, read_checked
from storefront.catalog.models import Product, Variant
from storefront.checkout import divisions
from storefront.checkout.service import NUMBER_ALPHABET, ShippingAddress
from storefront.clock import BEIJING, beijing_date
from storefront.db import county_scope
from storefront.metrics.models import Creator, Event
from storefront.metrics.rollups import rebuild, rebuild_buyers, store_buyer_counts
from storefront.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from storefront.orders.states import Actor

if TYPE_CHECKING:
    from collections.abc import Collection

    from sqlalchemy.ext.asyncio import AsyncSession

    from storefront.tenancy.models import County

HISTORY_FILE = Path(__file__).resolve().parent / "history.toml"
CHUNK = 2000
"""Rows per INSERT statement."""
_ANALYZED = ("orders", "order_lines", "order_events", "events", "creators")
SEED_ACTOR = "seed-demo"
"""Who shipped and delivered the invented orders, in their status history."""

Share = Annotated[float, Field(ge=0, le=1)]


# --- the file -------------------------------------------------------------------------------------


class Peak(_Entry):
    """A season: ``lift`` times the ordinary rate added at its day, ramping in and out."""

    name: Short
    month: Annotated[int, Field(ge=1, le=12)] | None = None
    day: Annotated[int, Field(ge=1, le=31)] | None = None
    spring_festival: bool = False
    offset: int = 0
    before: Annotated[int, Field(ge=0, le=120)]
    after: Annotated[int, Field(ge=0, le=120)]
    lift: Annotated[float, Field(ge=0, le=20)]

    @model_validator(mode="after")
    def _one_date(self) -> Self:
        dated = self.month is not None and self.day is not None
        if dated == self.spring_festival or (self.month is None) != (self.day is None):
            msg = f"peak {self.name!r}: give month and day, or spring_festival = true"
            raise ValueError(msg)
        if dated:
            datetime.date(2024, self.month, self.day)  # a day that exists (29 February included)
        return self


class DemoCreator(_Entry):
    name: Short
    platform: Literal["douyin", "kuaishou", "channels", "xiaohongshu", "other"]
    handle: Annotated[str, Field(max_length=100)] = ""
    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{2,64}$")]
    commission_bp: Annotated[int, Field(ge=0, le=10000)]
    share: Share
    since: Annotated[int, Field(ge=1)]


class CountyHistory(_Entry):
    slug: Slug
    orders_per_day: Annotated[float, Field(gt=0, le=1000)]
    yearly_growth: Annotated[float, Field(gt=0, le=100)]
    visitors_per_order: Annotated[float, Field(ge=2, le=200)]
    own_province_lift: Annotated[float, Field(ge=1, le=50)]
    searches: list[Annotated[str, Field(min_length=1, max_length=100)]]
    peaks: list[Peak]
    creators: list[DemoCreator]

    @model_validator(mode="after")
    def _creators(self) -> Self:
        _unique("creator code", (creator.code for creator in self.creators))
        if sum(creator.share for creator in self.creators) > 0.8:
            msg = "creators' shares add up to more than 0.8 of the visitors"
            raise ValueError(msg)
        return self


class Shoppers(_Entry):
    repeat_share: Share
    product_view_share: Share
    carts_left_per_checkout: Annotated[float, Field(ge=0, le=20)]
    search_share: Share
    missing_search_share: Share
    unpaid_checkouts_per_order: Annotated[float, Field(ge=0, le=10)]
    cancelled_share: Share
    full_refund_share: Share
    partial_refund_share: Share
    median_hours_to_ship: Annotated[float, Field(gt=0, le=240)]
    ship_spread: Annotated[float, Field(ge=0, le=3)]
    delivery_days: Annotated[list[Annotated[int, Field(ge=0, le=30)]], Field(min_length=2, max_length=2)]
    devices: dict[Literal["phone", "tablet", "desktop"], Annotated[float, Field(gt=0)]]
    payment_methods: dict[Literal["card", "alipay", "wechat_pay"], Annotated[float, Field(gt=0)]]


class HistoryFile(_Entry):
    seed: int
    days: Annotated[int, Field(ge=1, le=3660)]
    provinces: dict[str, Annotated[float, Field(gt=0)]]
    spring_festivals: list[datetime.date]
    searches_without_results: list[Annotated[str, Field(min_length=1, max_length=100)]]
    shoppers: Shoppers
    counties: list[CountyHistory]

    @model_validator(mode="after")
    def _known_names(self) -> Self:
        known = {province.name for province in divisions.provinces()}
        if unknown := sorted(set(self.provinces) - known):
            msg = f"not a province of the address form: {', '.join(unknown)}"
            raise ValueError(msg)
        _unique("county slug", (county.slug for county in self.counties))
        return self

    def county(self, slug: str) -> CountyHistory | None:
        return next((county for county in self.counties if county.slug == slug), None)


def load_history(path: Path = HISTORY_FILE, counties: Collection[str] = ()) -> HistoryFile:
    """``demo/history.toml``, checked, its counties among the slugs ``counties`` (when given);
    :class:`~demo.content.DemoContentError` says where it breaks."""
    spec = read_checked(path, HistoryFile)
    if counties and (unknown := sorted({county.slug for county in spec.counties} - set(counties))):
        msg = f"{path}: no county file for {', '.join(unknown)}"
        raise DemoContentError(msg)
    return spec


# --- what the generator needs from the seeded county ----------------------------------------------


@dataclass(frozen=True)
class SoldVariant:
    id: int
    sku: str
    label_zh: str
    label_en: str
    price: int


@dataclass(frozen=True)
class SoldProduct:
    id: int
    name_zh: str
    name_en: str
    variants: tuple[SoldVariant, ...]


@dataclass(frozen=True)
class Shop:
    """A seeded demo county as the generator sees it: its brand's shipping terms and its catalog."""

    county_id: int
    slug: str
    province: str
    shipping_fee: int
    free_shipping_threshold: int | None
    products: tuple[SoldProduct, ...]


async def load_shop(session: AsyncSession, county: County) -> Shop:
    """The county's products and variants in their shop order (run in the county's scope)."""
    products = await session.scalars(select(Product).order_by(Product.position, Product.id))
    variants = await session.scalars(select(Variant).order_by(Variant.position, Variant.id))
    by_product: dict[int, list[SoldVariant]] = {}
    for variant in variants:
        by_product.setdefault(variant.product_id, []).append(
            SoldVariant(variant.id, variant.sku, variant.label_zh, variant.label_en, variant.price)
        )
    return Shop(
        county_id=county.id,
        slug=county.slug,
        province=county.province_zh,
        shipping_fee=county.shipping_fee,
        free_shipping_threshold=county.free_shipping_threshold,
        products=tuple(
            SoldProduct(product.id, product.name_zh, product.name_en, tuple(by_product[product.id]))
            for product in products
            if by_product.get(product.id)
        ),
    )


# --- the plan -------------------------------------------------------------------------------------


@dataclass
class CountyRows:
    """Rows to insert for one county. Orders are keyed by number and creators by code until they
    have ids: lines, status history and events name them by ``order_number`` / ``creator_code``."""

    creators: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    order_events: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


# Beijing hours of the day by how much shoppers buy then: quiet at night, busy late morning and evening.
HOUR_WEIGHTS = (2, 1, 0.5, 0.3, 0.3, 0.5, 1, 2, 3.5, 4.5, 5, 5, 4.5, 4, 4, 4, 4, 4, 4.5, 5.5, 7, 7.5, 6, 4)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鑫浩宇欣怡晨阳婷雪琳佳鹏飞俊"
STREETS = ("人民路", "解放路", "中山路", "建设路", "新华街", "文化路", "幸福路", "和平路", "长江路", "东风路")
COURIER_WEIGHTS = {"SF": 0.45, "ZTO": 0.25, "YTO": 0.1, "YD": 0.1, "JD": 0.05, "EMS": 0.05}
EVENT_KEYS = ("kind", "at", "visitor", "creator_code", "device", "product_id", "order_number")
EVENT_KEYS += ("query", "results", "amount")


@dataclass
class _Buyer:
    visitor: str
    email: str
    language: str
    shipping: ShippingAddress


class _Planner:
    """One county's history, drawn from one random generator in one fixed order."""

    def __init__(self, spec: HistoryFile, county: CountyHistory, shop: Shop, now: datetime.datetime) -> None:
        self.spec, self.county, self.shop, self.now = spec, county, shop, now
        self.shoppers = spec.shoppers
        self.random = random.Random(f"{spec.seed}:{shop.slug}")
        self.rows = CountyRows()
        self.buyers: list[_Buyer] = []
        self.numbers: set[str] = set()
        self._refunded: dict[str, tuple[datetime.datetime, int]] = {}
        """Refunds recorded, by order number: when, and how much."""
        provinces = dict(spec.provinces)
        if shop.province in provinces:
            provinces[shop.province] *= county.own_province_lift
        self.provinces = list(provinces)
        self.province_weights = list(itertools.accumulate(provinces.values()))
        self.divisions = {province.name: province for province in divisions.provinces()}
        self.devices = list(self.shoppers.devices)
        self.device_weights = list(itertools.accumulate(self.shoppers.devices.values()))
        self.payment_methods = list(self.shoppers.payment_methods)
        self.payment_method_weights = list(itertools.accumulate(self.shoppers.payment_methods.values()))
        # Drawn apart, so adding the payment method changed no other part of the history.
        self.payment_random = random.Random(f"{spec.seed}:{shop.slug}:payment")
        self.hours = list(itertools.accumulate(HOUR_WEIGHTS))
        # Earlier products in the shop sell more; a product's first variant more than its others.
        self.product_weights = list(
            itertools.accumulate(1 / (i + 1) ** 0.7 for i in range(len(shop.products)))
        )
        self.searches = [(query, self._results(query)) for query in county.searches]
        if unfound := [query for query, results in self.searches if not results]:
            msg = f"{HISTORY_FILE.name}: {shop.slug} sells nothing named {', '.join(unfound)} (searches)"
            raise DemoContentError(msg)
        self.missing = [(query, self._results(query)) for query in spec.searches_without_results]

    # -- drawing --

    def _pick(self, items: list[Any], cumulative: list[float], source: random.Random | None = None) -> Any:
        return items[bisect.bisect(cumulative, (source or self.random).random() * cumulative[-1])]

    def _poisson(self, mean: float) -> int:
        if mean <= 0:
            return 0
        if mean > 40:
            return max(0, round(self.random.gauss(mean, math.sqrt(mean))))
        limit, count, product = math.exp(-mean), 0, self.random.random()
        while product > limit:
            count += 1
            product *= self.random.random()
        return count

    def _results(self, query: str) -> int:
        return sum(query in product.name_zh for product in self.shop.products)

    def _visitor_id(self) -> str:
        return f"{self.random.getrandbits(128):032x}"

    # -- the rate --

    def _rate(self, day: datetime.date, days_ago: int) -> float:
        county = self.county
        rate = county.orders_per_day * county.yearly_growth ** (-days_ago / 365)
        season = 1.0
        for peak in county.peaks:
            for peak_day in self._peak_days(peak, day):
                distance = (day - peak_day).days
                if -peak.before <= distance <= 0:
                    season += peak.lift * (1 + distance / (peak.before + 1))
                elif 0 < distance <= peak.after:
                    season += peak.lift * (1 - distance / (peak.after + 1))
        weekday = 1.08 if day.weekday() >= 5 else 0.97
        return rate * season * weekday

    def _peak_days(self, peak: Peak, day: datetime.date) -> list[datetime.date]:
        if peak.spring_festival:
            return [
                festival + datetime.timedelta(days=peak.offset) for festival in self.spec.spring_festivals
            ]
        assert peak.month is not None and peak.day is not None
        return [_date(year, peak.month, peak.day) for year in (day.year - 1, day.year, day.year + 1)]

    # -- the plan --

    def plan(self) -> CountyRows:
        today = beijing_date(self.now)
        first = today - datetime.timedelta(days=self.spec.days - 1)
        for creator in self.county.creators:
            self.rows.creators.append(
                {
                    "name": creator.name,
                    "platform": creator.platform,
                    "handle": creator.handle,
                    "code": creator.code,
                    "commission_bp": creator.commission_bp,
                    "is_active": True,
                    "created_at": self._start_of(today - datetime.timedelta(days=creator.since)),
                }
            )
        day = first
        while day <= today:
            self._day(day, (today - day).days)
            day += datetime.timedelta(days=1)
        return self.rows

    def _start_of(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(), BEIJING).astimezone(datetime.UTC)

    def _day(self, day: datetime.date, days_ago: int) -> None:
        shoppers = self.shoppers
        rate = self._rate(day, days_ago)
        paid = self._poisson(rate)
        unpaid = self._poisson(paid * shoppers.unpaid_checkouts_per_order)
        visitors = max(paid + unpaid, self._poisson(rate * self.county.visitors_per_order))
        carting = self._poisson((paid + unpaid) * shoppers.carts_left_per_checkout)
        visitors = max(visitors, paid + unpaid + carting)
        creators = [creator for creator in self.county.creators if creator.since >= days_ago]
        start = self._start_of(day)
        for number in range(visitors):
            hour = bisect.bisect(self.hours, self.random.random() * self.hours[-1])
            at = start + datetime.timedelta(hours=hour, seconds=self.random.randrange(3600))
            if at >= self.now:
                continue
            if number < paid:
                role = "paid"
            elif number < paid + unpaid:
                role = "unpaid"
            elif number < paid + unpaid + carting:
                role = "cart"
            else:
                role = "browse"
            self._visit(at, role, creators)

    def _visit(self, at: datetime.datetime, role: str, creators: list[DemoCreator]) -> None:
        shoppers = self.shoppers
        buyer = None
        if role == "paid" and self.buyers and self.random.random() < shoppers.repeat_share:
            buyer = self.random.choice(self.buyers)
        visitor = buyer.visitor if buyer else self._visitor_id()
        device = self._pick(self.devices, self.device_weights)
        creator = None
        draw = self.random.random()
        for candidate in creators:
            if draw < candidate.share:
                creator = candidate
                break
            draw -= candidate.share
        code = creator.code if creator else None

        def event(kind: str, when: datetime.datetime, **values: Any) -> None:
            row = dict.fromkeys(EVENT_KEYS)
            row.update(kind=kind, at=when, visitor=visitor, creator_code=code, device=device)
            row.update(values)
            self.rows.events.append(row)

        moment = at
        event("visit", moment)
        moment += datetime.timedelta(seconds=self.random.randrange(1, 5))
        event("page_view", moment)
        if self.random.random() < shoppers.search_share:
            missing = self.random.random() < shoppers.missing_search_share
            query, results = self.random.choice(
                self.missing if missing or not self.searches else self.searches
            )
            moment += datetime.timedelta(seconds=self.random.randrange(5, 60))
            event("search", moment, query=query, results=results)
        buying = role != "browse"
        if not buying and self.random.random() >= shoppers.product_view_share:
            return
        products = self._products()
        for product, _variant, _quantity in products:
            moment += datetime.timedelta(seconds=self.random.randrange(10, 180))
            event("product_view", moment, product_id=product.id)
        if not buying:
            return
        moment += datetime.timedelta(seconds=self.random.randrange(10, 120))
        for product, _variant, _quantity in products:
            event("add_to_cart", moment, product_id=product.id)
        if role == "cart":
            return
        moment += datetime.timedelta(seconds=self.random.randrange(30, 600))
        if moment >= self.now:
            return
        event("checkout_started", moment)
        order = self._order(moment, products, buyer, visitor, creator, at, paid=role == "paid")
        if order["status"] in {OrderStatus.EXPIRED, OrderStatus.CANCELLED}:
            return
        # Money facts as the payment code writes them: no visitor or device (a webhook has none),
        # the code of the order's creator.
        money = {"visitor": "", "device": "", "order_number": order["number"]}
        event("order_paid", order["paid_at"], amount=order["total"], **money)
        refunded = self._refunded.pop(order["number"], None)
        if refunded is not None:
            when, amount = refunded
            event("order_refunded", when, amount=amount, **money)

    def _products(self) -> list[tuple[SoldProduct, SoldVariant, int]]:
        count = min(len(self.shop.products), self.random.choice((1, 1, 1, 1, 2, 2, 3)))
        chosen: dict[int, SoldProduct] = {}
        while len(chosen) < count:
            product = self._pick(list(self.shop.products), self.product_weights)
            chosen[product.id] = product
        picked = []
        for product in chosen.values():
            variants = product.variants
            variant = (
                variants[0]
                if len(variants) == 1 or self.random.random() < 0.6
                else self.random.choice(variants)
            )
            picked.append((product, variant, self.random.choice((1, 1, 1, 1, 1, 1, 2, 2, 3))))
        return picked

    def _new_buyer(self, visitor: str) -> _Buyer:
        province = self._pick(self.provinces, self.province_weights)
        cities = self.divisions[province].children
        city = self.random.choice(cities)
        district = self.random.choice(city.children).name if city.children else ""
        index = len(self.buyers) + 1
        buyer = _Buyer(
            visitor=visitor,
            email=f"shopper{index}.{self.shop.slug}@example.com",
            language="en" if self.random.random() < 0.03 else "zh",
            shipping=ShippingAddress(
                recipient=self.random.choice(SURNAMES)
                + "".join(self.random.choice(GIVEN) for _ in range(self.random.choice((1, 2, 2)))),
                mobile=self.random.choice(("13", "15", "17", "18", "19"))
                + f"{self.random.randrange(10**9):09d}",
                province=province,
                city=city.name,
                district=district,
                address=f"{self.random.choice(STREETS)}{self.random.randint(1, 399)}号"
                f"{self.random.randint(1, 30)}栋{self.random.randint(1, 28)}0{self.random.randint(1, 6)}室",
            ),
        )
        self.buyers.append(buyer)
        return buyer

    def _number(self, at: datetime.datetime) -> str:
        while True:
            suffix = "".join(self.random.choice(NUMBER_ALPHABET) for _ in range(6))
            number = f"{self.shop.slug[:2].upper()}{beijing_date(at):%y%m%d}{suffix}"
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def _order(
        self,
        created: datetime.datetime,
        products: list[tuple[SoldProduct, SoldVariant, int]],
        buyer: _Buyer | None,
        visitor: str,
        creator: DemoCreator | None,
        referred_at: datetime.datetime,
        *,
        paid: bool,
    ) -> dict[str, Any]:
        shoppers, shop = self.shoppers, self.shop
        if not paid:
            buyer = self._stranger(visitor)
        elif buyer is None:
            buyer = self._new_buyer(visitor)
        number = self._number(created)
        subtotal = sum(variant.price * quantity for _product, variant, quantity in products)
        free = shop.free_shipping_threshold is not None and subtotal >= shop.free_shipping_threshold
        shipping = 0 if free else shop.shipping_fee
        total = subtotal + shipping
        history: list[tuple[datetime.datetime, str, str, str]] = []
        order: dict[str, Any] = {
            "number": number,
            "language": buyer.language,
            "email": buyer.email,
            **dataclasses.asdict(buyer.shipping),
            "subtotal": subtotal,
            "shipping_fee": shipping,
            "total": total,
            "amount_refunded": 0,
            "refund_requested": 0,
            "idempotency_key": f"demo-history:{number}",
            "stripe_session_id": f"cs_demo_{number}",
            "stripe_payment_intent": None,
            "payment_method": None,
            "checkout_expires_at": created + datetime.timedelta(minutes=30),
            "paid_at": None,
            "confirmation_sent_at": None,
            "courier": None,
            "tracking_number": None,
            "referral_code": creator.code if creator else None,
            "creator_code": creator.code if creator else None,
            "referred_at": referred_at if creator else None,
            "created_at": created,
        }
        for _product, variant, quantity in products:
            self.rows.lines.append(
                {
                    "order_number": number,
                    "variant_id": variant.id,
                    "product_name_zh": _product.name_zh,
                    "product_name_en": _product.name_en,
                    "variant_label_zh": variant.label_zh,
                    "variant_label_en": variant.label_en,
                    "sku": variant.sku,
                    "unit_price": variant.price,
                    "quantity": quantity,
                    "created_at": created,
                }
            )
        if not paid:
            if self.random.random() < shoppers.cancelled_share:
                ended = created + datetime.timedelta(seconds=self.random.randrange(20, 900))
                history.append((ended, OrderStatus.CANCELLED, Actor.SHOPPER, "the shopper gave up"))
            else:
                ended = created + datetime.timedelta(minutes=30, seconds=self.random.randrange(5, 120))
                history.append((ended, OrderStatus.EXPIRED, Actor.SWEEPER, "the Checkout Session lapsed"))
            history = [entry for entry in history if entry[0] < self.now] or [
                (created, OrderStatus.EXPIRED, Actor.SWEEPER, "the Checkout Session lapsed")
            ]
        else:
            paid_at = created + datetime.timedelta(seconds=self.random.randrange(30, 300))
            order.update(
                paid_at=paid_at,
                confirmation_sent_at=paid_at + datetime.timedelta(seconds=self.random.randrange(2, 60)),
                stripe_payment_intent=f"pi_demo_{number}",
                payment_method=self._pick(
                    self.payment_methods, self.payment_method_weights, self.payment_random
                ),
            )
            history.append((paid_at, OrderStatus.PAID, Actor.STRIPE, ""))
            hours = shoppers.median_hours_to_ship * math.exp(self.random.gauss(0, shoppers.ship_spread))
            shipped = paid_at + datetime.timedelta(hours=min(hours, 24 * 6))
            low, high = shoppers.delivery_days
            delivered = shipped + datetime.timedelta(
                days=self.random.randint(low, high), hours=self.random.randrange(12)
            )
            draw = self.random.random()
            refund: tuple[datetime.datetime, int] | None = None
            if draw < shoppers.full_refund_share:
                refund = (paid_at + datetime.timedelta(hours=self.random.uniform(2, 240)), total)
            elif draw < shoppers.full_refund_share + shoppers.partial_refund_share:
                _product, variant, _quantity = self.random.choice(products)
                amount = min(total - 1, variant.price) if total > 1 else 0
                refund = (delivered + datetime.timedelta(hours=self.random.uniform(6, 96)), amount)
            for when, status in ((shipped, OrderStatus.SHIPPED), (delivered, OrderStatus.DELIVERED)):
                if refund is not None and refund[1] == total and refund[0] <= when:
                    break
                actor_note = (
                    "handed to the courier" if status == OrderStatus.SHIPPED else "the courier delivered it"
                )
                history.append((when, status, SEED_ACTOR, actor_note))
                if status == OrderStatus.SHIPPED:
                    courier = self._pick(
                        list(COURIER_WEIGHTS), list(itertools.accumulate(COURIER_WEIGHTS.values()))
                    )
                    order.update(
                        courier=courier, tracking_number=f"{courier}{self.random.randrange(10**11, 10**12)}"
                    )
            if refund is not None and refund[1] > 0:
                when, amount = refund
                status = OrderStatus.REFUNDED if amount == total else ""
                history.append((when, status, Actor.STRIPE, f"refunded {amount} of {total}"))
            history = [entry for entry in history if entry[0] < self.now]
            if not any(entry[1] == OrderStatus.SHIPPED for entry in history):
                order.update(courier=None, tracking_number=None)
            refunds = [entry for entry in history if entry[3].startswith("refunded")]
            if refunds:
                amount = refund[1] if refund else 0
                order.update(amount_refunded=amount, refund_requested=amount)
                self._refunded[number] = (refunds[0][0], amount)
        statuses = [entry[1] for entry in history if entry[1]]
        order["status"] = statuses[-1] if statuses else OrderStatus.PAID
        order["updated_at"] = history[-1][0] if history else created
        for when, status, actor, note in history:
            self.rows.order_events.append(
                {
                    "order_number": number,
                    "status": status or statuses[-1],
                    "actor": actor,
                    "note": note,
                    "created_at": when,
                    "updated_at": when,
                }
            )
        self.rows.orders.append(order)
        return order

    def _stranger(self, visitor: str) -> _Buyer:
        """Who gave up at checkout: an address typed, never paid; not kept as a buyer."""
        buyer = self._new_buyer(visitor)
        self.buyers.pop()
        return buyer


def _date(year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:  # 29 February in a common year
        return datetime.date(year, month, 28)


def plan_county(spec: HistoryFile, shop: Shop, now: datetime.datetime) -> CountyRows:
    """The rows of ``shop``'s history up to ``now``; the same arguments always give the same rows."""
    county = spec.county(shop.slug)
    if county is None:
        return CountyRows()
    return _Planner(spec, county, shop, now).plan()


# --- writing it -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    """How many rows of history one county got."""

    creators: int
    orders: int
    paid: int
    events: int


async def seed_history(
    session: AsyncSession, counties: list[County], now: datetime.datetime, spec: HistoryFile | None = None
) -> dict[str, Seeded]:
    """Write the history of each of ``counties`` (demo counties the seed has just created), each in
    its own county's scope, and its daily roll-ups; not committed here. Counties with no entry in
    the file get none."""
    spec = spec or load_history()
    seeded = {}
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of new dicts: collecting them as they come is most of the time
    try:
        for county in counties:
            if spec.county(county.slug) is None:
                continue
            with county_scope(session, county.id):
                shop = await load_shop(session, county)
                rows = plan_county(spec, shop, now)
                seeded[county.slug] = await _write(session, county.id, rows)
        if seeded:
            # Tables that grew from nothing: without fresh statistics PostgreSQL plans the roll-up
            # queries as if they were still empty (minutes instead of seconds).
            for table in _ANALYZED:
                await session.execute(text(f"ANALYZE {table}"))
        # The dashboard reads roll-ups for closed days (made now, not at the first sweep), the
        # buyer chain and its stored counts.
        today = beijing_date(now)
        for county in counties:
            if county.slug in seeded:
                first = today - datetime.timedelta(days=spec.days)
                await rebuild(session, county.id, first, today, today=today)
                await rebuild_buyers(session, county.id)
                await store_buyer_counts(session, county.id, today)
    finally:
        if collecting:
            gc.enable()
    return seeded


async def _write(session: AsyncSession, county_id: int, rows: CountyRows) -> Seeded:
    stamp = {"county_id": county_id}
    await _insert(
        session, Creator, [{**row, **stamp, "updated_at": row["created_at"]} for row in rows.creators]
    )
    creators = dict((await session.execute(select(Creator.code, Creator.id))).tuples().all())
    orders = []
    for row in rows.orders:
        order = {key: value for key, value in row.items() if key != "creator_code"}
        order.update(stamp, creator_id=creators.get(row["creator_code"]) if row["creator_code"] else None)
        orders.append(order)
    await _insert(session, Order, orders)
    numbers = [row["number"] for row in rows.orders]
    ids: dict[str, int] = {}
    for start in range(0, len(numbers), CHUNK):
        found = await session.execute(
            select(Order.number, Order.id).where(Order.number.in_(numbers[start : start + CHUNK]))
        )
        ids.update(found.tuples().all())
    await _insert(session, OrderLine, [_resolved(row, ids, stamp, "updated_at") for row in rows.lines])
    await _insert(session, OrderEvent, [_resolved(row, ids, stamp) for row in rows.order_events])
    events = []
    for row in rows.events:
        event = _resolved(row, ids, stamp)
        event["created_at"] = event["updated_at"] = event["at"]
        events.append(event)
    await _insert(session, Event, events)
    return Seeded(
        creators=len(rows.creators),
        orders=len(rows.orders),
        paid=sum(row["paid_at"] is not None for row in rows.orders),
        events=len(rows.events),
    )


def _resolved(
    row: dict[str, Any], ids: dict[str, int], stamp: dict[str, int], *copy_time: str
) -> dict[str, Any]:
    """``row`` with its ``order_number`` made the order's id, stamped with the county."""
    resolved = {key: value for key, value in row.items() if key != "order_number"}
    resolved["order_id"] = ids[row["order_number"]] if row["order_number"] else None
    for key in copy_time:
        resolved[key] = row["created_at"]
    resolved.update(stamp)
    return resolved


async def _insert(session: AsyncSession, model: type, rows: list[dict[str, Any]]) -> None:
    """Bulk INSERTs of ``rows`` (all with the same keys), ``CHUNK`` at a time, through the ORM class
    so the tenant scoping checks every row's county. ``render_nulls``: a None is sent as NULL rather
    than left out, so every row has the same columns and a chunk is one statement, not one a row."""
    statement = insert(model).execution_options(render_nulls=True)
    for start in range(0, len(rows), CHUNK):
        await session.execute(statement, rows[start : start + CHUNK])
