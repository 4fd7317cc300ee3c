"""The Raohe admin reads the brand dashboard on a phone, in English: picks "Last 12 months", sees
the charts drawn (ECharts, from the tables) and downloads the CSV of top products; a shopper who
came by a creator's link and bought shows up on that creator's row."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import Browser, expect

from tests.e2e.shopping import add_to_cart, check_out
from tests.e2e.test_admin import PHONE, RAOHE_ADMIN, fits_the_phone, log_in


def test_the_raohe_admin_reads_the_last_12_months_and_downloads_top_products(browser: Browser, site) -> None:
    # A paid order, so the county has at least one product sold whatever the demo history holds.
    shopper = browser.new_context(**PHONE).new_page()
    add_to_cart(shopper, site, "linden-honey", "500 g jar", 1)
    check_out(shopper, "dashboard-buyer@example.cn")
    shopper.get_by_role("button", name="Pay").click()
    expect(shopper.get_by_text("Payment received")).to_be_visible(timeout=15_000)
    shopper.context.close()

    context = browser.new_context(**PHONE, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, site, RAOHE_ADMIN)
    expect(page).to_have_url(f"{site.url}/admin/")
    page.get_by_role("link", name="Last 12 months").click()
    expect(page.get_by_role("link", name="Last 12 months")).to_have_attribute("aria-current", "true")
    expect(page).to_have_url(f"{site.url}/admin/?range=last_12_months")  # pushed by HTMX
    expect(page.get_by_text(re.compile(r"^Period: \d{4}-\d{2}-\d{2} – "))).to_be_visible()

    products = page.locator("section", has=page.get_by_role("heading", name="Top products", exact=True))
    expect(
        products.get_by_role("table").get_by_role("rowheader", name="Black bee linden honey", exact=True)
    ).to_be_visible()
    # The charts are drawn (SVG by ECharts) and fit the phone.
    for chart in ("sales_by_day", "funnel", "products"):
        drawn = page.locator(f'[data-table="dashboard-{chart}-table"] svg')
        expect(drawn.first).to_be_visible()
    fits_the_phone(page, r"/admin/\?range=last_12_months")
    width = page.evaluate("document.querySelector('[data-table=\"dashboard-products-table\"]').offsetWidth")
    assert 0 < width <= 390

    with page.expect_download() as download_info:
        products.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("products-raohe-")
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Product", "Sales (¥)", "Units"]
    assert "Black bee linden honey" in [row[0] for row in rows[1:]]
    assert not errors, errors
    context.close()


def creator_orders_today(page, site, name: str) -> int:
    page.goto(f"{site.url}/admin/?range=today")
    row = page.locator(
        "#dashboard-creators-table tr", has=page.get_by_role("rowheader", name=name, exact=True)
    )
    return int(row.locator("td").nth(4).get_attribute("data-value") or 0)


def test_a_shopper_who_came_by_a_creators_link_and_bought_is_on_that_creators_row(browser: Browser, site):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, site, RAOHE_ADMIN)
    before = creator_orders_today(page, site, "北纬47度的蜜")
    others = creator_orders_today(page, site, "饶河蜂姐")

    shopper = browser.new_context(**PHONE).new_page()
    shopper.goto(f"{site.url}/c/raohe/?ref=BEI47")  # from the creator's video
    add_to_cart(shopper, site, "linden-honey", "500 g jar", 1)
    check_out(shopper, "from-a-video@example.cn")
    shopper.get_by_role("button", name="Pay").click()
    expect(shopper.get_by_text("Payment received")).to_be_visible(timeout=15_000)
    shopper.context.close()

    assert creator_orders_today(page, site, "北纬47度的蜜") == before + 1
    assert creator_orders_today(page, site, "饶河蜂姐") == others  # the last click's creator only
    context.close()
