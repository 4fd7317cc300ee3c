"""The county shop: every shopper route of a county under ``/c/{county_slug}``, the county bound once.

The router's ``county`` dependency resolves the tenant for all of them and scopes the request's
database session to it (``storefront.tenancy.dependencies``); a county's own host name reaches the
same routes (``storefront.tenancy.hosts``). A page not found inside a county's shop keeps the shop
around it and suggests its best sellers (:func:`suggest_best_sellers`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from litestar import Router
from litestar.di import Provide
from litestar.exceptions import NotFoundException

from storefront.cart.controllers import CartController
from storefront.catalog.controllers import ShopController
from storefront.catalog.models import SEARCH_EXAMPLE
from storefront.catalog.service import ProductService
from storefront.checkout.controllers import CheckoutController
from storefront.db import all_counties_scope, scope_to_county
from storefront.orders.controllers import OrderController
from storefront.tenancy.dependencies import provide_county
from storefront.tenancy.service import CountyService

if TYPE_CHECKING:
    from litestar.types import Scope

county_shop = Router(
    path="/c/{county_slug:str}",
    dependencies={"county": Provide(provide_county)},
    route_handlers=[ShopController, CartController, CheckoutController, OrderController],
)

SUGGESTIONS_KEY = "best_sellers"
"""Where :func:`suggest_best_sellers` leaves the products for the error page, in the request's state."""

_SHOP_PATH = re.compile(r"^/c/([^/]+)")


async def suggest_best_sellers(exc: Exception, scope: Scope) -> None:
    """Before a page not found inside a county's shop is rendered (``storefront.app._error_page``,
    which cannot wait on the database), find the county, if the route did not, and its best
    sellers, so the page keeps the shop's header, search and cart and suggests what to buy.

    An app ``after_exception`` hook; it reads in a session of its own, as the request's may be
    rolled back. An HTMX request gets a message, not a page: nothing to suggest.
    """
    if not isinstance(exc, NotFoundException) or scope["type"] != "http":
        return
    if (b"hx-request", b"true") in scope.get("headers", ()):
        return
    state = scope.setdefault("state", {})
    county = state.get("county")
    path = _SHOP_PATH.match(scope["path"])
    if county is None and path is None:
        return
    async with scope["app"].state.db_config.get_session() as db_session:
        if county is None:
            with all_counties_scope(db_session):
                county = await CountyService(session=db_session).get_active(
                    path.group(1), load=SEARCH_EXAMPLE
                )
            if county is None:
                return
        scope_to_county(db_session, county.id)
        state["county"] = county
        state[SUGGESTIONS_KEY] = await ProductService(session=db_session).best_sellers()
