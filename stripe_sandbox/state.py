"""The sandbox's Stripe objects, kept in memory, and the operations on them.

Objects are plain JSON-ready dicts in Stripe's shapes, so what the API answers, what the hosted
page shows and what webhooks carry cannot drift apart. Every method assumes the caller holds
:attr:`Sandbox.lock`; none of them awaits, so one request's changes are never seen half made.
"""

from __future__ import annotations

import asyncio
import copy
import re
import secrets
import string
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import stripe

from storefront.money import format_money
from stripe_sandbox.params import Form, StripeError, missing, no_such

if TYPE_CHECKING:
    from stripe_sandbox.webhooks import WebhookSender

API_VERSION = stripe.api_version
PAYMENT_METHOD_TYPES = ("card", "alipay", "wechat_pay")
WECHAT_PAY_CLIENTS = ("android", "ios", "web")
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
SESSION_STATUSES = ("open", "complete", "expired")

MIN_LIFETIME = 30 * 60
MAX_LIFETIME = 24 * 60 * 60
# A client computing ``expires_at = now + 30 min`` loses a little to latency and clock skew
# before the request lands; Stripe accepts that, so the sandbox must too.
LIFETIME_GRACE = 60
IDEMPOTENCY_KEY_LIFETIME = 24 * 60 * 60
MAX_LINE_ITEMS = 100
MAX_QUANTITY = 999_999

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ID_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def success_url_for(session: dict[str, Any]) -> str | None:
    """The success URL with ``{CHECKOUT_SESSION_ID}`` filled in, as Stripe redirects to it."""
    url = session["success_url"]
    return url.replace("{CHECKOUT_SESSION_ID}", session["id"]) if url else None


@dataclass(frozen=True)
class _SavedResponse:
    endpoint: str
    params: dict[str, Any]
    body: dict[str, Any]
    created: float


class Sandbox:
    """One sandbox's objects by id, each table in creation order, and its idempotency keys."""

    def __init__(self, public_url: str, webhooks: WebhookSender) -> None:
        self.public_url = public_url.rstrip("/")
        self.webhooks = webhooks
        self.lock = asyncio.Lock()
        self.sessions: dict[str, dict[str, Any]] = {}
        self.line_items: dict[str, list[dict[str, Any]]] = {}
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.events: dict[str, dict[str, Any]] = {}
        self._tables = {
            "checkout.session": self.sessions,
            "payment_intent": self.payment_intents,
            "charge": self.charges,
            "refund": self.refunds,
            "event": self.events,
        }
        # What payment_intent_data asked for, used when the PaymentIntent is made at payment.
        self._payment_intent_data: dict[str, dict[str, Any]] = {}
        self._idempotency: dict[tuple[str, str], _SavedResponse] = {}

    # Idempotency -------------------------------------------------------------------------

    def replay(self, api_key: str, key: str, endpoint: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """The saved answer to an earlier request with this key, or None if there was none.

        Like Stripe, a key is bound to its first endpoint and parameters: reusing it for a
        different request is an ``idempotency_error``, not a silent replay.
        """
        saved = self._idempotency.get((api_key, key))
        if saved is None:
            return None
        if saved.endpoint != endpoint:
            raise StripeError(
                "Keys for idempotent requests can only be used for the same endpoint they were "
                f"first used for ('{saved.endpoint}' vs '{endpoint}'). Try using a key other "
                f"than '{key}' if you meant to execute a different request.",
                type="idempotency_error",
            )
        if saved.params != params:
            raise StripeError(
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{key}' if you meant to "
                "execute a different request.",
                type="idempotency_error",
            )
        return saved.body

    def remember(
        self, api_key: str, key: str, endpoint: str, params: dict[str, Any], body: dict[str, Any]
    ) -> None:
        now = time.time()
        self._idempotency = {
            scope: saved
            for scope, saved in self._idempotency.items()
            if saved.created > now - IDEMPOTENCY_KEY_LIFETIME
        }
        self._idempotency[(api_key, key)] = _SavedResponse(endpoint, params, body, now)

    # Reading -----------------------------------------------------------------------------

    def retrieve(self, kind: str, object_id: str, form: Form) -> dict[str, Any]:
        form.only("expand")
        return self._get(kind, object_id, "id")

    def render(self, obj: dict[str, Any], form: Form) -> dict[str, Any]:
        """A copy of ``obj`` for a response, with the ``expand[]`` paths replaced by objects."""
        body = copy.deepcopy(obj)
        for path in form.strings("expand"):
            self._expand(body, path.split("."), path)
        return body

    def list_sessions(self, form: Form) -> dict[str, Any]:
        form.only("limit", "starting_after", "ending_before", "payment_intent", "status", "expand")
        payment_intent = form.string("payment_intent")
        status = form.string("status", choices=SESSION_STATUSES)
        sessions = [
            session
            for session in reversed(self.sessions.values())
            if payment_intent in (None, session["payment_intent"]) and status in (None, session["status"])
        ]
        return self._page(sessions, form, "/v1/checkout/sessions")

    def list_line_items(self, session_id: str, form: Form) -> dict[str, Any]:
        form.only("limit", "starting_after", "ending_before", "expand")
        self._get("checkout.session", session_id, "id")
        return self._page(self.line_items[session_id], form, f"/v1/checkout/sessions/{session_id}/line_items")

    def list_events(self, form: Form) -> dict[str, Any]:
        """Newest first; ``type`` may end in ``*`` (``checkout.session.*``), as on Stripe."""
        form.only("limit", "starting_after", "ending_before", "type", "expand")
        wanted = form.string("type")
        events = [
            event
            for event in reversed(self.events.values())
            if wanted is None
            or event["type"] == wanted
            or (wanted.endswith("*") and event["type"].startswith(wanted[:-1]))
        ]
        return self._page(events, form, "/v1/events")

    # Checkout Sessions -------------------------------------------------------------------

    def create_session(self, form: Form) -> dict[str, Any]:
        form.only(
            "mode",
            "line_items",
            "success_url",
            "cancel_url",
            "customer_email",
            "client_reference_id",
            "metadata",
            "expires_at",
            "payment_method_types",
            "payment_method_options",
            "payment_intent_data",
            "locale",
            "submit_type",
            "ui_mode",
            "expand",
        )
        now = int(time.time())
        mode = form.string("mode", required=True, choices=("payment", "setup", "subscription"))
        if mode != "payment":
            raise StripeError(
                "The local Stripe sandbox only supports Checkout in `payment` mode.", param="mode"
            )
        form.string("ui_mode", choices=("hosted",))
        customer_email = form.string("customer_email", max_length=800)
        if customer_email is not None and not _EMAIL.match(customer_email):
            raise StripeError(
                f"Invalid email address: {customer_email}",
                param="customer_email",
                code="email_invalid",
            )
        expires_at = form.integer("expires_at")
        if expires_at is None:
            expires_at = now + MAX_LIFETIME
        elif expires_at < now + MIN_LIFETIME - LIFETIME_GRACE:
            raise StripeError(
                "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
                param="expires_at",
            )
        elif expires_at > now + MAX_LIFETIME:
            raise StripeError(
                "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
                param="expires_at",
            )
        payment_method_types = form.strings("payment_method_types", choices=PAYMENT_METHOD_TYPES)
        payment_method_options = self._payment_method_options(form, payment_method_types)
        payment_intent_data = form.hash("payment_intent_data") or Form({}, "payment_intent_data")
        payment_intent_data.only("description", "metadata")

        session_id = new_id("cs_test_", 58)
        items = self._line_items(form, now)
        subtotal = sum(item["amount_subtotal"] for item in items)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "after_expiration": None,
            "allow_promotion_codes": None,
            "amount_subtotal": subtotal,
            "amount_total": subtotal,
            "automatic_tax": {"enabled": False, "liability": None, "status": None},
            "billing_address_collection": None,
            "cancel_url": form.url("cancel_url"),
            "client_reference_id": form.string("client_reference_id", max_length=200),
            "client_secret": None,
            "consent": None,
            "consent_collection": None,
            "created": now,
            "currency": items[0]["currency"],
            "custom_fields": [],
            "customer": None,
            "customer_creation": "if_required",
            "customer_details": None,
            "customer_email": customer_email,
            "discounts": [],
            "expires_at": expires_at,
            "invoice": None,
            "livemode": False,
            "locale": form.string("locale", max_length=16),
            "metadata": form.metadata(),
            "mode": mode,
            "payment_intent": None,
            "payment_link": None,
            "payment_method_collection": "if_required",
            "payment_method_options": payment_method_options,
            "payment_method_types": payment_method_types or ["card"],
            "payment_status": "unpaid",
            "phone_number_collection": {"enabled": False},
            "recovered_from": None,
            "setup_intent": None,
            "shipping_address_collection": None,
            "shipping_cost": None,
            "shipping_options": [],
            "status": "open",
            "submit_type": form.string("submit_type", choices=("auto", "book", "donate", "pay", "subscribe")),
            "subscription": None,
            "success_url": form.url("success_url"),
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted",
            "url": f"{self.public_url}/checkout/{session_id}",
        }
        self.sessions[session_id] = session
        self._payment_intent_data[session_id] = {
            "description": payment_intent_data.string("description", max_length=1000),
            "metadata": payment_intent_data.metadata(),
        }
        self.line_items[session_id] = items
        return session

    def expire_session(self, session_id: str, form: Form) -> dict[str, Any]:
        form.only("expand")
        session = self._get("checkout.session", session_id, "id")
        if session["status"] != "open":
            raise StripeError(
                'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout '
                f'Session has a status of "{session["status"]}".',
                param="session",
            )
        self._expire(session)
        return session

    def expire_due(self, now: float) -> None:
        """Expire every open session whose ``expires_at`` has passed, as Stripe does."""
        for session in self.sessions.values():
            if session["status"] == "open" and session["expires_at"] <= now:
                self._expire(session)

    def lapse(self, session_id: str) -> dict[str, Any]:
        """Move an open session's ``expires_at`` to now, so the expiry sweeper picks it up."""
        session = self._open_session(session_id)
        session["expires_at"] = int(time.time())
        return session

    def complete_session(
        self, session_id: str, payment_method_type: str, *, delayed: bool = False
    ) -> dict[str, Any]:
        """Take the payment, as the hosted page's Pay button does.

        ``delayed`` stands for a payment method that confirms later (bank debits and the
        like): the session completes unpaid and :meth:`settle_delayed_payment` decides.
        """
        session = self._open_session(session_id)
        if payment_method_type not in session["payment_method_types"]:
            raise StripeError(
                f"This Checkout Session does not accept {payment_method_type}.",
                param="payment_method_types",
            )
        now = int(time.time())
        amount, currency = session["amount_total"], session["currency"]
        intent_id, charge_id, payment_method = new_id("pi_"), new_id("ch_"), new_id("pm_")
        intent_data = self._payment_intent_data[session_id]
        self.payment_intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0 if delayed else amount,
            "canceled_at": None,
            "cancellation_reason": None,
            "capture_method": "automatic_async",
            "client_secret": f"{intent_id}_secret_{new_id('')}",
            "confirmation_method": "automatic",
            "created": now,
            "currency": currency,
            "customer": None,
            "description": intent_data["description"],
            "last_payment_error": None,
            "latest_charge": charge_id,
            "livemode": False,
            "metadata": dict(intent_data["metadata"]),
            "payment_method": payment_method,
            "payment_method_types": [payment_method_type],
            "receipt_email": session["customer_email"],
            "status": "processing" if delayed else "succeeded",
        }
        self.charges[charge_id] = {
            "id": charge_id,
            "object": "charge",
            "amount": amount,
            "amount_captured": 0 if delayed else amount,
            "amount_refunded": 0,
            "balance_transaction": None,
            "billing_details": {
                "address": None,
                "email": session["customer_email"],
                "name": None,
                "phone": None,
            },
            "captured": not delayed,
            "created": now,
            "currency": currency,
            "customer": None,
            "description": intent_data["description"],
            "failure_code": None,
            "failure_message": None,
            "livemode": False,
            "metadata": dict(intent_data["metadata"]),
            "paid": not delayed,
            "payment_intent": intent_id,
            "payment_method": payment_method,
            "payment_method_details": {"type": payment_method_type, payment_method_type: {}},
            "receipt_email": session["customer_email"],
            "refunded": False,
            "status": "pending" if delayed else "succeeded",
        }
        session.update(
            status="complete",
            payment_status="unpaid" if delayed else "paid",
            payment_intent=intent_id,
            url=None,
            customer_details={
                "address": None,
                "email": session["customer_email"],
                "name": None,
                "phone": None,
                "tax_exempt": "none",
                "tax_ids": [],
            },
        )
        self._emit("checkout.session.completed", session)
        return session

    def settle_delayed_payment(self, session_id: str, *, succeeded: bool) -> dict[str, Any]:
        session = self._get("checkout.session", session_id, "id")
        intent = self.payment_intents.get(session["payment_intent"] or "")
        if intent is None or intent["status"] != "processing":
            raise StripeError(
                "This Checkout Session has no delayed payment waiting for an outcome.",
                param="session",
            )
        charge = self.charges[intent["latest_charge"]]
        if succeeded:
            intent.update(status="succeeded", amount_received=intent["amount"])
            charge.update(status="succeeded", paid=True, captured=True, amount_captured=charge["amount"])
            session["payment_status"] = "paid"
            self._emit("checkout.session.async_payment_succeeded", session)
        else:
            message = "The delayed payment failed: insufficient funds (simulated)."
            intent.update(
                status="requires_payment_method",
                last_payment_error={
                    "code": "insufficient_funds",
                    "message": message,
                    "type": "card_error",
                },
            )
            charge.update(status="failed", failure_code="insufficient_funds", failure_message=message)
            self._emit("checkout.session.async_payment_failed", session)
        return session

    # Refunds -----------------------------------------------------------------------------

    def create_refund(self, form: Form) -> dict[str, Any]:
        form.only("payment_intent", "charge", "amount", "reason", "metadata", "expand")
        intent_id = form.string("payment_intent")
        charge_id = form.string("charge")
        if intent_id and charge_id:
            raise StripeError(
                "You may only specify one of these parameters: charge, payment_intent.",
                param="charge",
                code="parameters_exclusive",
            )
        if charge_id:
            charge = self._get("charge", charge_id, "charge")
        elif intent_id:
            intent = self._get("payment_intent", intent_id, "payment_intent")
            charge = self.charges.get(intent["latest_charge"] or "")
            if charge is None or charge["status"] != "succeeded":
                raise StripeError(
                    f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                    param="payment_intent",
                )
        else:
            raise StripeError(
                "One of `charge` or `payment_intent` is required.",
                param="payment_intent",
                code="parameter_missing",
            )
        if charge["status"] != "succeeded":
            raise StripeError(
                f"Charge {charge['id']} has not succeeded, so it cannot be refunded.",
                param="charge",
            )
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining == 0:
            raise StripeError(
                f"Charge {charge['id']} has already been refunded.",
                param="charge",
                code="charge_already_refunded",
            )
        amount = form.integer("amount", minimum=1)
        if amount is None:
            amount = remaining
        elif amount > remaining:
            raise StripeError(
                f"Refund amount ({format_money(amount, charge['currency'])}) is greater than "
                f"unrefunded amount on charge ({format_money(remaining, charge['currency'])})",
                param="amount",
                code="amount_too_large",
            )
        refund_id = new_id("re_")
        refund = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "balance_transaction": None,
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": charge["currency"],
            "metadata": form.metadata(),
            "payment_intent": charge["payment_intent"],
            "reason": form.string("reason", choices=REFUND_REASONS),
            "receipt_number": None,
            "status": "succeeded",
        }
        self.refunds[refund_id] = refund
        previous = {"amount_refunded": charge["amount_refunded"]}
        charge["amount_refunded"] += amount
        if charge["amount_refunded"] == charge["amount"]:
            previous["refunded"] = False
            charge["refunded"] = True
        self._emit("charge.refunded", charge, previous_attributes=previous)
        return refund

    # Internals ---------------------------------------------------------------------------

    def _get(self, kind: str, object_id: str, param: str) -> dict[str, Any]:
        obj = self._tables[kind].get(object_id)
        if obj is None:
            raise no_such(kind, object_id, param)
        return obj

    def _open_session(self, session_id: str) -> dict[str, Any]:
        session = self._get("checkout.session", session_id, "id")
        if session["status"] != "open":
            raise StripeError(
                f"This Checkout Session is no longer open (status: {session['status']}).",
                param="session",
            )
        return session

    def _expire(self, session: dict[str, Any]) -> None:
        session.update(status="expired", url=None)
        self._emit("checkout.session.expired", session)

    def _emit(
        self,
        event_type: str,
        obj: dict[str, Any],
        previous_attributes: dict[str, Any] | None = None,
    ) -> None:
        data: dict[str, Any] = {"object": copy.deepcopy(obj)}
        if previous_attributes:
            data["previous_attributes"] = previous_attributes
        event = {
            "id": new_id("evt_"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": data,
            "livemode": False,
            "pending_webhooks": 1 if self.webhooks.enabled else 0,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        self.events[event["id"]] = event
        self.webhooks.send(event)

    def _line_items(self, form: Form, now: int) -> list[dict[str, Any]]:
        line_items = form.hashes("line_items", required=True)
        if len(line_items) > MAX_LINE_ITEMS:
            raise StripeError(f"You may only specify up to {MAX_LINE_ITEMS} line items.", param="line_items")
        items: list[dict[str, Any]] = []
        for item in line_items:
            item.only("price", "price_data", "quantity")
            if "price" in item:
                price_id = item.string("price", required=True)
                raise no_such("price", price_id, item.name("price"))
            price_data = item.hash("price_data", required=True)
            price_data.only("currency", "unit_amount", "product_data", "tax_behavior")
            currency = price_data.currency("currency", required=True)
            unit_amount = price_data.integer("unit_amount", required=True, minimum=0)
            price_data.string("tax_behavior", choices=("exclusive", "inclusive", "unspecified"))
            product = price_data.hash("product_data", required=True)
            product.only("name", "description", "images", "metadata")
            name = product.string("name", required=True, max_length=250)
            product.string("description", max_length=40_000)
            product.strings("images")
            product.metadata()
            quantity = item.integer("quantity", required=True, minimum=1)
            if quantity > MAX_QUANTITY:
                raise StripeError(
                    f"Invalid integer: {quantity} is more than {MAX_QUANTITY}",
                    param=item.name("quantity"),
                    code="parameter_invalid_integer",
                )
            if items and currency != items[0]["currency"]:
                raise StripeError(
                    f"All line items must use the same currency; the first uses {items[0]['currency']}.",
                    param=price_data.name("currency"),
                )
            amount = unit_amount * quantity
            items.append(
                {
                    "id": new_id("li_"),
                    "object": "item",
                    "amount_discount": 0,
                    "amount_subtotal": amount,
                    "amount_tax": 0,
                    "amount_total": amount,
                    "currency": currency,
                    "description": name,
                    "price": {
                        "id": new_id("price_"),
                        "object": "price",
                        "active": False,
                        "billing_scheme": "per_unit",
                        "created": now,
                        "currency": currency,
                        "livemode": False,
                        "lookup_key": None,
                        "metadata": {},
                        "nickname": None,
                        "product": new_id("prod_"),
                        "recurring": None,
                        "tax_behavior": "unspecified",
                        "type": "one_time",
                        "unit_amount": unit_amount,
                        "unit_amount_decimal": str(unit_amount),
                    },
                    "quantity": quantity,
                }
            )
        return items

    @staticmethod
    def _payment_method_options(form: Form, types: list[str]) -> dict[str, Any]:
        options = form.hash("payment_method_options") or Form({}, "payment_method_options")
        options.only("wechat_pay")
        wechat_pay = options.hash("wechat_pay")
        if wechat_pay is None:
            if "wechat_pay" in types:
                raise missing("payment_method_options[wechat_pay][client]")
            return {}
        wechat_pay.only("client", "app_id")
        client = wechat_pay.string("client", required=True, choices=WECHAT_PAY_CLIENTS)
        app_id = wechat_pay.string("app_id", required=client != "web")
        return {"wechat_pay": {"app_id": app_id, "client": client}}

    def _page(self, items: list[dict[str, Any]], form: Form, url: str) -> dict[str, Any]:
        """One page of a list object, with Stripe's cursor parameters."""
        limit = form.integer("limit", minimum=1) or 10
        if limit > 100:
            raise StripeError(
                "Invalid limit: must be between 1 and 100",
                param="limit",
                code="parameter_invalid_integer",
            )
        starting_after = form.string("starting_after")
        ending_before = form.string("ending_before")
        if starting_after and ending_before:
            raise StripeError(
                "You may only specify one of these parameters: ending_before, starting_after.",
                param="ending_before",
                code="parameters_exclusive",
            )
        ids = [item["id"] for item in items]
        if starting_after:
            if starting_after not in ids:
                raise no_such("object", starting_after, "starting_after")
            items = items[ids.index(starting_after) + 1 :]
            page = items[:limit]
        elif ending_before:
            if ending_before not in ids:
                raise no_such("object", ending_before, "ending_before")
            items = items[: ids.index(ending_before)]
            page = items[-limit:]
        else:
            page = items[:limit]
        return {"object": "list", "data": page, "has_more": len(items) > limit, "url": url}

    def _expand(self, node: dict[str, Any], path: list[str], full_path: str) -> None:
        key, rest = path[0], path[1:]
        if node.get("object") == "list" and key == "data":
            for item in node["data"]:
                if rest:
                    self._expand(item, rest, full_path)
            return
        if node.get("object") == "checkout.session" and key == "line_items" and not rest:
            url = f"/v1/checkout/sessions/{node['id']}/line_items"
            node["line_items"] = copy.deepcopy(self._page(self.line_items[node["id"]], Form({}), url))
            return
        if key not in node:
            raise StripeError(f"This property cannot be expanded ({full_path}).", param="expand")
        value = node[key]
        if isinstance(value, str):
            target = self._lookup(value)
            if target is None:
                raise StripeError(f"This property cannot be expanded ({full_path}).", param="expand")
            node[key] = value = copy.deepcopy(target)
        if rest and isinstance(value, dict):
            self._expand(value, rest, full_path)

    def _lookup(self, object_id: str) -> dict[str, Any] | None:
        for table in self._tables.values():
            if object_id in table:
                return table[object_id]
        return None
