"""Checkout pages: the address form, the return from Stripe's page, and cancelling."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any, TypeAlias

import stripe
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromQuery, QueryParameter
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT, HTTP_503_SERVICE_UNAVAILABLE

from storefront.cart.controllers import Cart, cart_page, provide_cart
from storefront.cart.forms import AddToCartForm
from storefront.cart.service import CartError, CartService, CartView
from storefront.checkout import divisions
from storefront.checkout.cancel import cancel_checkout
from storefront.checkout.forms import CancelCheckoutForm, CheckoutForm
from storefront.checkout.service import CheckoutService, OutOfStockError, PaymentUnavailableError
from storefront.db import DbSession
from storefront.forms import FormData, SubmittedForm, read_form
from storefront.fragments import page_or_fragment
from storefront.i18n import current_language
from storefront.i18n import gettext as _
from storefront.metrics.events import CHECKOUT_STARTED, record
from storefront.metrics.referrals import referral_clicked_at, referral_of
from storefront.orders.controllers import Orders, provide_orders
from storefront.orders.models import OrderStatus
from storefront.orders.states import UNPAID_ENDS
from storefront.orders.visits import is_my_order, remember_order
from storefront.origins import origin
from storefront.payments.gateway import Gateway, provide_gateway
from storefront.sessions import start_session, visitor_key
from storefront.tenancy.dependencies import CurrentCounty
from storefront.web import shop_path

logger = logging.getLogger(__name__)

Checkout: TypeAlias = NamedDependency[CheckoutService]
OrderNumber: TypeAlias = Annotated[str, QueryParameter(name="order", max_length=32)]


async def provide_checkout(db_session: DbSession, county: CurrentCounty, gateway: Gateway) -> CheckoutService:
    return CheckoutService(db_session, county, gateway)


def _bought_now(fields: Mapping[str, Any]) -> AddToCartForm | None:
    """The line of a "Buy now" (its variant and quantity, in the query or the form), if this is one."""
    if not fields.get("variant_id"):
        return None
    form = read_form(
        AddToCartForm, {"variant_id": fields.get("variant_id"), "quantity": fields.get("quantity")}
    )
    if form.data is None:
        raise CartError(form.error)
    return form.data


async def _checked_out(cart: CartService, bought_now: AddToCartForm | None) -> CartView:
    """What this checkout buys: the line bought now on its own, else the cart."""
    if bought_now is None:
        return await cart.view()
    return await cart.bought_now(bought_now.variant_id, bought_now.quantity)


class CheckoutController(Controller):
    path = "/checkout"
    dependencies = {
        "cart": Provide(provide_cart),
        "gateway": Provide(provide_gateway, sync_to_thread=False),
        "orders": Provide(provide_orders),
        "checkout": Provide(provide_checkout),
    }

    def _form_page(
        self,
        county: CurrentCounty,
        cart_view: CartView,
        form: SubmittedForm[CheckoutForm],
        *,
        bought_now: AddToCartForm | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> Template:
        values = form.values
        city = values.get("city") or divisions.only_city(values.get("province"))
        return Template(
            "shop/checkout.html",
            context={
                "county": county,
                "cart": cart_view,
                "bought_now": bought_now,
                "form": form,
                "error": error,
                "provinces": divisions.provinces(),
                "cities": divisions.children(values.get("province")),
                "city": city,
                "districts": divisions.children(city),
            },
            status_code=status,
        )

    @get("/", name="checkout:form")
    async def form(
        self,
        request: HTMXRequest,
        county: CurrentCounty,
        cart: Cart,
        variant_id: str | None = None,
        quantity: str | None = None,
    ) -> Template | Redirect:
        """The form; with ``variant_id`` and ``quantity`` (a "Buy now"), for that line alone. Both
        are read as text, so a malformed one is refused on the cart page, and declared, so the page's
        language links keep them."""
        try:
            bought_now = _bought_now({"variant_id": variant_id, "quantity": quantity})
            cart_view = await _checked_out(cart, bought_now)
        except CartError as refused:
            return await cart_page(request, county, cart, str(refused))
        if cart_view.is_empty:
            return Redirect(shop_path(request, county.slug, "/cart"), status_code=303)
        return self._form_page(county, cart_view, SubmittedForm(), bought_now=bought_now)

    @get("/divisions", name="checkout:divisions")
    async def division_options(
        self,
        county: CurrentCounty,
        level: FromQuery[str],
        province: FromQuery[str] = "",
        city: FromQuery[str] = "",
    ) -> Template:
        """The city or district choices for the one chosen above it (HTMX); a municipality's one city
        comes chosen, with its districts."""
        if level == "district":
            options = divisions.children(city)
            return Template("partials/division_options.html", context={"county": county, "options": options})
        only = divisions.only_city(province)
        return Template(
            "partials/division_options.html",
            context={
                "county": county,
                "options": divisions.children(province),
                "selected": only,
                "districts": divisions.children(only) if only else None,
            },
        )

    @post("/", name="checkout:start")
    async def start(
        self, request: HTMXRequest, county: CurrentCounty, cart: Cart, checkout: Checkout, data: FormData
    ) -> Template | Redirect:
        try:
            bought_now = _bought_now(data)
            cart_view = await _checked_out(cart, bought_now)
        except CartError as refused:
            return await cart_page(request, county, cart, str(refused))
        visitor = start_session(request) if bought_now else visitor_key(request)
        if cart_view.is_empty or visitor is None:
            return Redirect(shop_path(request, county.slug, "/cart"), status_code=303)
        form = read_form(CheckoutForm, data)
        page = partial(self._form_page, county, bought_now=bought_now)
        if data.get("refresh"):  # browsers without JavaScript: fill the linked choices, judge nothing yet
            return page(cart_view, form.without_errors())
        if form.data is None:
            return page(cart_view, form, status=HTTP_400_BAD_REQUEST)
        try:
            order = await checkout.start(
                cart_view,
                form.data.shipping_address,
                email=form.data.email,
                visitor=visitor,
                language=current_language.get(),
                shop_url=origin(request) + shop_path(request, county.slug, ""),
                referral_code=referral_of(request),
                referral_clicked_at=referral_clicked_at(request),
            )
        except OutOfStockError:
            message = _("Some items in your cart have just sold out or run low. Please check the quantities.")
            now_held = cart_view if bought_now else await cart.view()
            return page(now_held, form, error=message, status=HTTP_409_CONFLICT)
        except PaymentUnavailableError:
            message = _(
                "The payment service is not answering. Nothing was charged; please try again in a moment."
            )
            return page(cart_view, form, error=message, status=HTTP_503_SERVICE_UNAVAILABLE)
        remember_order(request, order.number)
        record(request, CHECKOUT_STARTED, order_id=order.id)
        return Redirect(order.stripe_checkout_url, status_code=303)

    @get("/complete", name="checkout:complete")
    async def complete(
        self,
        request: HTMXRequest,
        county: CurrentCounty,
        cart: Cart,
        orders: Orders,
        order: OrderNumber,
    ) -> Template:
        """Back from Stripe: shows "confirming payment" and polls until the webhook has marked it paid.

        It only reads: the cart loses what was paid for whenever the visitor next comes, here or
        on any other page (``provide_cart``).
        """
        found = await orders.by_number(order) if is_my_order(request, order) else None
        if found is None:
            raise NotFoundException(detail="order not found")
        context = {"county": county, "order": found, "cart_count": await cart.count()}
        return page_or_fragment(
            request, "shop/checkout_complete.html", "partials/order_progress.html", context
        )

    @get("/cancel", name="checkout:cancelled")
    async def cancelled(
        self, request: Request, county: CurrentCounty, orders: Orders, order: OrderNumber
    ) -> Template | Redirect:
        """Back from Stripe's page without paying: the shopper chooses to cancel or to pay after all."""
        found = await orders.by_number(order) if is_my_order(request, order) else None
        if found is None:
            raise NotFoundException(detail="order not found")
        if found.status != OrderStatus.PENDING_PAYMENT:
            return self._after_cancel(request, county, found.status in UNPAID_ENDS, found.number)
        return Template("shop/checkout_cancel.html", context={"county": county, "order": found})

    @post("/cancel", name="checkout:cancel")
    async def cancel(
        self,
        request: Request,
        county: CurrentCounty,
        db_session: DbSession,
        gateway: Gateway,
        orders: Orders,
        data: FormData,
    ) -> Redirect:
        """Cancel the pending order and give its stock back; if it was paid meanwhile, show it instead."""
        form = read_form(CancelCheckoutForm, data)
        if form.data is None:
            raise ClientException(detail=form.error)
        number = form.data.order
        found = await orders.by_number(number) if is_my_order(request, number) else None
        if found is None:
            raise NotFoundException(detail="order not found")
        try:
            unpaid = await cancel_checkout(db_session, gateway, found)
        except stripe.StripeError:  # Stripe unreachable: the order page says it still awaits payment
            logger.warning("could not close the Checkout Session of order %s", found.number)
            unpaid = False
        return self._after_cancel(request, county, unpaid, found.number)

    def _after_cancel(self, request: Request, county: CurrentCounty, unpaid: bool, number: str) -> Redirect:
        if unpaid:
            return Redirect(shop_path(request, county.slug, "/cart") + "?cancelled=1", status_code=303)
        return Redirect(
            shop_path(request, county.slug, f"/checkout/complete?order={number}"), status_code=303
        )
