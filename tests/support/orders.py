"""Orders written straight to the database, for tests of what happens after the payment."""

from __future__ import annotations

import datetime
import uuid

from storefront.orders.models import Order, OrderLine, OrderStatus
from tests.support.shopper import ADDRESS


def paid_order(county_id: int, email: str, paid_at: datetime.datetime) -> Order:
    """An order for one jar of honey, paid at ``paid_at``, whose confirmation has not gone out."""
    key = uuid.uuid4().hex
    return Order(
        county_id=county_id,
        number=f"RA{key[:12].upper()}",
        status=OrderStatus.PAID,
        email=email,
        **{name: ADDRESS[name] for name in ("recipient", "mobile", "address")},
        province="黑龙江省",
        city="哈尔滨市",
        district="道里区",
        subtotal=6800,
        shipping_fee=0,
        total=6800,
        idempotency_key=key,
        paid_at=paid_at,
        lines=[
            OrderLine(
                county_id=county_id,
                product_name_zh="椴树蜂蜜",
                variant_label_zh="500克瓶装",
                sku="RH-1",
                unit_price=6800,
                quantity=1,
            )
        ],
    )
