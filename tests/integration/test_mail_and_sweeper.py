"""Confirmations and the sweeper across workers: each mail once, stuck mails given up on, one sweep."""

from __future__ import annotations

import asyncio
import datetime
import uuid
from dataclasses import replace

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from storefront.app import create_app, database_connect_args
from storefront.db import scope_to_all_counties, scope_to_county
from storefront.jobs import JobLease, take_lease
from storefront.notifications.confirmations import CONFIRMATION_TRIES, send_missed_confirmations
from storefront.notifications.mail import Mailer
from storefront.orders.models import Order, OrderEvent
from storefront.sweeper import SWEEP_LEASE, sweep_once
from storefront.web import create_environment
from tests.support.factories import make_county
from tests.support.mailbox import Mailbox
from tests.support.orders import paid_order

UNMAILABLE = "nobody"


class RefusingMailbox(Mailbox):
    """A mail server on which the mailboxes named ``nobody...`` do not exist (it answers 550)."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[str] = []

    async def handle_RCPT(self, _server, _session, envelope, address, _options) -> str:
        if address.startswith(UNMAILABLE):
            self.refused.append(address)
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture(scope="module")
def refusing_mailbox():
    box = RefusingMailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture
def refusing_mailer(settings, refusing_mailbox) -> Mailer:
    return Mailer(replace(settings, smtp_url=refusing_mailbox.url), create_environment())


@pytest.fixture
async def county(session_maker):
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        await session.commit()
    return county


def address(name: str = "buyer") -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.cn"


async def paid_without_confirmation(session_maker, county, emails: list[str], minutes_ago: int = 10) -> None:
    """Orders paid ``minutes_ago``, oldest first, whose confirmation never went out (mail server down)."""
    paid_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=minutes_ago)
    async with session_maker() as session:
        scope_to_county(session, county.id)
        session.add_all(
            paid_order(county.id, email, paid_at + datetime.timedelta(seconds=index))
            for index, email in enumerate(emails)
        )
        await session.commit()


async def order_of(session_maker, email: str) -> Order:
    async with session_maker() as session:
        scope_to_all_counties(session)
        return await session.scalar(select(Order).where(Order.email == email))


async def notes_of(session_maker, order: Order) -> list[str]:
    async with session_maker() as session:
        scope_to_all_counties(session)
        return list(await session.scalars(select(OrderEvent.note).where(OrderEvent.order_id == order.id)))


async def test_two_sweeps_at_once_send_each_confirmation_once(settings, county, session_maker, mailbox):
    emails = [address() for _ in range(6)]
    await paid_without_confirmation(session_maker, county, emails)
    workers = [create_app(settings), create_app(settings)]  # each with its own engine
    try:
        await asyncio.gather(*(sweep_once(worker) for worker in workers))
    finally:
        for worker in workers:
            await worker.state.db_config.get_engine().dispose()
    mailbox.settle()
    assert [len(mailbox.to(email)) for email in emails] == [1] * len(emails)
    for email in emails:
        order = await order_of(session_maker, email)
        assert order.confirmation_sent_at is not None
        assert order.confirmation_attempts == 1


async def test_an_unmailable_address_is_tried_a_bounded_number_of_times_then_flagged(
    county, session_maker, refusing_mailbox, refusing_mailer, caplog
):
    unmailable = address(UNMAILABLE)
    await paid_without_confirmation(session_maker, county, [unmailable])
    now = datetime.datetime.now(datetime.UTC)
    for day in range(CONFIRMATION_TRIES + 3):  # far more sweeps than tries, far enough apart
        async with session_maker() as session:
            await send_missed_confirmations(session, refusing_mailer, now=now + datetime.timedelta(days=day))
    assert refusing_mailbox.refused.count(unmailable) == CONFIRMATION_TRIES
    order = await order_of(session_maker, unmailable)
    assert order.confirmation_sent_at is None
    assert order.confirmation_attempts == CONFIRMATION_TRIES
    [note] = [note for note in await notes_of(session_maker, order) if "confirmation" in note]
    assert f"not sent after {CONFIRMATION_TRIES} tries" in note and unmailable in note
    assert f"gave up on the confirmation of order {order.number}" in caplog.text


async def test_failed_tries_are_spaced_out(county, session_maker, refusing_mailbox, refusing_mailer):
    unmailable = address(UNMAILABLE)
    await paid_without_confirmation(session_maker, county, [unmailable])
    now = datetime.datetime.now(datetime.UTC)
    for minute in range(10):  # a sweep a minute: tried at 0 and 5 minutes, then waiting 10
        async with session_maker() as session:
            await send_missed_confirmations(
                session, refusing_mailer, now=now + datetime.timedelta(minutes=minute)
            )
    assert refusing_mailbox.refused.count(unmailable) == 2


async def test_a_hundred_unmailable_orders_do_not_hold_up_later_confirmations(
    county, session_maker, refusing_mailbox, refusing_mailer
):
    stuck = [address(UNMAILABLE) for _ in range(100)]
    later = address()
    await paid_without_confirmation(session_maker, county, [*stuck, later])
    now = datetime.datetime.now(datetime.UTC)
    for minute in range(2):  # two sweeps, a minute apart
        async with session_maker() as session:
            await send_missed_confirmations(
                session, refusing_mailer, now=now + datetime.timedelta(minutes=minute)
            )
    assert len(refusing_mailbox.to(later)) == 1
    assert (await order_of(session_maker, later)).confirmation_sent_at is not None


async def test_the_lease_is_won_by_exactly_one_of_several_workers_at_once(settings):
    # Each worker connects as the app's do: on SQLite, waiting up to 30 s for another's write.
    connect_args = database_connect_args(settings)
    engines = [create_async_engine(settings.database_url, connect_args=connect_args) for _ in range(3)]
    sessions = [async_sessionmaker(engine, expire_on_commit=False)() for engine in engines]
    minute = datetime.timedelta(minutes=1)
    now = datetime.datetime.now(datetime.UTC)

    async def all_take(at: datetime.datetime) -> list[bool]:
        taken = await asyncio.gather(
            *(take_lease(session, "nightly", minute, at) for session in sessions), return_exceptions=True
        )
        for outcome in taken:  # raised once all three are done: none is left mid-commit
            if isinstance(outcome, BaseException):
                raise outcome
        return list(taken)

    try:
        assert sorted(await all_take(now)) == [False, False, True]  # the first time: racing inserts
        assert await all_take(now + minute / 2) == [False, False, False]  # held
        assert sorted(await all_take(now + minute)) == [False, False, True]  # lapsed: taken again
    finally:
        for session in sessions:
            await session.close()
        for engine in engines:
            await engine.dispose()


async def test_the_sweeper_in_the_server_sweeps_only_while_it_holds_the_lease(
    settings, county, session_maker, mailbox
):
    email = address()
    await paid_without_confirmation(session_maker, county, [email])
    async with session_maker() as session:  # another worker holds the sweeper's lease
        in_an_hour = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
        session.add(JobLease(name=SWEEP_LEASE, held_until=in_an_hour))
        await session.commit()

    async def mailed_within(seconds: float) -> bool:
        for _ in range(int(seconds * 10)):
            if mailbox.to(email):
                return True
            await asyncio.sleep(0.1)
        return False

    async with AsyncTestClient(app=create_app(replace(settings, sweep_interval_seconds=1))):
        assert not await mailed_within(2.5)
        async with session_maker() as session:  # that worker stopped: its lease lapses
            await session.execute(update(JobLease).values(held_until=datetime.datetime.now(datetime.UTC)))
            await session.commit()
        assert await mailed_within(30)
    assert len(mailbox.to(email)) == 1
