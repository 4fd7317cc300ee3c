"""A shopper driving the app through its HTTP forms, as a browser without JavaScript would."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from litestar.testing import AsyncTestClient

ADDRESS = {
    "recipient": "王小明",
    "mobile": "13800138000",
    "province": "23",
    "city": "2301",
    "district": "230102",
    "address": "中央大街 1 号",
    "postal_code": "150010",
    "note": "",
}


class Shopper:
    def __init__(self, client: AsyncTestClient, county: str) -> None:
        self.client = client
        self.county = county

    async def _csrf(self) -> dict[str, str]:
        if "csrftoken" not in self.client.cookies:
            await self.client.get(f"/c/{self.county}/cart")
        return {"x-csrftoken": self.client.cookies["csrftoken"]}

    async def post(self, path: str, data: dict[str, Any], **headers: str) -> httpx.Response:
        return await self.client.post(
            f"/c/{self.county}{path}",
            data=data,
            headers={**await self._csrf(), **headers},
            follow_redirects=False,
        )

    async def add(self, variant_id: Any, quantity: Any = 1, **headers: str) -> httpx.Response:
        return await self.post("/cart/items", {"variant_id": variant_id, "quantity": quantity}, **headers)

    async def checkout(self, email: str, **fields: Any) -> httpx.Response:
        return await self.post("/checkout", {"email": email, **ADDRESS, **fields})


def session_id_of(checkout_redirect: httpx.Response) -> str:
    """The Checkout Session id from the redirect to the hosted page."""
    assert checkout_redirect.status_code == 303, checkout_redirect.text[:500]
    return urlsplit(checkout_redirect.headers["location"]).path.rsplit("/", 1)[-1]


def order_number_of(return_url: str) -> str:
    return parse_qs(urlsplit(return_url).query)["order"][0]
