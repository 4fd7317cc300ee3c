"""The Stripe webhook: signed payment events in, applied to their orders."""

from __future__ import annotations

import logging

import stripe
from litestar import Request, Response, post
from litestar.di import NamedDependency, Provide
from litestar.status_codes import HTTP_400_BAD_REQUEST

from storefront.db import DbSession
from storefront.notifications.mail import Mailer, provide_mailer
from storefront.payments.events import PaymentEventService
from storefront.payments.gateway import Gateway, MalformedEventError, provide_gateway

logger = logging.getLogger(__name__)


@post(
    "/stripe/webhook",
    name="stripe:webhook",
    status_code=200,
    opt={"exclude_from_csrf": True},  # Stripe signs its events; it has no CSRF token
    dependencies={
        "gateway": Provide(provide_gateway, sync_to_thread=False),
        "mailer": Provide(provide_mailer, sync_to_thread=False),
    },
)
async def stripe_webhook(
    request: Request, db_session: DbSession, gateway: Gateway, mailer: NamedDependency[Mailer]
) -> Response[str]:
    """Signed events from Stripe; anything unsigned, mis-signed or stale is refused with nothing written."""
    payload = await request.body()
    try:
        event = gateway.verify_event(payload, request.headers.get("stripe-signature"))
    except MalformedEventError as error:
        logger.warning("refused a signed webhook event: %s", error)
        return Response(
            f"malformed event: {error}", status_code=HTTP_400_BAD_REQUEST, media_type="text/plain"
        )
    except (ValueError, stripe.SignatureVerificationError):
        return Response("invalid signature", status_code=HTTP_400_BAD_REQUEST, media_type="text/plain")
    processed = await PaymentEventService(db_session, gateway, mailer).handle(event)
    return Response("ok" if processed else "duplicate", media_type="text/plain")
