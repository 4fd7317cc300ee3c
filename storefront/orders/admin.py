"""The admin's orders: the county's list (filters, search, pages) and its CSV export, an order's
detail, marking it shipped (with the shipping email) or delivered, refunds through Stripe, and the
queue of flagged payments with their resolution.

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

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storefront.accounts.models import AdminUser
from storefront.admin.guard import CurrentAdmin
from storefront.clock import BEIJING, beijing_date, beijing_time, utcnow
from storefront.db import DbSession
from storefront.forms import Form, FormData, SubmittedForm, read_form
from storefront.i18n import N_
from storefront.i18n import gettext as _
from storefront.money import decimal_string, format_money
from storefront.notifications.mail import Mailer, provide_mailer
from storefront.notifications.shipping import send_shipping_email
from storefront.orders.admin_forms import OrderFilterForm, RefundForm, ResolveForm, ShipForm
from storefront.orders.models import COURIERS, Order, OrderStatus, courier_label, status_label
from storefront.orders.states import admin as admin_actor
from storefront.orders.states import change_status, record
from storefront.payments.gateway import Gateway, provide_gateway
from storefront.payments.refunds import (
    RefundResult,
    awaiting_confirmation,
    left_to_refund,
    refundable,
    request_refund,
)
from storefront.spreadsheets import csv_download

PAGE_SIZE = 25
FILTER_FIELDS = ("q", "status", "date_from", "date_to", "flagged")
DONE = {
    "shipped": N_("Marked shipped."),
    "delivered": N_("Marked delivered."),
    "refund": N_("Stripe accepted the refund; it is recorded here when Stripe confirms it."),
    "resolved": N_("The flag is resolved."),
    "mailed": N_("The shipping email was sent."),
}
MAIL_FAILED = N_(
    "The shipping email could not be sent (the mail server failed); the order stays shipped. "
    "Send it again with the button below."
)
QUEUE_LIMIT = 200
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


UNRESOLVED = (Order.payment_flag.is_not(None), Order.flag_resolved_at.is_(None))
"""A payment flagged (amount or currency not the order's) that no admin has resolved yet."""


def _matching(filters: OrderFilters) -> list[Any]:
    """The list's (and the export's) conditions for ``filters``."""
    conditions: list[Any] = []
    if filters.status:
        conditions.append(Order.status == filters.status)
    if filters.flagged:
        conditions.extend(UNRESOLVED)
    if filters.date_from:
        conditions.append(Order.created_at >= _beijing_midnight(filters.date_from))
    if filters.date_to:
        conditions.append(Order.created_at < _beijing_midnight(filters.date_to + datetime.timedelta(days=1)))
    if query := filters.q.strip():
        conditions.append(
            or_(
                Order.number.contains(query.upper(), autoescape=True),
                func.lower(Order.email).contains(query.lower(), autoescape=True),
                Order.mobile.contains(query.replace(" ", ""), autoescape=True),
                Order.recipient.contains(query, autoescape=True),
            )
        )
    return conditions


class AdminOrders:
    """The county's orders, as the admin pages read them (the session is the county's)."""

    def __init__(self, db_session: AsyncSession) -> None:
        self.db_session = db_session

    async def page(self, filters: OrderFilters, page: int, per_page: int) -> tuple[list[Order], int]:
        conditions = _matching(filters)
        total = await self.db_session.scalar(select(func.count(Order.id)).where(*conditions)) or 0
        orders = await self.db_session.scalars(
            select(Order)
            .where(*conditions)
            .order_by(Order.created_at.desc(), Order.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return list(orders), total

    async def every(self, filters: OrderFilters) -> list[Order]:
        """Every order the filters match, newest first, with its lines (for the export)."""
        orders = await self.db_session.scalars(
            select(Order)
            .where(*_matching(filters))
            .options(selectinload(Order.lines))
            .order_by(Order.created_at.desc(), Order.id.desc())
        )
        return list(orders)

    async def flagged(self) -> list[Order]:
        """The queue: payments flagged and not yet resolved, oldest first."""
        orders = await self.db_session.scalars(
            select(Order).where(*UNRESOLVED).order_by(Order.created_at, Order.id).limit(QUEUE_LIMIT)
        )
        return list(orders)

    async def resolve_flag(self, order: Order, note: str, actor: str) -> bool:
        """Resolve the order's payment flag with ``note``, once: False when it was already resolved."""
        await self.db_session.commit()  # on SQLite the UPDATE then takes the write lock up front
        result = await self.db_session.execute(
            update(Order)
            .where(Order.id == order.id, *UNRESOLVED)
            .values(flag_resolved_at=utcnow(), flag_resolution=note)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            await self.db_session.commit()  # nothing changed; a rollback would expire what the page shows
            return False
        record(self.db_session, order, actor, f"payment flag resolved: {note}")
        await self.db_session.commit()
        return True

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


def _read_filters(request: Request) -> tuple[dict[str, str], SubmittedForm, OrderFilters]:
    """The list's query as typed, as read, and as filters (none when it does not read)."""
    shown = {name: request.query_params.get(name) or "" for name in FILTER_FIELDS}
    form = read_form(OrderFilterForm, shown)
    filters = OrderFilters()
    if form.data is not None:
        data = form.data
        filters = OrderFilters(data.q, data.status, data.date_from, data.date_to, data.flagged)
    return shown, form, filters


EXPORT_HEADER = (
    N_("Order number"),
    N_("Recipient"),
    N_("Mobile"),
    N_("Province"),
    N_("City"),
    N_("District"),
    N_("Address"),
    N_("Postal code"),
    N_("Items"),
    N_("Total quantity"),
    N_("Shopper note"),
    N_("Amount"),
    N_("Status"),
    N_("Paid at (Beijing time)"),
    N_("Courier"),
    N_("Tracking number"),
)
"""The columns of the export: what a courier's bulk-shipping sheet asks for, and the order's state."""


def _export_row(order: Order) -> list[object]:
    items = "; ".join(
        f"{line.t('product_name')} {line.t('variant_label')} × {line.quantity} ({line.sku})"
        for line in order.lines
    )
    return [
        order.number,
        order.recipient,
        order.mobile,
        order.province,
        order.city,
        order.district,
        order.address,
        order.postal_code,
        items,
        sum(line.quantity for line in order.lines),
        order.note,
        decimal_string(order.total, order.currency),
        status_label(order.status),
        beijing_time(order.paid_at) if order.paid_at else "",
        courier_label(order.courier) if order.courier else "",
        order.tracking_number or "",
    ]


class AdminOrderController(Controller):
    path = "/orders"
    dependencies = {
        "orders": Provide(provide_admin_orders),
        "gateway": Provide(provide_gateway, sync_to_thread=False),
        "mailer": Provide(provide_mailer, sync_to_thread=False),
    }

    @get("/", name="admin:orders")
    async def index(
        self,
        request: Request,
        admin: CurrentAdmin,
        orders: AdminOrdersDependency,
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
    ) -> Template:
        return await self._list(request, admin, orders, page)

    @get("/export", name="admin:orders-export")
    async def export(
        self, request: Request, admin: CurrentAdmin, orders: AdminOrdersDependency
    ) -> Response | Template:
        """The filtered list (every page of it) as CSV, for the courier's bulk-shipping sheet."""
        _county_required(admin)
        form, filters = _read_filters(request)[1:]
        if form.errors:
            return await self._list(request, admin, orders, 1)
        rows = [_export_row(order) for order in await orders.every(filters)]
        filename = f"orders-{admin.county.slug}-{beijing_date(utcnow()).isoformat()}.csv"
        return csv_download(filename, [_(name) for name in EXPORT_HEADER], rows)

    @get("/flagged", name="admin:orders-flagged")
    async def flagged(self, request: Request, admin: CurrentAdmin, orders: AdminOrdersDependency) -> Template:
        done = DONE.get(request.query_params.get("done") or "")
        return await self._queue(admin, orders, notice=_(done) if done else None)

    @get("/{number:str}", name="admin:order")
    async def show(
        self, request: Request, admin: CurrentAdmin, orders: AdminOrdersDependency, number: FromPath[str]
    ) -> Template:
        _county_required(admin)
        order = await orders.by_number(number)
        done = DONE.get(request.query_params.get("done") or "")
        error = _(MAIL_FAILED) if request.query_params.get("mail") == "failed" else None
        return await self._detail(admin, orders, order, notice=_(done) if done else None, error=error)

    @post("/{number:str}/ship", name="admin:order-ship")
    async def ship(
        self,
        admin: CurrentAdmin,
        orders: AdminOrdersDependency,
        db_session: DbSession,
        mailer: NamedDependency[Mailer],
        number: FromPath[str],
        data: FormData,
    ) -> Template | Redirect:
        order, form = await self._submitted(admin, orders, number, ShipForm, data)
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
        return await self._mail_shipping(admin, db_session, mailer, order, "shipped")

    @post("/{number:str}/ship-email", name="admin:order-ship-email")
    async def resend_shipping_email(
        self,
        admin: CurrentAdmin,
        orders: AdminOrdersDependency,
        db_session: DbSession,
        mailer: NamedDependency[Mailer],
        number: FromPath[str],
    ) -> Template | Redirect:
        """Send the shipping email again (after the mail server failed, or for a shopper who lost it)."""
        _county_required(admin)
        order = await orders.by_number(number)
        if order.status not in {OrderStatus.SHIPPED, OrderStatus.DELIVERED} or not order.tracking_number:
            return await self._refused(admin, orders, order)
        return await self._mail_shipping(admin, db_session, mailer, order, "mailed")

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

    @post("/{number:str}/refund", name="admin:order-refund")
    async def refund(
        self,
        admin: CurrentAdmin,
        orders: AdminOrdersDependency,
        db_session: DbSession,
        gateway: Gateway,
        number: FromPath[str],
        data: FormData,
    ) -> Template | Redirect:
        """Refund all or part of a paid order through Stripe, reserved first: a double press refunds once."""
        order, form = await self._submitted(admin, orders, number, RefundForm, data)
        if form.data is None:
            return await self._detail(admin, orders, order, form=form, status_code=HTTP_400_BAD_REQUEST)
        attempt = await request_refund(
            db_session,
            gateway,
            order,
            form.data.amount,
            seen=form.data.requested,
            actor=admin_actor(admin.user.id),
            reason=form.data.reason,
        )
        if attempt.result is RefundResult.REQUESTED:
            return Redirect(f"/admin/orders/{order.number}?done=refund", status_code=HTTP_303_SEE_OTHER)
        order = await orders.by_number(order.number)
        typed = {**form.values, "amount": str(data.get("amount") or "").strip()}  # as typed, not in fen
        if attempt.result is RefundResult.TOO_MUCH:
            left = format_money(left_to_refund(order), order.currency)
            message = _(N_("At most %(amount)s is left to refund; nothing was refunded.")) % {"amount": left}
            form = SubmittedForm(values=typed, errors={"amount": message})
            return await self._detail(admin, orders, order, form=form, status_code=HTTP_400_BAD_REQUEST)
        if attempt.result is RefundResult.REFUSED:
            refused = N_("Stripe refused the refund, so nothing was refunded or reserved: %(reason)s")
            message = _(refused) % {"reason": attempt.stripe_message}
            form = SubmittedForm(values=typed)
            return await self._detail(admin, orders, order, form=form, error=message, status_code=502)
        if attempt.result is RefundResult.NOT_REFUNDABLE:
            message = _(N_("Only an order paid through Stripe and not refunded in full can be refunded."))
        else:
            message = _(
                N_(
                    "Nothing was refunded: the refunds of this order changed since the page was shown "
                    "(a second press, or another admin). Check the amounts below before refunding more."
                )
            )
        return await self._detail(admin, orders, order, error=message, status_code=HTTP_409_CONFLICT)

    @post("/{number:str}/resolve", name="admin:order-resolve")
    async def resolve(
        self,
        admin: CurrentAdmin,
        orders: AdminOrdersDependency,
        number: FromPath[str],
        data: FormData,
    ) -> Template | Redirect:
        """Resolve a flagged payment with a note; from the queue (``back=queue``) or the order's page."""
        order, form = await self._submitted(admin, orders, number, ResolveForm, data)
        from_queue = form_back(data) == "queue"
        if form.data is None:
            if from_queue:
                return await self._queue(
                    admin,
                    orders,
                    row_errors={order.number: form.error or ""},
                    status_code=HTTP_400_BAD_REQUEST,
                )
            return await self._detail(admin, orders, order, form=form, status_code=HTTP_400_BAD_REQUEST)
        if not await orders.resolve_flag(order, form.data.note, admin_actor(admin.user.id)):
            message = _(N_("Nothing was changed: this order has no unresolved payment flag."))
            if from_queue:
                return await self._queue(admin, orders, error=message, status_code=HTTP_409_CONFLICT)
            order = await orders.by_number(order.number)
            return await self._detail(admin, orders, order, error=message, status_code=HTTP_409_CONFLICT)
        target = "/admin/orders/flagged" if from_queue else f"/admin/orders/{order.number}"
        return Redirect(f"{target}?done=resolved", status_code=HTTP_303_SEE_OTHER)

    async def _submitted(
        self, admin: CurrentAdmin, orders: AdminOrders, number: str, model: type[Form], data: FormData
    ) -> tuple[Order, SubmittedForm[Form]]:
        """The county's order (404 for any other) and the form posted about it, read."""
        _county_required(admin)
        return await orders.by_number(number), read_form(model, data)

    async def _mail_shipping(
        self, admin: CurrentAdmin, db_session: AsyncSession, mailer: Mailer, order: Order, done: str
    ) -> Redirect:
        """Mail the shopper (after the commit: a failing mail server never undoes the shipping)."""
        sent = await send_shipping_email(
            db_session, mailer, order.id, admin.county, admin_actor(admin.user.id)
        )
        outcome = {"done": done} if sent else {"mail": "failed"}
        if done == "shipped":  # shipped either way
            outcome["done"] = done
        return Redirect(f"/admin/orders/{order.number}?{urlencode(outcome)}", status_code=HTTP_303_SEE_OTHER)

    async def _list(self, request: Request, admin: CurrentAdmin, orders: AdminOrders, page: int) -> Template:
        shown, form, filters = _read_filters(request)
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
        found, total = await orders.page(filters, page, PAGE_SIZE)
        query = {name: value for name, value in shown.items() if value}
        context.update(
            errors=form.errors,
            orders=found,
            total=total,
            pages=max(1, -(-total // PAGE_SIZE)),
            newer=urlencode({**query, "page": page - 1}),
            older=urlencode({**query, "page": page + 1}),
            export=urlencode(query),
        )
        return Template(
            "admin/orders.html", context=context, status_code=HTTP_400_BAD_REQUEST if form.errors else 200
        )

    async def _queue(
        self,
        admin: CurrentAdmin,
        orders: AdminOrders,
        *,
        notice: str | None = None,
        error: str | None = None,
        row_errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        found = await orders.flagged() if admin.county is not None else []
        return Template(
            "admin/flagged.html",
            context={
                "admin": admin,
                "orders": found,
                "limit": QUEUE_LIMIT,
                "notice": notice,
                "error": error,
                "row_errors": row_errors or {},
            },
            status_code=status_code,
        )

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
                "refundable": refundable(order),
                "left_to_refund": left_to_refund(order),
                "awaiting_confirmation": awaiting_confirmation(order),
                "refund_default": decimal_string(left_to_refund(order), order.currency),
            },
            status_code=status_code,
        )


def form_back(data: Any) -> str:
    """Where a form asks to go back to (``back``): only ever compared with known names."""
    value = data.get("back") if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""
