"""Catalog: categories, producers, products, their images and variants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from advanced_alchemy.base import DefaultBase
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    true,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship, undefer

from storefront.db import Base, TenantScoped
from storefront.i18n import Localized
from storefront.money import Fen
from storefront.tenancy.models import County

if TYPE_CHECKING:
    from sqlalchemy.orm import InstrumentedAttribute
    from sqlalchemy.sql.selectable import ScalarSelect


class Category(Localized, TenantScoped, Base):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("county_id", "slug"),)

    slug: Mapped[str] = mapped_column(String(63))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Producer(Localized, TenantScoped, Base):
    """A farmer or co-operative that grows what the county sells."""

    __tablename__ = "producers"
    __table_args__ = (UniqueConstraint("county_id", "slug"),)

    slug: Mapped[str] = mapped_column(String(63))
    kind: Mapped[str] = mapped_column(String(20), default="farmer")
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    village_zh: Mapped[str] = mapped_column(String(100), default="")
    village_en: Mapped[str] = mapped_column(String(100), default="")
    story_zh: Mapped[str] = mapped_column(Text, default="")
    story_en: Mapped[str] = mapped_column(Text, default="")
    photo_path: Mapped[str | None] = mapped_column(String(255), default=None)


class Variant(Localized, TenantScoped, Base):
    """A purchasable form of a product, such as a 500 g jar; price in fen."""

    __tablename__ = "variants"
    __table_args__ = (
        UniqueConstraint("county_id", "sku"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price > 0", name="price_positive"),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    label_zh: Mapped[str] = mapped_column(String(100))
    label_en: Mapped[str] = mapped_column(String(100), default="")
    sku: Mapped[str] = mapped_column(String(64))
    price: Mapped[Fen] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    """Units a shopper can still buy: on hand, less those held by checkouts awaiting payment."""
    held: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Units held by checkouts awaiting payment (never negative); ``stock + held`` is on hand."""
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(lazy="raise", back_populates="variants")

    @property
    def on_hand(self) -> int:
        """What the county has on hand: available plus held (admins edit it, storefront.stock.service)."""
        return (self.stock or 0) + (self.held or 0)


class ProductImage(TenantScoped, Base):
    __tablename__ = "product_images"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer, default=0)
    alt_zh: Mapped[str] = mapped_column(String(200), default="", server_default="")
    alt_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    width: Mapped[int | None] = mapped_column(Integer, default=None)
    """Of the largest size stored (pixels), so pages can reserve the picture's room."""
    height: Mapped[int | None] = mapped_column(Integer, default=None)


class Product(Localized, TenantScoped, Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("county_id", "slug"),
        # One per listing (home, category, producer), in SHOP_ORDER: a page is read off the index.
        # Each also holds what the shop filters on (active, the county), so a deep page skips its
        # rows in the index alone: 600 rows read from the table otherwise.
        Index("ix_products_shop_order", "county_id", "sold_out", "position", "id", "is_active"),
        Index(
            "ix_products_category_shop_order",
            "category_id",
            "sold_out",
            "position",
            "id",
            "is_active",
            "county_id",
        ),
        Index(
            "ix_products_producer_shop_order",
            "producer_id",
            "sold_out",
            "position",
            "id",
            "is_active",
            "county_id",
        ),
        Index("ix_products_best_sellers", "county_id", "sold_out", "units_sold"),
    )

    slug: Mapped[str] = mapped_column(String(63))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    origin_zh: Mapped[str] = mapped_column(Text, default="")
    origin_en: Mapped[str] = mapped_column(Text, default="")
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producers.id", ondelete="SET NULL"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    sold_out: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    """No variant has stock: kept by database triggers on ``variants`` (migration b2e4d6f8a0c1)
    whatever writes the stock, and never written by the app. Stored so that listings can sort the
    sold-out last off an index, however many products a county has."""
    units_sold: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """The units the shop says it sold (已售 N 件, best sellers): the quantities of the product's
    order lines while their order is paid and not refunded in full
    (:data:`~storefront.orders.states.STILL_PAID`: paid, shipped, delivered); awaiting payment,
    expired, cancelled or refunded never count. Kept by database triggers on orders and order lines
    (migrations c3d5e7f9a1b2, d4f6a8c0e2b4) whatever changes an order, and never written by the
    app; a size deleted takes its units with it. Stored so that a page costs the same on a product
    sold a million times."""
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_tokens: Mapped[str] = mapped_column(Text, default="", server_default="", deferred=True)
    """The names as the search index holds them, written on every save (storefront.catalog.search)."""
    description_tokens: Mapped[str] = mapped_column(Text, default="", server_default="", deferred=True)
    name_keys: Mapped[str] = mapped_column(Text, default="", server_default="", deferred=True)
    """The names' lookup keys, written on every save; database triggers copy them to
    :class:`ProductNameKey`."""

    producer: Mapped[Producer | None] = relationship(lazy="raise")
    category: Mapped[Category | None] = relationship(lazy="raise")
    variants: Mapped[list[Variant]] = relationship(
        lazy="raise", order_by=Variant.position, back_populates="product"
    )
    images: Mapped[list[ProductImage]] = relationship(lazy="raise", order_by=ProductImage.position)


class ProductNameKey(TenantScoped, DefaultBase):
    """One lookup key of a product's names (``Product.name_keys``, storefront.catalog.search),
    beside a copy of its county and where it stands in the shop: active, sold out, position. Its index
    lists the products whose names hold a key in the shop's order, so a search reads one page of
    them however many there are. Kept by database triggers on products (migration b7d9f1a3c5e7)
    whatever writes a product, and never written by the app."""

    __tablename__ = "product_name_keys"
    __table_args__ = (
        Index(
            "ix_product_name_keys_ranked",
            "county_id",
            "key",
            "is_active",
            "sold_out",
            "position",
            "product_id",
        ),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id", ondelete="CASCADE"))
    """Not indexed alone, as the other tables' is: the ranked index begins with it."""
    is_active: Mapped[bool] = mapped_column(Boolean)
    sold_out: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[int] = mapped_column(Integer)


# Listing columns, loaded with undefer() so a grid of products costs one query.
Product.min_price = column_property(
    select(func.min(Variant.price))
    .where(Variant.product_id == Product.id)
    .correlate_except(Variant)
    .scalar_subquery(),
    deferred=True,
)
Product.total_stock = column_property(
    select(func.coalesce(func.sum(Variant.stock), 0))
    .where(Variant.product_id == Product.id)
    .correlate_except(Variant)
    .scalar_subquery(),
    deferred=True,
)
Product.cover_path = column_property(
    select(ProductImage.path)
    .where(ProductImage.product_id == Product.id)
    .order_by(ProductImage.position)
    .limit(1)
    .correlate_except(ProductImage)
    .scalar_subquery(),
    deferred=True,
)


SHOP_ORDER = (
    Product.sold_out.asc(),
    Product.position.asc(),
    Product.id.asc(),
)
"""How the shop lists products (home, categories, producers, search): those in stock first, then in
the county's order; the id last keeps pages stable."""

BEST_SELLING_FIRST = (Product.units_sold.desc(),)
"""How best sellers are ranked; the catalog breaks ties in the shop's own order."""


def _first_in_stock(name: InstrumentedAttribute[str]) -> ScalarSelect[str]:
    """The name of the first product on the county's home: active, in stock, in the county's order."""
    return (
        select(name)
        .where(Product.county_id == County.id, Product.is_active.is_(True), Product.sold_out.is_(False))
        .order_by(Product.position, Product.id)
        .limit(1)
        .correlate_except(Product)
        .scalar_subquery()
    )


# The shop's search box suggests the county's own product; loaded with the county
# (storefront.tenancy.dependencies), so it costs no query of its own.
County.search_example_zh = column_property(_first_in_stock(Product.name_zh), deferred=True)
County.search_example_en = column_property(_first_in_stock(Product.name_en), deferred=True)
SEARCH_EXAMPLE = (undefer(County.search_example_zh), undefer(County.search_example_en))
