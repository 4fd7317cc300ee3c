"""Create the demo counties, idempotently.

Every county file in ``demo/counties/`` (see :mod:`demo.content`) whose slug is not in the
database yet is created with its brand, categories, producers, products, variants and pictures,
and two years of invented trade (:mod:`demo.history`: creators, orders, visits and their events);
a county that already exists is left alone, so running the seed again creates nothing. Like the
catalog, the history is made in every environment, but only for a demo county this seed creates:
a county made any other way never gets invented orders.
"""

from __future__ import annotations

import os
import tomllib
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from demo import images
from demo.content import CountyContent, load_counties
from demo.history import load_history, seed_history
from storefront.accounts.service import AccountService
from storefront.catalog.models import Category, Producer, Product, ProductImage, Variant
from storefront.clock import utcnow
from storefront.db import all_counties_scope, county_scope
from storefront.media.processing import ProcessedPicture, StoredPicture, renditions, save_picture
from storefront.tenancy.models import County

if TYPE_CHECKING:
    from collections.abc import Callable

    from PIL.Image import Image
    from sqlalchemy.ext.asyncio import AsyncSession

# Keys of a product entry that are not Product columns (see demo.content).
_PRODUCT_EXTRAS = {"category", "producer", "motif", "images", "variants"}


ADMINS_FILE = Path(__file__).resolve().parent / "admins.toml"


class DemoAdmin(BaseModel):
    """An entry of ``demo/admins.toml``: a platform admin, or the admin of one demo county."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: str
    password: str
    county: str | None = None
    platform: bool = False


def load_demo_admins(path: Path = ADMINS_FILE) -> list[DemoAdmin]:
    with path.open("rb") as file:
        return [DemoAdmin.model_validate(entry) for entry in tomllib.load(file).get("admins", [])]


async def seed_demo(session: AsyncSession, media_dir: Path, *, admins: bool = False) -> bool:
    """Create the demo counties that don't exist yet and commit; True if anything was created.

    Every county file is read and checked first, so a broken file changes nothing
    (:class:`demo.content.DemoContentError`). Pictures are written under ``media_dir`` and stored
    as paths relative to it. With ``admins`` (never in production: the passwords are public), the
    demo admin accounts of ``demo/admins.toml`` that don't exist yet are created too.
    """
    counties = load_counties()
    history = load_history(counties=[content.county.slug for content in counties])
    with all_counties_scope(session):
        existing = set(await session.scalars(select(County.slug)))
        missing = [content for content in counties if content.county.slug not in existing]
        created = [await _seed_county(session, content, media_dir) for content in missing]
        await seed_history(session, created, utcnow(), history)
        created_admins = await seed_demo_admins(session) if admins else 0
        await session.commit()
    return bool(missing) or bool(created_admins)


async def seed_demo_admins(session: AsyncSession) -> int:
    """The demo admins whose email is not taken yet; they keep their known password (no change
    forced at first log-in); how many were created. Not committed here."""
    accounts = AccountService(session)
    created = 0
    for admin in load_demo_admins():
        if await accounts.by_email(admin.email) is None:
            await accounts.create(
                email=admin.email,
                password=admin.password,
                county_slug=admin.county,
                platform=admin.platform,
                must_change_password=False,
                client_address="seed-demo",
            )
            created += 1
    return created


async def _seed_county(session: AsyncSession, content: CountyContent, media_dir: Path) -> County:
    county = County(**content.county.model_dump())
    session.add(county)
    await session.flush()
    with _Drawings(media_dir, county.id) as drawings:
        return await _seed_catalog(session, county, content, drawings)


async def _seed_catalog(
    session: AsyncSession, county: County, content: CountyContent, drawings: _Drawings
) -> County:
    brand = content.county
    colours = {"primary": brand.primary_color, "accent": brand.accent_color}
    motifs = {category.slug: category.motif for category in content.categories}
    product_motifs = [product.motif or motifs[product.category] for product in content.products]
    logo = drawings.draw("logo", images.county_logo, brand.name_zh, brand.name_en, **colours)
    shelves = tuple(dict.fromkeys(motifs.values()))  # a specialty of each category
    banner = drawings.draw("banner", images.county_banner, brand.name_zh, motifs=shelves, **colours)
    photos = {
        producer.slug: drawings.draw(
            "producers", images.producer_photo, producer.name_zh, kind=producer.kind, **colours
        )
        for producer in content.producers
    }
    pictures = [
        [
            drawings.draw(
                "products", images.product_image, product.name_zh, motif=motif, number=number, **colours
            )
            for number in range(1, product.images + 1)
        ]
        for product, motif in zip(content.products, product_motifs, strict=True)
    ]
    county.logo_path, county.banner_path = logo.result().path, banner.result().path
    with county_scope(session, county.id):
        categories = {
            category.slug: Category(**category.model_dump(exclude={"motif"}), position=position)
            for position, category in enumerate(content.categories)
        }
        producers = {
            producer.slug: Producer(**producer.model_dump(), photo_path=photos[producer.slug].result().path)
            for producer in content.producers
        }
        session.add_all([*categories.values(), *producers.values()])

        for position, (product, drawn) in enumerate(zip(content.products, pictures, strict=True)):
            variants = [
                Variant(**variant.model_dump(), position=index)
                for index, variant in enumerate(product.variants)
            ]
            stored = [picture.result() for picture in drawn]
            session.add(
                Product(
                    **product.model_dump(exclude=_PRODUCT_EXTRAS),
                    position=position,
                    category=categories[product.category],
                    producer=producers[product.producer],
                    variants=variants,
                    images=[
                        ProductImage(
                            path=picture.path, width=picture.width, height=picture.height, position=index
                        )
                        for index, picture in enumerate(stored)
                    ],
                )
            )
        # Flush while still scoped, so every row is stamped with this county.
        await session.flush()
    return county


class _Drawings:
    """The county's pictures, drawn and stored as the shop stores an upload (every width, JPEG and
    WebP: :func:`storefront.media.processing.save_picture`), on as many threads as there are cores
    (Pillow lets go of the GIL while it resizes and encodes)."""

    def __init__(self, media_dir: Path, county_id: int) -> None:
        self.media_dir, self.county_id = media_dir, county_id
        self.pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)

    def draw(
        self, kind: str, drawing: Callable[..., Image], /, *args: str, **kwargs: object
    ) -> Future[StoredPicture]:
        def store() -> StoredPicture:
            return save_picture(_rendered(drawing, *args, **kwargs), self.media_dir, self.county_id, kind)

        return self.pool.submit(store)

    def __enter__(self) -> _Drawings:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.pool.shutdown(cancel_futures=True)


@cache
def _rendered(drawing: Callable[..., Image], /, *args: str, **kwargs: object) -> ProcessedPicture:
    """A drawing in every width, kept for the process: seeding again (another database in the
    tests) only writes the files."""
    return renditions(drawing(*args, **kwargs), quick=True)
