"""The local Stripe sandbox, driven as the shop drives Stripe: the SDK, a browser, webhooks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import httpx
import pytest
import stripe

if TYPE_CHECKING:
    from .conftest import WebhookReceiver

SHOP = "https://shop.example/c/lankao"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def session_params(**overrides: Any) -> dict[str, Any]:
    """What the shop sends for an order of 2 x ¥12.80 + 1 x ¥5.00 (¥30.60)."""
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "cny",
                    "unit_amount": 1280,
                    "product_data": {"name": "Lankao honey, 500 g"},
                },
                "quantity": 2,
            },
            {
                "price_data": {
                    "currency": "cny",
                    "unit_amount": 500,
                    "product_data": {"name": "Paulownia spoon"},
                },
                "quantity": 1,
            },
        ],
        "success_url": f"{SHOP}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"{SHOP}/cart",
        "customer_email": "buyer@example.com",
        "client_reference_id": "LK-000005",
        "metadata": {"order_id": "5", "county": "lankao"},
        "expires_at": int(time.time()) + 30 * 60,
        "payment_method_types": ["card", "alipay", "wechat_pay"],
        "payment_method_options": {"wechat_pay": {"client": "web"}},
    }
    params.update(overrides)
    return params


@dataclass
class _Form:
    action: str
    radios: list[dict[str, Any]] = field(default_factory=list)
    buttons: list[dict[str, Any]] = field(default_factory=list)


class _FormParser(HTMLParser):
    """Each form's radio buttons (with the text of the label around each) and buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[_Form] = []
        self._text: list[str] | None = None
        self._radio: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(_Form(action=attributes.get("action") or ""))
        elif tag == "input" and attributes.get("type") == "radio":
            self._radio = {**attributes, "checked": "checked" in attributes}
            self.forms[-1].radios.append(self._radio)
        elif tag in ("button", "label"):
            if tag == "button":
                self.forms[-1].buttons.append(attributes)
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("button", "label") or self._text is None:
            return
        text = " ".join("".join(self._text).split())
        if tag == "button":
            self.forms[-1].buttons[-1]["text"] = text
        elif self._radio is not None:
            self._radio["label"] = text
        self._text = self._radio = None


def buttons(html: str) -> list[str]:
    parser = _FormParser()
    parser.feed(html)
    return [button["text"] for form in parser.forms for button in form.buttons]


def submit(http: httpx.Client, page_url: str, button: str, choose: Iterable[str] = ()) -> httpx.Response:
    """Do what a browser without JavaScript does: pick the labelled radios, press ``button``."""
    page = http.get(page_url)
    parser = _FormParser()
    parser.feed(page.text)
    [(form, pressed)] = [
        (form, candidate)
        for form in parser.forms
        for candidate in form.buttons
        if candidate["text"] == button
    ]
    data = {radio["name"]: radio["value"] for radio in form.radios if radio["checked"]}
    for label in choose:
        [radio] = [radio for radio in form.radios if radio.get("label") == label]
        data[radio["name"]] = radio["value"]
    if pressed.get("name"):
        data[pressed["name"]] = pressed["value"]
    return http.post(urljoin(str(page.url), form.action), data=data)


def verified(receiver: WebhookReceiver, event_type: str) -> stripe.Event:
    """The first delivery of ``event_type``, checked the way the shop's webhook checks it."""
    [delivery] = receiver.wait_for(event_type)
    return stripe.Webhook.construct_event(delivery.body, delivery.signature, receiver.secret)


def pay(http: httpx.Client, session: stripe.checkout.Session) -> httpx.Response:
    response = submit(http, session.url, "Pay")
    assert response.status_code == 303, response.text
    return response


def test_create_retrieve_list_and_line_items(client: stripe.StripeClient, sandbox_url: str):
    params = session_params()
    session = client.v1.checkout.sessions.create(params)

    assert session.id.startswith("cs_test_")
    assert session.object == "checkout.session"
    assert session.url == f"{sandbox_url}/checkout/{session.id}"
    assert (session.status, session.payment_status, session.mode) == ("open", "unpaid", "payment")
    assert (session.amount_subtotal, session.amount_total, session.currency) == (3060, 3060, "cny")
    assert session.metadata.to_dict() == {"order_id": "5", "county": "lankao"}
    assert session.client_reference_id == "LK-000005"
    assert session.customer_email == "buyer@example.com"
    assert session.expires_at == params["expires_at"]
    assert session.payment_intent is None
    assert session.payment_method_types == ["card", "alipay", "wechat_pay"]
    assert session.payment_method_options.wechat_pay.client == "web"

    assert client.v1.checkout.sessions.retrieve(session.id).to_dict() == session.to_dict()

    items = client.v1.checkout.sessions.line_items.list(session.id)
    assert items.object == "list"
    assert not items.has_more
    assert [(i.description, i.quantity, i.price.unit_amount, i.amount_total) for i in items] == [
        ("Lankao honey, 500 g", 2, 1280, 2560),
        ("Paulownia spoon", 1, 500, 500),
    ]
    first_page = client.v1.checkout.sessions.line_items.list(session.id, {"limit": 1})
    assert first_page.has_more
    assert len(first_page.data) == 1
    assert [i.id for i in first_page.auto_paging_iter()] == [i.id for i in items]

    other = client.v1.checkout.sessions.create(session_params())
    listed = client.v1.checkout.sessions.list()
    assert [s.id for s in listed] == [other.id, session.id]  # newest first, as on Stripe


@pytest.mark.parametrize(
    ("change", "param", "code"),
    [
        ({"mode": None}, "mode", "parameter_missing"),
        ({"line_items": None}, "line_items", "parameter_missing"),
        (
            {"line_items": [{"price_data": {"unit_amount": 1280}, "quantity": 1}]},
            "line_items[0][price_data][currency]",
            "parameter_missing",
        ),
        (
            {
                "line_items": [
                    {
                        "price_data": {
                            "currency": "cny",
                            "unit_amount": "12.80",
                            "product_data": {"name": "Honey"},
                        },
                        "quantity": 1,
                    }
                ]
            },
            "line_items[0][price_data][unit_amount]",
            "parameter_invalid_integer",
        ),
        ({"expires_at": int(time.time()) + 10 * 60}, "expires_at", None),
        ({"expires_at": int(time.time()) + 25 * 3600}, "expires_at", None),
        ({"payment_method_types": ["paypal"]}, "payment_method_types[0]", None),
        (
            {"payment_method_options": None},
            "payment_method_options[wechat_pay][client]",
            "parameter_missing",
        ),
        ({"success_url": "not a url"}, "success_url", "url_invalid"),
        ({"customer_email": "nobody"}, "customer_email", "email_invalid"),
        ({"shipping_rates": ["shr_1"]}, "shipping_rates", "parameter_unknown"),
    ],
)
def test_bad_session_params_raise_invalid_request_error(
    shared_client: stripe.StripeClient, change: dict[str, Any], param: str, code: str | None
):
    params = {key: value for key, value in session_params(**change).items() if value is not None}
    with pytest.raises(stripe.InvalidRequestError) as raised:
        shared_client.v1.checkout.sessions.create(params)
    assert raised.value.http_status == 400
    assert raised.value.param == param
    assert raised.value.code == code
    assert raised.value.error.type == "invalid_request_error"
    assert not shared_client.v1.checkout.sessions.list().data


def test_second_line_item_error_names_its_index(shared_client: stripe.StripeClient):
    params = session_params()
    params["line_items"][1]["quantity"] = 0
    with pytest.raises(stripe.InvalidRequestError) as raised:
        shared_client.v1.checkout.sessions.create(params)
    assert (raised.value.param, raised.value.code) == (
        "line_items[1][quantity]",
        "parameter_invalid_integer",
    )


@pytest.mark.parametrize(
    "retrieve",
    [
        lambda c: c.v1.checkout.sessions.retrieve("cs_test_missing"),
        lambda c: c.v1.checkout.sessions.line_items.list("cs_test_missing"),
        lambda c: c.v1.checkout.sessions.expire("cs_test_missing"),
        lambda c: c.v1.payment_intents.retrieve("pi_missing"),
        lambda c: c.v1.refunds.retrieve("re_missing"),
        lambda c: c.v1.events.retrieve("evt_missing"),
        lambda c: c.v1.refunds.create({"payment_intent": "pi_missing"}),
    ],
)
def test_unknown_ids_are_resource_missing(shared_client: stripe.StripeClient, retrieve):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        retrieve(shared_client)
    assert raised.value.http_status == 404
    assert raised.value.code == "resource_missing"


def test_hosted_page_of_an_unknown_session_is_not_found(shared_sandbox_url: str):
    page = httpx.get(f"{shared_sandbox_url}/checkout/cs_test_missing")

    assert page.status_code == 404
    assert "Checkout not found" in page.text
    assert buttons(page.text) == []


def test_only_secret_test_keys_are_accepted(shared_sandbox_url: str):
    live = stripe.StripeClient(
        "sk_live_abcdefghijklmnop",
        base_addresses={"api": shared_sandbox_url},
        max_network_retries=0,
    )
    with pytest.raises(stripe.AuthenticationError) as raised:
        live.v1.checkout.sessions.list()
    assert raised.value.http_status == 401
    assert "sk_live_" in raised.value.user_message
    assert "abcdefghijklmnop" not in str(raised.value)

    anonymous = httpx.get(f"{shared_sandbox_url}/v1/checkout/sessions")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["type"] == "invalid_request_error"


def test_unknown_endpoints_answer_in_stripes_shape(shared_client: stripe.StripeClient):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        shared_client.raw_request("get", "/v1/customers")
    assert raised.value.http_status == 404
    assert "Unrecognized request URL" in raised.value.user_message


def test_idempotency_key_replays_and_refuses_changed_params(client: stripe.StripeClient):
    params = session_params()
    first = client.v1.checkout.sessions.create(params, {"idempotency_key": "order-5-attempt-1"})
    again = client.v1.checkout.sessions.create(params, {"idempotency_key": "order-5-attempt-1"})

    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert [s.id for s in client.v1.checkout.sessions.list()] == [first.id]

    changed = session_params(metadata={"order_id": "6", "county": "lankao"})
    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.create(changed, {"idempotency_key": "order-5-attempt-1"})
    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.expire(first.id, options={"idempotency_key": "order-5-attempt-1"})

    fresh = client.v1.checkout.sessions.create(changed, {"idempotency_key": "order-6-attempt-1"})
    assert fresh.id != first.id


def test_failed_request_does_not_burn_its_idempotency_key(client: stripe.StripeClient):
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.create(
            session_params(mode="subscription"), {"idempotency_key": "order-7"}
        )
    created = client.v1.checkout.sessions.create(session_params(), {"idempotency_key": "order-7"})
    assert created.status == "open"


def test_hosted_page_pay_redirects_and_sends_signed_completed_event(
    client: stripe.StripeClient, http: httpx.Client, receiver: WebhookReceiver
):
    session = client.v1.checkout.sessions.create(session_params())

    page = http.get(session.url)
    assert page.status_code == 200
    assert "Test sandbox" in page.text
    assert "Lankao honey, 500 g" in page.text
    assert "¥12.80" in page.text
    assert "¥30.60" in page.text
    assert buttons(page.text) == ["Pay", "Cancel"]

    response = pay(http, session)
    assert response.headers["location"] == f"{SHOP}/checkout/success?session_id={session.id}"

    event = verified(receiver, "checkout.session.completed")
    assert event.id.startswith("evt_")
    assert event.livemode is False
    assert event.api_version == stripe.api_version
    completed = event.data.object
    assert (completed.id, completed.status, completed.payment_status) == (
        session.id,
        "complete",
        "paid",
    )
    assert (completed.amount_total, completed.currency) == (3060, "cny")
    assert completed.metadata.order_id == "5"
    [delivery] = receiver.wait_for("checkout.session.completed")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(delivery.body, delivery.signature, "whsec_someone_else")

    paid = client.v1.checkout.sessions.retrieve(session.id, {"expand": ["payment_intent"]})
    assert (paid.status, paid.payment_status, paid.url) == ("complete", "paid", None)
    intent = paid.payment_intent
    assert intent.id.startswith("pi_")
    assert intent.status == "succeeded"
    assert (intent.amount, intent.amount_received) == (3060, 3060)
    assert intent.latest_charge.startswith("ch_")
    assert client.v1.payment_intents.retrieve(intent.id).to_dict() == intent.to_dict()
    assert client.v1.events.retrieve(event.id).data.object.id == session.id
    by_intent = client.v1.checkout.sessions.list({"payment_intent": intent.id})
    assert [s.id for s in by_intent] == [session.id]


def test_cancel_returns_to_the_shop_and_leaves_the_session_open(
    client: stripe.StripeClient, http: httpx.Client
):
    session = client.v1.checkout.sessions.create(session_params())

    response = submit(http, session.url, "Cancel")

    assert response.status_code == 303
    assert response.headers["location"] == f"{SHOP}/cart"
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"


def test_declined_card_stays_on_the_page_and_the_session_stays_open(
    client: stripe.StripeClient, http: httpx.Client
):
    session = client.v1.checkout.sessions.create(session_params())

    response = submit(http, session.url, "Pay", choose=["Decline card"])

    assert response.status_code == 303
    page = http.get(response.headers["location"])
    assert "Your card was declined" in page.text
    assert "Pay" in buttons(page.text)
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"
    assert not client.v1.events.list().data


def test_a_payment_intent_with_its_latest_charge_expanded_tells_how_it_was_paid(
    client: stripe.StripeClient, http: httpx.Client
):
    session = client.v1.checkout.sessions.create(session_params())
    assert submit(http, session.url, "Pay", choose=["WeChat Pay"]).status_code == 303
    intent_id = client.v1.checkout.sessions.retrieve(session.id).payment_intent

    intent = client.v1.payment_intents.retrieve(intent_id, {"expand": ["latest_charge"]})

    assert intent.latest_charge.payment_intent == intent_id
    assert intent.latest_charge.payment_method_details.type == "wechat_pay"
    assert isinstance(client.v1.payment_intents.retrieve(intent_id).latest_charge, str)


def test_paying_a_session_twice_shows_a_message(client: stripe.StripeClient, http: httpx.Client):
    session = client.v1.checkout.sessions.create(session_params())
    form_action = f"/checkout/{session.id}/pay"
    pay(http, session)

    again = http.post(form_action, data={"outcome": "succeed", "payment_method": "card"})

    assert again.status_code == 409
    assert "already paid" in again.text
    assert "Pay" not in buttons(again.text)
    assert len(client.v1.events.list({"type": "checkout.session.completed"}).data) == 1


def test_delayed_payment_completes_unpaid_then_succeeds_from_the_page(
    client: stripe.StripeClient, http: httpx.Client, receiver: WebhookReceiver
):
    session = client.v1.checkout.sessions.create(session_params())

    response = submit(http, session.url, "Pay", choose=["Alipay", "Delayed payment method"])

    assert response.headers["location"] == f"{SHOP}/checkout/success?session_id={session.id}"
    completed = verified(receiver, "checkout.session.completed").data.object
    assert (completed.status, completed.payment_status) == ("complete", "unpaid")
    intent = client.v1.payment_intents.retrieve(completed.payment_intent)
    assert (intent.status, intent.payment_method_types) == ("processing", ["alipay"])

    assert submit(http, session.url, "Confirm delayed payment").status_code == 303

    succeeded = verified(receiver, "checkout.session.async_payment_succeeded").data.object
    assert (succeeded.id, succeeded.payment_status) == (session.id, "paid")
    assert client.v1.payment_intents.retrieve(intent.id).status == "succeeded"
    assert "already paid" in http.get(session.url).text


def test_delayed_payment_can_fail_through_the_control_endpoint(
    client: stripe.StripeClient, http: httpx.Client, receiver: WebhookReceiver
):
    session = client.v1.checkout.sessions.create(session_params())
    submit(http, session.url, "Pay", choose=["Delayed payment method"])

    response = http.post(f"/sandbox/sessions/{session.id}/async_payment?outcome=failed")

    assert response.status_code == 200
    assert response.json()["payment_status"] == "unpaid"
    failed = verified(receiver, "checkout.session.async_payment_failed").data.object
    assert (failed.id, failed.payment_status) == (session.id, "unpaid")
    intent = client.v1.payment_intents.retrieve(failed.payment_intent)
    assert intent.status == "requires_payment_method"
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.refunds.create({"payment_intent": intent.id})
    assert raised.value.param == "payment_intent"
    settled_twice = http.post(f"/sandbox/sessions/{session.id}/async_payment?outcome=failed")
    assert settled_twice.status_code == 400


def test_webhook_is_retried_until_the_receiver_accepts_it(
    client: stripe.StripeClient, receiver: WebhookReceiver
):
    receiver.failures_left = 1
    session = client.v1.checkout.sessions.create(session_params())

    client.v1.checkout.sessions.expire(session.id)

    failed, accepted = receiver.wait_for("checkout.session.expired", count=2)
    assert failed.event["id"] == accepted.event["id"]
    assert accepted.received_at - failed.received_at >= 0.4  # backed off before retrying
    for delivery in (failed, accepted):
        stripe.Webhook.construct_event(delivery.body, delivery.signature, receiver.secret)
    deadline = time.monotonic() + 2
    while client.v1.events.retrieve(accepted.event["id"]).pending_webhooks:
        assert time.monotonic() < deadline, "event still pending after a 2xx delivery"
        time.sleep(0.05)


def test_expire_sends_expired_and_closes_the_page(
    client: stripe.StripeClient, http: httpx.Client, receiver: WebhookReceiver
):
    session = client.v1.checkout.sessions.create(session_params())

    expired = client.v1.checkout.sessions.expire(session.id)

    assert (expired.status, expired.url) == ("expired", None)
    assert verified(receiver, "checkout.session.expired").data.object.id == session.id
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.expire(session.id)
    page = http.get(session.url)
    assert "has expired" in page.text
    assert "Pay" not in buttons(page.text)
    late = http.post(f"/checkout/{session.id}/pay", data={"outcome": "succeed"})
    assert late.status_code == 409
    assert "has expired" in late.text


def test_sessions_past_expires_at_are_expired_in_the_background(
    client: stripe.StripeClient, http: httpx.Client, receiver: WebhookReceiver
):
    session = client.v1.checkout.sessions.create(session_params())

    assert http.post(f"/sandbox/sessions/{session.id}/lapse").status_code == 200

    assert verified(receiver, "checkout.session.expired").data.object.id == session.id
    assert client.v1.checkout.sessions.retrieve(session.id).status == "expired"


def test_partial_then_full_refund_sends_charge_refunded(
    client: stripe.StripeClient, http: httpx.Client, receiver: WebhookReceiver
):
    session = client.v1.checkout.sessions.create(session_params())
    pay(http, session)
    intent = client.v1.payment_intents.retrieve(
        client.v1.checkout.sessions.retrieve(session.id).payment_intent
    )

    partial = client.v1.refunds.create(
        {"payment_intent": intent.id, "amount": 1280, "reason": "requested_by_customer"}
    )

    assert partial.id.startswith("re_")
    assert (partial.amount, partial.status, partial.charge) == (
        1280,
        "succeeded",
        intent.latest_charge,
    )
    charge = verified(receiver, "charge.refunded").data.object
    assert (charge.id, charge.payment_intent) == (intent.latest_charge, intent.id)
    assert (charge.amount_refunded, charge.refunded) == (1280, False)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.refunds.create({"charge": charge.id, "amount": 1781})
    assert (raised.value.param, raised.value.code) == ("amount", "amount_too_large")

    rest = client.v1.refunds.create({"charge": charge.id})

    assert rest.amount == 3060 - 1280
    [_, second] = receiver.wait_for("charge.refunded", count=2)
    assert (
        second.event["data"]["object"]["amount_refunded"],
        second.event["data"]["object"]["refunded"],
    ) == (3060, True)
    assert client.v1.refunds.retrieve(partial.id).to_dict() == partial.to_dict()
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.refunds.create({"payment_intent": intent.id})
    assert raised.value.code == "charge_already_refunded"


def test_replayed_refund_is_not_refunded_twice(client: stripe.StripeClient, http: httpx.Client):
    session = client.v1.checkout.sessions.create(session_params())
    pay(http, session)
    intent_id = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    params = {"payment_intent": intent_id, "amount": 500}

    first = client.v1.refunds.create(params, {"idempotency_key": "refund-5-1"})
    again = client.v1.refunds.create(params, {"idempotency_key": "refund-5-1"})

    assert again.id == first.id
    assert client.v1.charges.retrieve(first.charge).amount_refunded == 500


def test_module_level_api_with_api_base(sandbox_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(stripe, "api_base", sandbox_url)
    monkeypatch.setattr(stripe, "api_key", "sk_test_module_level")
    monkeypatch.setattr(stripe, "max_network_retries", 0)

    session = stripe.checkout.Session.create(**session_params())

    assert stripe.checkout.Session.retrieve(session.id).amount_total == 3060


def test_command_line_serves_the_sandbox_from_environment(receiver: WebhookReceiver):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    public_url = f"http://localhost:{port}"
    env = {
        **os.environ,
        "SANDBOX_PORT": str(port),
        "SANDBOX_PUBLIC_URL": public_url,
        "SANDBOX_WEBHOOK_URL": receiver.url,
        "STRIPE_WEBHOOK_SECRET": receiver.secret,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "stripe_sandbox"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, "the sandbox exited"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the sandbox did not start"
                time.sleep(0.05)
        assert httpx.get(f"http://127.0.0.1:{port}/health").json() == {"status": "ok"}
        client = stripe.StripeClient(
            "sk_test_cli", base_addresses={"api": f"http://127.0.0.1:{port}"}, max_network_retries=0
        )
        session = client.v1.checkout.sessions.create(session_params())
        assert session.url == f"{public_url}/checkout/{session.id}"
        client.v1.checkout.sessions.expire(session.id)
        assert verified(receiver, "checkout.session.expired").data.object.id == session.id
    finally:
        process.terminate()
        process.wait(timeout=10)
