"""The admin: every page under ``/admin`` in one router, behind one guard.

Admin pages of any domain (catalog, orders, brand, ...) are added to :data:`ADMIN_PAGES`; each then
gets the guard (:func:`storefront.admin.guard.admin_guard`: a signed-in account, the database
session scoped to its county) and the ``admin`` dependency without asking for them.
"""

from __future__ import annotations

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.di import Provide

from storefront.accounts.admin_users import AdminUsersController
from storefront.accounts.controllers import PasswordController, SignInController
from storefront.admin.controllers import DashboardController
from storefront.admin.guard import (
    PasswordChangeRequired,
    SignInRequired,
    admin_guard,
    password_change_required,
    provide_admin,
    sign_in_required,
)
from storefront.catalog.admin import ProductAdminController
from storefront.catalog.admin_categories import CategoryAdminController
from storefront.catalog.admin_csv import CatalogCsvController
from storefront.catalog.admin_pictures import (
    BannerController,
    LogoController,
    ProducerPhotoController,
    ProductPicturesController,
)
from storefront.catalog.admin_producers import ProducerAdminController
from storefront.catalog.admin_products import ProductEditController
from storefront.metrics.admin_creators import CreatorAdminController
from storefront.orders.admin import AdminOrderController
from storefront.tenancy.admin import BrandController
from storefront.tenancy.platform_admin import PlatformCountyController

ADMIN_PAGES: list = [
    # the account itself
    SignInController,
    PasswordController,
    DashboardController,
    # the county's shop
    ProductAdminController,
    ProductEditController,
    ProductPicturesController,
    ProducerAdminController,
    ProducerPhotoController,
    CategoryAdminController,
    CatalogCsvController,
    AdminOrderController,
    BrandController,
    LogoController,
    BannerController,
    CreatorAdminController,
    # the platform (platform admins only)
    PlatformCountyController,
    AdminUsersController,
]


def admin_router() -> Router:
    return Router(
        path="/admin",
        guards=[admin_guard],
        dependencies={"admin": Provide(provide_admin, sync_to_thread=False)},
        exception_handlers={
            SignInRequired: sign_in_required,
            PasswordChangeRequired: password_change_required,
        },
        # Nothing an admin sees is kept by a browser or a proxy.
        cache_control=CacheControlHeader(no_store=True),
        route_handlers=ADMIN_PAGES,
    )
