"""Small builders for test data, written through the same tenant scoping as the app."""

from __future__ import annotations

import itertools

from sqlalchemy.ext.asyncio import AsyncSession

from storefront.catalog.models import Category, Producer, Product, ProductImage, Variant
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.tenancy.models import County

_sequence = itertools.count(1)


async def make_county(session: AsyncSession, slug: str, **fields: object) -> County:
    scope_to_all_counties(session)
    county = County(
        slug=slug,
        name_zh=fields.pop("name_zh", f"{slug}县"),
        name_en=fields.pop("name_en", f"{slug.title()} County"),
        province_zh=fields.pop("province_zh", "黑龙江省"),
        province_en=fields.pop("province_en", "Heilongjiang"),
        tagline_zh=fields.pop("tagline_zh", "好山好水出好物"),
        tagline_en=fields.pop("tagline_en", "Good land, good food"),
        story_zh=fields.pop("story_zh", "这里是乌苏里江畔。\n\n黑蜂在椴树花间采蜜。"),
        story_en=fields.pop("story_en", "On the Ussuri river.\n\nBlack bees gather linden nectar."),
        **fields,
    )
    session.add(county)
    await session.flush()
    return county


async def make_catalog(
    session: AsyncSession,
    county: County,
    *,
    products: int = 3,
    sold_out: int = 0,
    category_slug: str = "honey",
) -> list[Product]:
    """``products`` products in one category from one producer; the first ``sold_out`` have no stock."""
    scope_to_county(session, county.id)
    category = Category(slug=category_slug, name_zh="蜂蜜", name_en="Honey")
    producer = Producer(
        slug=f"li-family-{county.slug}",
        name_zh="李家蜂场",
        name_en="Li family apiary",
        village_zh="西林子村",
        story_zh="三代养蜂人。",
    )
    session.add_all([category, producer])
    await session.flush()
    created = []
    for index in range(products):
        number = next(_sequence)
        product = Product(
            slug=f"product-{number}",
            name_zh=f"椴树蜂蜜 {number} 号",
            name_en=f"Linden honey no. {number}",
            description_zh="东北黑蜂采集的椴树蜜。",
            description_en="Linden honey from the black bees of the northeast.",
            origin_zh="饶河县西林子村",
            category_id=category.id,
            producer_id=producer.id,
            position=index,
        )
        session.add(product)
        await session.flush()
        stock = 0 if index < sold_out else 20
        session.add_all(
            [
                Variant(
                    product_id=product.id,
                    label_zh="500克瓶装",
                    label_en="500 g jar",
                    sku=f"SKU-{number}-500",
                    price=6800,
                    stock=stock,
                    position=0,
                ),
                Variant(
                    product_id=product.id,
                    label_zh="250克瓶装",
                    label_en="250 g jar",
                    sku=f"SKU-{number}-250",
                    price=3880,
                    stock=stock,
                    position=1,
                ),
                ProductImage(product_id=product.id, path=f"p/{number}.jpg", position=0),
            ]
        )
        created.append(product)
    await session.flush()
    return created
