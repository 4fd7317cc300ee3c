"""Order pages: the lookup by number and email or mobile, and an order's status."""

from __future__ import annotations

from typing import TypeAlias

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST

from storefront.db import DbSession
from storefront.forms import FormData, read_form
from storefront.i18n import gettext as _
from storefront.orders.forms import OrderLookupForm
from storefront.orders.service import OrderService
from storefront.orders.visits import is_my_order, remember_order
from storefront.tenancy.dependencies import CurrentCounty
from storefront.web import shop_path

Orders: TypeAlias = NamedDependency[OrderService]


async def provide_orders(db_session: DbSession) -> OrderService:
    return OrderService(db_session)


LOOKUPS_PER_MINUTE = 10


def _is_lookup(request: Request) -> bool:
    return request.method == "POST"


class OrderController(Controller):
    path = "/orders"
    dependencies = {"orders": Provide(provide_orders)}
    # Order numbers must not be guessable by trying contacts: few lookups per visitor address.
    middleware = [
        RateLimitConfig(
            rate_limit=("minute", LOOKUPS_PER_MINUTE), check_throttle_handler=_is_lookup
        ).middleware
    ]

    @get("/", name="orders:lookup-form")
    async def lookup_form(self, county: CurrentCounty) -> Template:
        return Template("shop/order_lookup.html", context={"county": county, "values": {}})

    @post("/", name="orders:lookup")
    async def lookup(
        self, request: Request, county: CurrentCounty, orders: Orders, data: FormData
    ) -> Template | Redirect:
        form = read_form(OrderLookupForm, data)
        order = await orders.lookup(form.data.number, form.data.contact) if form.data else None
        if order is None:
            return Template(
                "shop/order_lookup.html",
                context={
                    "county": county,
                    "values": form.values,
                    "error": form.error or _("No order matches this number and email or mobile."),
                },
                status_code=HTTP_400_BAD_REQUEST,
            )
        remember_order(request, order.number)
        return Redirect(shop_path(request, county.slug, f"/orders/{order.number}"), status_code=303)

    @get("/{number:str}", name="orders:show")
    async def show(
        self, request: Request, county: CurrentCounty, orders: Orders, number: FromPath[str]
    ) -> Template:
        if not is_my_order(request, number):
            return Template(
                "shop/order_lookup.html", context={"county": county, "values": {"number": number}}
            )
        order = await orders.by_number(number)
        if order is None:
            raise NotFoundException(detail="order not found")
        return Template("shop/order.html", context={"county": county, "order": order})
