"""The shopper's cart: one per county, kept in the visitor's server-side session.

Only variant ids and quantities are stored; prices, names and stock are always read from the
database, so a price sent by a client can never reach a total.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storefront.catalog.models import Product, Variant
from storefront.i18n import gettext as _
from storefront.money import Fen
from storefront.orders.models import Order
from storefront.stock.holds import lines_of
from storefront.tenancy.models import County

SESSION_KEY = "carts"
PAID_THROUGH_KEY = "carts_paid_through"
MAX_LINE_QUANTITY = 99


class CartError(ValueError):
    """A cart change that was refused; the message is shown to the shopper as is."""


@dataclass(frozen=True)
class CartLine:
    variant: Variant
    product: Product
    quantity: int

    @property
    def line_total(self) -> Fen:
        return self.variant.price * self.quantity


@dataclass(frozen=True)
class CartView:
    lines: list[CartLine]
    subtotal: Fen
    shipping: Fen

    @property
    def total(self) -> Fen:
        return self.subtotal + self.shipping

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines


class CartService:
    def __init__(self, db_session: AsyncSession, visitor_session: dict[str, Any], county: County) -> None:
        self.db_session = db_session
        self.visitor_session = visitor_session
        self.county = county

    def quantities(self) -> dict[int, int]:
        stored = self.visitor_session.get(SESSION_KEY, {}).get(str(self.county.id), {})
        return {int(variant_id): int(quantity) for variant_id, quantity in stored.items()}

    def _save(self, quantities: dict[int, int]) -> None:
        carts = dict(self.visitor_session.get(SESSION_KEY, {}))
        carts[str(self.county.id)] = {
            str(variant_id): quantity for variant_id, quantity in quantities.items()
        }
        self.visitor_session[SESSION_KEY] = carts

    async def _sellable_variant(self, variant_id: int) -> Variant:
        """A variant of this county's active product (tenant scoping hides other counties')."""
        variant = await self.db_session.scalar(
            select(Variant)
            .join(Product, Product.id == Variant.product_id)
            .where(Variant.id == variant_id, Product.is_active.is_(True))
        )
        if variant is None:
            raise CartError(_("This product is not available in this shop."))
        return variant

    def _check_stock(self, variant: Variant, quantity: int) -> None:
        if variant.stock == 0:
            raise CartError(_("Sorry, this item is sold out."))
        if quantity > MAX_LINE_QUANTITY and variant.stock > MAX_LINE_QUANTITY:
            raise CartError(
                _("At most %(count)s of one item per order; please choose fewer.")
                % {"count": MAX_LINE_QUANTITY}
            )
        if quantity > variant.stock:
            raise CartError(_("Only %(count)s available; please choose fewer.") % {"count": variant.stock})

    async def add(self, variant_id: int, quantity: int) -> None:
        variant = await self._sellable_variant(variant_id)
        quantities = self.quantities()
        wanted = quantities.get(variant_id, 0) + quantity
        self._check_stock(variant, wanted)
        quantities[variant_id] = wanted
        self._save(quantities)

    async def set_quantity(self, variant_id: int, quantity: int) -> None:
        quantities = self.quantities()
        if variant_id not in quantities:
            raise CartError(_("This item is no longer in your cart."))
        self._check_stock(await self._sellable_variant(variant_id), quantity)
        quantities[variant_id] = quantity
        self._save(quantities)

    def remove(self, variant_id: int) -> None:
        quantities = self.quantities()
        quantities.pop(variant_id, None)
        self._save(quantities)

    def paid_through(self) -> datetime.datetime | None:
        """When the last payment already taken out of this cart was made."""
        stored = self.visitor_session.get(PAID_THROUGH_KEY, {}).get(str(self.county.id))
        return datetime.datetime.fromisoformat(stored) if stored else None

    def take_out(self, paid: dict[int, int], paid_at: datetime.datetime) -> None:
        """Remove what a payment made at ``paid_at`` paid for: each line loses the quantity paid,
        and what was added since stays. The cart and the time are kept together, so a session
        saved from an older copy (a request that overlapped) brings both back and nothing is lost."""
        quantities = self.quantities()
        for variant_id, quantity in paid.items():
            left = quantities.get(variant_id, 0) - quantity
            if left > 0:
                quantities[variant_id] = left
            else:
                quantities.pop(variant_id, None)
        self._save(quantities)
        self.visitor_session[PAID_THROUGH_KEY] = {
            **self.visitor_session.get(PAID_THROUGH_KEY, {}),
            str(self.county.id): paid_at.isoformat(),
        }

    async def take_out_paid(self, visitor: str | None) -> None:
        """Take what this visitor has paid for out of the cart: exactly the paid lines, once per
        payment, on their first request after it, even if they never saw the return page."""
        if visitor is None:
            return
        query = select(Order.id, Order.paid_at).where(
            Order.visitor_key == visitor, Order.paid_at.is_not(None)
        )
        if (since := self.paid_through()) is not None:
            query = query.where(Order.paid_at > since)
        for order_id, paid_at in (await self.db_session.execute(query.order_by(Order.paid_at))).all():
            self.take_out(await lines_of(self.db_session, order_id), paid_at)

    async def view(self) -> CartView:
        """The cart priced from the database; lines whose product went away are left out."""
        return await self._priced(self.quantities())

    async def count(self) -> int:
        """The units in the cart as its page shows them (lines whose product went away left out)."""
        return (await self.view()).count

    async def bought_now(self, variant_id: int, quantity: int) -> CartView:
        """One line bought on its own ("Buy now"), checked like adding it; the cart is left as it is."""
        self._check_stock(await self._sellable_variant(variant_id), quantity)
        return await self._priced({variant_id: quantity})

    async def _priced(self, quantities: dict[int, int]) -> CartView:
        lines: list[CartLine] = []
        if quantities:
            rows = await self.db_session.scalars(
                select(Variant)
                .where(Variant.id.in_(quantities))
                .options(joinedload(Variant.product).undefer(Product.cover_path))
                .order_by(Variant.id)
            )
            lines = [
                CartLine(variant=variant, product=variant.product, quantity=quantities[variant.id])
                for variant in rows
                if variant.product.is_active
            ]
        subtotal = sum(line.line_total for line in lines)
        return CartView(
            lines=lines, subtotal=subtotal, shipping=self.county.shipping_for(subtotal) if lines else 0
        )
