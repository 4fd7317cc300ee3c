"""A county admin runs the shop on a phone: a new product with two variants and a photo, shipping
and a partial refund of a paid order; another county's admin reaches none of it."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.e2e.shopping import add_to_cart, check_out
from tests.support.shopper import order_number_of

RAOHE_ADMIN = ("raohe-admin@example.com", "raohe-demo-2026")
GUZHANG_ADMIN = ("guzhang-admin@example.com", "guzhang-demo-2026")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "en-US"}
SHOPPER = "ship-me@example.cn"


def log_in(page: Page, site, account: tuple[str, str]) -> None:
    page.goto(f"{site.url}/admin/login?lang=en")
    page.get_by_label("Email").fill(account[0])
    page.get_by_label("Password").fill(account[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def fits_the_phone(page: Page, path: str) -> None:
    """Once on ``path``, nothing on the page is wider than the phone (wide tables scroll inside)."""
    expect(page).to_have_url(re.compile(path))
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def photo(tmp_path: Path) -> Path:
    path = tmp_path / "pine-honey.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (214, 160, 40)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def paid_order(browser: Browser, site) -> tuple[Page, str]:
    """A shopper's paid order of Raohe honey: their page and the order number."""
    shopper = browser.new_context(**PHONE).new_page()
    add_to_cart(shopper, site, "linden-honey", "500 g jar", 1)
    check_out(shopper, SHOPPER)
    shopper.get_by_role("button", name="Pay").click()
    expect(shopper.get_by_text("Payment received")).to_be_visible(timeout=15_000)
    return shopper, order_number_of(shopper.url)


def create_product(page: Page, site, tmp_path: Path) -> int:
    """Through the admin's forms: a product, its first and second variant, and a photo."""
    page.get_by_role("link", name="Products", exact=True).click()
    page.get_by_role("link", name="New product").click()
    fits_the_phone(page, r"/admin/products/new$")
    page.get_by_label("Web address name").fill("pine-blossom-honey")
    page.get_by_label("Name (Chinese)").fill("松花蜂蜜")
    page.get_by_label("Name (English)").fill("Pine blossom honey")
    page.get_by_label("Label (Chinese)").fill("500克瓶装")
    page.get_by_label("Label (English)").fill("500 g jar")
    page.get_by_label("SKU").fill("RH-PINE-HONEY-500")
    page.get_by_label("Price (¥)").fill("88.00")
    page.get_by_label("On hand").fill("10")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pine blossom honey")
    product_id = int(re.search(r"/admin/products/(\d+)", page.url).group(1))

    second = page.locator("section", has=page.get_by_role("heading", name="Add a variant"))
    second.get_by_label("Label (Chinese)").fill("250克瓶装")
    second.get_by_label("Label (English)").fill("250 g jar")
    second.get_by_label("SKU").fill("RH-PINE-HONEY-250")
    second.get_by_label("Price (¥)").fill("48.00")
    second.get_by_label("On hand").fill("6")
    second.get_by_role("button", name="Add variant").click()
    expect(page.get_by_role("heading", name=re.compile("RH-PINE-HONEY-250"))).to_be_visible()

    page.get_by_role("link", name="Pictures").click()
    page.get_by_label("Add pictures").set_input_files(photo(tmp_path))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Pictures uploaded.")).to_be_visible()
    page.get_by_label("Alt text (English)").fill("A jar of pine blossom honey")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    expect(page.get_by_label("Alt text (English)")).to_have_value("A jar of pine blossom honey")
    fits_the_phone(page, r"/pictures")
    return product_id


def test_the_raohe_admin_runs_the_shop_and_the_guzhang_admin_reaches_none_of_it(
    page: Page, browser: Browser, site, tmp_path: Path
):
    shopper, number = paid_order(browser, site)
    log_in(page, site, RAOHE_ADMIN)
    fits_the_phone(page, r"/admin/$")

    product_id = create_product(page, site, tmp_path)
    shopper.goto(f"{site.url}/c/raohe/products/pine-blossom-honey?lang=en")  # at once, no waiting
    expect(shopper.get_by_role("heading", level=1)).to_have_text("Pine blossom honey")
    expect(shopper.locator("#buy-options").get_by_text("500 g jar")).to_be_visible()
    expect(shopper.locator("#buy-options").get_by_text("250 g jar")).to_be_visible()
    picture = shopper.get_by_role("img", name="A jar of pine blossom honey").first
    expect(picture).to_be_visible()
    assert "640w" in (picture.get_attribute("srcset") or "")

    page.get_by_role("link", name="Orders", exact=True).click()
    fits_the_phone(page, r"/admin/orders/$")
    page.get_by_role("link", name=number).click()
    page.get_by_label("Courier").select_option(label="SF Express")
    page.get_by_label("Tracking number").fill("SF1234567890")
    page.get_by_role("button", name="Mark shipped").click()
    expect(page.get_by_text("Marked shipped.")).to_be_visible()
    fits_the_phone(page, f"/admin/orders/{number}")
    shopper.goto(f"{site.url}/c/raohe/orders/{number}?lang=en")
    expect(shopper.get_by_text("SF1234567890")).to_be_visible()
    expect(shopper.get_by_text("SF Express", exact=True)).to_be_visible()
    shipped = [mail for mail in site.mailbox.wait_for(SHOPPER, count=2) if "has shipped" in mail["Subject"]]
    assert len(shipped) == 1 and "SF1234567890" in shipped[0].get_content()

    page.get_by_label("Amount (yuan)").fill("10.00")
    page.get_by_role("button", name="Refund").click()
    expect(page.get_by_text("Stripe accepted the refund")).to_be_visible()  # reloading earlier races the POST
    refunded = page.locator("dt", has_text="Refunded").locator("xpath=following-sibling::dd[1]")
    for _attempt in range(50):  # recorded when Stripe's charge.refunded arrives
        page.reload()
        if refunded.inner_text().strip() == "¥10.00":
            break
        page.wait_for_timeout(200)
    expect(refunded).to_have_text("¥10.00")

    other = browser.new_context(**PHONE).new_page()
    log_in(other, site, GUZHANG_ADMIN)
    for path in (
        f"/admin/products/{product_id}",
        f"/admin/products/{product_id}/pictures",
        f"/admin/orders/{number}",
    ):
        response = other.goto(f"{site.url}{path}")
        assert response is not None and response.status == 404, path
    other.goto(f"{site.url}/admin/products?q=pine")
    expect(other.get_by_text("Pine blossom honey")).to_have_count(0)
    other.goto(f"{site.url}/admin/orders/?q={number}")
    expect(other.get_by_role("link", name=number)).to_have_count(0)


def test_back_to_a_filtered_dashboard_or_product_search_brings_the_whole_page_back(page: Page, site):
    """The dashboard's period and the product search put their address in the history (HTMX); Back
    to it from another page shows the whole admin page, not the bare part HTMX was sent there."""
    log_in(page, site, RAOHE_ADMIN)
    expect(page).to_have_url(f"{site.url}/admin/")
    page.get_by_role("link", name="Last 12 months").click()
    expect(page).to_have_url(f"{site.url}/admin/?range=last_12_months")
    page.get_by_role("link", name="Products", exact=True).click()
    expect(page).to_have_url(f"{site.url}/admin/products")
    page.go_back()
    expect(page).to_have_url(f"{site.url}/admin/?range=last_12_months")
    whole_admin_page(page)
    expect(page.get_by_role("link", name="Last 12 months")).to_have_attribute("aria-current", "true")

    page.get_by_role("link", name="Products", exact=True).click()
    page.get_by_label("Search").fill("linden")
    expect(page).to_have_url(f"{site.url}/admin/products?q=linden")
    page.get_by_role("link", name="Black bee linden honey").click()
    expect(page).to_have_url(re.compile(r"/admin/products/\d+$"))
    page.go_back()
    expect(page).to_have_url(f"{site.url}/admin/products?q=linden")
    whole_admin_page(page)
    expect(page.get_by_role("link", name="Black bee linden honey")).to_be_visible()


def whole_admin_page(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Storefront admin")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
