"""Stripe, through the official SDK: Checkout Sessions, refunds and webhook signatures.

``STRIPE_API_BASE`` points the SDK at another server, such as the local sandbox.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

import stripe
from litestar import Request
from litestar.di import NamedDependency

from storefront.clock import utcnow
from storefront.config import Settings
from storefront.i18n import translations
from storefront.orders.models import PAYMENT_METHODS, Order, OrderLine
from storefront.tenancy.models import County

logger = logging.getLogger(__name__)

CHECKOUT_LIFETIME = datetime.timedelta(minutes=30)
SIGNATURE_TOLERANCE_SECONDS = 300
SANDBOX_SECRET_KEY = "sk_test_sandbox"
MAX_ID_LENGTH = 255  # the columns that keep Stripe's ids
MAX_TYPE_LENGTH = 100
MAX_AMOUNT = 2**31 - 1  # the largest amount an integer column holds
EARLIEST_STRIPE_TIME = datetime.datetime(2011, 1, 1, tzinfo=datetime.UTC)
"""No Stripe object is older."""
CLOCK_SKEW = datetime.timedelta(days=1)


def stripe_time(value: object) -> datetime.datetime | None:
    """A Stripe ``created`` (Unix seconds) as a UTC time, or None when Stripe could not have sent it:
    not a whole number, before Stripe existed, or more than a day ahead of our clock (a sale is booked
    on its day: a signed event from year 9999 must not break the dashboard's days)."""
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    if not EARLIEST_STRIPE_TIME.timestamp() <= value <= (utcnow() + CLOCK_SKEW).timestamp():
        return None
    return datetime.datetime.fromtimestamp(value, datetime.UTC)


class MalformedEventError(ValueError):
    """A correctly signed webhook event that lacks something the shop reads from it."""


@dataclass(frozen=True)
class PaymentEvent:
    """A verified webhook event, reduced to what the shop reads: every field checked, no KeyError later."""

    id: str
    type: str
    object: dict[str, Any]
    created: datetime.datetime
    """When Stripe made the event (its ``created``): the time a payment or refund is booked at, so a
    delivery retried after midnight in Beijing still counts on the day it happened."""


@dataclass(frozen=True)
class Payment:
    """How and when a payment was made, as Stripe's charge says (None where it cannot say)."""

    method: str | None = None
    """A code of PAYMENT_METHODS."""
    charged_at: datetime.datetime | None = None


Check: TypeAlias = Callable[[Any], bool]


def _stripe_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH


def _amount(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_AMOUNT


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _optional(check: Check) -> Check:
    return lambda value: value is None or check(value)


SESSION_FIELDS: dict[str, Check] = {
    "id": _stripe_id,
    "payment_intent": _optional(_stripe_id),
    "payment_status": _optional(_text),
    "amount_total": _optional(_amount),
    "currency": _optional(_text),
}
CHARGE_FIELDS: dict[str, Check] = {
    "payment_intent": _optional(_stripe_id),
    "amount_refunded": _optional(_amount),
}


def parse_event(payload: bytes) -> PaymentEvent:
    """Raises ``MalformedEventError`` unless ``payload`` has what ``PaymentEventService`` reads."""
    try:
        body = json.loads(payload)
    except (ValueError, RecursionError) as error:
        raise MalformedEventError("not JSON") from error
    if not isinstance(body, dict):
        raise MalformedEventError("not a JSON object")
    if not _stripe_id(body.get("id")):
        raise MalformedEventError("id is missing or malformed")
    event_type = body.get("type")
    if not isinstance(event_type, str) or not 0 < len(event_type) <= MAX_TYPE_LENGTH:
        raise MalformedEventError("type is missing or malformed")
    created = stripe_time(body.get("created"))
    if created is None:
        raise MalformedEventError("created is missing or malformed")
    data = body.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise MalformedEventError("data.object is missing")
    event_object = data["object"]
    if event_type.startswith("checkout.session."):
        fields = SESSION_FIELDS
    elif event_type == "charge.refunded":
        fields = CHARGE_FIELDS
    else:
        fields = {}
    for name, check in fields.items():
        if not check(event_object.get(name)):
            raise MalformedEventError(f"data.object.{name} is missing or malformed")
    return PaymentEvent(
        id=body["id"],
        type=event_type,
        object=event_object,
        created=created,
    )


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

    async def retrieve_checkout_session(self, session_id: str) -> stripe.checkout.Session:
        return await self.client.v1.checkout.sessions.retrieve_async(session_id)

    async def close_checkout_session(self, session_id: str) -> stripe.checkout.Session:
        """Make sure the session can no longer be paid; returns its final state.

        A session paid a moment before comes back ``complete``: the caller must then fulfil
        the order rather than release it.
        """
        checkout = await self.retrieve_checkout_session(session_id)
        if checkout.status == "open":
            try:
                checkout = await self.client.v1.checkout.sessions.expire_async(session_id)
            except stripe.InvalidRequestError:
                checkout = await self.retrieve_checkout_session(session_id)  # completed or expired meanwhile
        return checkout

    async def payment_of(self, payment_intent: str | None) -> Payment:
        """What the payment's latest charge says: how it was paid (its ``payment_method_details.type``
        when one of PAYMENT_METHODS) and when (its ``created``). Never raises: what Stripe cannot
        say (no payment yet, Stripe unreachable, another type) is None, and the order is still paid."""
        if not payment_intent:
            return Payment()
        try:
            intent = await self.client.v1.payment_intents.retrieve_async(
                payment_intent, params={"expand": ["latest_charge"]}
            )
        except stripe.StripeError as error:
            logger.warning("could not read the payment method of %s: %s", payment_intent, error)
            return Payment()
        charge = intent.to_dict().get("latest_charge")
        if not isinstance(charge, dict):
            return Payment()
        details = charge.get("payment_method_details")
        method = details.get("type") if isinstance(details, dict) else None
        return Payment(
            method=method if isinstance(method, str) and method in PAYMENT_METHODS else None,
            charged_at=stripe_time(charge.get("created")),
        )

    async def create_refund(
        self, payment_intent: str, amount: int, *, idempotency_key: str, order_number: str
    ) -> stripe.Refund:
        """Refund ``amount`` of the payment; a retry with the same key never refunds twice.

        Raises ``stripe.StripeError`` when Stripe refuses (or cannot be reached).
        """
        return await self.client.v1.refunds.create_async(
            params={
                "payment_intent": payment_intent,
                "amount": amount,
                "metadata": {"order_number": order_number},
            },
            options={"idempotency_key": idempotency_key},
        )

    def verify_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        """The event Stripe signed, checked for the fields the shop reads.

        Raises ``stripe.SignatureVerificationError`` (or ``ValueError`` for a body that is not
        UTF-8) for anything not from Stripe, then ``MalformedEventError`` for a signed event that
        is missing something.
        """
        stripe.WebhookSignature.verify_header(
            payload, signature, self.webhook_secret, SIGNATURE_TOLERANCE_SECONDS
        )
        return parse_event(payload)


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


def provide_gateway(request: Request) -> PaymentGateway:
    return request.app.state.payments


Gateway: TypeAlias = NamedDependency[PaymentGateway]
