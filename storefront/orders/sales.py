"""Units sold, as the shop shows them: one definition for product pages, cards and best sellers.

A product's units sold are the quantities of its lines in orders that are paid and not refunded
(:data:`~storefront.orders.states.STILL_PAID`: paid, shipped, delivered); an order awaiting payment,
expired, cancelled or refunded in full never counts. It is a correlated subquery on the product
row, loaded with ``undefer(Product.units_sold)`` (the catalog's listings do), so a grid of products
costs no query more.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import column_property

from storefront.catalog.models import Product, Variant
from storefront.orders.models import Order, OrderLine
from storefront.orders.states import STILL_PAID

Product.units_sold = column_property(
    select(func.coalesce(func.sum(OrderLine.quantity), 0))
    .join(Order, Order.id == OrderLine.order_id)
    .join(Variant, Variant.id == OrderLine.variant_id)
    .where(Variant.product_id == Product.id, Order.status.in_(sorted(STILL_PAID)))
    .correlate_except(OrderLine, Order, Variant)
    .scalar_subquery(),
    deferred=True,
)

BEST_SELLING_FIRST = (Product.units_sold.desc(),)
"""How best sellers are ranked; the catalog breaks ties in the shop's own order."""
