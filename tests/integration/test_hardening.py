"""What an attacker or an unlucky visitor tries on the shop's edges: forms, cookies, host names, headers."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from storefront.catalog.models import Product, Variant
from storefront.db import scope_to_all_counties
from tests.support.factories import make_catalog, make_county
from tests.support.shopper import Shopper


@pytest.fixture
async def variant_id(session_maker) -> int:
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        await make_catalog(session, county, products=2)
        variant = await session.scalar(select(Variant.id).order_by(Variant.id))
        await session.commit()
    return variant


@pytest.fixture
async def product_path(session_maker, variant_id) -> str:
    async with session_maker() as session:
        scope_to_all_counties(session)
        slug = await session.scalar(select(Product.slug).order_by(Product.id))
    return f"/products/{slug}"


def shop_post_paths(app) -> list[str]:
    """Every form the shop answers, with its path filled in."""
    paths = [
        route.path
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        if "POST" in handler.http_methods and route.path.startswith("/c/")
    ]
    return [re.sub(r"\{variant_id:int\}", "1", path.replace("{county_slug:str}", "raohe")) for path in paths]


def test_every_shop_form_is_covered(client):
    assert len(shop_post_paths(client.app)) >= 6


@pytest.mark.parametrize("where", ["form", "header", "cookie"])
async def test_a_token_that_is_not_ascii_is_refused_not_a_crash(client, variant_id, where):
    await client.get("/c/raohe/cart")
    token = client.cookies["csrftoken"]
    for path in shop_post_paths(client.app):
        data, headers = {"variant_id": variant_id, "quantity": 1}, {}
        if where == "form":
            data["_csrf_token"] = token[:-1] + "é"
        elif where == "header":
            headers["x-csrftoken"] = (token[:-1] + "é").encode()
        else:
            headers["cookie"] = f"csrftoken={token[:-1]}é".encode()
            data["_csrf_token"] = token
        response = await client.post(path, data=data, headers=headers)
        assert response.status_code == 403, path


async def test_a_token_pair_planted_beside_a_visitors_session_is_refused(client, settings, variant_id):
    victim = Shopper(client, "raohe")
    assert (await victim.add(variant_id)).status_code == 303
    victims_session = client.cookies["session"]
    client.cookies.clear()
    await client.get("/c/raohe/cart")  # the attacker's own visit: a valid token pair
    planted = client.cookies["csrftoken"]
    client.cookies.set("session", victims_session, domain="testserver.local")
    response = await client.post(
        "/c/raohe/cart/items", data={"variant_id": variant_id, "quantity": 5, "_csrf_token": planted}
    )
    assert response.status_code == 403
    cart = await client.get("/c/raohe/cart")
    assert 'value="1"' in cart.text and 'value="6"' not in cart.text


async def test_a_shopper_whose_browser_dropped_its_csrf_cookie_is_not_locked_out(client, variant_id):
    """Browsers drop cookies without Max-Age on restart; the 14-day session cookie stays."""
    shopper = Shopper(client, "raohe")
    assert (await shopper.add(variant_id)).status_code == 303
    bound = client.cookies["csrftoken"]
    client.cookies.delete("csrftoken")
    page = await client.get("/c/raohe/cart")
    assert client.cookies["csrftoken"] == bound and f'value="{bound}"' in page.text
    assert (await shopper.add(variant_id)).status_code == 303


async def test_a_file_sent_as_the_token_is_refused(client, variant_id):
    await client.get("/c/raohe/cart")
    response = await client.post(
        "/c/raohe/cart/items",
        data={"variant_id": str(variant_id)},
        files={"_csrf_token": ("token.txt", client.cookies["csrftoken"].encode())},
    )
    assert response.status_code == 403


async def test_a_session_id_the_visitor_invented_is_replaced(client, variant_id):
    client.cookies.set("session", "a" * 64, domain="testserver.local")
    assert (await Shopper(client, "raohe").add(variant_id)).status_code == 303
    issued = client.cookies["session"]
    assert issued != "a" * 64 and len(issued) == 64


async def test_an_unknown_host_name_is_refused(client, product_path):
    for path in ("/", "/c/raohe/", f"/c/raohe{product_path}", "/c/raohe/sitemap.xml", "/static/css/shop.css"):
        response = await client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 400, path
        assert "evil.example" not in response.text
    assert (await client.get("/health", headers={"Host": "10.1.2.3:8000"})).text == "ok"  # probes


async def test_a_host_name_that_is_not_a_county_slug_reaches_no_page(client, product_path):
    for label in (f"raohe{product_path}", "raohe?lang=en", "raohe%2fcart", "x" * 60_000):
        response = await client.get("/", headers={"Host": f"{label}.shop.test"})
        assert response.status_code == 400, label
        assert response.text == "本平台不提供此网址。\nThis address is not served here.\n"
    assert (await client.get(product_path, headers={"Host": "raohe.shop.test"})).status_code == 200


async def test_absolute_urls_come_from_configuration_on_every_host(client, product_path):
    for host, origin in (
        ("testserver.local", "http://testserver.local"),
        ("raohe.shop.test", "http://raohe.shop.test"),
    ):
        prefix = "" if host.startswith("raohe") else "/c/raohe"
        headers = {"Host": host, "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "gopher"}
        page = await client.get(f"{prefix}{product_path}", headers=headers)
        assert f'<link rel="canonical" href="{origin}{prefix}{product_path}">' in page.text
        json_ld = json.loads(
            re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)[1]
        )
        assert json_ld["url"] == f"{origin}{prefix}{product_path}"
        assert all(image.startswith(f"{origin}/media/") for image in json_ld["image"])
        sitemap = await client.get(f"{prefix}/sitemap.xml", headers={"Host": host})
        locations = re.findall(r"<loc>(.*?)</loc>", sitemap.text)
        assert locations and all(location.startswith(f"{origin}{prefix}/") for location in locations)


async def test_every_response_carries_the_security_headers(client, variant_id):
    for path in ("/", "/c/raohe/", "/c/raohe/nothing-here", "/static/css/shop.css", "/health"):
        headers = (await client.get(path)).headers
        assert "script-src 'self';" in headers["content-security-policy"], path
        assert "unsafe-inline" not in headers["content-security-policy"].split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


async def test_head_answers_like_get(client, product_path):
    for path in ("/health", "/c/raohe/", f"/c/raohe{product_path}", "/c/raohe/nothing-here"):
        head, get = await client.head(path), await client.get(path)
        assert head.status_code == get.status_code, path
        assert head.content == b""


async def test_a_head_request_leaves_the_servers_scope_as_the_server_sent_it(client, product_path):
    """The app answers HEAD as GET without a body; the server (uvicorn) reads the method back from
    its own scope to know that no body follows the announced length, so that scope must still say
    HEAD, or the server logs an error and drops the connection."""
    for path in ("/health", f"/c/raohe{product_path}", "/c/raohe/search?q=honey"):
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "HEAD",
            "scheme": "http", "path": path.split("?")[0], "raw_path": path.split("?")[0].encode(),
            "query_string": path.partition("?")[2].encode(), "root_path": "",
            "headers": [(b"host", b"testserver.local")], "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 80),
        }  # fmt: skip
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message, sent=sent):
            sent.append(message)

        await client.app(scope, receive, send)
        assert scope["method"] == "HEAD" and scope["path"] == path.split("?")[0]
        assert sent[0]["status"] == 200 and b"".join(m.get("body", b"") for m in sent[1:]) == b""
