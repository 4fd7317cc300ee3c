"""Every table of the platform in one place: importing this module registers them all on ``Base``
(Alembic's autogenerate, the migration check). Domains import their own models; only the app
factory and the tools that need the whole schema import this module."""

from __future__ import annotations

from storefront.accounts.models import AdminUser, AuditEntry
from storefront.catalog.models import Category, Producer, Product, ProductImage, Variant
from storefront.db import Base
from storefront.jobs import JobLease
from storefront.metrics.models import Creator, DailyMetric, Event
from storefront.orders.models import Order, OrderEvent, OrderLine, StripeEvent
from storefront.tenancy.models import County

__all__ = [
    "AdminUser",
    "AuditEntry",
    "Base",
    "Category",
    "County",
    "Creator",
    "DailyMetric",
    "Event",
    "JobLease",
    "Order",
    "OrderEvent",
    "OrderLine",
    "Producer",
    "Product",
    "ProductImage",
    "StripeEvent",
    "Variant",
]
