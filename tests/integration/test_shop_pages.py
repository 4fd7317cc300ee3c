"""Every shop page, as a shopper's browser receives it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import pytest
from sqlalchemy import text

from storefront.catalog.models import Producer, Product
from storefront.db import scope_to_county
from tests.support.factories import make_catalog, make_county


@pytest.fixture
async def raohe(session_maker):
    async with session_maker() as session:
        county = await make_county(
            session, "raohe", name_zh="饶河县", name_en="Raohe County", primary_color="#123456"
        )
        products = await make_catalog(session, county, products=3, sold_out=1)
        await session.commit()
    return county, products


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


async def test_directory_groups_counties_by_province_in_brand_colours(client, session_maker):
    async with session_maker() as session:
        await make_county(session, "raohe", name_zh="饶河县", primary_color="#123456")
        await make_county(session, "guzhang", name_zh="古丈县", province_zh="湖南省", province_en="Hunan")
        await make_county(session, "closed", name_zh="停业县", is_active=False)
        await session.commit()
    response = await client.get("/")
    assert response.status_code == 200
    html = response.text
    assert "黑龙江省" in html and "湖南省" in html
    assert html.index("湖南省") < html.index("古丈县")
    assert 'href="/c/raohe/"' in html and "--brand: #123456" in html
    assert "停业县" not in html


async def test_county_home_shows_brand_categories_and_product_grid(client, raohe):
    response = await client.get("/c/raohe/")
    assert response.status_code == 200
    html = response.text
    assert "<title>饶河县" in html
    assert '<meta name="description" content="' in html
    assert '<link rel="canonical" href="http://testserver.local/c/raohe/">' in html
    assert "--brand: #123456" in html
    assert 'href="/c/raohe/category/honey"' in html
    assert html.count('class="product-card') == 3
    assert "¥38.80" in html  # cheapest variant
    assert "李家蜂场" in html
    assert html.count("badge-sold-out") == 1
    assert "已售罄" in html


async def test_category_pages_paginate(client, session_maker):
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        await make_catalog(session, county, products=15)
        await session.commit()
    first = await client.get("/c/raohe/category/honey")
    assert first.status_code == 200
    assert first.text.count('class="product-card') == 12
    assert 'rel="next" href="?page=2"' in first.text
    second = await client.get("/c/raohe/category/honey?page=2")
    assert second.text.count('class="product-card') == 3
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text


async def test_bad_page_number_is_a_clear_400_not_a_crash(client, raohe):
    response = await client.get("/c/raohe/category/honey?page=abc")
    assert response.status_code == 400
    assert "请检查" in response.text


async def test_product_page_has_gallery_variants_origin_producer_and_json_ld(client, raohe):
    _, products = raohe
    sold_out, available = products[0], products[1]
    response = await client.get(f"/c/raohe/products/{available.slug}")
    assert response.status_code == 200
    html = response.text
    assert f"<title>{available.name_zh}" in html
    assert f'src="/media/p/{available.slug.split("-")[1]}.jpg"' in html
    assert "500克瓶装" in html and "¥68.00" in html and "¥38.80" in html
    assert "饶河县西林子村" in html  # origin story
    assert 'href="/c/raohe/producers/li-family-raohe"' in html
    data = json_ld(html)
    assert data["@type"] == "Product" and data["name"] == available.name_zh
    english = json_ld((await client.get(f"/c/raohe/products/{available.slug}?lang=en")).text)
    assert english["url"] == f"http://testserver.local/c/raohe/products/{available.slug}"  # the canonical URL
    assert {offer["price"] for offer in data["offers"]} == {"68.00", "38.80"}
    assert {offer["availability"] for offer in data["offers"]} == {"https://schema.org/InStock"}
    sold_out_data = json_ld((await client.get(f"/c/raohe/products/{sold_out.slug}")).text)
    assert {offer["availability"] for offer in sold_out_data["offers"]} == {"https://schema.org/SoldOut"}


async def test_inactive_product_is_not_found(client, raohe, session_maker):
    county, products = raohe
    async with session_maker() as session:
        scope_to_county(session, county.id)
        product = await session.get(Product, products[1].id)
        product.is_active = False
        await session.commit()
    assert (await client.get(f"/c/raohe/products/{products[1].slug}")).status_code == 404
    assert products[1].name_zh not in (await client.get("/c/raohe/")).text


async def test_producer_page_tells_the_story_and_lists_products(client, raohe):
    response = await client.get("/c/raohe/producers/li-family-raohe")
    assert response.status_code == 200
    assert "三代养蜂人。" in response.text
    assert response.text.count('class="product-card') == 3


async def test_about_page_shows_the_brand_story(client, raohe):
    response = await client.get("/c/raohe/about")
    assert response.status_code == 200
    assert "<p>这里是乌苏里江畔。</p>" in response.text
    assert "<p>黑蜂在椴树花间采蜜。</p>" in response.text


@pytest.mark.parametrize(
    ("query", "found"), [("蜂蜜", 3), ("椴树", 3), ("honey", 3), ("HONEY linden", 3), ("松子", 0), ("%", 0)]
)
async def test_search_finds_chinese_substrings_and_english_words(client, raohe, query, found):
    response = await client.get("/c/raohe/search", params={"q": query})
    assert response.status_code == 200
    results, _, suggested = response.text.partition('class="best-sellers"')
    assert results.count('class="product-card') == found
    if not found:
        assert "没有找到" in results and suggested.count('class="product-card') == 2  # best sellers in stock


async def test_live_search_answers_htmx_with_a_partial(client, raohe):
    response = await client.get("/c/raohe/search", params={"q": "蜂蜜"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.count('class="product-card') == 3


async def test_sitemap_lists_the_county_pages(client, raohe):
    _, products = raohe
    response = await client.get("/c/raohe/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {
        node.text for node in ElementTree.fromstring(response.content).findall("s:url/s:loc", namespace)
    }
    assert "http://testserver.local/c/raohe/" in locations
    assert "http://testserver.local/c/raohe/category/honey" in locations
    assert {f"http://testserver.local/c/raohe/products/{p.slug}" for p in products} <= locations


async def test_unknown_and_inactive_counties_are_branded_404_pages(client, session_maker):
    async with session_maker() as session:
        await make_county(session, "closed", is_active=False)
        await session.commit()
    for path in ("/c/nowhere/", "/c/closed/", "/c/nowhere/products/x", "/no/such/page"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert "页面不存在" in response.text
        assert 'class="error-page"' in response.text
    english = await client.get("/c/nowhere/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Page not found" in english.text


async def test_unknown_product_in_a_known_county_keeps_the_county_brand(client, raohe):
    response = await client.get("/c/raohe/products/does-not-exist")
    assert response.status_code == 404
    assert "--brand: #123456" in response.text


async def test_english_is_chosen_remembered_and_falls_back_to_chinese_content(client, raohe, session_maker):
    county, _ = raohe
    async with session_maker() as session:
        scope_to_county(session, county.id)
        session.add(Producer(slug="zhang", name_zh="张大姐合作社", name_en="", story_zh="只有中文的故事。"))
        await session.commit()
    chosen = await client.get("/c/raohe/?lang=en")
    assert chosen.cookies.get("lang") == "en"
    assert "Raohe County" in chosen.text and "Sold out" in chosen.text
    remembered = await client.get("/c/raohe/producers/zhang")
    assert 'lang="en"' in remembered.text
    assert "张大姐合作社" in remembered.text and "只有中文的故事。" in remembered.text
    back = await client.get("/c/raohe/?lang=zh")
    assert "饶河县" in back.text and "已售罄" in back.text


async def test_accept_language_picks_english_without_a_cookie(client, raohe):
    response = await client.get("/c/raohe/", headers={"Accept-Language": "en-US,en;q=0.8,zh;q=0.5"})
    assert "Linden honey no." in response.text
    assert "Sold out" in response.text


async def test_the_shop_answers_on_its_own_host_name(client, raohe, session_maker):
    _county, products = raohe
    on_subdomain = await client.get("/", headers={"Host": "raohe.shop.test"})
    assert on_subdomain.status_code == 200
    assert "饶河县" in on_subdomain.text
    assert f'href="/products/{products[1].slug}"' in on_subdomain.text
    assert '<link rel="canonical" href="http://raohe.shop.test/">' in on_subdomain.text
    product = await client.get(f"/products/{products[1].slug}", headers={"Host": "raohe.shop.test"})
    assert product.status_code == 200
    assert (await client.get("/", headers={"Host": "nowhere.shop.test"})).status_code == 404
    assert "找到县域" in (await client.get("/", headers={"Host": "shop.test"})).text


async def test_a_custom_domain_serves_its_county(client, session_maker):
    async with session_maker() as session:
        await make_county(session, "guzhang", name_zh="古丈县", custom_domain="guzhangtea.example")
        await session.commit()
    response = await client.get("/about", headers={"Host": "guzhangtea.example"})
    assert response.status_code == 200
    assert "古丈县" in response.text


async def test_a_failure_on_our_side_is_a_branded_500_page_in_the_visitors_language(
    client, raohe, session_maker
):
    async with session_maker() as session:
        await session.execute(text("ALTER TABLE categories RENAME TO categories_gone"))
        await session.commit()
    chinese = await client.get("/c/raohe/")
    assert chinese.status_code == 500
    assert "出错了" in chinese.text and 'class="error-page"' in chinese.text
    assert "Traceback" not in chinese.text and "categories" not in chinese.text
    english = await client.get("/c/raohe/", headers={"Accept-Language": "en"})
    assert english.status_code == 500 and "Something went wrong" in english.text


@pytest.mark.parametrize(
    "path", ["/c/%00/", "/c/raohe/search?q=%00", "/c/raohe/products/a%00b", "/c/raohe/?page=%00"]
)
async def test_a_nul_byte_in_the_address_is_a_400_page(client, raohe, path):
    response = await client.get(path)
    assert response.status_code == 400
    assert 'class="error-page"' in response.text


async def test_a_page_past_the_last_is_not_found(client, raohe):
    assert (await client.get("/c/raohe/category/honey?page=1")).status_code == 200
    assert (await client.get("/c/raohe/category/honey?page=2")).status_code == 404
    assert (await client.get("/c/raohe/?page=9")).status_code == 404


async def test_on_a_county_host_other_counties_paths_are_not_served(client, raohe, session_maker):
    async with session_maker() as session:
        await make_county(session, "wuchang", name_zh="五常市")
        await session.commit()
    response = await client.get("/c/wuchang/", headers={"Host": "raohe.shop.test"})
    assert response.status_code == 404
    home = await client.get("/", headers={"Host": "raohe.shop.test:8080"})
    assert 'class="platform-link" href="http://testserver.local/"' in home.text  # PUBLIC_URL
    assert "找到县域" in (await client.get("/", headers={"Host": "www.shop.test"})).text


async def test_an_htmx_request_that_fails_gets_a_message_not_a_page(client, raohe):
    response = await client.post(
        "/c/raohe/cart/items", data={"variant_id": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 403  # no CSRF token
    assert "<html" not in response.text and 'role="alert"' in response.text and "请刷新页面" in response.text
