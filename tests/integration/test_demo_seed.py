"""The demo seed: idempotent, complete, and written through the tenant scoping, on both databases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import selectinload

from demo import seed_demo
from demo.content import load_counties
from demo.images import PRODUCT_SIZE, product_image
from storefront.catalog.models import Category, Producer, Product, ProductImage, Variant
from storefront.catalog.service import ProductService
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.media.names import picture_set, stored_files
from storefront.tenancy.models import County
from tests.conftest import BACKENDS

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

# The tests share one seeded database, made once for the module.
in_module_loop = pytest.mark.asyncio(loop_scope="module")

MODELS = (County, Category, Producer, Product, ProductImage, Variant)
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class Seeded:
    session: AsyncSession
    media_dir: Path
    first_run: bool


async def _row_counts(session: AsyncSession) -> dict[str, int]:
    scope_to_all_counties(session)
    return {model.__name__: await session.scalar(select(func.count()).select_from(model)) for model in MODELS}


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=BACKENDS)
async def seeded(
    request: pytest.FixtureRequest, database_pools: dict, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Seeded]:
    """The demo data seeded into a freshly migrated database, on each backend."""
    folder = tmp_path_factory.mktemp("demo")
    engine = create_async_engine(await database_pools[request.param].migrated())
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        first_run = await seed_demo(session, folder / "media")
        yield Seeded(session, folder / "media", first_run)
    await engine.dispose()


async def _counties(session: AsyncSession) -> list[County]:
    scope_to_all_counties(session)
    return list(await session.scalars(select(County).order_by(County.id)))


async def _products(session: AsyncSession, county: County) -> list[Product]:
    scope_to_county(session, county.id)
    query = select(Product).options(selectinload(Product.variants), selectinload(Product.images))
    return list(await session.scalars(query))


@in_module_loop
async def test_second_run_creates_nothing(seeded: Seeded) -> None:
    before = await _row_counts(seeded.session)

    assert seeded.first_run is True
    assert await seed_demo(seeded.session, seeded.media_dir) is False
    assert await _row_counts(seeded.session) == before


@in_module_loop
async def test_counties_in_several_provinces_with_their_brand(seeded: Seeded) -> None:
    counties = await _counties(seeded.session)

    assert len(counties) >= 3
    assert len({county.province_zh for county in counties}) >= 2
    for county in counties:
        assert SLUG.match(county.slug)
        assert county.tagline_zh
        assert county.tagline_en
        assert "\n\n" in county.story_zh
        assert "\n\n" in county.story_en
        assert _contrast_with_white(county.primary_color) >= 4.5, county.slug
        assert (seeded.media_dir / county.logo_path).is_file()
        assert (seeded.media_dir / county.banner_path).is_file()
        assert county.free_shipping_threshold > county.shipping_fee > 0


@in_module_loop
async def test_each_county_has_producers_and_a_full_catalog(seeded: Seeded) -> None:
    for county in await _counties(seeded.session):
        scope_to_county(seeded.session, county.id)
        producers = list(await seeded.session.scalars(select(Producer)))
        categories = list(await seeded.session.scalars(select(Category)))
        products = await _products(seeded.session, county)

        assert len(producers) >= 5
        assert {producer.kind for producer in producers} == {"farmer", "coop"}
        assert all((seeded.media_dir / producer.photo_path).is_file() for producer in producers)
        assert 3 <= len(categories) <= 5
        assert len(products) >= 12
        for product in products:
            assert SLUG.match(product.slug)
            assert product.origin_zh
            assert product.description_zh
            assert 1 <= len(product.variants) <= 3
            assert 1 <= len(product.images) <= 3
            assert all((seeded.media_dir / image.path).is_file() for image in product.images)
        skus = [variant.sku for product in products for variant in product.variants]
        assert len(skus) == len(set(skus))
        assert any(variant.stock == 0 for product in products for variant in product.variants)
        assert any(all(variant.stock == 0 for variant in product.variants) for product in products), (
            county.slug
        )
        assert any(variant.stock > 0 for product in products for variant in product.variants)


@in_module_loop
async def test_raohe_sells_black_bee_honey_and_pine_nuts(seeded: Seeded) -> None:
    raohe = next(county for county in await _counties(seeded.session) if county.slug == "raohe")
    products = await _products(seeded.session, raohe)

    honey = [product for product in products if "蜂蜜" in product.name_zh]
    assert honey
    assert all("honey" in product.name_en.lower() for product in honey)
    assert any("松子" in product.name_zh for product in products)


@in_module_loop
async def test_the_shops_search_finds_every_product_by_its_names(seeded: Seeded) -> None:
    for county in await _counties(seeded.session):
        products = await _products(seeded.session, county)
        search = ProductService(session=seeded.session)
        for product in products:
            for name in filter(None, (product.name_zh, product.name_en)):
                found = [result.id for result in (await search.search(name)).items]
                assert (product.id in found) is product.is_active, (county.slug, name)


@in_module_loop
async def test_some_english_is_left_for_the_chinese_fallback(seeded: Seeded) -> None:
    scope_to_all_counties(seeded.session)
    untranslated = await seeded.session.scalar(
        select(func.count()).select_from(Producer).where(Producer.story_en == "")
    )

    assert untranslated >= 1


@in_module_loop
async def test_pictures_are_stored_like_uploads_in_every_width_as_jpeg_and_webp(seeded: Seeded) -> None:
    raohe = next(county for county in await _counties(seeded.session) if county.slug == "raohe")
    products = await _products(seeded.session, raohe)
    honey = next(product for product in products if product.slug == "linden-honey")
    folder = f"uploads/{raohe.id}"

    assert re.fullmatch(rf"{folder}/logo/[0-9a-f]{{32}}-512x512\.jpg", raohe.logo_path)
    assert re.fullmatch(rf"{folder}/banner/[0-9a-f]{{32}}-1280x400\.jpg", raohe.banner_path)
    assert re.fullmatch(rf"{folder}/products/[0-9a-f]{{32}}-800x600\.jpg", honey.images[0].path)
    assert (honey.images[0].width, honey.images[0].height) == PRODUCT_SIZE
    shown = picture_set(honey.images[0].path)
    assert [size.split()[-1] for size in shown.webp_srcset.split(", ")] == ["320w", "640w", "800w"]
    for path in (raohe.logo_path, raohe.banner_path, honey.images[0].path):
        files = stored_files(path)
        assert {file.rsplit(".", 1)[1] for file in files} == {"jpg", "webp"}
        assert all((seeded.media_dir / file).is_file() for file in files)
    with Image.open(seeded.media_dir / stored_files(honey.images[0].path)[0]) as smallest:
        assert smallest.size == (320, 240)


def test_pictures_are_deterministic() -> None:
    picture = {"motif": "nuts", "number": 3, "primary": "#1d4e5f", "accent": "#f2a900"}

    first = product_image("红松开口松子", **picture)
    again = product_image("红松开口松子", **picture)

    assert first.tobytes() == again.tobytes()


def test_each_product_of_a_county_has_a_picture_of_its_own() -> None:
    for content in load_counties():
        by_category = {category.slug: category.motif for category in content.categories}
        motifs = [product.motif or by_category[product.category] for product in content.products]

        assert len(set(motifs)) == len(motifs), content.county.slug


def _contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on ``colour``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)
