"""The county's banner, favicon and product cards as a shopper's browser receives them."""

from __future__ import annotations

import re

from tests.support.factories import make_catalog, make_county

LOGO = "uploads/1/logo/" + "a" * 32 + "-512x512.jpg"
BANNER = "uploads/1/banner/" + "b" * 32 + "-1280x400.jpg"


async def test_a_county_home_shows_its_banner_in_every_width_and_its_logo_as_favicon(client, session_maker):
    async with session_maker() as session:
        county = await make_county(session, "raohe", logo_path=LOGO, banner_path=BANNER)
        await make_catalog(session, county, products=2)
        await session.commit()

    html = (await client.get("/c/raohe/")).text

    banner = re.search(r'<source type="image/webp" srcset="([^"]*/banner/[^"]+)"[^>]*><img ([^>]+)>', html)
    assert banner
    assert [width.split()[-1] for width in banner[1].split(", ")] == ["320w", "640w", "960w", "1280w"]
    assert 'class="hero-banner"' in banner[2] and 'loading="lazy"' not in banner[2]
    assert f'<link rel="icon" href="/media/uploads/1/logo/{"a" * 32}-320x320.jpg">' in html


async def test_pages_without_a_county_logo_show_the_platform_favicon(client, session_maker):
    async with session_maker() as session:
        await make_county(session, "raohe")
        await session.commit()

    for path in ("/", "/c/raohe/"):
        html = (await client.get(path)).text
        assert re.search(
            r'<link rel="icon" type="image/svg\+xml" href="/static/img/favicon\.[0-9a-f]+\.svg">', html
        )
    assert (await client.get("/static/img/favicon.svg")).status_code == 200


async def test_product_cards_name_the_product_once_and_load_the_first_row_at_once(client, session_maker):
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        await make_catalog(session, county, products=6)
        await session.commit()

    html = (await client.get("/c/raohe/")).text

    cards = re.findall(r'<li class="product-card.*?</li>', html, re.S)
    images = [re.search(r"<img [^>]+>", card)[0] for card in cards]
    assert len(images) == 6
    assert all('alt=""' in image for image in images)
    assert ['loading="lazy"' in image for image in images] == [False] * 4 + [True] * 2
