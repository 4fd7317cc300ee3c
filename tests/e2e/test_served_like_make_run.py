"""The server as ``make run`` starts it (``storefront run``), seen from outside over HTTP."""

from __future__ import annotations

import httpx

from storefront.orders.controllers import LOOKUPS_PER_MINUTE


def test_forwarded_for_headers_from_loopback_are_not_trusted(site):
    """A local client writing X-Forwarded-For still counts as itself for the rate limit."""
    with httpx.Client(base_url=site.url) as client:
        client.get("/c/raohe/orders")
        statuses = [
            client.post(
                "/c/raohe/orders",
                data={"number": "X", "contact": "y"},
                headers={
                    "X-Forwarded-For": f"203.0.113.{number}",
                    "x-csrftoken": client.cookies["csrftoken"],
                },
            ).status_code
            for number in range(LOOKUPS_PER_MINUTE + 1)
        ]
    assert statuses[-1] == 429


def test_head_answers_like_get_without_a_body(site):
    for path in ("/health", "/", "/c/raohe/", "/c/raohe/products/linden-honey"):
        head, get = httpx.head(f"{site.url}{path}"), httpx.get(f"{site.url}{path}")
        assert (head.status_code, head.headers["content-type"]) == (
            get.status_code,
            get.headers["content-type"],
        )
        assert head.content == b""
