"""What a shopper does in the browser, for the browser tests: fill a cart, check out."""

from __future__ import annotations

import re
import sqlite3
import time

from playwright.sync_api import Page, expect


def stock(site, sku: str) -> int:
    path = site.database_url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as database:
        return database.execute("SELECT stock FROM variants WHERE sku = ?", (sku,)).fetchone()[0]


def wait_for_stock(site, sku: str, expected: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while stock(site, sku) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stock(site, sku) == expected


def add_to_cart(page: Page, site, product: str, variant: str, quantity: int) -> None:
    page.goto(f"{site.url}/c/raohe/products/{product}?lang=en")
    page.get_by_label(variant).check()
    page.get_by_label("Quantity").fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart.")).to_be_visible()


def check_out(page: Page, email: str) -> None:
    page.get_by_role("link", name="Cart", exact=True).click()
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Recipient").fill("Wang Xiaoming")
    page.get_by_label("Mobile").fill("13800138000")
    page.get_by_label("Province").select_option(label="黑龙江省 Heilongjiang")
    expect(page.get_by_label("City").locator("option", has_text="哈尔滨市")).to_have_count(1)
    page.get_by_label("City").select_option(label="哈尔滨市 Haerbin")
    expect(page.get_by_label("District").locator("option", has_text="道里区")).to_have_count(1)
    page.get_by_label("District").select_option(label="道里区 Daoli District")
    page.get_by_label("Address").fill("1 Zhongyang Street")
    page.get_by_role("button", name=re.compile(r"^Pay with Stripe")).click()
    expect(page.get_by_role("button", name="Pay", exact=True)).to_be_visible()  # the sandbox's page, not ours
