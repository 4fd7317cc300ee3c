"""Shared fixtures: every database test runs on SQLite and on a throwaway PostgreSQL."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import pytest
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar.testing import AsyncTestClient
from sqlalchemy import event
from sqlalchemy.exc import SADeprecationWarning
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from storefront.app import create_app, database_connect_args
from storefront.config import Settings
from tests.support.databases import PostgresDatabases, SqliteDatabases
from tests.support.mailbox import Mailbox
from tests.support.postgres import throwaway_postgres
from tests.support.redis import throwaway_redis
from tests.support.stripe_sandbox import WebhookReceiver, running_sandbox

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

warnings.filterwarnings("ignore", category=SADeprecationWarning)

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def database_pools(postgres_server: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return {
        "sqlite": SqliteDatabases(tmp_path_factory.mktemp("sqlite")),
        "postgresql": PostgresDatabases(postgres_server),
    }


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def database_url(backend: str, database_pools: dict) -> str:
    return await database_pools[backend].migrated()


@pytest.fixture(scope="session")
def stripe_events() -> Iterator[WebhookReceiver]:
    """Where the sandbox delivers its signed webhooks; tests pass them on to the app."""
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture(scope="session")
def stripe_sandbox(stripe_events: WebhookReceiver) -> Iterator[str]:
    with running_sandbox(stripe_events.url, stripe_events.secret) as url:
        yield url


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture
def settings(
    database_url: str, tmp_path: Path, stripe_sandbox: str, stripe_events: WebhookReceiver, mailbox: Mailbox
) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="test-secret",
        media_dir=tmp_path / "media",
        mail_dir=tmp_path / "mail",
        session_dir=tmp_path / "sessions",
        base_domain="shop.test",
        page_cache_seconds=0,
        sweep_interval_seconds=86_400,  # the sweeper runs in the tests that ask for it, not amid a slow one
        stripe_secret_key="sk_test_storefront",
        stripe_api_base=stripe_sandbox,
        stripe_webhook_secret=stripe_events.secret,
        smtp_url=mailbox.url,
        public_url="http://testserver.local",
    )


@pytest.fixture
async def session_maker(settings: Settings) -> AsyncIterator[async_sessionmaker]:
    """Sessions for arranging and checking data, outside the app."""
    engine = create_async_engine(settings.database_url, connect_args=database_connect_args(settings))
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:
    app = create_app(settings)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client


class QueryCounter:
    def __init__(self) -> None:
        self.sent: list[tuple[str, object]] = []
        """Each statement's SQL and parameters, as the driver got them."""

    def __call__(self, _conn, _cursor, statement, parameters, *_args) -> None:
        self.sent.append((statement, parameters))

    def clear(self) -> None:
        self.sent.clear()

    @property
    def statements(self) -> list[str]:
        return [statement for statement, _ in self.sent]

    @property
    def count(self) -> int:
        return len(self.sent)


@pytest.fixture
def count_queries(client: AsyncTestClient) -> Iterator[QueryCounter]:
    """Counts the SQL statements the app sends; ``clear()`` it before the request measured."""
    counter = QueryCounter()
    engine = client.app.state.db_config.get_engine().sync_engine
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)


@pytest.fixture(autouse=True)
def _database_config_keys_freed() -> Iterator[None]:
    """advanced-alchemy registers every database config's keys for the whole process and finds a
    free one by recursion, one level a config made before: past ~950 apps in one run it overflows.
    Each test's app is its own, so its keys are free again once the test is over."""
    yield
    for registry in (
        SQLAlchemyAsyncConfig._SESSION_SCOPE_KEY_REGISTRY,
        SQLAlchemyAsyncConfig._ENGINE_APP_STATE_KEY_REGISTRY,
        SQLAlchemyAsyncConfig._SESSIONMAKER_APP_STATE_KEY_REGISTRY,
    ):
        registry.clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's sync API keeps an event loop running on the main
    thread from its first test to the end of the session, and async tests cannot start under it."""
    items.sort(key=lambda item: "e2e" in item.path.parts)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    with throwaway_redis() as url:
        yield url
