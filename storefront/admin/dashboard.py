"""The brand dashboard as the admin reads it: the chosen period and its comparisons, and every
figure as a table (what the page shows, what each chart draws and what each CSV holds).

No figure is computed here: each comes from :mod:`storefront.metrics.definitions` (one definition
per metric); this module only lays them out as tables of cells, each cell with the text a person
reads and the plain value a spreadsheet or a chart reads (yuan as ``"12.80"``, rates in per cent).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.admin.dashboard_forms import CUSTOM, RangeForm
from storefront.catalog.models import Producer
from storefront.clock import beijing_date, utcnow
from storefront.db import all_counties_scope
from storefront.forms import SubmittedForm, read_form
from storefront.i18n import N_, current_language
from storefront.i18n import gettext as _
from storefront.metrics import definitions
from storefront.metrics.periods import PRESETS, Period, preset, previous, year_before
from storefront.money import decimal_string, format_money
from storefront.orders.models import payment_method_label

PRESET_LABELS = {
    "today": N_("Today"),
    "7d": N_("Last 7 days"),
    "30d": N_("Last 30 days"),
    "this_month": N_("This month"),
    "last_12_months": N_("Last 12 months"),
    "this_year": N_("This year"),
}
PLATFORM = "platform"
COUNTY_TABLES = (
    "summary",
    "sales_by_day",
    "funnel",
    "provinces",
    "products",
    "producers",
    "creators",
    "payment_methods",
    "searches",
)
PLATFORM_TABLES = ("counties", "province_rollup")
NOTHING = "—"


@dataclass(frozen=True)
class Cell:
    """``text`` as a person reads it; ``value`` for the CSV and the chart."""

    text: str
    value: object = None

    @property
    def plain(self) -> object:
        return self.text if self.value is None else self.value


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: Sequence[str]
    rows: list[list[Cell]]
    chart: str | None = None  # "line", "bar", "funnel" or "pie"
    chart_column: int = 1
    collapsed: bool = False  # long tables (a day a row) folded under their chart

    def csv_rows(self) -> list[list[object]]:
        return [[cell.plain for cell in row] for row in self.rows]


# Cells ---------------------------------------------------------------------------------------


def text(value: str) -> Cell:
    return Cell(value)


def money(fen: int) -> Cell:
    return Cell(format_money(fen), decimal_string(fen))


def count(number: int) -> Cell:
    return Cell(f"{number:,}", number)


def rate(fraction: float | None) -> Cell:
    if fraction is None:
        return Cell(NOTHING, "")
    return Cell(f"{fraction * 100:.1f}%", round(fraction * 100, 1))


def growth(fraction: float | None) -> Cell:
    """A change as ``+12.5%``; nothing when there is nothing to grow from."""
    if fraction is None:
        return Cell(NOTHING, "")
    return Cell(f"{fraction * 100:+.1f}%", round(fraction * 100, 1))


def hours(value: float | None) -> Cell:
    if value is None:
        return Cell(NOTHING, "")
    return Cell(f"{value:.1f}", round(value, 1))


def localized(zh: str, en: str) -> str:
    """The name in the admin's language (the other when that one is empty)."""
    return (en or zh) if current_language.get() == "en" else (zh or en)


def named(row: object) -> str:
    return localized(row.name_zh, row.name_en)


def province_name(row: object) -> str:
    return localized(row.province_zh, row.province_en)


# The range --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What the admin asked for: the view, the range as typed, and the period when it reads."""

    view: str
    form: SubmittedForm[RangeForm]
    period: Period | None
    preset: str

    @property
    def query(self) -> dict[str, str]:
        """The range as query parameters (for links, exports and the pushed URL)."""
        if self.form.data is None:
            return {}
        if self.preset == CUSTOM and self.period:
            return {
                "range": CUSTOM,
                "date_from": self.period.first.isoformat(),
                "date_to": self.period.last.isoformat(),
            }
        return {"range": self.preset}

    def href(self, path: str = "/admin/", **extra: str) -> str:
        params = {**({"view": PLATFORM} if self.view == PLATFORM else {}), **self.query, **extra}
        params = {name: value for name, value in params.items() if value}
        return f"{path}?{urlencode(params)}" if params else path

    def export_href(self, table: str) -> str:
        return f"/admin/export/{table}" + (f"?{urlencode(self.query)}" if self.query else "")

    def preset_links(self) -> list[dict[str, object]]:
        return [
            {
                "name": name,
                "label": _(PRESET_LABELS[name]),
                "href": self.href(range=name, date_from="", date_to=""),
                "current": self.form.data is not None and self.preset == name,
            }
            for name in PRESETS
        ]

    def labels(self) -> dict[str, str]:
        if self.period is None:
            return {}
        return {
            "period": span(self.period),
            "previous": span(previous(self.period)),
            "year_before": span(year_before(self.period)),
        }


def span(period: Period) -> str:
    if period.first == period.last:
        return period.first.isoformat()
    return f"{period.first.isoformat()} – {period.last.isoformat()}"


def read_selection(params: dict[str, str], view: str, today: datetime.date | None = None) -> Selection:
    """The admin's range from the query string; ``period`` is None when it does not read."""
    shown = {name: params.get(name) or "" for name in ("range", "date_from", "date_to")}
    form = read_form(RangeForm, shown)
    if form.data is None:
        return Selection(view, form, None, shown["range"] or CUSTOM)
    data = form.data
    if data.preset == CUSTOM:
        period = Period(data.date_from, data.date_to)  # type: ignore[arg-type]
    else:
        period = preset(data.preset, today or beijing_date(utcnow()))
    return Selection(view, form, period, data.preset)


# The county's tables ------------------------------------------------------------------------------


@dataclass
class CountyDashboard:
    dashboard: object
    comparison: object
    tables: dict[str, Table] = field(default_factory=dict)
    producers: list[tuple[int, str]] = field(default_factory=list)


def _summary(dashboard: object, comparison: object) -> Table:
    """The headline figures of the period, the previous period and the year before; growth is of
    sales (the median time to ship is of this period only)."""
    current = comparison.current
    before = comparison.previous
    year = comparison.year_before
    figures: list[tuple[str, Callable[[object], Cell]]] = [
        (N_("Sales"), lambda totals: money(totals.sales)),
        (N_("Orders"), lambda totals: count(totals.orders)),
        (N_("Average order value"), lambda totals: money(totals.average_order_value)),
        (N_("Unique buyers"), lambda totals: count(totals.unique_buyers)),
        (N_("Repeat-purchase rate"), lambda totals: rate(totals.repeat_purchase_rate)),
        (N_("Refund rate"), lambda totals: rate(totals.refund_rate)),
    ]
    rows = [[text(_(label)), shown(current), shown(before), shown(year)] for label, shown in figures]
    rows.append(
        [
            text(_("Median hours from payment to shipping")),
            hours(dashboard.median_hours_to_ship),
            hours(None),
            hours(None),
        ]
    )
    rows[0] += [growth(comparison.growth_vs_previous), growth(comparison.growth_vs_year_before)]
    for row in rows[1:]:
        row += [growth(None), growth(None)]
    columns = [
        _("Figure"),
        _("This period"),
        _("Previous period"),
        _("Same period a year before"),
        _("Growth on the previous period"),
        _("Growth year on year"),
    ]
    return Table("summary", _("Summary"), columns, rows)


def county_tables(dashboard: object, comparison: object) -> dict[str, Table]:
    d = dashboard
    funnel = d.funnel
    tables = [
        _summary(dashboard, comparison),
        Table(
            "sales_by_day",
            _("Sales by day"),
            [_("Day"), _("Sales (¥)")],
            [[text(day.isoformat()), money(sales)] for day, sales in d.sales_by_day],
            chart="line",
            collapsed=True,
        ),
        Table(
            "funnel",
            _("From visit to payment"),
            [_("Step"), _("Count")],
            [
                [text(_("Visitors")), count(funnel.visitors)],
                [text(_("Product views")), count(funnel.product_views)],
                [text(_("Added to cart")), count(funnel.add_to_cart)],
                [text(_("Checkout started")), count(funnel.checkout_started)],
                [text(_("Paid")), count(funnel.paid)],
            ],
            chart="funnel",
        ),
        Table(
            "provinces",
            _("Sales by buyer province"),
            [_("Province"), _("Sales (¥)"), _("Orders")],
            [
                [text(row.province or _("Unknown")), money(row.sales), count(row.orders)]
                for row in d.sales_by_province
            ],
            chart="bar",
        ),
        Table(
            "products",
            _("Top products"),
            [_("Product"), _("Sales (¥)"), _("Units")],
            [[text(named(row)), money(row.sales), count(row.units)] for row in d.top_products],
            chart="bar",
        ),
        Table(
            "producers",
            _("Farmers earning"),
            [_("Producer"), _("Sales (¥)"), _("Units"), _("Refunds (¥)")],
            [
                [text(named(row)), money(row.sales), count(row.units), money(row.refunds)]
                for row in d.producers
            ],
            chart="bar",
        ),
        Table(
            "creators",
            _("Creators' leaderboard"),
            [
                _("Creator"),
                _("Sales (¥)"),
                _("Platform"),
                _("Code"),
                _("Visits"),
                _("Orders"),
                _("Refunds (¥)"),
                _("Commission (¥)"),
            ],
            [
                [
                    text(row.name),
                    money(row.sales),
                    text(row.platform),
                    text(row.code),
                    count(row.visits),
                    count(row.orders),
                    money(row.refunds),
                    money(row.commission),
                ]
                for row in d.creators
            ],
            chart="bar",
        ),
        Table(
            "payment_methods",
            _("Payment methods"),
            [_("Payment method"), _("Sales (¥)"), _("Share of sales"), _("Orders"), _("Share of orders")],
            [
                [
                    text(payment_method_label(row.method)),
                    money(row.sales),
                    rate(row.sales_share),
                    count(row.orders),
                    rate(row.order_share),
                ]
                for row in d.payment_methods
            ],
            chart="pie",
            chart_column=3,
        ),
        Table(
            "searches",
            _("Top searches that found nothing"),
            [_("Search"), _("Times")],
            [[text(query), count(times)] for query, times in d.searches_without_results],
        ),
    ]
    return {table.name: table for table in tables}


async def county_dashboard(db_session: AsyncSession, period: Period) -> CountyDashboard:
    dashboard = await definitions.county_dashboard(db_session, period)
    comparison = await definitions.compare(db_session, period, current=dashboard.totals)
    view = CountyDashboard(dashboard, comparison, county_tables(dashboard, comparison))
    view.producers = [(row.producer_id, named(row)) for row in dashboard.producers]
    return view


# The platform's tables ---------------------------------------------------------------------------


@dataclass
class PlatformDashboard:
    ranking: list
    rollup: list
    tables: dict[str, Table] = field(default_factory=dict)


def _county_row(row: object) -> list[Cell]:
    return [
        text(named(row)),
        money(row.sales),
        text(province_name(row)),
        money(row.previous_sales),
        growth(row.growth),
    ]


def platform_tables(ranking: list, rollup: list) -> dict[str, Table]:
    counties = Table(
        "counties",
        _("Counties ranked by sales"),
        [_("County"), _("Sales (¥)"), _("Province"), _("Previous period (¥)"), _("Growth")],
        [_county_row(row) for row in ranking],
        chart="bar",
    )
    provinces = Table(
        "province_rollup",
        _("Sales by province, then county"),
        [_("Province"), _("County"), _("Sales (¥)")],
        [
            row
            for province in rollup
            for row in (
                [[text(province_name(province)), text(""), money(province.sales)]]
                + [
                    [text(province_name(province)), text(named(county)), money(county.sales)]
                    for county in province.counties
                ]
            )
        ],
    )
    return {counties.name: counties, provinces.name: provinces}


async def platform_dashboard(db_session: AsyncSession, period: Period) -> PlatformDashboard:
    with all_counties_scope(db_session):
        ranking = await definitions.county_ranking(db_session, period)
    rollup = definitions.province_rollup(ranking)
    return PlatformDashboard(ranking, rollup, platform_tables(ranking, rollup))


# A producer's statement ---------------------------------------------------------------------------


async def county_producer(db_session: AsyncSession, producer_id: int) -> Producer | None:
    """The producer of the admin's county with this id (None for another county's)."""
    return await db_session.scalar(select(Producer).where(Producer.id == producer_id))


async def statement_table(db_session: AsyncSession, producer: Producer, month: datetime.date) -> Table:
    lines = await definitions.producer_statement(db_session, producer.id, month)
    return Table(
        "statement",
        _("Monthly statement"),
        [_("Product"), _("Variant"), _("Units"), _("Sales (¥)"), _("Refunds (¥)")],
        [
            [
                text(localized(line.product_name_zh, line.product_name_en)),
                text(localized(line.variant_label_zh, line.variant_label_en)),
                count(line.units),
                money(line.sales),
                money(line.refunds),
            ]
            for line in lines
        ],
    )
