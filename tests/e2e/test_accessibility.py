"""axe-core (vendored in tests/e2e/vendor) finds no critical or serious issue on any shop page, in
Chinese and in English, on a phone: from the directory to the page of an order just paid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.shopping import add_to_cart, check_out

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
BLOCKING = ("critical", "serious")
# Each violation as one line: its impact, rule, help text and the first few elements it found.
REPORT = """async (blocking) => (await axe.run(document, {resultTypes: ["violations"]})).violations
    .filter((violation) => blocking.includes(violation.impact))
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} at `
        + violation.nodes.slice(0, 3).map((node) => node.target.join(" ")).join(", "))"""


def _audit(page: Page, found: dict[str, list[str]], name: str) -> None:
    """Runs axe on the page as it is now and keeps its critical and serious violations under ``name``."""
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=AXE)
    violations = page.evaluate(REPORT, list(BLOCKING))
    if violations:
        found[name] = violations


def _visit(page: Page, found: dict[str, list[str]], name: str, url: str, lang: str) -> None:
    separator = "&" if "?" in url else "?"
    page.goto(f"{url}{separator}lang={lang}")
    _audit(page, found, name)


@pytest.fixture
def audited_page(browser: Browser, browser_context_args: dict) -> Page:
    """A phone whose pages accept the injected axe script despite the shop's Content-Security-Policy."""
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_serious_accessibility_issue_on_any_shop_page(audited_page: Page, site, lang: str):
    page, found = audited_page, {}
    shop = f"{site.url}/c/raohe"
    for name, url in (
        ("directory", f"{site.url}/"),
        ("county home", f"{shop}/"),
        ("category", f"{shop}/category/honey"),
        ("product", f"{shop}/products/linden-honey"),
        ("producer", f"{shop}/producers/black-bee-coop"),
        ("about", f"{shop}/about"),
        ("search with results", f"{shop}/search?q=蜂蜜"),
        ("search without results", f"{shop}/search?q=zzzqqq"),
        ("empty cart", f"{shop}/cart"),
        ("order lookup", f"{shop}/orders"),
        ("404", f"{shop}/products/no-such-product"),
    ):
        _visit(page, found, name, url, lang)

    add_to_cart(page, site, "linden-honey", "500 g jar", 1)
    _visit(page, found, "full cart", f"{shop}/cart", lang)
    _visit(page, found, "checkout", f"{shop}/checkout", lang)
    page.goto(f"{shop}/?lang=en")
    email = f"axe-{lang}@example.cn"
    check_out(page, email)
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_text("Payment received")).to_be_visible(timeout=15_000)
    number = re.search(r"Order (\S+)", page.title())[1]
    _visit(page, found, "order complete", page.url, lang)

    page.goto(f"{shop}/orders?lang={lang}")
    page.locator("#number").fill(number)
    page.locator("#contact").fill(email)
    page.locator(".lookup-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(f"/orders/{number}"))
    _audit(page, found, "order")

    print("\n".join(f"{name}: {violation}" for name, lines in found.items() for violation in lines))
    assert found == {}
