"""Stripe, through the official SDK: Checkout Sessions and webhook signatures.

``STRIPE_API_BASE`` points the SDK at another server, such as the local sandbox.
"""

from __future__ import annotations

import datetime
from typing import Any

import stripe

from storefront.config import Settings
from storefront.i18n import translations
from storefront.orders.models import Order, OrderLine
from storefront.tenancy.models import County

CHECKOUT_LIFETIME = datetime.timedelta(minutes=30)
SIGNATURE_TOLERANCE_SECONDS = 300
SANDBOX_SECRET_KEY = "sk_test_sandbox"


class PaymentGateway:
    def __init__(self, settings: Settings) -> None:
        base = {"api": settings.stripe_api_base} if settings.stripe_api_base else None
        self.client = stripe.StripeClient(
            settings.stripe_secret_key or SANDBOX_SECRET_KEY,
            base_addresses=base,
            max_network_retries=2 if settings.is_production else 0,
            http_client=stripe.HTTPXClient(),
        )
        self.webhook_secret = settings.stripe_webhook_secret
        self.payment_method_types = settings.stripe_payment_methods

    async def create_checkout_session(
        self, order: Order, county: County, *, success_url: str, cancel_url: str, now: datetime.datetime
    ) -> stripe.checkout.Session:
        """A hosted Checkout page for the order's own lines, keyed so a retry never makes two."""
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": line.quantity,
                    "price_data": {
                        "currency": order.currency.lower(),
                        "unit_amount": line.unit_price,
                        "product_data": {"name": _line_name(line, order.language)},
                    },
                }
                for line in order.lines
            ]
            + _shipping_line(order),
            "customer_email": order.email,
            "client_reference_id": order.number,
            "metadata": {"order_id": str(order.id), "order_number": order.number, "county": county.slug},
            "payment_method_types": list(self.payment_method_types),
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": int((now + CHECKOUT_LIFETIME).timestamp()),
            "locale": "zh" if order.language == "zh" else "en",
        }
        if "wechat_pay" in self.payment_method_types:
            params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
        return await self.client.v1.checkout.sessions.create_async(
            params=params, options={"idempotency_key": order.idempotency_key}
        )

    async def retrieve_session(self, session_id: str) -> stripe.checkout.Session:
        return await self.client.v1.checkout.sessions.retrieve_async(session_id)

    async def close_session(self, session_id: str) -> stripe.checkout.Session:
        """Make sure the session can no longer be paid; returns its final state.

        A session paid a moment before comes back ``complete``: the caller must then fulfil
        the order rather than release it.
        """
        checkout = await self.retrieve_session(session_id)
        if checkout.status == "open":
            try:
                checkout = await self.client.v1.checkout.sessions.expire_async(session_id)
            except stripe.InvalidRequestError:
                checkout = await self.retrieve_session(session_id)  # completed or expired meanwhile
        return checkout

    def verify_event(self, payload: bytes, signature: str | None) -> stripe.Event:
        """Raises ``stripe.SignatureVerificationError`` or ``ValueError`` for anything not from Stripe."""
        return stripe.Webhook.construct_event(
            payload, signature, self.webhook_secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )


def _line_name(line: OrderLine, language: str) -> str:
    """What the shopper sees on Stripe's page, in the order's language."""
    return f"{line.t('product_name', language)} {line.t('variant_label', language)}"


def _shipping_line(order: Order) -> list[dict[str, Any]]:
    if not order.shipping_fee:
        return []
    price_data = {
        "currency": order.currency.lower(),
        "unit_amount": order.shipping_fee,
        "product_data": {"name": translations(order.language).gettext("Shipping")},
    }
    return [{"quantity": 1, "price_data": price_data}]
