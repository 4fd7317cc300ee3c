"""Create the demo counties, idempotently.

Every county file in ``demo/counties/`` (see :mod:`demo.content`) whose slug is not in the
database yet is created with its brand, categories, producers, products, variants and pictures,
and two years of invented trade (:mod:`demo.history`: creators, orders, visits and their events);
a county that already exists is left alone, so running the seed again creates nothing. Like the
catalog, the history is made in every environment, but only for a demo county this seed creates:
a county made any other way never gets invented orders.
"""

from __future__ import annotations

import tomllib
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
from storefront.static_files import fingerprinted
from storefront.tenancy.models import County

if TYPE_CHECKING:
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
    brand = content.county
    folder = f"counties/{brand.slug}"
    colours = {"primary": brand.primary_color, "accent": brand.accent_color}

    logo = images.county_logo(brand.name_zh, brand.name_en, **colours)
    county = County(**brand.model_dump(), logo_path=_save(media_dir, f"{folder}/logo.png", logo))
    session.add(county)
    await session.flush()
    with county_scope(session, county.id):
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
                Variant(**variant.model_dump(), position=index)
                for index, variant in enumerate(product.variants)
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
    return county


def _save(media_dir: Path, relative_path: str, data: bytes) -> str:
    """Writes ``data`` under ``relative_path`` with its content's hash in the name (``logo.png`` as
    ``logo.{hash}.png``): a picture drawn differently gets a new name, so browsers may keep
    every one for good (``storefront.static_files``)."""
    relative_path = fingerprinted(relative_path, data)
    path = media_dir / relative_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return relative_path
