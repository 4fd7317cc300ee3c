"""Money: amounts in fen, shown for people and written for machines in one place (storefront/money.py)."""

from __future__ import annotations

import pytest

from storefront.catalog.models import Product, Variant
from storefront.catalog.service import product_json_ld
from storefront.money import decimal_string, format_money
from storefront.tenancy.models import County
from tests.support.sources import said_outside


@pytest.mark.parametrize(
    ("fen", "shown"),
    [(1280, "¥12.80"), (0, "¥0.00"), (5, "¥0.05"), (123450, "¥1,234.50"), (123456789, "¥1,234,567.89")],
)
def test_money_shows_as_yuan_with_two_decimals(fen, shown):
    assert format_money(fen) == shown
    assert format_money(fen, "cny") == shown


def test_no_amount_shows_as_nothing():
    assert format_money(None) == ""


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (1280, "usd", "$12.80"),
        (1280, "EUR", "€12.80"),
        (123450, "gbp", "£1,234.50"),
        (1280, "hkd", "HK$12.80"),
        (1280, "jpy", "¥1,280"),  # zero-decimal: Stripe counts whole yen
        (1280000, "krw", "1,280,000 KRW"),
        (1280, "chf", "12.80 CHF"),
    ],
)
def test_other_currencies_show_as_the_stripe_sandbox_shows_them(amount, currency, shown):
    assert format_money(amount, currency) == shown


@pytest.mark.parametrize(
    ("amount", "currency", "written"),
    [
        (1280, "CNY", "12.80"),
        (0, "CNY", "0.00"),
        (5, "CNY", "0.05"),
        (123450, "CNY", "1234.50"),
        (1280, "JPY", "1280"),
    ],
)
def test_machines_get_the_amount_in_yuan_with_a_dot(amount, currency, written):
    assert decimal_string(amount, currency) == written


def test_json_ld_offers_are_priced_in_yuan():
    county = County(slug="raohe", name_zh="饶河县", name_en="Raohe County", currency="CNY")
    variant = Variant(sku="RH-1", label_zh="500 g", label_en="500 g", price=1280, stock=3)
    product = Product(name_zh="椴树蜂蜜", name_en="Linden honey", description_zh="", description_en="")
    product.variants = [variant]
    product.images = []
    product.producer = None

    data = product_json_ld(
        product, county, page_url="https://shop.example/p", base_url="https://shop.example"
    )

    [offer] = data["offers"]
    assert (offer["price"], offer["priceCurrency"]) == ("12.80", "CNY")


def test_only_the_money_module_formats_amounts():
    assert said_outside("money.py", r"babel\.numbers|divmod\(|/ 100\b") == []
