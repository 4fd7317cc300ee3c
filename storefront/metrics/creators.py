"""Creators: the video creators a county admin registers, each with a referral code unique in the
county, their printable link to the county's shop (``{shop}/?ref=CODE``) and its QR code; and the
attribution of an order to the creator whose code was clicked in that shop.

Creators are never shown to shoppers: saving one changes no shop page (no content version bump).
"""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import segno
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from storefront.metrics.models import Creator, Event
from storefront.metrics.referrals import CLOCK_SKEW, REFERRAL_LIFETIME, REFERRAL_PARAM
from storefront.orders.models import Order

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from storefront.metrics.creator_forms import CreatorForm
    from storefront.tenancy.hosts import CountyHosts
    from storefront.tenancy.models import County


class CreatorNotFoundError(LookupError):
    """No such creator in the county (another county's id, or none at all)."""


class CodeTakenError(ValueError):
    """Another creator of the county has this code already (letter case aside: the dashboard counts
    visits by code regardless of case); nothing was saved (after a clash the
    session was rolled back: its loaded objects are expired)."""


class CodeInUseError(ValueError):
    """The creator's code is on visits or orders already: it is printed on QR codes and said in
    videos, and the events keep it, so a new code would hand those visits to whoever takes the old
    one next. Nothing was changed."""


class Creators:
    """The creators of one county (the session is scoped to it)."""

    def __init__(self, db_session: AsyncSession, county_id: int) -> None:
        self.db_session = db_session
        self.county_id = county_id

    async def all(self) -> list[Creator]:
        return list(await self.db_session.scalars(select(Creator).order_by(Creator.name, Creator.id)))

    async def one(self, creator_id: int) -> Creator:
        found = await self.db_session.scalar(
            select(Creator).where(Creator.id == creator_id).execution_options(populate_existing=True)
        )
        if found is None:
            raise CreatorNotFoundError(creator_id)
        return found

    async def create(self, form: CreatorForm) -> Creator:
        creator = Creator(county_id=self.county_id, **_columns(form))
        await self._save(creator)
        return creator

    async def update(self, creator_id: int, form: CreatorForm) -> Creator:
        """Save the form over the creator; a code that was used (:meth:`code_used`) may change its
        letter case only (codes match regardless of case), else :class:`CodeInUseError`."""
        creator = await self.one(creator_id)
        if form.code.lower() != creator.code.lower() and await self.code_used(creator):
            raise CodeInUseError(creator.code)
        for name, value in _columns(form).items():
            setattr(creator, name, value)
        await self._save(creator)
        return creator

    async def code_used(self, creator: Creator) -> bool:
        """Whether any event or order of the county names the creator or its code (any letter case)."""
        code = creator.code.lower()
        named_by_event = select(Event.id).where(func.lower(Event.creator_code) == code).exists()
        named_by_order = (
            select(Order.id)
            .where(or_(Order.creator_id == creator.id, func.lower(Order.referral_code) == code))
            .exists()
        )
        return bool(await self.db_session.scalar(select(or_(named_by_order, named_by_event))))

    async def _taken(self, creator: Creator) -> bool:
        """Whether another creator of the county has the code (any letter case) already."""
        others = () if creator.id is None else (Creator.id != creator.id,)
        same_code = func.lower(Creator.code) == creator.code.lower()
        with self.db_session.no_autoflush:  # an edited code is judged before it is written
            return (
                await self.db_session.scalar(select(Creator.id).where(same_code, *others).limit(1))
                is not None
            )

    async def _save(self, creator: Creator) -> None:
        """Flush ``creator``; its code taken by another creator is :class:`CodeTakenError`, found
        before writing or, when two saves race, by the database's unique index on the county and
        the lower-case code."""
        if not await self._taken(creator):
            self.db_session.add(creator)
            try:
                await self.db_session.flush()
            except IntegrityError:
                pass
            else:
                return
        code = creator.code
        await self.db_session.rollback()
        raise CodeTakenError(code)


FORM_COLUMNS = {
    "name": "name",
    "platform": "platform",
    "handle": "handle",
    "code": "code",
    "commission": "commission_bp",
    "is_active": "is_active",
}
"""Each field of :class:`~storefront.metrics.creator_forms.CreatorForm` and its ``Creator`` column."""


def _columns(form: CreatorForm) -> dict[str, object]:
    return {column: getattr(form, name) for name, column in FORM_COLUMNS.items()}


async def referring_creator(
    db_session: AsyncSession,
    county_id: int,
    code: str | None,
    clicked_at: datetime.datetime | None,
    now: datetime.datetime,
) -> int | None:
    """The id of the county's active creator whose ``code`` was clicked at ``clicked_at``, at most 30 days
    before ``now`` (the code's letter case aside); None for no code, another county's or an unknown
    or inactive one."""
    if not code or clicked_at is None or not now - REFERRAL_LIFETIME <= clicked_at <= now + CLOCK_SKEW:
        return None
    return await db_session.scalar(
        select(Creator.id).where(
            Creator.county_id == county_id,
            func.lower(Creator.code) == code.lower(),
            Creator.is_active.is_(True),
        )
    )


def shop_origin(hosts: CountyHosts, county: County) -> str:
    """The county shop's public origin: its custom domain, else ``{slug}.{base domain}``, with the
    scheme and port of ``PUBLIC_URL`` (as :mod:`storefront.tenancy.hosts` serves them)."""
    public = urlsplit(hosts.public_origin)
    port = f":{public.port}" if public.port else ""
    host = county.custom_domain or f"{county.slug}.{hosts.base_domain}"
    return f"{public.scheme}://{host}{port}"


def referral_link(hosts: CountyHosts, county: County, code: str) -> str:
    """The creator's printable link: the county's shop with ``?ref=CODE``."""
    return f"{shop_origin(hosts, county)}/?{urlencode({REFERRAL_PARAM: code})}"


def qr_code(link: str) -> segno.QRCode:
    return segno.make(link, error="m")


QR_FILES = {"svg": ("image/svg+xml", 8), "png": ("image/png", 12)}
"""The QR code's downloads: media type and pixels a module (large enough to print)."""


def qr_file(link: str, kind: str) -> bytes:
    """The link's QR code as a standalone file of ``kind`` (``svg`` or ``png``)."""
    buffer = io.BytesIO()
    options = {"title": link} if kind == "svg" else {}
    qr_code(link).save(buffer, kind=kind, scale=QR_FILES[kind][1], border=4, **options)
    return buffer.getvalue()
