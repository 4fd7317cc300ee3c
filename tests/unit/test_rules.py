"""Pure rules: quantities, addresses, shipping, languages, mail files."""

from __future__ import annotations

import asyncio
import email
import email.policy

import pytest

from storefront.cart.forms import QuantityForm
from storefront.checkout import divisions
from storefront.checkout.forms import CheckoutForm
from storefront.config import Settings
from storefront.forms import read_form
from storefront.notifications.mail import Mailer
from storefront.orders.models import Order, OrderLine
from storefront.tenancy.models import County
from storefront.web import create_environment
from tests.support.shopper import ADDRESS

VALID = {"email": "wang@example.cn", **ADDRESS}


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), (" 12 ", 12), (3, 3)])
def test_whole_positive_quantities_are_accepted(raw, expected):
    assert read_form(QuantityForm, {"quantity": raw}).data.quantity == expected


@pytest.mark.parametrize("raw", ["0", "-2", "1.5", "", None, "二", "1e3"])
def test_anything_else_is_refused(raw):
    form = read_form(QuantityForm, {"quantity": raw})
    assert form.data is None and list(form.errors) == ["quantity"]


def test_a_complete_address_resolves_to_division_names():
    form = read_form(CheckoutForm, VALID)
    assert form.is_valid
    address = form.data.shipping_address
    assert (address.province, address.city, address.district) == ("黑龙江省", "哈尔滨市", "道里区")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mobile": "12800138000"}, "mobile"),
        ({"mobile": "1380013800"}, "mobile"),
        ({"email": "wang@"}, "email"),
        ({"district": "440103"}, "district"),  # a district of another city
        ({"city": ""}, "city"),
        ({"postal_code": "15001"}, "postal_code"),
        ({"recipient": "  "}, "recipient"),
        ({"note": "长" * 501}, "note"),
    ],
)
def test_each_mistake_is_reported_on_its_own_field(changes, field):
    form = read_form(CheckoutForm, {**VALID, **changes})
    assert list(form.errors) == [field]
    assert form.values["province"] == "23"  # what was typed is kept


def test_mobile_numbers_may_be_typed_with_spaces_or_dashes():
    assert read_form(CheckoutForm, {**VALID, "mobile": "138-0013 8000"}).values["mobile"] == "13800138000"


def test_the_division_data_covers_every_province():
    provinces = divisions.provinces()
    assert len(provinces) == 31
    assert {"北京市", "黑龙江省", "湖南省", "新疆维吾尔自治区"} <= {province.name for province in provinces}
    assert divisions.resolve("43", "4331", "433126") == ("湖南省", "湘西土家族苗族自治州", "古丈县")


@pytest.mark.parametrize(("subtotal", "fee"), [(9899, 1000), (9900, 0), (20000, 0)])
def test_shipping_is_flat_and_free_from_the_threshold(subtotal, fee):
    assert County(shipping_fee=1000, free_shipping_threshold=9900).shipping_for(subtotal) == fee


def test_without_a_threshold_shipping_is_always_charged():
    assert County(shipping_fee=800, free_shipping_threshold=None).shipping_for(10**6) == 800


def test_without_smtp_the_confirmation_is_written_to_var_mail(tmp_path):
    settings = Settings(secret_key="x", mail_dir=tmp_path / "mail", public_url="https://shop.example")
    mailer = Mailer(settings, create_environment())
    county = County(slug="raohe", name_zh="饶河县", name_en="Raohe County")
    order = Order(
        number="RA261128ABCDEF",
        language="en",
        email="li@example.cn",
        recipient="Li Lei",
        mobile="13800138000",
        province="黑龙江省",
        city="双鸭山市",
        district="饶河县",
        address="1 Main St",
        currency="CNY",
        subtotal=9800,
        shipping_fee=0,
        total=9800,
        lines=[
            OrderLine(
                product_name_zh="椴树蜂蜜",
                product_name_en="Linden honey",
                variant_label_zh="500 g 瓶装",
                variant_label_en="500 g jar",
                sku="RH-1",
                unit_price=9800,
                quantity=1,
            )
        ],
    )
    asyncio.run(mailer.send(mailer.order_paid_message(order, county)))
    [written] = (tmp_path / "mail").iterdir()
    message = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert message["To"] == "li@example.cn"
    assert message["Subject"] == "Payment received for order RA261128ABCDEF"
    body = message.get_content()
    assert "Linden honey" in body and "¥98.00" in body
    assert "https://shop.example/c/raohe/orders/RA261128ABCDEF" in body
