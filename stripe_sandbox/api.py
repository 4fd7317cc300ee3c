"""The part of Stripe's v1 HTTP API the shop uses, under ``/v1``."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK

from stripe_sandbox.params import Form, StripeError, decode_form
from stripe_sandbox.state import API_VERSION, Sandbox, new_id

Operation = Callable[[Form], dict[str, Any]]


def stripe_response(
    body: dict[str, Any], status_code: int = HTTP_200_OK, headers: dict[str, str] | None = None
) -> Response[dict[str, Any]]:
    return Response(
        body,
        status_code=status_code,
        headers={
            "Request-Id": new_id("req_", 14),
            "Stripe-Version": API_VERSION,
            **(headers or {}),
        },
    )


def _api_key(request: Request[Any, Any, Any]) -> str:
    """The secret key from Bearer (what the SDKs send) or Basic auth (what ``curl -u`` sends)."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    key = ""
    if scheme.lower() == "bearer":
        key = credentials.strip()
    elif scheme.lower() == "basic":
        try:
            key = base64.b64decode(credentials, validate=True).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            key = ""
    if not key:
        raise StripeError(
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY').",
            status=401,
        )
    if not key.startswith("sk_test_"):
        redacted = f"{key[:8]}{'*' * max(len(key) - 12, 0)}{key[-4:]}" if len(key) > 12 else key
        raise StripeError(
            f"Invalid API Key provided: {redacted}. The local Stripe sandbox accepts any "
            "secret test key (sk_test_...).",
            status=401,
        )
    return key


async def _params(request: Request[Any, Any, Any]) -> dict[str, Any]:
    pairs = parse_qsl(request.url.query, keep_blank_values=True)
    if request.method == "POST":
        body = await request.body()
        try:
            pairs += parse_qsl(body.decode(), keep_blank_values=True)
        except UnicodeDecodeError:
            raise StripeError("The request body is not valid UTF-8.") from None
    return decode_form(pairs)


async def _call(
    request: Request[Any, Any, Any], sandbox: Sandbox, operation: Operation
) -> Response[dict[str, Any]]:
    """Authenticate, decode, run ``operation`` under the lock, and honour ``Idempotency-Key``.

    Only successful results are saved for replay: as on Stripe, a request that failed
    validation may be retried with the same key once fixed.
    """
    api_key = _api_key(request)
    params = await _params(request)
    key = request.headers.get("idempotency-key") if request.method == "POST" else None
    endpoint = f"{request.method} {request.url.path}"
    async with sandbox.lock:
        if key and (saved := sandbox.replay(api_key, key, endpoint, params)) is not None:
            return stripe_response(saved, headers={"Idempotent-Replayed": "true"})
        form = Form(params)
        body = sandbox.render(operation(form), form)
        if key:
            sandbox.remember(api_key, key, endpoint, params, body)
    return stripe_response(body)


@post("/checkout/sessions", status_code=HTTP_200_OK)
async def create_checkout_session(
    request: Request[Any, Any, Any], sandbox: NamedDependency[Sandbox]
) -> Response[dict[str, Any]]:
    return await _call(request, sandbox, sandbox.create_session)


@get("/checkout/sessions")
async def list_checkout_sessions(
    request: Request[Any, Any, Any], sandbox: NamedDependency[Sandbox]
) -> Response[dict[str, Any]]:
    return await _call(request, sandbox, sandbox.list_sessions)


@get("/checkout/sessions/{session_id:str}")
async def retrieve_checkout_session(
    request: Request[Any, Any, Any], sandbox: NamedDependency[Sandbox], session_id: FromPath[str]
) -> Response[dict[str, Any]]:
    return await _call(request, sandbox, lambda form: sandbox.retrieve("checkout.session", session_id, form))


@post("/checkout/sessions/{session_id:str}/expire", status_code=HTTP_200_OK)
async def expire_checkout_session(
    request: Request[Any, Any, Any], sandbox: NamedDependency[Sandbox], session_id: FromPath[str]
) -> Response[dict[str, Any]]:
    return await _call(request, sandbox, lambda form: sandbox.expire_session(session_id, form))


@get("/checkout/sessions/{session_id:str}/line_items")
async def list_checkout_session_line_items(
    request: Request[Any, Any, Any], sandbox: NamedDependency[Sandbox], session_id: FromPath[str]
) -> Response[dict[str, Any]]:
    return await _call(request, sandbox, lambda form: sandbox.list_line_items(session_id, form))


@get("/payment_intents/{intent_id:str}")
async def retrieve_payment_intent(
    request: Request[Any, Any, Any], sandbox: NamedDependency[Sandbox], intent_id: FromPath[str]
) -> Response[dict[str, Any]]:
    return await _call(request, sandbox, lambda form: sandbox.retrieve("payment_intent", intent_id, form))


@get("/charges/{charge_id:str}")
async def retrieve_charge(
    request: Request[Any, Any, Any], sandbox: NamedDependency[Sandbox], charge_id: FromPath[str]
) -> Response[dict[str, Any]]:
    return await _call(request, sandbox, lambda form: sandbox.retrieve("charge", charge_id, form))


@post("/refunds", status_code=HTTP_200_OK)
async def create_refund(
    request: Request[Any, Any, Any], sandbox: NamedDependency[Sandbox]
) -> Response[dict[str, Any]]:
    return await _call(request, sandbox, sandbox.create_refund)


@get("/refunds/{refund_id:str}")
async def retrieve_refund(
    request: Request[Any, Any, Any], sandbox: NamedDependency[Sandbox], refund_id: FromPath[str]
) -> Response[dict[str, Any]]:
    return await _call(request, sandbox, lambda form: sandbox.retrieve("refund", refund_id, form))


@get("/events")
async def list_events(
    request: Request[Any, Any, Any], sandbox: NamedDependency[Sandbox]
) -> Response[dict[str, Any]]:
    return await _call(request, sandbox, sandbox.list_events)


@get("/events/{event_id:str}")
async def retrieve_event(
    request: Request[Any, Any, Any], sandbox: NamedDependency[Sandbox], event_id: FromPath[str]
) -> Response[dict[str, Any]]:
    return await _call(request, sandbox, lambda form: sandbox.retrieve("event", event_id, form))


api_router = Router(
    path="/v1",
    route_handlers=[
        create_checkout_session,
        list_checkout_sessions,
        retrieve_checkout_session,
        expire_checkout_session,
        list_checkout_session_line_items,
        retrieve_payment_intent,
        retrieve_charge,
        create_refund,
        retrieve_refund,
        list_events,
        retrieve_event,
    ],
)
