"""The county shop: every shopper route of a county under ``/c/{county_slug}``, the county bound once.

The router's ``county`` dependency resolves the tenant for all of them and scopes the request's
database session to it (``storefront.tenancy.dependencies``); a county's own host name reaches the
same routes (``storefront.tenancy.hosts``).
"""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from storefront.cart.controllers import CartController
from storefront.catalog.controllers import ShopController
from storefront.checkout.controllers import CheckoutController
from storefront.orders.controllers import OrderController
from storefront.tenancy.dependencies import provide_county

county_shop = Router(
    path="/c/{county_slug:str}",
    dependencies={"county": Provide(provide_county)},
    route_handlers=[ShopController, CartController, CheckoutController, OrderController],
)
