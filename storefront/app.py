"""Application factory."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from advanced_alchemy.config import AlembicAsyncConfig
from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar, MediaType, Request, Response, get
from litestar.exceptions import HTTPException
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_500_INTERNAL_SERVER_ERROR
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from litestar.template.config import TemplateConfig

from storefront import models as _all_models  # noqa: F401  (the whole schema is known before any query)
from storefront.admin.guard import acting_county_field, acting_county_header, record_out_of_reach
from storefront.admin.router import admin_router
from storefront.cart.service import MAX_LINE_QUANTITY
from storefront.cli import StorefrontCLIPlugin
from storefront.compression import compression_config
from storefront.config import PROJECT_ROOT, Settings, get_settings
from storefront.content_versions import VERSIONS_STORE
from storefront.i18n import current_language, negotiate_language
from storefront.metrics.events import HEAD_REQUEST, EventMiddleware
from storefront.metrics.recorder import EventRecorder, run_event_writer, writer_engine
from storefront.metrics.rollups import run_rollups
from storefront.notifications.mail import Mailer
from storefront.orders.models import TEMPLATE_GLOBALS as ORDER_TEMPLATE_GLOBALS
from storefront.page_cache import STORE_NAME as PAGE_STORE
from storefront.page_cache import (
    BoundedMemoryStore,
    LocalStore,
    PageCacheBoundary,
    PageStore,
    page_cache_config,
    publish_after_commit,
)
from storefront.payments.controllers import stripe_webhook
from storefront.payments.gateway import PaymentGateway
from storefront.security import CsrfGuard, secure_send
from storefront.sessions import SESSIONS_STORE, LazySessionConfig, run_session_cleanup
from storefront.shop import SUGGESTIONS_KEY, county_shop, suggest_best_sellers
from storefront.static_files import FILE_PREFIXES, STATIC_DIR, StaticAssets, files_app
from storefront.sweeper import run_sweeper
from storefront.tenancy.controllers import DirectoryController
from storefront.tenancy.hosts import CountyHosts
from storefront.web import LanguageMiddleware, RejectNulBytes, create_environment, refuse_impossible_ids

if TYPE_CHECKING:
    from litestar.types import Receive, Scope, Send

logger = logging.getLogger("storefront")


UNKNOWN_HOST = "本平台不提供此网址。\nThis address is not served here.\n".encode()


class StorefrontApp(Litestar):
    """Litestar, answering only the platform's own host names, with county host names mapped onto
    the ``/c/{county}`` routes before routing, and the security headers on every response. Files
    (``/static``, ``/media``) go to their own app, past the shop's middleware
    (``storefront.static_files``)."""

    county_hosts: CountyHosts
    files: Litestar

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        scope = {**scope, "state": scope.get("state", {})}  # the server's own stays as it sent it (HEAD)
        scope["state"][HEAD_REQUEST] = scope["method"] == "HEAD"  # routed as GET next; counts no view
        send = secure_send(scope, send)
        if not await self.county_hosts.route(scope):
            await send(
                {
                    "type": "http.response.start",
                    "status": HTTP_400_BAD_REQUEST,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                }
            )
            await send({"type": "http.response.body", "body": UNKNOWN_HOST})
            return
        if scope["path"].startswith(FILE_PREFIXES):
            await self.files(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


@get("/health", media_type=MediaType.TEXT, name="health", sync_to_thread=False)
def health() -> str:
    return "ok"


def _error_page(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else HTTP_500_INTERNAL_SERVER_ERROR
    if status >= HTTP_500_INTERNAL_SERVER_ERROR:
        logger.exception("unhandled error on %s", request.scope["path"], exc_info=exc)  # .url may not parse
    token = current_language.set(negotiate_language(request))
    try:
        partial = request.headers.get("hx-request") == "true"  # swapped into a page: a message, not a page
        template = request.app.template_engine.get_template(
            "partials/error.html" if partial else "errors/error.html"
        )
        body = template.render(
            request=request,
            status=status,
            county=request.state.get("county"),
            best_sellers=request.state.get(SUGGESTIONS_KEY, []),
        )
    finally:
        current_language.reset(token)
    return Response(body, status_code=status, media_type=MediaType.HTML)


RATE_LIMITED_CLIENTS = 10_000
"""Client addresses whose rate-limit counts one process keeps without Redis: an expired count is
only dropped when its address comes back, so without a bound every address that ever posted an
order lookup would stay in memory."""


def _stores(settings: Settings) -> dict[str, Store]:
    """Sessions, cached pages and rate limits go to Redis (shared by workers) when REDIS_URL is set."""
    if settings.redis_url:
        redis = RedisStore.with_client(url=settings.redis_url)
        stores = {
            SESSIONS_STORE: redis.with_namespace("sessions"),
            PAGE_STORE: redis.with_namespace("pages"),  # every page is stored with an expiry
            VERSIONS_STORE: redis.with_namespace("content_versions"),  # one key a county, kept
            "rate_limit": redis.with_namespace("rate_limit"),
        }
    else:
        stores = {
            SESSIONS_STORE: FileStore(settings.session_dir, create_directories=True),
            PAGE_STORE: BoundedMemoryStore(),
            VERSIONS_STORE: LocalStore(),  # one entry a county that changed
            "rate_limit": BoundedMemoryStore(RATE_LIMITED_CLIENTS),
        }
    if settings.page_cache_seconds > 0:
        stores[PAGE_STORE] = PageStore(stores[PAGE_STORE])
    return stores


def database_connect_args(settings: Settings) -> dict[str, object]:
    """SQLite waits for a concurrent writer instead of failing at once."""
    return {"timeout": 30} if settings.database_url.startswith("sqlite") else {}


def database_config(settings: Settings) -> SQLAlchemyAsyncConfig:
    """The database settings shared by the app, the CLI and the migrations."""
    config = SQLAlchemyAsyncConfig(
        connection_string=settings.database_url,
        before_send_handler="autocommit",
        set_default_exception_handler=False,  # database failures are our 500 page, not a 409
        session_dependency_key="db_session",
        engine_config=EngineConfig(echo=settings.database_echo, connect_args=database_connect_args(settings)),
        # Checkout commits mid-request (stock first, then the order); keep loaded rows usable.
        session_config=AsyncSessionConfig(expire_on_commit=False),
        alembic_config=AlembicAsyncConfig(
            script_config=str(PROJECT_ROOT / "alembic.ini"),
            script_location=str(PROJECT_ROOT / "migrations"),
            version_table_name="alembic_versions",
        ),
    )
    # Saves that bumped a county's content version renew its cached pages once committed.
    config.before_send_handler = publish_after_commit(config.before_send_handler, config.session_scope_key)
    return config


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    settings.media_dir.mkdir(parents=True, exist_ok=True)
    db_config = database_config(settings)
    county_hosts = CountyHosts(
        settings.base_domain, settings.public_url, allow_loopback=not settings.is_production
    )
    assets = StaticAssets(STATIC_DIR)
    templates = create_environment(
        platform_origin=county_hosts.public_origin, auto_reload=not settings.is_production, assets=assets
    )
    templates.globals.update(ORDER_TEMPLATE_GLOBALS)
    templates.globals["payments_test_mode"] = not settings.stripe_secret_key.startswith("sk_live_")
    templates.globals["payment_methods"] = settings.stripe_payment_methods
    templates.globals["max_line_quantity"] = MAX_LINE_QUANTITY
    templates.globals.update(
        acting_county_field=acting_county_field, acting_county_header=acting_county_header
    )

    def bind_host_lookup(app: Litestar) -> None:
        county_hosts.session_maker = db_config.create_session_maker()
        county_hosts.versions = app.stores.get(VERSIONS_STORE)

    async def close_database_pool() -> None:
        """Hand every pooled connection back to the database when the server stops."""
        await db_config.get_engine().dispose()

    app = StorefrontApp(
        route_handlers=[
            DirectoryController,
            county_shop,
            admin_router(),
            stripe_webhook,
            health,
        ],
        plugins=[SQLAlchemyPlugin(config=db_config), HTMXPlugin(), StorefrontCLIPlugin()],
        middleware=[
            LanguageMiddleware(),
            RejectNulBytes(),
            LazySessionConfig(secure=settings.is_production).middleware,
            EventMiddleware(secure=settings.is_production),  # outside the page cache: cached pages count
            CsrfGuard(secret=settings.secret_key, secure=settings.is_production),
            PageCacheBoundary(),  # innermost: see storefront.page_cache
        ],
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(templates)),
        response_cache_config=page_cache_config(settings.page_cache_seconds),
        compression_config=compression_config(),  # pages are cached compressed: see storefront.compression
        stores=_stores(settings),
        exception_handlers={HTTPException: _error_page, Exception: _error_page},
        before_request=refuse_impossible_ids,
        after_exception=[record_out_of_reach, suggest_best_sellers],
        on_startup=[bind_host_lookup],
        on_shutdown=[close_database_pool],
        lifespan=[run_sweeper, run_event_writer, run_rollups, run_session_cleanup],
        openapi_config=None,
    )
    app.county_hosts = county_hosts
    app.files = files_app(assets, settings.media_dir)
    app.state.settings = settings
    app.state.db_config = db_config
    app.state.payments = PaymentGateway(settings)
    app.state.mailer = Mailer(settings, templates)
    app.state.events = EventRecorder(writer_engine(settings.database_url, database_connect_args(settings)))
    return app
