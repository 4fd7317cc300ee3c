"""Run the Stripe sandbox and a webhook receiver as real servers on free ports.

Tests reach the sandbox only the way the shop and a browser do: through the official ``stripe``
SDK and over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import stripe

from tests.support.stripe_sandbox import WebhookReceiver, running_sandbox

API_KEY = "sk_test_sandbox_tests"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


def stripe_client(url: str) -> stripe.StripeClient:
    return stripe.StripeClient(API_KEY, base_addresses={"api": url}, max_network_retries=0)


@pytest.fixture
def sandbox_url(receiver: WebhookReceiver) -> Iterator[str]:
    with running_sandbox(receiver.url, receiver.secret) as url:
        yield url


@pytest.fixture
def client(sandbox_url: str) -> stripe.StripeClient:
    return stripe_client(sandbox_url)


@pytest.fixture(scope="module")
def shared_sandbox_url() -> Iterator[str]:
    """One sandbox for the tests whose requests all fail, so none of them changes its state."""
    receiver = WebhookReceiver()
    with running_sandbox(receiver.url, receiver.secret) as url:
        yield url
    receiver.close()


@pytest.fixture
def shared_client(shared_sandbox_url: str) -> stripe.StripeClient:
    return stripe_client(shared_sandbox_url)


@pytest.fixture
def http(sandbox_url: str) -> Iterator[httpx.Client]:
    """A plain HTTP client for the hosted page; redirects are left for the test to inspect."""
    with httpx.Client(base_url=sandbox_url, follow_redirects=False, timeout=5) as http:
        yield http
