"""Admin pictures: a product's pictures uploaded (checked by content: a non-image named .jpg, a
9 MB file, a decompression bomb and a truncated file each refused with a message, nothing stored),
turned upright and stripped of EXIF, stored in the shop's widths as JPEG and WebP; alt text and
order (buttons and the drag form) shown to shoppers at once with srcset; deleted with their files;
a producer's photo and the county's logo replaced; every route sealed per county. On SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from PIL import Image
from sqlalchemy import func, select

from storefront.app import create_app
from storefront.catalog.models import Producer, ProductImage
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.media.names import WIDTHS
from storefront.tenancy.models import County
from tests.support.admins import AdminBrowser, make_admin
from tests.support.factories import make_catalog, make_county
from tests.unit.test_pictures import bomb_png, jpeg_bytes, truncated

RAOHE_ADMIN = "raohe-pictures@example.cn"
EN = {"Accept-Language": "en"}


@dataclass(frozen=True)
class Shops:
    raohe: int
    guzhang: int
    product: int
    product_slug: str
    producer: int
    producer_slug: str
    guzhang_product: int
    guzhang_image: int
    guzhang_producer: int


@pytest.fixture
async def shops(session_maker) -> Shops:
    async with session_maker() as session:
        raohe = await make_county(session, "raohe")
        products = await make_catalog(session, raohe, products=2)
        producer = await session.scalar(select(Producer).where(Producer.county_id == raohe.id))
        guzhang = await make_county(session, "guzhang")
        theirs = await make_catalog(session, guzhang, products=1, category_slug="tea")
        scope_to_all_counties(session)
        # Raohe's first product starts without pictures: the factory's one is a path with no file
        await session.execute(
            ProductImage.__table__.delete().where(ProductImage.product_id == products[0].id)
        )
        their_image = await session.scalar(
            select(ProductImage.id).where(ProductImage.product_id == theirs[0].id)
        )
        their_producer = await session.scalar(select(Producer.id).where(Producer.county_id == guzhang.id))
        await session.commit()
    await make_admin(session_maker, RAOHE_ADMIN, county="raohe")
    return Shops(
        raohe.id,
        guzhang.id,
        products[0].id,
        products[0].slug,
        producer.id,
        producer.slug,
        theirs[0].id,
        their_image,
        their_producer,
    )


async def signed_in(client: Any, email: str = RAOHE_ADMIN) -> AdminBrowser:
    admin = AdminBrowser(client)
    response = await admin.log_in(email)
    assert response.status_code == 303, response.text[:500]
    return admin


async def upload(
    admin: AdminBrowser,
    path: str,
    files: list[tuple[str, bytes]],
    *,
    field: str = "pictures",
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    token = token if token is not None else await admin.csrf_token()
    return await admin.client.post(
        path,
        data={"_csrf_token": token},
        files=[(field, (name, content, "image/jpeg")) for name, content in files],
        headers=headers or {},
        follow_redirects=False,
    )


def pictures_path(product_id: int) -> str:
    return f"/admin/products/{product_id}/pictures"


def media_files(client: Any) -> set[str]:
    root: Path = client.app.state.settings.media_dir
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


async def images_of(session_maker, county_id: int, product_id: int) -> list[ProductImage]:
    async with session_maker() as session:
        scope_to_county(session, county_id)
        return list(
            await session.scalars(
                select(ProductImage)
                .where(ProductImage.product_id == product_id)
                .order_by(ProductImage.position, ProductImage.id)
            )
        )


async def snapshot(session_maker) -> tuple:
    """Every picture row, every producer's photo, every county's logo and content version."""
    async with session_maker() as session:
        scope_to_all_counties(session)
        images = (
            await session.execute(
                select(
                    ProductImage.id,
                    ProductImage.product_id,
                    ProductImage.path,
                    ProductImage.position,
                    ProductImage.alt_zh,
                    ProductImage.alt_en,
                ).order_by(ProductImage.id)
            )
        ).all()
        producers = (
            await session.execute(select(Producer.id, Producer.photo_path).order_by(Producer.id))
        ).all()
        counties = (
            await session.execute(
                select(County.id, County.logo_path, County.content_version).order_by(County.id)
            )
        ).all()
    return tuple(map(tuple, images)), tuple(map(tuple, producers)), tuple(map(tuple, counties))


NINE_MB = b"\xff\xd8\xff\xe0" + bytes(9 * 1024 * 1024)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"These are my notes, not a photo.\n" * 50, "is not a JPEG, PNG or WebP picture"),
        ("huge.jpg", NINE_MB, "larger than 8 MB"),
        ("bomb.png", None, "more than 40 megapixels"),
        ("cut.jpg", b"truncated", "damaged or incomplete"),
    ],
)
async def test_a_bad_upload_is_refused_with_a_message_and_nothing_is_stored(
    client, session_maker, shops, name, content, message
):
    content = {None: bomb_png(20000, 20000), b"truncated": truncated(jpeg_bytes((1600, 1200)))}.get(
        content, content
    )
    admin = await signed_in(client)
    before = (await snapshot(session_maker), media_files(client))
    response = await upload(admin, f"{pictures_path(shops.product)}?lang=en", [(name, content)])
    assert response.status_code == 400
    assert f"{name}: " in response.text and message in response.text
    assert (await snapshot(session_maker), media_files(client)) == before
    # next to a good picture, the bad one still stores nothing at all
    both = await upload(
        admin, pictures_path(shops.product), [("good.jpg", jpeg_bytes((800, 600))), (name, content)]
    )
    assert both.status_code == 400
    assert (await snapshot(session_maker), media_files(client)) == before


async def test_a_refusal_is_in_chinese_by_default(client, session_maker, shops):
    admin = await signed_in(client)
    response = await upload(admin, pictures_path(shops.product), [("notes.jpg", b"not a picture at all")])
    assert response.status_code == 400 and "JPEG、PNG 或 WebP" in response.text


async def test_an_upload_without_a_file_or_a_csrf_token_stores_nothing(client, session_maker, shops):
    admin = await signed_in(client)
    before = (await snapshot(session_maker), media_files(client))
    empty = await upload(admin, f"{pictures_path(shops.product)}?lang=en", [("", b"")])
    assert empty.status_code == 400 and "Please choose a picture to upload." in empty.text
    forged = await upload(
        admin, pictures_path(shops.product), [("a.jpg", jpeg_bytes((800, 600)))], token="x" * 40
    )
    assert forged.status_code == 403
    assert (await snapshot(session_maker), media_files(client)) == before


async def test_a_photo_is_stored_upright_without_exif_in_every_width_as_jpeg_and_webp(
    client, session_maker, shops
):
    admin = await signed_in(client)
    photo = jpeg_bytes((1600, 1200), orientation=6, gps=True)  # taken sideways: stands 1200 x 1600
    response = await upload(admin, pictures_path(shops.product), [("IMG_0001.JPG", photo)])
    assert response.status_code == 303
    assert response.headers["location"] == f"{pictures_path(shops.product)}?done=uploaded"
    [image] = await images_of(session_maker, shops.raohe, shops.product)
    assert (image.width, image.height) == (1200, 1600)
    assert image.path.startswith(f"uploads/{shops.raohe}/products/") and "IMG_0001" not in image.path
    stored = media_files(client)
    widths = [width for width in WIDTHS if width < 1200] + [1200]
    assert len(stored) == 2 * len(widths)
    for width in widths:
        height = round(1600 * width / 1200)
        stem = image.path.rsplit("-", 1)[0]
        for extension, kind in (("jpg", "JPEG"), ("webp", "WEBP")):
            name = f"{stem}-{width}x{height}.{extension}"
            assert name in stored
            with Image.open(client.app.state.settings.media_dir / name) as picture:
                assert picture.format == kind and picture.size == (width, height)
                assert not picture.getexif() and "exif" not in picture.info
                rgb = picture.convert("RGB")
                # the blue corner drawn top left is top right once the photo stands upright
                assert rgb.getpixel((width - 3, 3))[2] > 200 and rgb.getpixel((3, 3))[0] > 150

    page = await client.get(f"/c/raohe/products/{shops.product_slug}")
    assert page.status_code == 200
    picture = re.search(r"<picture[^>]*>.*?</picture>", page.text, re.S).group(0)
    assert '<source type="image/webp" srcset="' in picture and ".webp 320w" in picture
    img = re.search(r"<img [^>]*>", picture).group(0)
    assert 'srcset="' in img and "-320x427.jpg 320w" in img and "1200x1600.jpg 1200w" in img
    assert 'sizes="' in img and 'width="1200" height="1600"' in img and "loading=" not in img
    for src in re.findall(r"(/media/[^ \"]+)", picture):
        assert (await client.get(src)).status_code == 200, src
    grid = await client.get("/c/raohe/")
    card = re.search(
        rf'<li class="product-card[^"]*">\s*<a href="/c/raohe/products/{shops.product_slug}">.*?</li>',
        grid.text,
        re.S,
    ).group(0)
    assert "srcset=" in card and "image/webp" in card and "loading=" not in card  # first row: not lazy


async def test_several_pictures_alt_text_and_order_show_in_the_shop_at_once(settings, session_maker, shops):
    app: Litestar = create_app(replace(settings, page_cache_seconds=60))

    def client_for() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")

    page_path = f"/c/raohe/products/{shops.product_slug}?lang=en"
    async with app.lifespan(), client_for() as shopper, client_for() as browser:
        admin = await signed_in(browser)
        colours = [(600, 400), (900, 600), (400, 400)]
        response = await upload(
            admin,
            pictures_path(shops.product),
            [(f"{n}.png", jpeg_bytes(size)) for n, size in enumerate(colours)],
        )
        assert response.status_code == 303
        first, second, third = await images_of(session_maker, shops.raohe, shops.product)
        assert [(i.width, i.height) for i in (first, second, third)] == colours
        assert (await shopper.get(page_path)).status_code == 200  # now in the page cache

        def order(text: str) -> list[int]:
            return [
                {first.path: 1, second.path: 2, third.path: 3}[path]
                for path in re.findall(r'<img src="/media/([^"]+)"', text)
                if path in (first.path, second.path, third.path)
            ]

        assert order((await shopper.get(page_path)).text) == [1, 2, 3]
        saved = await admin.post(
            f"{pictures_path(shops.product)}/{second.id}",
            {"alt_zh": "黑蜂蜜罐", "alt_en": "A jar of black-bee honey"},
        )
        assert saved.status_code == 303
        text = (await shopper.get(page_path)).text
        assert 'alt="A jar of black-bee honey"' in text
        assert "黑蜂蜜罐" in (await shopper.get(f"/c/raohe/products/{shops.product_slug}?lang=zh")).text

        moved = await admin.post(f"{pictures_path(shops.product)}/{second.id}/move", {"direction": "up"})
        assert moved.status_code == 303
        assert order((await shopper.get(page_path)).text) == [2, 1, 3]
        text = (await shopper.get(page_path)).text
        first_img = re.search(r"<img [^>]*>", text.split('class="gallery"')[1]).group(0)
        assert "A jar of black-bee honey" in first_img and "loading" not in first_img

        dragged = await admin.post(
            f"{pictures_path(shops.product)}/order", {"order": f"{third.id},{first.id},{second.id}"}
        )
        assert dragged.status_code == 303
        assert order((await shopper.get(page_path)).text) == [3, 1, 2]
        admin_page = await browser.get(f"{pictures_path(shops.product)}?lang=en")
        assert [int(i) for i in re.findall(r'data-id="(\d+)"', admin_page.text)] == [
            third.id,
            first.id,
            second.id,
        ]
        assert "Move up" in admin_page.text and "Move down" in admin_page.text

        stale = await admin.post(
            f"{pictures_path(shops.product)}/order", {"order": f"{first.id},{second.id}"}
        )
        assert stale.status_code == 409
        assert order((await shopper.get(page_path)).text) == [3, 1, 2]

        root: Path = settings.media_dir
        third_files = {
            p
            for p in (str(f.relative_to(root)) for f in root.rglob("*"))
            if p.startswith(third.path.rsplit("-", 1)[0])
        }
        assert third_files
        deleted = await admin.post(f"{pictures_path(shops.product)}/{third.id}/delete", {})
        assert deleted.status_code == 303
        assert order((await shopper.get(page_path)).text) == [1, 2]
        assert not any((root / name).exists() for name in third_files)
        assert (await admin.post(f"{pictures_path(shops.product)}/{third.id}/delete", {})).status_code == 404


async def test_a_too_long_alt_text_is_refused_keeping_what_was_typed(client, session_maker, shops):
    admin = await signed_in(client)
    await upload(admin, pictures_path(shops.product), [("a.jpg", jpeg_bytes((640, 480)))])
    [image] = await images_of(session_maker, shops.raohe, shops.product)
    typed = "蜜" * 201
    response = await admin.post(
        f"{pictures_path(shops.product)}/{image.id}?lang=en", {"alt_zh": typed, "alt_en": "ok"}
    )
    assert response.status_code == 400
    assert "under 200 characters" in response.text and typed in response.text
    assert (await images_of(session_maker, shops.raohe, shops.product))[0].alt_zh == ""


async def test_a_producer_photo_and_the_logo_are_replaced_and_shown_with_srcset(client, session_maker, shops):
    admin = await signed_in(client)
    photo_page = f"/admin/producers/{shops.producer}/photo"
    assert (await client.get(f"{photo_page}?lang=en")).status_code == 200
    assert (
        await upload(admin, photo_page, [("farmer.jpg", jpeg_bytes((1000, 1000)))], field="photo")
    ).status_code == 303
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        first = await session.scalar(select(Producer.photo_path).where(Producer.id == shops.producer))
    assert first.startswith(f"uploads/{shops.raohe}/producers/")
    page = await client.get(f"/c/raohe/producers/{shops.producer_slug}")
    assert "image/webp" in page.text and re.search(
        r'<img src="/media/' + re.escape(first) + '" srcset="[^"]+"', page.text
    )
    assert (
        await upload(admin, photo_page, [("farmer2.jpg", jpeg_bytes((800, 1000)))], field="photo")
    ).status_code == 303
    assert not any(name.startswith(first.rsplit("-", 1)[0]) for name in media_files(client))  # old files gone
    bad = await upload(admin, f"{photo_page}?lang=en", [("farmer.jpg", b"not a photo")], field="photo")
    assert bad.status_code == 400 and "not a JPEG, PNG or WebP picture" in bad.text

    logo_page = "/admin/brand/logo"
    assert (await client.get(f"{logo_page}?lang=en")).status_code == 200
    before = media_files(client)
    assert (
        await upload(admin, logo_page, [("logo.png", bomb_png(20000, 20000))], field="logo")
    ).status_code == 400
    assert media_files(client) == before
    assert (
        await upload(admin, logo_page, [("logo.png", jpeg_bytes((512, 512)))], field="logo")
    ).status_code == 303
    async with session_maker() as session:
        scope_to_all_counties(session)
        logo = await session.scalar(select(County.logo_path).where(County.id == shops.raohe))
        theirs = await session.scalar(select(County.logo_path).where(County.id == shops.guzhang))
    assert logo.startswith(f"uploads/{shops.raohe}/logo/") and theirs is None
    assert (await client.get(f"/media/{logo}")).status_code == 200
    for page in ("/c/raohe/", "/c/raohe/about", "/"):  # the shop's header, its about page, the directory
        html = (await client.get(page)).text
        assert re.search(rf'<img src="/media/{re.escape(logo)}" srcset="[^"]*-320x320\.jpg 320w', html), page
        assert f'srcset="/media/{logo[: -len("512x512.jpg")]}320x320.webp 320w' in html, page


async def test_the_banner_is_uploaded_shown_on_the_home_in_every_width_and_replaced(
    client, session_maker, shops
):
    admin = await signed_in(client)
    banner_page = "/admin/brand/banner"
    page = await client.get(f"{banner_page}?lang=en")
    assert page.status_code == 200 and "No banner yet." in page.text and "1280 × 400" in page.text
    assert 'href="/admin/brand/banner"' in (await client.get("/admin/brand")).text
    bad = await upload(admin, f"{banner_page}?lang=en", [("banner.jpg", b"not a photo")], field="banner")
    assert bad.status_code == 400 and "not a JPEG, PNG or WebP picture" in bad.text

    for name in ("banner.jpg", "banner2.jpg"):
        response = await upload(admin, banner_page, [(name, jpeg_bytes((1600, 500)))], field="banner")
        assert response.status_code == 303
        async with session_maker() as session:
            scope_to_all_counties(session)
            banner = await session.scalar(select(County.banner_path).where(County.id == shops.raohe))
            theirs = await session.scalar(select(County.banner_path).where(County.id == shops.guzhang))
        assert banner.startswith(f"uploads/{shops.raohe}/banner/") and banner.endswith("-1280x400.jpg")
        assert theirs is None
        stem = banner[: -len("1280x400.jpg")]
        html = (await client.get("/c/raohe/")).text  # on the next request
        assert f'srcset="/media/{stem}320x100.webp 320w' in html and f"{stem}1280x400.webp 1280w" in html
    assert not any(
        name.startswith(f"uploads/{shops.raohe}/banner/") and stem not in name for name in media_files(client)
    )


async def test_another_countys_ids_are_404_and_change_nothing(client, session_maker, shops):
    admin = await signed_in(client)
    await upload(admin, pictures_path(shops.product), [("a.jpg", jpeg_bytes((640, 480)))])
    [mine] = await images_of(session_maker, shops.raohe, shops.product)
    before = (await snapshot(session_maker), media_files(client))
    theirs, their_image = pictures_path(shops.guzhang_product), shops.guzhang_image
    for path in (theirs, f"/admin/producers/{shops.guzhang_producer}/photo"):
        assert (await client.get(path)).status_code == 404, path
    posts = [
        (f"{theirs}/{their_image}", {"alt_zh": "x", "alt_en": "x"}),
        (f"{theirs}/{their_image}/move", {"direction": "down"}),
        (f"{theirs}/order", {"order": str(their_image)}),
        (f"{theirs}/{their_image}/delete", {}),
        # their picture under our product, and ours under theirs
        (f"{pictures_path(shops.product)}/{their_image}", {"alt_zh": "x"}),
        (f"{pictures_path(shops.product)}/{their_image}/delete", {}),
        (f"{pictures_path(shops.product)}/order", {"order": f"{mine.id},{their_image}"}),
        (f"{theirs}/{mine.id}/delete", {}),
        (f"{theirs}/{mine.id}/move", {"direction": "up"}),
    ]
    for path, data in posts:
        response = await admin.post(path, {**data, "county_id": str(shops.guzhang)})
        assert response.status_code in (404, 409), (path, response.status_code)
        assert response.status_code == 404 or path.endswith("/order")
    for path, field in ((theirs, "pictures"), (f"/admin/producers/{shops.guzhang_producer}/photo", "photo")):
        response = await upload(admin, path, [("a.jpg", jpeg_bytes((640, 480)))], field=field)
        assert response.status_code == 404, path
    assert (await snapshot(session_maker), media_files(client)) == before


async def test_a_platform_admin_without_a_county_gets_a_notice_or_404(client, session_maker, shops):
    await make_admin(session_maker, "boss-pictures@example.cn")
    admin = await signed_in(client, "boss-pictures@example.cn")
    before = (await snapshot(session_maker), media_files(client))
    assert (await client.get(pictures_path(shops.product))).status_code == 404
    page = await client.get("/admin/brand/logo?lang=en")
    assert page.status_code == 200 and "Please choose a county first." in page.text
    for path, field in (
        ("/admin/brand/logo", "logo"),
        ("/admin/brand/banner", "banner"),
        (pictures_path(shops.product), "pictures"),
        (f"/admin/producers/{shops.producer}/photo", "photo"),
    ):
        response = await upload(admin, path, [("a.jpg", jpeg_bytes((640, 480)))], field=field)
        assert response.status_code == 404, path
    assert (await snapshot(session_maker), media_files(client)) == before


async def test_demo_pictures_without_sizes_still_show(client, session_maker, shops):
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        session.add(
            ProductImage(product_id=shops.product, path="counties/raohe/products/honey-1.jpg", position=0)
        )
        await session.commit()
    page = await client.get(f"/c/raohe/products/{shops.product_slug}")
    assert '<img src="/media/counties/raohe/products/honey-1.jpg"' in page.text
    assert 'width="800" height="600"' in page.text
    async with session_maker() as session:
        scope_to_county(session, shops.raohe)
        assert (
            await session.scalar(
                select(func.count(ProductImage.id)).where(ProductImage.product_id == shops.product)
            )
            == 1
        )


async def test_a_form_without_files_sent_to_an_upload_is_refused_not_a_crash(client, session_maker, shops):
    admin = await signed_in(client)
    before = (await snapshot(session_maker), media_files(client))
    photo = f"/admin/producers/{shops.producer}/photo"
    for path in (pictures_path(shops.product), "/admin/brand/logo", photo):
        response = await admin.post(f"{path}?lang=en", {"pictures": "x.jpg", "logo": "x", "photo": "x"})
        assert response.status_code == 400, (path, response.status_code)
        assert "Please choose a picture to upload." in response.text
    assert (await snapshot(session_maker), media_files(client)) == before


async def test_a_double_press_takes_turns(client, session_maker, shops):
    admin = await signed_in(client)
    path = pictures_path(shops.product)
    token = await admin.csrf_token()
    pressed = await asyncio.gather(
        *(upload(admin, path, [(f"{n}.jpg", jpeg_bytes((640, 480)))], token=token) for n in range(3))
    )
    assert [response.status_code for response in pressed] == [303, 303, 303]
    images = await images_of(session_maker, shops.raohe, shops.product)
    assert sorted(image.position for image in images) == [0, 1, 2]  # none shares a place
    last = images[-1]
    moved = await asyncio.gather(
        *(admin.post(f"{path}/{last.id}/move", {"direction": "up"}, token=token) for _ in range(2))
    )
    assert [response.status_code for response in moved] == [303, 303]
    after = await images_of(session_maker, shops.raohe, shops.product)
    assert [image.id for image in after] == [last.id, images[0].id, images[1].id]
    assert [image.position for image in after] == [0, 1, 2]
