"""A shopper on a phone browses the county shops."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def test_a_shopper_finds_raohe_honey_and_its_producer_then_reads_in_english(page: Page, site):
    page.goto(site.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("找到县域好店")
    page.get_by_role("link", name=re.compile("饶河县")).click()
    expect(page).to_have_url(re.compile(r"/c/raohe/$"))
    expect(page.locator(".brand-name")).to_have_text("饶河县")

    page.get_by_label("搜索").first.fill("蜂蜜")
    results = page.locator("#search-results .product-card")
    expect(results.first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/c/raohe/search\?q="))  # live search, no page load
    assert results.count() >= 4
    results.filter(has_text="椴树蜂蜜").first.get_by_role("link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("东北黑蜂椴树蜂蜜")
    expect(page.locator(".title-price")).to_have_text("¥58.00")  # beside the title
    page.locator(".producer-card").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/c/raohe/producers/"))
    producer_name = page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Search")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(producer_name)
    page.get_by_role("link", name="Cart", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")  # the choice is remembered


def test_the_search_form_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site.url}/c/raohe/?lang=en")
    page.get_by_label("Search").first.fill("pine")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/c/raohe/search\?q=pine"))
    expect(page.locator(".product-card").first).to_be_visible()
    expect(page.locator(".product-card").filter(has_text="pine")).not_to_have_count(0)
    context.close()


def test_an_unknown_county_shows_the_404_page(page: Page, site):
    response = page.goto(f"{site.url}/c/atlantis/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    page.get_by_role("link", name="查看全部县域店铺").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("找到县域好店")


def test_the_same_shop_answers_on_its_own_host_name(page: Page, site):
    page.goto(site.on_host("raohe.localhost"))
    expect(page.locator(".brand-name")).to_have_text("饶河县")
    page.get_by_role("link", name="黑蜂蜂蜜").click()
    expect(page).to_have_url(f"{site.on_host('raohe.localhost')}/category/honey")
    expect(page.locator(".product-card").first).to_be_visible()


def test_back_to_a_live_search_brings_the_whole_page_back(page: Page, site):
    """The live search puts its address in the history; Back to it after opening a product shows
    the search page, not the bare results the live search was sent for that same address."""
    page.goto(f"{site.url}/c/raohe/")
    page.get_by_label("搜索").first.fill("蜂蜜")
    expect(page.locator("#search-results .product-card").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/c/raohe/search\?q="))
    page.locator("#search-results .product-card a").first.click()
    expect(page).to_have_url(re.compile(r"/products/"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/c/raohe/search\?q="))
    expect(page.locator(".brand-name")).to_have_text("饶河县")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("#search-results .product-card").first).to_be_visible()
