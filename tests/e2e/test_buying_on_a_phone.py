"""Buying with one thumb on a phone: the bottom bar's "Buy now", a double tap, the sheet of sizes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.shopping import add_to_cart

WORDS = {
    "zh": {"buy": "立即购买", "add": "加入购物车", "added": "已加入购物车", "summary": "您的订单"},
    "en": {"buy": "Buy now", "add": "Add to cart", "added": "Added to your cart.", "summary": "Your order"},
}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_buy_now_on_the_bottom_bar_checks_out_that_item_and_leaves_the_cart(page: Page, site, language):
    words = WORDS[language]
    add_to_cart(page, site, "roasted-pine-nuts", "250 g bag", 1)  # a cart that already holds something
    page.goto(f"{site.url}/c/raohe/products/linden-honey?lang={language}")
    bar = page.locator(".buy-bar")
    expect(bar).to_be_in_viewport()  # fixed to the bottom of the first screen
    box = bar.bounding_box()
    assert box is not None and box["y"] + box["height"] == pytest.approx(844, abs=1)
    expect(bar).to_contain_text("¥")
    bar.get_by_role("button", name=words["buy"]).click()

    expect(page).to_have_url(re.compile(r"/c/raohe/checkout\?variant_id=\d+&quantity=1$"))
    summary = page.locator(".order-summary")
    expect(summary).to_contain_text(words["summary"])
    expect(summary.get_by_role("listitem")).to_have_count(1)
    expect(summary).to_contain_text(re.compile("椴树蜂蜜|linden honey", re.IGNORECASE))
    expect(summary).not_to_contain_text(re.compile("松子|pine nuts", re.IGNORECASE))
    page.goto(f"{site.url}/c/raohe/cart")
    expect(page.locator(".cart-line")).to_have_count(1)  # the cart is as it was


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_double_tap_on_add_to_cart_adds_one(page: Page, site, language):
    words = WORDS[language]
    page.goto(f"{site.url}/c/raohe/products/linden-honey?lang={language}")
    page.get_by_role("button", name=words["add"]).dblclick()
    message = page.get_by_role("status").filter(has_text=words["added"])
    expect(message).to_be_in_viewport()  # just above the bar, under the thumb
    page.wait_for_load_state("networkidle")
    expect(page.locator("#cart-count")).to_have_text("1")
    page.goto(f"{site.url}/c/raohe/cart")
    expect(page.locator(".cart-line")).to_have_count(1)
    expect(page.locator(".cart-line input[name=quantity]")).to_have_value("1")


def test_sizes_open_in_a_sheet_and_the_quantity_steps_with_44_px_buttons(page: Page, site):
    page.goto(f"{site.url}/c/raohe/products/linden-honey?lang=en")
    page.locator(".sheet-toggle").click()
    sheet = page.locator("#buy-options")
    expect(sheet).to_be_in_viewport()
    more = sheet.get_by_role("button", name="One more")
    for button in (more, sheet.get_by_role("button", name="One fewer")):
        box = button.bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44
    more.click()
    more.click()
    expect(page.get_by_label("Quantity")).to_have_value("3")
    page.get_by_role("button", name="Done").click()
    page.get_by_role("button", name="Add to cart").click()
    expect(page.locator("#cart-count")).to_have_text("3")
    expect(page.get_by_role("link", name="My orders")).to_be_visible()


@pytest.mark.parametrize(
    ("language", "pay", "first_error"),
    [("zh", "实付 {total} · 去支付", "#recipient"), ("en", "Pay with Stripe · {total}", "#recipient")],
)
def test_the_pay_button_shows_the_total_and_an_empty_submit_focuses_the_first_error(
    page: Page, site, language, pay, first_error
):
    page.goto(f"{site.url}/c/raohe/products/linden-honey?lang={language}")  # ¥58.00, shipping ¥12.00
    page.locator(".buy-bar .buy-button").click()
    expect(page.get_by_text(re.compile("仅配送至中国大陆|Delivery to mainland China only"))).to_be_visible()
    expect(page.get_by_test_id("checkout-total")).to_have_text("¥70.00")
    button = page.get_by_role("button", name=pay.format(total="¥70.00"), exact=True)
    expect(button).to_be_visible()
    summary, pay_box = page.locator(".order-summary").bounding_box(), button.bounding_box()
    assert summary is not None and pay_box is not None and summary["y"] < pay_box["y"]  # summary first
    button.click()
    expect(page.locator(first_error)).to_be_focused()  # the recipient, first in the form
    page.locator(first_error).fill("王小明")
    expect(page.locator("#recipient-error")).to_have_count(0)  # the error goes once fixed
    expect(page.locator("#mobile-error")).to_be_visible()


def test_a_municipality_skips_the_districts_under_the_city_step(page: Page, site):
    page.goto(f"{site.url}/c/raohe/products/linden-honey?lang=en")
    page.locator(".buy-bar .buy-button").click()
    page.get_by_label("Province").select_option(label="北京市 Beijing")
    expect(page.get_by_label("City")).to_have_value(re.compile(r"^1101$"))
    expect(
        page.get_by_label("District").locator("option", has_text="东城区 Dongcheng District")
    ).to_have_count(1)


def test_add_to_cart_pressed_before_the_page_has_a_token_still_adds_once(page: Page, site):
    """The cached product page carries no token: the cart count's answer brings the cookie. A
    shopper who presses Add to cart (twice) before it came back (here it never does) waits for a
    token instead of being told the page expired, and gets one jar."""
    page.route(
        "**/cart/count",
        lambda route: route.abort() if route.request.headers.get("hx-request") else route.continue_(),
    )
    page.goto(f"{site.url}/c/raohe/products/linden-honey?lang=en")
    assert "csrftoken" not in {cookie["name"] for cookie in page.context.cookies()}

    page.get_by_role("button", name="Add to cart").dblclick()

    expect(page.get_by_role("status").filter(has_text="Added to your cart.")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.goto(f"{site.url}/c/raohe/cart?lang=en")
    expect(page.locator(".cart-line")).to_have_count(1)
    expect(page.locator(".cart-line input[name=quantity]")).to_have_value("1")
