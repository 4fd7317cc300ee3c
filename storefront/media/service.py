"""What admins do with pictures: a product's pictures (add, alt text, order, delete), a producer's
photo, and the county's logo and banner.

Every query runs in the admin's county-scoped session (:mod:`storefront.admin.guard`), so another
county's product, picture or producer is not found (:class:`PictureNotFoundError`) and nothing
changes. Every save bumps the county's content version in the same transaction, so shoppers see it
on the next request. The caller commits; files of pictures taken away are removed after the
commit (:func:`storefront.media.processing.remove_pictures`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storefront.catalog.models import Producer, Product, ProductImage
from storefront.clock import utcnow
from storefront.media.processing import StoredPicture
from storefront.tenancy.models import County
from storefront.tenancy.service import bump_content_version


class PictureNotFoundError(LookupError):
    """No such product, picture or producer in the admin's county."""


class OrderOutOfDateError(ValueError):
    """A new order that does not name exactly the product's pictures (they changed meanwhile)."""


class Pictures:
    def __init__(self, db_session: AsyncSession, county_id: int) -> None:
        self.db_session = db_session
        self.county_id = county_id

    async def product(self, product_id: int) -> Product:
        """The product with its pictures in order (position, then upload order)."""
        found = await self.db_session.scalar(
            select(Product)
            .where(Product.id == product_id)
            .options(selectinload(Product.images))
            .execution_options(populate_existing=True)
        )
        if found is None:
            raise PictureNotFoundError(product_id)
        found.images.sort(key=lambda image: (image.position, image.id))
        return found

    async def picture(self, product_id: int, image_id: int) -> ProductImage:
        found = await self.db_session.scalar(
            select(ProductImage).where(ProductImage.id == image_id, ProductImage.product_id == product_id)
        )
        if found is None:
            raise PictureNotFoundError(image_id)
        return found

    async def add(self, product_id: int, stored: Sequence[StoredPicture]) -> None:
        """The pictures after the product's last one (two uploads at once take turns)."""
        await self._claim(product_id)
        last = await self.db_session.scalar(
            select(func.max(ProductImage.position)).where(ProductImage.product_id == product_id)
        )
        start = -1 if last is None else last
        self.db_session.add_all(
            [
                ProductImage(
                    product_id=product_id,
                    path=picture.path,
                    position=start + number,
                    width=picture.width,
                    height=picture.height,
                )
                for number, picture in enumerate(stored, start=1)
            ]
        )
        await self.db_session.flush()

    async def set_alt(self, product_id: int, image_id: int, alt_zh: str, alt_en: str) -> None:
        image = await self.picture(product_id, image_id)
        await self._claim(product_id)
        image.alt_zh, image.alt_en = alt_zh, alt_en
        await self.db_session.flush()

    async def move(self, product_id: int, image_id: int, step: int) -> None:
        """One place earlier (``step`` -1) or later (+1); the first stays first, the last last."""
        await self.picture(product_id, image_id)
        await self._claim(product_id)  # the order read next is the one changed: a double press moves twice
        ids = [image.id for image in (await self.product(product_id)).images]
        index = ids.index(image_id)
        target = max(0, min(len(ids) - 1, index + step))
        ids.insert(target, ids.pop(index))
        await self._renumber(product_id, ids)

    async def reorder(self, product_id: int, ids: Sequence[int]) -> None:
        """The order an admin dragged the pictures into; it must name each picture once."""
        await self._claim(product_id)
        current = [image.id for image in (await self.product(product_id)).images]
        if sorted(ids) != sorted(current):
            raise OrderOutOfDateError(product_id)
        await self._renumber(product_id, list(ids))

    async def delete(self, product_id: int, image_id: int) -> str:
        """Takes the picture away and gives back its path, whose files go after the commit."""
        image = await self.picture(product_id, image_id)
        await self._claim(product_id)
        path = image.path
        await self.db_session.delete(image)
        await self.db_session.flush()
        return path

    async def producer(self, producer_id: int) -> Producer:
        found = await self.db_session.scalar(
            select(Producer).where(Producer.id == producer_id).execution_options(populate_existing=True)
        )
        if found is None:
            raise PictureNotFoundError(producer_id)
        return found

    async def set_producer_photo(self, producer_id: int, stored: StoredPicture) -> str | None:
        """The producer's new photo; gives back the old one's path, whose files go after the commit."""
        producer = await self.producer(producer_id)
        old = producer.photo_path
        producer.photo_path = stored.path
        producer.updated_at = utcnow()
        await self.db_session.flush()
        await bump_content_version(self.db_session, self.county_id)
        return old

    async def set_county_picture(self, kind: str, stored: StoredPicture) -> str | None:
        """The county's new logo or banner (``kind``); gives back the old one's path, whose files go
        after the commit."""
        column = {"logo": County.logo_path, "banner": County.banner_path}[kind]
        old = await self.db_session.scalar(select(column).where(County.id == self.county_id))
        await self.db_session.execute(
            update(County)
            .where(County.id == self.county_id)
            .values({column: stored.path})
            .execution_options(synchronize_session="fetch")
        )
        await bump_content_version(self.db_session, self.county_id)
        return old

    async def _renumber(self, product_id: int, ids: list[int]) -> None:
        for position, image_id in enumerate(ids):
            await self.db_session.execute(
                update(ProductImage)
                .where(ProductImage.id == image_id, ProductImage.product_id == product_id)
                .values(position=position)
                .execution_options(synchronize_session=False)
            )

    async def _claim(self, product_id: int) -> None:
        """Before a change to the product's pictures: one UPDATE of the product (of this county
        only), which holds its row (PostgreSQL) or the write lock (SQLite) to the commit, so two
        admins' changes take turns; and the county's content version, so shoppers see it at once."""
        claimed = await self.db_session.execute(
            update(Product)
            .where(Product.id == product_id)
            .values(updated_at=utcnow())
            .returning(Product.id)
            .execution_options(synchronize_session=False)
        )
        if claimed.first() is None:
            raise PictureNotFoundError(product_id)
        await bump_content_version(self.db_session, self.county_id)
