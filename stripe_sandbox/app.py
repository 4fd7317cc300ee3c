"""The local Stripe sandbox as a Litestar application."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar, MediaType, Request, Response, get
from litestar.di import Provide
from litestar.exceptions import HTTPException, MethodNotAllowedException, NotFoundException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

from stripe_sandbox.api import api_router, stripe_response
from stripe_sandbox.hosted import hosted_handlers
from stripe_sandbox.params import StripeError
from stripe_sandbox.state import Sandbox
from stripe_sandbox.webhooks import RETRY_DELAYS, WebhookSender

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

logger = logging.getLogger(__name__)


@get("/health", media_type=MediaType.JSON)
async def health() -> dict[str, str]:
    return {"status": "ok"}


def _stripe_error(request: Request[Any, Any, Any], exc: StripeError) -> Response[Any]:
    return stripe_response(exc.as_dict(), status_code=exc.status)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Stripe's error shape under ``/v1`` (so the SDK raises a proper error), text elsewhere."""
    if request.url.path.startswith("/v1/"):
        if isinstance(exc, NotFoundException | MethodNotAllowedException):
            message = (
                f"Unrecognized request URL ({request.method}: {request.url.path}). "
                "The local Stripe sandbox implements only the endpoints the shop uses."
            )
        else:
            message = exc.detail
        return stripe_response(
            StripeError(message, status=exc.status_code).as_dict(), status_code=exc.status_code
        )
    return Response(exc.detail, status_code=exc.status_code, media_type=MediaType.TEXT)


def _internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A sandbox bug: log it, and answer as Stripe would (the SDK raises ``APIError``)."""
    logger.exception("Error handling %s %s", request.method, request.url.path)
    error = StripeError(f"Sandbox error: {exc!r}", status=500, type="api_error")
    return stripe_response(error.as_dict(), status_code=500)


def create_sandbox_app(
    webhook_url: str | None,
    webhook_secret: str,
    public_url: str,
    *,
    expiry_check_interval: float = 2.0,
    webhook_retry_delays: Sequence[float] = RETRY_DELAYS,
) -> Litestar:
    """A fresh sandbox with empty state.

    ``public_url`` is where browsers reach this server (it builds each session's ``url``).
    Events go to ``webhook_url`` signed with ``webhook_secret``; with no URL they are only
    stored, for ``GET /v1/events``. Open sessions past ``expires_at`` are expired every
    ``expiry_check_interval`` seconds.
    """
    webhooks = WebhookSender(webhook_url, webhook_secret, retry_delays=webhook_retry_delays)
    sandbox = Sandbox(public_url, webhooks)

    async def expire_lapsed_sessions() -> None:
        while True:
            await asyncio.sleep(expiry_check_interval)
            async with sandbox.lock:
                sandbox.expire_due(time.time())

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        sweeper = asyncio.create_task(expire_lapsed_sessions())
        try:
            yield
        finally:
            sweeper.cancel()
            await webhooks.close()

    return Litestar(
        route_handlers=[api_router, *hosted_handlers, health],
        dependencies={"sandbox": Provide(lambda: sandbox, sync_to_thread=False)},
        exception_handlers={
            StripeError: _stripe_error,
            HTTPException: _http_error,
            Exception: _internal_error,
        },
        template_config=TemplateConfig(directory=TEMPLATE_DIR, engine=JinjaTemplateEngine),
        lifespan=[lifespan],
        openapi_config=None,
    )
