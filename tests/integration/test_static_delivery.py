"""Static files and pictures: cached by browsers for long, text compressed, never a cookie."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, replace

import brotli
import httpx
import pytest
from sqlalchemy import event, select

from storefront.app import create_app
from storefront.catalog.models import Variant
from storefront.static_files import STATIC_DIR
from tests.support.factories import make_catalog, make_county
from tests.support.shopper import Shopper

FOREVER = "public, max-age=31536000, immutable"
PICTURE = "counties/raohe/products/honey-1.0123abcd.jpg"


@pytest.fixture
async def variant_id(session_maker) -> int:
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        await make_catalog(session, county, products=3)
        variant = await session.scalar(select(Variant.id).order_by(Variant.id))
        await session.commit()
    return variant


@pytest.fixture
def picture(settings) -> bytes:
    data = bytes(range(256)) * 16  # a picture's bytes: compressed already, as far as we are concerned
    path = settings.media_dir / PICTURE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def linked_files(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def raw(app) -> httpx.AsyncClient:
    """A client that shows the body as sent (no decoding), with no Accept-Encoding of its own."""
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(
        transport=transport, base_url="http://testserver.local", headers={"Accept-Encoding": ""}
    )


@dataclass(frozen=True)
class Sent:
    """A response as it went over the wire: ``content`` not decoded."""

    status_code: int
    headers: httpx.Headers
    content: bytes


async def _raw_get(client: httpx.AsyncClient, path: str, encoding: str) -> Sent:
    async with client.stream("GET", path, headers={"Accept-Encoding": encoding}) as response:
        body = b"".join([chunk async for chunk in response.aiter_raw()])
    return Sent(response.status_code, response.headers, body)


def decoded(response: Sent) -> bytes:
    encoding = response.headers.get("content-encoding")
    if encoding == "br":
        return brotli.decompress(response.content)
    if encoding == "gzip":
        return gzip.decompress(response.content)
    assert encoding is None
    return response.content


async def test_pages_link_fingerprinted_files_whose_content_is_the_file_cached_for_a_year(client, variant_id):
    page = await client.get("/c/raohe/")
    files = linked_files(page.text)
    assert {re.sub(r"\.[0-9a-f]{8}\.", ".", url) for url in files} == {
        "/static/css/shop.css",
        "/static/vendor/htmx-2.0.11.min.js",
        "/static/js/shop.js",
        "/static/img/favicon.svg",  # the platform's mark, for a county without a logo
    }
    for url in files:
        response = await client.get(url)
        assert response.status_code == 200
        assert response.headers["cache-control"] == FOREVER
        plain_name = re.sub(r"\.[0-9a-f]{8}\.", ".", url.removeprefix("/static/"))
        assert response.content == (STATIC_DIR / plain_name).read_bytes()


async def test_plain_and_outdated_names_get_todays_file_cached_briefly(client):
    stylesheet = (STATIC_DIR / "css" / "shop.css").read_bytes()
    for url in ("/static/css/shop.css", "/static/css/shop.00000000.css"):
        response = await client.get(url)
        assert response.status_code == 200 and response.content == stylesheet, url
        assert response.headers["cache-control"] == "public, max-age=300", url
    for url in ("/static/css/nothing.css", "/static/css/nothing.00000000.css", "/static/../pyproject.toml"):
        assert (await client.get(url)).status_code == 404, url


async def test_pictures_are_cached_for_a_year_and_sent_as_they_are(client, picture):
    async with raw(client.app) as browser:
        response = await _raw_get(browser, f"/media/{PICTURE}", "gzip, deflate, br")
    assert response.status_code == 200
    assert response.headers["cache-control"] == FOREVER
    assert "content-encoding" not in response.headers and response.content == picture
    assert (await client.get("/media/counties/raohe/none.jpg")).status_code == 404
    folder = await client.get("/media/counties/raohe")
    assert folder.status_code == 404 and str(client.app.state.settings.media_dir) not in folder.text
    assert (await client.get(f"/media/{PICTURE}%00")).status_code == 404


@pytest.mark.parametrize("method", ["GET", "HEAD"])
async def test_no_file_response_sets_a_cookie_even_for_a_visitor_with_a_session_referral_and_language(
    client, variant_id, picture, method
):
    assert (await Shopper(client, "raohe").add(variant_id)).status_code == 303
    client.cookies.set("lang", "en", domain="testserver.local")
    assert {"session", "csrftoken", "lang"} <= set(client.cookies.keys())
    page = await client.get("/c/raohe/cart")
    assert page.status_code == 200
    urls = [
        *linked_files(page.text),
        "/static/css/shop.css",
        "/static/img/placeholder.svg",
        f"/media/{PICTURE}",
    ]
    for url in urls:
        for query in ("", "?ref=laowang", "?lang=zh", "?ref=laowang&lang=en"):
            for host in ("testserver.local", "raohe.shop.test"):
                response = await client.request(method, f"{url}{query}", headers={"Host": host})
                assert response.status_code == 200, (url, query, host)
                assert response.headers.get_list("set-cookie") == [], (url, query, host)
                assert response.headers["cache-control"].startswith("public, max-age="), (url, query, host)
                assert "script-src 'self'" in response.headers["content-security-policy"]
    fresh = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=client.app), base_url="http://testserver.local"
    )
    async with fresh:
        response = await fresh.get(f"{linked_files(page.text)[0]}?ref=laowang")
        assert response.headers.get_list("set-cookie") == [] and not fresh.cookies


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("gzip, deflate, br, zstd", "br"), ("gzip, deflate", "gzip"), ("", None), ("identity", None)],
)
async def test_text_is_compressed_when_asked_and_only_then(client, variant_id, accept, encoding):
    async with raw(client.app) as browser:
        for path in ("/c/raohe/", "/c/raohe/cart", "/c/raohe/sitemap.xml", "/static/css/shop.css"):
            response = await _raw_get(browser, path, accept)
            assert response.status_code == 200, path
            assert response.headers.get("content-encoding") == encoding, path
            if encoding:
                assert "accept-encoding" in response.headers["vary"].lower(), path
                assert len(response.content) < len(decoded(response)), path
            if path.endswith((".xml", ".css")):  # the same for everyone: compare with the plain copy
                assert decoded(response) == (await _raw_get(browser, path, "identity")).content, path
            else:
                assert decoded(response).rstrip().endswith(b"</html>"), path


async def test_a_cached_page_is_served_as_each_visitor_accepts_it(settings, variant_id):
    """The page cache stores a page compressed as its first visitor asked; the next, asking another
    encoding (or none), still gets one they can read, with no header of the first visitor's."""
    app = create_app(replace(settings, page_cache_seconds=60))
    statements = []
    engine = app.state.db_config.get_engine().sync_engine
    async with app.lifespan(), raw(app) as first, raw(app) as later:
        rendered = await _raw_get(first, "/c/raohe/?ref=laowang", "gzip, deflate, br")
        assert (
            rendered.headers["content-encoding"] == "br" and "ref=laowang" in rendered.headers["set-cookie"]
        )
        for accept in ("gzip", ""):
            assert (await _raw_get(first, "/c/raohe/", accept)).status_code == 200
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        pages = {}
        for accept, encoding in (("br", "br"), ("gzip, deflate", "gzip"), ("", None), ("identity", None)):
            page = await _raw_get(later, "/c/raohe/", accept)
            assert page.status_code == 200
            assert page.headers.get("content-encoding") == encoding, accept
            assert page.headers.get_list("set-cookie") == [], accept
            pages[accept] = decoded(page)
    assert statements == []  # every one from the cache
    assert len(set(pages.values())) == 1 and b"laowang" not in pages["br"]
