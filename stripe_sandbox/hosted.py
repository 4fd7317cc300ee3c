"""The hosted checkout page (a session's ``url``) and the sandbox's own test controls.

The page stands in for Stripe Checkout: plain forms that work without JavaScript, with the
control names browser tests look for ("Pay", "Cancel", "Decline card", "Delayed payment
method", "Confirm delayed payment", "Fail delayed payment").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_404_NOT_FOUND, HTTP_409_CONFLICT

from storefront.money import format_money
from stripe_sandbox.api import stripe_response
from stripe_sandbox.params import Form, StripeError
from stripe_sandbox.state import Sandbox, success_url_for

PAYMENT_METHOD_LABELS = {"card": "Card", "alipay": "Alipay", "wechat_pay": "WeChat Pay"}
# The outcomes a tester can pick before pressing Pay; the first is the default.
OUTCOMES = {
    "succeed": "Successful payment",
    "decline": "Decline card",
    "delayed": "Delayed payment method",
}
DELAYED_OUTCOMES = {"succeeded": True, "failed": False}


def _page_state(sandbox: Sandbox, session: dict[str, Any]) -> str:
    if session["status"] != "complete":
        return session["status"]
    if session["payment_status"] == "paid":
        return "paid"
    intent = sandbox.payment_intents[session["payment_intent"]]
    return "processing" if intent["status"] == "processing" else "payment_failed"


def _page(
    sandbox: Sandbox, session_id: str, *, declined: bool = False, status_code: int = HTTP_200_OK
) -> Template:
    """The page for the session as it is now; the caller holds the lock.

    The context holds only values copied out of the state, because the template is rendered
    after the handler returns, when the lock is no longer held.
    """
    session = sandbox.sessions.get(session_id)
    if session is None:
        return Template(
            "checkout.html",
            context={"found": False, "session_id": session_id},
            status_code=HTTP_404_NOT_FOUND,
        )
    currency = session["currency"]
    state = _page_state(sandbox, session)
    expires_at = datetime.fromtimestamp(session["expires_at"], tz=UTC)
    return Template(
        "checkout.html",
        context={
            "found": True,
            "session_id": session_id,
            "customer_email": session["customer_email"],
            "state": state,
            "declined": declined and state == "open",
            "items": [
                {
                    "name": item["description"],
                    "quantity": item["quantity"],
                    "unit_amount": format_money(item["price"]["unit_amount"], currency),
                    "amount": format_money(item["amount_total"], currency),
                }
                for item in sandbox.line_items[session_id]
            ],
            "total": format_money(session["amount_total"], currency),
            "payment_methods": [
                (method, PAYMENT_METHOD_LABELS[method]) for method in session["payment_method_types"]
            ],
            "outcomes": OUTCOMES,
            "expires_at": expires_at.strftime("%Y-%m-%d %H:%M UTC"),
            "success_url": success_url_for(session),
            "cancel_url": session["cancel_url"],
        },
        status_code=status_code,
    )


@get("/checkout/{session_id:str}")
async def checkout_page(
    sandbox: NamedDependency[Sandbox], session_id: FromPath[str], declined: FromQuery[bool] = False
) -> Template:
    async with sandbox.lock:
        return _page(sandbox, session_id, declined=declined)


@post("/checkout/{session_id:str}/pay", status_code=HTTP_200_OK)
async def pay(
    request: Request[Any, Any, Any], sandbox: NamedDependency[Sandbox], session_id: FromPath[str]
) -> Template | Redirect:
    """Pay, decline or start a delayed payment, depending on the outcome the tester picked."""
    form = await request.form()
    outcome = form.get("outcome", "succeed")
    if outcome not in OUTCOMES:
        raise ClientException(f"Unknown outcome {outcome!r}")
    async with sandbox.lock:
        session = sandbox.sessions.get(session_id)
        if session is None or session["status"] != "open":
            return _page(sandbox, session_id, status_code=HTTP_409_CONFLICT)
        method = form.get("payment_method", session["payment_method_types"][0])
        if method not in session["payment_method_types"]:
            raise ClientException(f"This session does not accept {method!r}")
        if outcome == "decline":
            return Redirect(f"/checkout/{session_id}?declined=true", status_code=303)
        sandbox.complete_session(session_id, method, delayed=outcome == "delayed")
        return Redirect(success_url_for(session) or f"/checkout/{session_id}", status_code=303)


@post("/checkout/{session_id:str}/cancel", status_code=HTTP_200_OK)
async def cancel(sandbox: NamedDependency[Sandbox], session_id: FromPath[str]) -> Template | Redirect:
    """Back to the shop; like Stripe, leaving the page does not expire the session."""
    async with sandbox.lock:
        session = sandbox.sessions.get(session_id)
        if session is None or session["cancel_url"] is None:
            return _page(sandbox, session_id, status_code=HTTP_409_CONFLICT)
        return Redirect(session["cancel_url"], status_code=303)


@post("/checkout/{session_id:str}/delayed_payment", status_code=HTTP_200_OK)
async def settle_delayed_payment_from_page(
    request: Request[Any, Any, Any], sandbox: NamedDependency[Sandbox], session_id: FromPath[str]
) -> Template | Redirect:
    form = await request.form()
    outcome = form.get("outcome")
    if outcome not in DELAYED_OUTCOMES:
        raise ClientException(f"Unknown outcome {outcome!r}")
    async with sandbox.lock:
        try:
            sandbox.settle_delayed_payment(session_id, succeeded=DELAYED_OUTCOMES[outcome])
        except StripeError:
            return _page(sandbox, session_id, status_code=HTTP_409_CONFLICT)
    return Redirect(f"/checkout/{session_id}", status_code=303)


@post("/sandbox/sessions/{session_id:str}/async_payment", status_code=HTTP_200_OK)
async def settle_delayed_payment(
    sandbox: NamedDependency[Sandbox], session_id: FromPath[str], outcome: FromQuery[str]
) -> Response[dict[str, Any]]:
    """``?outcome=succeeded|failed``: end a delayed payment; answers with the session."""
    if outcome not in DELAYED_OUTCOMES:
        raise StripeError("outcome must be succeeded or failed", param="outcome")
    async with sandbox.lock:
        session = sandbox.settle_delayed_payment(session_id, succeeded=DELAYED_OUTCOMES[outcome])
        return stripe_response(sandbox.render(session, Form({})))


@post("/sandbox/sessions/{session_id:str}/lapse", status_code=HTTP_200_OK)
async def lapse_session(
    sandbox: NamedDependency[Sandbox], session_id: FromPath[str]
) -> Response[dict[str, Any]]:
    """Let an open session's time run out now, instead of in 30 minutes.

    The expiry sweeper then expires it on its next pass and sends
    ``checkout.session.expired``, exactly as it would for a session left alone.
    """
    async with sandbox.lock:
        return stripe_response(sandbox.render(sandbox.lapse(session_id), Form({})))


hosted_handlers = [
    checkout_page,
    pay,
    cancel,
    settle_delayed_payment_from_page,
    settle_delayed_payment,
    lapse_session,
]
