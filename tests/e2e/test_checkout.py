"""A shopper buys through Stripe Checkout (the local sandbox) and the stock follows."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.shopping import add_to_cart, check_out, stock, wait_for_stock

HONEY_500 = "RH-LINDEN-500"
PINE_NUTS = "RH-PINE-250"


def test_a_shopper_buys_honey_and_pine_nuts_and_pays(page: Page, site):
    honey, nuts = stock(site, HONEY_500), stock(site, PINE_NUTS)
    add_to_cart(page, site, "linden-honey", "500 g jar", 2)
    add_to_cart(page, site, "roasted-pine-nuts", "250 g bag", 1)
    expect(page.locator("#cart-count")).to_have_text(re.compile("3"))
    check_out(page, "honey-and-nuts@example.cn")  # the mailbox is shared with the integration tests
    assert stock(site, HONEY_500) == honey - 2  # held while paying

    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_text("Payment received")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("Paid").first).to_be_visible()
    [mail] = site.mailbox.wait_for("honey-and-nuts@example.cn")
    assert "Payment received for order" in mail["Subject"]
    assert "Black bee linden honey" in mail.get_content()
    assert stock(site, HONEY_500) == honey - 2
    assert stock(site, PINE_NUTS) == nuts - 1
    page.get_by_role("link", name="Cart", exact=True).click()
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()


def test_cancel_on_the_payment_page_gives_the_stock_back(page: Page, site):
    honey = stock(site, HONEY_500)
    add_to_cart(page, site, "linden-honey", "500 g jar", 3)
    check_out(page, "undecided@example.cn")
    assert stock(site, HONEY_500) == honey - 3
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("heading", name="Payment not completed")).to_be_visible()
    assert stock(site, HONEY_500) == honey - 3  # still reserved: the shopper may pay after all
    page.get_by_role("button", name="Cancel order").click()
    expect(page.get_by_text("Payment cancelled.")).to_be_visible()
    expect(page.get_by_label("Quantity")).to_have_value("3")
    assert stock(site, HONEY_500) == honey


def test_a_session_that_expires_gives_the_stock_back(page: Page, site):
    honey = stock(site, HONEY_500)
    add_to_cart(page, site, "linden-honey", "500 g jar", 1)
    check_out(page, "slow@example.cn")
    assert stock(site, HONEY_500) == honey - 1
    session_id = page.url.rsplit("/", 1)[-1]
    httpx.post(f"{site.sandbox_url}/sandbox/sessions/{session_id}/lapse").raise_for_status()
    wait_for_stock(site, HONEY_500, honey)
    page.reload()
    expect(page.get_by_role("button", name="Pay")).to_have_count(0)


def test_changing_the_province_clears_the_districts_under_the_security_policy(page: Page, site):
    violations = []
    page.on(
        "console", lambda message: violations.append(message.text) if "violates" in message.text else None
    )
    add_to_cart(page, site, "linden-honey", "500 g jar", 1)
    page.get_by_role("link", name="Cart", exact=True).click()
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Province").select_option(label="黑龙江省 Heilongjiang")
    page.get_by_label("City").select_option(label="哈尔滨市 Haerbin")
    expect(page.get_by_label("District").locator("option", has_text="道里区")).to_have_count(1)
    page.get_by_label("Province").select_option(label="河北省 Hebei")
    expect(page.get_by_label("City").locator("option", has_text="石家庄市")).to_have_count(1)
    expect(page.get_by_label("District").locator("option", has_text="道里区")).to_have_count(0)
    assert violations == []


def test_back_to_the_page_confirming_a_payment_brings_the_whole_page_back(page: Page, site):
    """The page confirming a payment asks its own address every 2 s (HTMX) for its progress; Back to
    it from another page shows the whole page again, not the last progress HTMX was sent."""
    add_to_cart(page, site, "linden-honey", "500 g jar", 1)
    check_out(page, "back-to-confirming@example.cn")
    page.get_by_label("Delayed payment method").check()
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_text("Confirming your payment…")).to_be_visible()
    confirming = page.url.split("&session_id=")[0]  # the address it asks, as after a refused cancel
    with page.expect_response(
        lambda answer: answer.url == confirming and answer.request.headers.get("hx-request")
    ):
        page.goto(confirming)
    page.get_by_role("link", name="Cart", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    page.go_back()
    expect(page).to_have_url(confirming)
    expect(page.locator(".brand-name")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Confirming your payment…")).to_be_visible()
