"""What an admin changes: the stock a county has on hand, never the units open checkouts hold.

On hand is ``stock + held``. Setting it to ``n`` sets ``stock = n - held`` in one conditional
UPDATE (``WHERE held <= n``), so a checkout holding units at that instant keeps them, whichever
comes first: nothing is sold twice and nothing held is lost. Asking for less on hand than is held
is refused with :class:`OnHandBelowHeldError` and changes nothing. The caller commits (or, after a
refusal, rolls back: on SQLite the refused UPDATE has taken the write lock).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storefront.catalog.models import Variant


class StockLevels(NamedTuple):
    """A variant's stock after an edit: what shoppers can buy and what open checkouts hold."""

    available: int
    held: int

    @property
    def on_hand(self) -> int:
        return self.available + self.held


class VariantNotFoundError(LookupError):
    """No such variant in the session's county."""

    def __init__(self, variant_id: int) -> None:
        super().__init__(f"variant {variant_id} not found")
        self.variant_id = variant_id


class OnHandBelowHeldError(ValueError):
    """The on-hand count asked for is below the units open checkouts hold; nothing was changed.

    ``held`` is what the form tells the admin: on hand can go no lower until those checkouts are
    paid (the units leave) or end unpaid (the units come back).
    """

    def __init__(self, variant_id: int, on_hand: int, held: int) -> None:
        super().__init__(f"variant {variant_id}: on hand {on_hand} is below the {held} held by checkouts")
        self.variant_id = variant_id
        self.on_hand = on_hand
        self.held = held


async def set_on_hand(db_session: AsyncSession, variant_id: int, on_hand: int) -> StockLevels:
    """Make the variant's on-hand count ``on_hand``, leaving what checkouts hold as it is."""
    if on_hand < 0:
        msg = f"on hand cannot be negative ({on_hand})"
        raise ValueError(msg)
    return await _edit(
        db_session,
        variant_id,
        Variant.held <= on_hand,
        on_hand - Variant.held,
        lambda _levels: on_hand,
    )


class OnHandChangedError(ValueError):
    """The on-hand count is no longer the one the admin's page showed (units sold, or a count saved
    elsewhere, since it was opened); nothing was changed. ``on_hand`` is the count now."""

    def __init__(self, variant_id: int, on_hand: int) -> None:
        super().__init__(f"variant {variant_id}: on hand is {on_hand} now")
        self.variant_id = variant_id
        self.on_hand = on_hand


async def recount_on_hand(db_session: AsyncSession, variant_id: int, on_hand: int, shown: int) -> StockLevels:
    """:func:`set_on_hand`, from a form that showed ``shown`` on hand: refused with
    :class:`OnHandChangedError` if the count has moved since, so a count typed over a stale page
    never puts back units sold meanwhile. The row is locked until the caller commits."""
    if (now := (await _locked_levels(db_session, variant_id)).on_hand) != shown:
        raise OnHandChangedError(variant_id, now)
    return await set_on_hand(db_session, variant_id, on_hand)


async def adjust_on_hand(db_session: AsyncSession, variant_id: int, delta: int) -> StockLevels:
    """Add ``delta`` (negative to take away) to the variant's on-hand count, leaving what is held."""
    return await _edit(
        db_session,
        variant_id,
        Variant.stock + delta >= 0,
        Variant.stock + delta,
        lambda levels: levels.on_hand + delta,
    )


async def _edit(
    db_session: AsyncSession,
    variant_id: int,
    allowed: ColumnElement[bool],
    stock: ColumnElement[int],
    wanted: Callable[[StockLevels], int],
) -> StockLevels:
    """One conditional UPDATE of ``stock`` where ``allowed``. When refused, the row is locked and
    read, to tell a missing variant from too little on hand (``wanted`` gives the on-hand count
    asked for) from holds released in between, after which the UPDATE is tried once more."""
    statement = (
        update(Variant)
        .where(Variant.id == variant_id, allowed)
        .values(stock=stock)
        .returning(Variant.stock, Variant.held)
        .execution_options(synchronize_session=False)
    )
    if (changed := (await db_session.execute(statement)).first()) is not None:
        return StockLevels(*changed)
    levels = await _locked_levels(db_session, variant_id)
    if (on_hand := wanted(levels)) < levels.held:
        raise OnHandBelowHeldError(variant_id, on_hand, levels.held)
    if (changed := (await db_session.execute(statement)).first()) is None:  # the row is ours now
        msg = f"variant {variant_id} changed while locked"
        raise RuntimeError(msg)
    return StockLevels(*changed)


async def _locked_levels(db_session: AsyncSession, variant_id: int) -> StockLevels:
    """The variant's stock, its row locked until the transaction ends (PostgreSQL)."""
    found = (
        await db_session.execute(
            select(Variant.stock, Variant.held).where(Variant.id == variant_id).with_for_update()
        )
    ).first()
    if found is None:
        raise VariantNotFoundError(variant_id)
    return StockLevels(*found)
