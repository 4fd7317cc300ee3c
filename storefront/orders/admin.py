"""The admin's orders: the county's list (filters, search, pages), an order's detail, and marking
it shipped or delivered.

The database session is already scoped to the admin's county by the admin guard, so an order of
another county is simply not found (404) by any of these routes. Status changes go through
:func:`storefront.orders.states.change_status` (a compare-and-set): a second press, or a press on
an order another admin already moved, changes nothing and says so.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated, Any, TypeAlias
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storefront.accounts.models import AdminUser
from storefront.admin.guard import CurrentAdmin
from storefront.clock import BEIJING
from storefront.db import DbSession
from storefront.forms import FormData, SubmittedForm, read_form
from storefront.i18n import N_
from storefront.i18n import gettext as _
from storefront.orders.admin_forms import OrderFilterForm, ShipForm
from storefront.orders.models import COURIERS, Order, OrderStatus, status_label
from storefront.orders.states import admin as admin_actor
from storefront.orders.states import change_status

PAGE_SIZE = 25
FILTER_FIELDS = ("q", "status", "date_from", "date_to", "flagged")
DONE = {"shipped": N_("Marked shipped."), "delivered": N_("Marked delivered.")}
ACTORS = {"shopper": N_("Shopper"), "stripe": N_("Stripe"), "sweeper": N_("Sweeper")}


@dataclass(frozen=True)
class OrderFilters:
    q: str = ""
    status: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    flagged: bool = False


def _beijing_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), BEIJING)


class AdminOrders:
    """The county's orders, as the admin pages read them (the session is the county's)."""

    def __init__(self, db_session: AsyncSession) -> None:
        self.db_session = db_session

    async def page(self, filters: OrderFilters, page: int, per_page: int) -> tuple[list[Order], int]:
        conditions: list[Any] = []
        if filters.status:
            conditions.append(Order.status == filters.status)
        if filters.flagged:
            conditions.append(Order.payment_flag.is_not(None))
        if filters.date_from:
            conditions.append(Order.created_at >= _beijing_midnight(filters.date_from))
        if filters.date_to:
            conditions.append(
                Order.created_at < _beijing_midnight(filters.date_to + datetime.timedelta(days=1))
            )
        if query := filters.q.strip():
            conditions.append(
                or_(
                    Order.number.contains(query.upper(), autoescape=True),
                    func.lower(Order.email).contains(query.lower(), autoescape=True),
                    Order.mobile.contains(query.replace(" ", ""), autoescape=True),
                    Order.recipient.contains(query, autoescape=True),
                )
            )
        total = await self.db_session.scalar(select(func.count(Order.id)).where(*conditions)) or 0
        orders = await self.db_session.scalars(
            select(Order)
            .where(*conditions)
            .order_by(Order.created_at.desc(), Order.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return list(orders), total

    async def by_number(self, number: str) -> Order:
        """The county's order with this number, or 404 (also for another county's)."""
        order = await self.db_session.scalar(
            select(Order)
            .where(Order.number == number.strip().upper())
            .options(selectinload(Order.lines), selectinload(Order.events))
            .execution_options(populate_existing=True)
        )
        if order is None:
            raise NotFoundException
        return order

    async def actor_names(self, order: Order) -> dict[str, str]:
        """How each entry's actor is shown: admins by their email, the rest by what they are."""
        names = {actor: _(label) for actor, label in ACTORS.items()}
        ids = {
            int(event.actor.removeprefix("admin:"))
            for event in order.events
            if event.actor.startswith("admin:") and event.actor.removeprefix("admin:").isdigit()
        }
        if ids:
            rows = await self.db_session.execute(
                select(AdminUser.id, AdminUser.email).where(AdminUser.id.in_(ids))
            )
            names.update({admin_actor(user_id): email for user_id, email in rows})
        return names


AdminOrdersDependency: TypeAlias = NamedDependency[AdminOrders]


async def provide_admin_orders(db_session: DbSession) -> AdminOrders:
    return AdminOrders(db_session)


def _county_required(admin: CurrentAdmin) -> None:
    """A platform admin who chose no county has no orders to look at: 404 for single orders."""
    if admin.county is None:
        raise NotFoundException


class AdminOrderController(Controller):
    path = "/orders"
    dependencies = {"orders": Provide(provide_admin_orders)}

    @get("/", name="admin:orders")
    async def index(
        self,
        request: Request,
        admin: CurrentAdmin,
        orders: AdminOrdersDependency,
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
    ) -> Template:
        shown = {name: request.query_params.get(name) or "" for name in FILTER_FIELDS}
        context: dict[str, Any] = {
            "admin": admin,
            "values": shown,
            "errors": {},
            "statuses": list(OrderStatus),
            "orders": [],
            "page": page,
            "pages": 1,
            "total": 0,
        }
        if admin.county is None:
            return Template("admin/orders.html", context=context)
        form = read_form(OrderFilterForm, shown)
        filters = OrderFilters()
        if form.data is not None:
            data = form.data
            filters = OrderFilters(data.q, data.status, data.date_from, data.date_to, data.flagged)
        found, total = await orders.page(filters, page, PAGE_SIZE)
        query = {name: value for name, value in shown.items() if value}
        context.update(
            errors=form.errors,
            orders=found,
            total=total,
            pages=max(1, -(-total // PAGE_SIZE)),
            newer=urlencode({**query, "page": page - 1}),
            older=urlencode({**query, "page": page + 1}),
        )
        return Template(
            "admin/orders.html", context=context, status_code=HTTP_400_BAD_REQUEST if form.errors else 200
        )

    @get("/{number:str}", name="admin:order")
    async def show(
        self, request: Request, admin: CurrentAdmin, orders: AdminOrdersDependency, number: FromPath[str]
    ) -> Template:
        _county_required(admin)
        order = await orders.by_number(number)
        done = DONE.get(request.query_params.get("done") or "")
        return await self._detail(admin, orders, order, notice=_(done) if done else None)

    @post("/{number:str}/ship", name="admin:order-ship")
    async def ship(
        self,
        admin: CurrentAdmin,
        orders: AdminOrdersDependency,
        db_session: DbSession,
        number: FromPath[str],
        data: FormData,
    ) -> Template | Redirect:
        _county_required(admin)
        order = await orders.by_number(number)
        form = read_form(ShipForm, data)
        if form.data is None:
            return await self._detail(admin, orders, order, form=form, status_code=HTTP_400_BAD_REQUEST)
        moved = await change_status(
            db_session,
            order,
            OrderStatus.SHIPPED,
            actor=admin_actor(admin.user.id),
            note=f"{form.data.courier} {form.data.tracking_number}",
            courier=form.data.courier,
            tracking_number=form.data.tracking_number,
        )
        if not moved:
            return await self._refused(admin, orders, order)
        await db_session.commit()
        return Redirect(f"/admin/orders/{order.number}?done=shipped", status_code=HTTP_303_SEE_OTHER)

    @post("/{number:str}/deliver", name="admin:order-deliver")
    async def deliver(
        self, admin: CurrentAdmin, orders: AdminOrdersDependency, db_session: DbSession, number: FromPath[str]
    ) -> Template | Redirect:
        _county_required(admin)
        order = await orders.by_number(number)
        moved = await change_status(
            db_session, order, OrderStatus.DELIVERED, actor=admin_actor(admin.user.id)
        )
        if not moved:
            return await self._refused(admin, orders, order)
        await db_session.commit()
        return Redirect(f"/admin/orders/{order.number}?done=delivered", status_code=HTTP_303_SEE_OTHER)

    async def _refused(self, admin: CurrentAdmin, orders: AdminOrders, order: Order) -> Template:
        """Someone (this admin a moment ago, or another) moved the order first: nothing changed."""
        order = await orders.by_number(order.number)
        message = _(N_("Nothing was changed: this order is already %(status)s.")) % {
            "status": status_label(order.status)
        }
        return await self._detail(admin, orders, order, error=message, status_code=HTTP_409_CONFLICT)

    async def _detail(
        self,
        admin: CurrentAdmin,
        orders: AdminOrders,
        order: Order,
        *,
        form: SubmittedForm | None = None,
        notice: str | None = None,
        error: str | None = None,
        status_code: int = 200,
    ) -> Template:
        return Template(
            "admin/order.html",
            context={
                "admin": admin,
                "order": order,
                "actors": await orders.actor_names(order),
                "couriers": COURIERS,
                "values": form.values if form else {},
                "errors": form.errors if form else {},
                "notice": notice,
                "error": error,
            },
            status_code=status_code,
        )
