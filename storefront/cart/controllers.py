"""Cart pages and actions; HTMX requests get partials, plain forms get full pages or redirects."""

from __future__ import annotations

from typing import TypeAlias

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_422_UNPROCESSABLE_ENTITY

from storefront.cart.service import CartError, CartService, parse_quantity, parse_variant_id
from storefront.checkout.service import settle_cart
from storefront.db import DbSession
from storefront.sessions import visitor_key
from storefront.tenancy.dependencies import CurrentCounty
from storefront.web import FormData, shop_path

Cart: TypeAlias = NamedDependency[CartService]


async def provide_cart(request: Request, db_session: DbSession, county: CurrentCounty) -> CartService:
    """The visitor's cart in this county, without what they have paid for since they last came."""
    cart = CartService(db_session, request.session, county)
    await settle_cart(db_session, cart, visitor_key(request))
    return cart


class CartController(Controller):
    path = "/cart"
    dependencies = {"cart": Provide(provide_cart)}

    async def _cart_page(
        self, request: HTMXRequest, county: CurrentCounty, cart: Cart, error: str | None = None
    ) -> Template:
        status = (HTTP_422_UNPROCESSABLE_ENTITY if request.htmx else HTTP_400_BAD_REQUEST) if error else 200
        template = "partials/cart.html" if request.htmx else "shop/cart.html"
        return Template(
            template,
            context={"county": county, "cart": await cart.view(), "error": error},
            status_code=status,
        )

    @get("/", name="cart:show")
    async def show(self, request: HTMXRequest, county: CurrentCounty, cart: Cart) -> Template:
        return await self._cart_page(request, county, cart)

    @get("/count", name="cart:count")
    async def count(self, county: CurrentCounty, cart: Cart) -> Template:
        return Template(
            "partials/cart_count.html", context={"county": county, "count": sum(cart.quantities().values())}
        )

    @post("/items", name="cart:add")
    async def add(
        self, request: HTMXRequest, county: CurrentCounty, cart: Cart, data: FormData
    ) -> Template | Redirect:
        try:
            await cart.add(
                parse_variant_id(data.get("variant_id")), parse_quantity(data.get("quantity", "1"))
            )
        except CartError as error:
            if request.htmx:
                return Template(
                    "partials/cart_message.html",
                    context={"county": county, "error": str(error)},
                    status_code=HTTP_422_UNPROCESSABLE_ENTITY,
                )
            return await self._cart_page(request, county, cart, error=str(error))
        if request.htmx:
            count = sum(cart.quantities().values())
            return Template(
                "partials/cart_message.html", context={"county": county, "added": True, "count": count}
            )
        return Redirect(shop_path(request, county.slug, "/cart"), status_code=303)

    @post("/items/{variant_id:int}", name="cart:update")
    async def update(
        self,
        request: HTMXRequest,
        county: CurrentCounty,
        cart: Cart,
        variant_id: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        try:
            await cart.set_quantity(variant_id, parse_quantity(data.get("quantity")))
        except CartError as error:
            return await self._cart_page(request, county, cart, error=str(error))
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
