"""Cart pages and actions; HTMX requests get partials, plain forms get full pages or redirects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeAlias, TypeVar
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from storefront.cart.forms import AddToCartForm, QuantityForm
from storefront.cart.service import CartError, CartService
from storefront.catalog.service import ProductService
from storefront.db import DbSession
from storefront.forms import FormData, FormModel, SubmittedForm, read_form
from storefront.fragments import page_or_fragment, refusal_status
from storefront.metrics.events import ADD_TO_CART, record
from storefront.sessions import TAKES_TURNS, visitor_key
from storefront.tenancy.dependencies import CurrentCounty
from storefront.web import shop_path

Cart: TypeAlias = NamedDependency[CartService]
Form = TypeVar("Form", bound=FormModel)


async def _refusal(form: SubmittedForm[Form], change: Callable[[Form], Awaitable[object]]) -> str | None:
    """Make the change the form asks for; the message refusing it (the form's, else the cart's), if any."""
    if form.data is None:
        return form.error
    try:
        await change(form.data)
    except CartError as refused:
        return str(refused)
    return None


async def provide_cart(request: Request, db_session: DbSession, county: CurrentCounty) -> CartService:
    """The visitor's cart in this county, without what they have paid for since they last came."""
    cart = CartService(db_session, request.session, county)
    await cart.take_out_paid(visitor_key(request))
    return cart


async def cart_page(
    request: HTMXRequest, county: CurrentCounty, cart: CartService, error: str | None = None
) -> Template:
    """The cart (whole page, or the partial for HTMX), with the message refusing a change if any."""
    status = refusal_status(request) if error else 200
    view = await cart.view()
    best_sellers = await ProductService(session=cart.db_session).best_sellers() if view.is_empty else []
    context = {"county": county, "cart": view, "error": error, "best_sellers": best_sellers}
    return page_or_fragment(request, "shop/cart.html", "partials/cart.html", context, status_code=status)


def _message(county: CurrentCounty, error: str) -> Template:
    """A refused "Add to cart" or "Buy now" from the product page, said where the shopper tapped."""
    return Template(
        "partials/cart_message.html",
        context={"county": county, "error": error},
        status_code=HTTP_422_UNPROCESSABLE_ENTITY,
    )


class CartController(Controller):
    path = "/cart"
    dependencies = {"cart": Provide(provide_cart)}
    opt = {TAKES_TURNS: True}  # two taps at once both count (storefront.sessions)

    async def _cart_page(
        self, request: HTMXRequest, county: CurrentCounty, cart: Cart, error: str | None = None
    ) -> Template:
        return await cart_page(request, county, cart, error)

    @get("/", name="cart:show")
    async def show(self, request: HTMXRequest, county: CurrentCounty, cart: Cart) -> Template:
        return await self._cart_page(request, county, cart)

    @get("/count", name="cart:count")
    async def count(self, county: CurrentCounty, cart: Cart) -> Template:
        return Template("partials/cart_count.html", context={"county": county, "count": await cart.count()})

    @post("/items", name="cart:add")
    async def add(
        self, request: HTMXRequest, county: CurrentCounty, cart: Cart, data: FormData
    ) -> Template | Redirect:
        form = read_form(AddToCartForm, data)
        if error := await _refusal(form, lambda added: cart.add(added.variant_id, added.quantity)):
            if request.htmx:
                return _message(county, error)
            return await self._cart_page(request, county, cart, error=error)
        record(request, ADD_TO_CART)
        if request.htmx:
            return Template(
                "partials/cart_message.html",
                context={"county": county, "added": True, "count": await cart.count()},
            )
        return Redirect(shop_path(request, county.slug, "/cart"), status_code=303)

    @get("/items", name="cart:confirm-add")
    async def confirm_add(
        self,
        request: HTMXRequest,
        county: CurrentCounty,
        cart: Cart,
        variant_id: str = "",
        quantity: str = "1",
    ) -> Template:
        """Add to cart pressed without JavaScript. The product page is shared by every visitor (it
        is cached), so its form carries no token of theirs and asks here instead of posting: this
        page, the visitor's own, shows the choice and posts it with their token."""
        form = read_form(AddToCartForm, {"variant_id": variant_id, "quantity": quantity})
        try:
            chosen = (
                None if form.data is None else await cart.bought_now(form.data.variant_id, form.data.quantity)
            )
        except CartError as refused:
            return await self._cart_page(request, county, cart, error=str(refused))
        if chosen is None:
            return await self._cart_page(request, county, cart, error=form.error)
        return Template("shop/confirm_add.html", context={"county": county, "line": chosen.lines[0]})

    @post("/buy-now", name="cart:buy-now")
    async def buy_now(
        self, request: HTMXRequest, county: CurrentCounty, cart: Cart, data: FormData
    ) -> Template | Redirect | ClientRedirect:
        return await self._buy_now(request, county, cart, data)

    @get("/buy-now", name="cart:buy-now-link")
    async def buy_now_link(
        self,
        request: HTMXRequest,
        county: CurrentCounty,
        cart: Cart,
        variant_id: str = "",
        quantity: str = "1",
    ) -> Template | Redirect | ClientRedirect:
        """Buy now pressed without JavaScript on the (cached, token-free) product page: it changes
        nothing, so it needs no token."""
        return await self._buy_now(request, county, cart, {"variant_id": variant_id, "quantity": quantity})

    async def _buy_now(
        self, request: HTMXRequest, county: CurrentCounty, cart: Cart, data: dict[str, object]
    ) -> Template | Redirect | ClientRedirect:
        """ "Buy now": checkout of this one line on its own; what the cart already holds is neither
        added to the order nor changed (the line is checked here so a refusal shows on the product)."""
        form = read_form(AddToCartForm, data)
        if error := await _refusal(form, lambda line: cart.bought_now(line.variant_id, line.quantity)):
            if request.htmx:
                return _message(county, error)
            return await self._cart_page(request, county, cart, error=error)
        assert form.data is not None
        checkout = (
            shop_path(request, county.slug, "/checkout")
            + "?"
            + urlencode({"variant_id": form.data.variant_id, "quantity": form.data.quantity})
        )
        if request.htmx:
            return ClientRedirect(redirect_to=checkout)
        return Redirect(checkout, status_code=303)

    @post("/items/{variant_id:int}", name="cart:update")
    async def update(
        self,
        request: HTMXRequest,
        county: CurrentCounty,
        cart: Cart,
        variant_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        form = read_form(QuantityForm, data)
        if error := await _refusal(form, lambda changed: cart.set_quantity(variant_id, changed.quantity)):
            return await self._cart_page(request, county, cart, error=error)
        return await self._after_change(request, county, cart)

    @post("/items/{variant_id:int}/delete", name="cart:remove")
    async def remove(
        self, request: HTMXRequest, county: CurrentCounty, cart: Cart, variant_id: FromPath[int]
    ) -> Template | Redirect:
        cart.remove(variant_id)
        return await self._after_change(request, county, cart)

    async def _after_change(
        self, request: HTMXRequest, county: CurrentCounty, cart: Cart
    ) -> Template | Redirect:
        if request.htmx:
            return await self._cart_page(request, county, cart)
        return Redirect(shop_path(request, county.slug, "/cart"), status_code=303)
