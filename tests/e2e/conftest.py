"""Browser tests: Chromium drives a real server process, with the Stripe sandbox and an SMTP server.

The site is the demo data on its own SQLite database, migrated and seeded exactly as
``make run`` does it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest

from storefront.config import PROJECT_ROOT
from tests.support.mailbox import Mailbox
from tests.support.postgres import free_port
from tests.support.stripe_sandbox import running_sandbox

WEBHOOK_SECRET = "whsec_e2e"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Site:
    url: str
    port: int
    sandbox_url: str
    database_url: str
    mailbox: Mailbox

    def on_host(self, host: str) -> str:
        return f"http://{host}:{self.port}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Use Debian's Chromium where Playwright's own browser is not installed."""
    system_chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if system_chromium:
        return {**browser_type_launch_args, "executable_path": system_chromium, "args": CHROMIUM_FLAGS}
    return browser_type_launch_args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A phone: most shoppers are on one. English UI, as the accessible names are English."""
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "locale": "zh-CN",
    }


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox) -> Iterator[Site]:
    var = tmp_path_factory.mktemp("e2e-var")
    database_url = f"sqlite+aiosqlite:///{var / 'storefront.db'}"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running_sandbox(f"{url}/stripe/webhook", WEBHOOK_SECRET, expiry_check_interval=0.2) as sandbox_url:
        env = {
            **os.environ,
            "STOREFRONT_VAR_DIR": str(var),
            "DATABASE_URL": database_url,
            "MEDIA_DIR": str(var / "media"),
            "STRIPE_SECRET_KEY": "sk_test_e2e",
            "STRIPE_API_BASE": sandbox_url,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "SMTP_URL": mailbox.url,
            "PUBLIC_URL": url,
        }
        with demo_shop(env, port) as url:
            yield Site(
                url=url, port=port, sandbox_url=sandbox_url, database_url=database_url, mailbox=mailbox
            )


@contextmanager
def demo_shop(env: dict[str, str], port: int) -> Iterator[str]:
    """The demo shop served on ``port``, set up exactly as `make run` does, in processes of their own."""
    for command in (["database", "upgrade", "--no-prompt"], ["seed-demo"]):
        subprocess.run(
            [sys.executable, "-m", "storefront.cli", *command],
            cwd=PROJECT_ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    server = subprocess.Popen(
        [sys.executable, "-m", "storefront.cli", "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{url}/health", server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_until_up(health_url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            msg = f"the shop server exited with {server.returncode}"
            raise RuntimeError(msg)
        try:
            if httpx.get(health_url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    msg = "the shop server did not start within 30 s"
    raise RuntimeError(msg)
