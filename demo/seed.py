"""Create the demo counties, idempotently.

Every county file in ``demo/counties/`` (see :mod:`demo.content`) whose slug is not in the
database yet is created with its brand, categories, producers, products, variants and pictures; a
county that already exists is left alone, so running the seed again creates nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from demo import images
from demo.content import CountyContent, load_counties
from storefront.catalog.models import Category, Producer, Product, ProductImage, Variant
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.tenancy.models import County

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.ext.asyncio import AsyncSession

# Keys of a product entry that are not Product columns (see demo.content).
_PRODUCT_EXTRAS = {"category", "producer", "motif", "images", "variants"}


async def seed_demo(session: AsyncSession, media_dir: Path) -> bool:
    """Create the demo counties that don't exist yet and commit; True if anything was created.

    Every county file is read and checked first, so a broken file changes nothing
    (:class:`demo.content.DemoContentError`). Pictures are written under ``media_dir`` and stored
    as paths relative to it. The session is left scoped to all counties.
    """
    counties = load_counties()
    scope_to_all_counties(session)
    existing = set(await session.scalars(select(County.slug)))
    missing = [content for content in counties if content.county.slug not in existing]
    for content in missing:
        await _seed_county(session, content, media_dir)
        scope_to_all_counties(session)
    await session.commit()
    return bool(missing)


async def _seed_county(session: AsyncSession, content: CountyContent, media_dir: Path) -> None:
    brand = content.county
    folder = f"counties/{brand.slug}"
    colours = {"primary": brand.primary_color, "accent": brand.accent_color}

    logo = images.county_logo(brand.name_zh, brand.name_en, **colours)
    county = County(**brand.model_dump(), logo_path=_save(media_dir, f"{folder}/logo.png", logo))
    session.add(county)
    await session.flush()
    scope_to_county(session, county.id)

    motifs = {category.slug: category.motif for category in content.categories}
    categories = {
        category.slug: Category(**category.model_dump(exclude={"motif"}), position=position)
        for position, category in enumerate(content.categories)
    }
    producers = {}
    for producer in content.producers:
        photo = images.producer_photo(producer.name_zh, producer.name_en, kind=producer.kind, **colours)
        path = _save(media_dir, f"{folder}/producers/{producer.slug}.jpg", photo)
        producers[producer.slug] = Producer(**producer.model_dump(), photo_path=path)
    session.add_all([*categories.values(), *producers.values()])

    for position, product in enumerate(content.products):
        motif = product.motif or motifs[product.category]
        pictures = []
        for number in range(1, product.images + 1):
            picture = images.product_image(
                product.name_zh, product.name_en, motif=motif, number=number, **colours
            )
            path = _save(media_dir, f"{folder}/products/{product.slug}-{number}.jpg", picture)
            pictures.append(ProductImage(path=path, position=number - 1))
        variants = [
            Variant(**variant.model_dump(), position=index) for index, variant in enumerate(product.variants)
        ]
        session.add(
            Product(
                **product.model_dump(exclude=_PRODUCT_EXTRAS),
                position=position,
                category=categories[product.category],
                producer=producers[product.producer],
                variants=variants,
                images=pictures,
            )
        )
    # Flush while still scoped, so every row is stamped with this county.
    await session.flush()


def _save(media_dir: Path, relative_path: str, data: bytes) -> str:
    path = media_dir / relative_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return relative_path
