"""Phone screenshots of the product page, cart and checkout in Chinese and English.

    uv run python -m tests.e2e.screenshots            # writes docs/screenshots/*.png

The shop runs on its own demo database (migrated and seeded as ``make run`` does), in Chromium at
390 x 844 like the browser tests. Chinese text needs CJK fonts: as root, the script installs
Debian's fonts-noto-cjk when they are missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from storefront.config import PROJECT_ROOT
from tests.e2e.conftest import CHROMIUM_FLAGS, demo_shop
from tests.support.postgres import free_port

OUT = PROJECT_ROOT / "docs" / "screenshots"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def _cjk_fonts() -> None:
    found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout
    if found.strip():
        return
    if os.geteuid() != 0:
        sys.exit("Chinese would render as boxes: install fonts-noto-cjk (apt-get install -y fonts-noto-cjk)")
    subprocess.run(["apt-get", "install", "-y", "fonts-noto-cjk"], check=True, capture_output=True)


def _shots(url: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS)
        for language in ("zh", "en"):
            page = browser.new_context(**PHONE).new_page()
            page.goto(f"{url}/c/raohe/products/linden-honey?lang={language}")
            page.screenshot(path=OUT / f"product-{language}.png")
            page.locator(".add-button").click()
            page.locator("#cart-message.notice-ok").wait_for()
            page.screenshot(path=OUT / f"product-added-{language}.png")
            page.goto(f"{url}/c/raohe/products/roasted-pine-nuts")
            page.locator(".add-button").click()
            page.locator("#cart-message.notice-ok").wait_for()
            page.goto(f"{url}/c/raohe/cart")
            page.screenshot(path=OUT / f"cart-{language}.png", full_page=True)
            page.goto(f"{url}/c/raohe/checkout")
            page.screenshot(path=OUT / f"checkout-{language}.png", full_page=True)
            page.context.close()
        browser.close()


def main() -> None:
    _cjk_fonts()
    with tempfile.TemporaryDirectory() as var:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "STOREFRONT_VAR_DIR": var,
            "DATABASE_URL": f"sqlite+aiosqlite:///{var}/storefront.db",
            "MEDIA_DIR": f"{var}/media",
            "PUBLIC_URL": url,
        }
        with demo_shop(env, port):
            _shots(url)
    print(f"screenshots in {Path(OUT).relative_to(PROJECT_ROOT)}/")


if __name__ == "__main__":
    main()
