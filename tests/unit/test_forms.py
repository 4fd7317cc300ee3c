"""The forms layer: one adapter from a submitted body to a typed model or to messages a field."""

from __future__ import annotations

import pytest

from storefront.cart.forms import AddToCartForm, QuantityForm
from storefront.checkout.forms import CancelCheckoutForm, CheckoutForm
from storefront.forms import read_form
from storefront.i18n import current_language
from storefront.orders.forms import OrderLookupForm
from tests.support.shopper import ADDRESS

VALID = {"email": "wang@example.cn", **ADDRESS}


@pytest.fixture
def language(request):
    token = current_language.set(request.param)
    yield request.param
    current_language.reset(token)


@pytest.mark.parametrize("language", ["en"], indirect=True)
def test_every_mistake_is_reported_at_once(language):
    form = read_form(
        CheckoutForm,
        {
            **VALID,
            "email": "wang@",
            "recipient": "",
            "mobile": "12345",
            "city": "4401",  # a city of another province: the district cannot be right
            "address": "街" * 201,
            "postal_code": "1234",
            "note": "长" * 501,
        },
    )
    assert form.data is None and not form.is_valid
    assert form.errors == {
        "email": "This email address does not look right.",
        "recipient": "Please enter the recipient's name.",
        "mobile": "A mobile number has 11 digits and starts with 13 to 19.",
        "district": "Please choose a district of the chosen city.",
        "address": "Please keep this under 200 characters.",
        "postal_code": "A postal code has 6 digits.",
        "note": "Please keep this under 500 characters.",
    }


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            {
                "email": "Please enter your email address.",
                "recipient": "Please enter the recipient's name.",
                "mobile": "Please enter a mobile number.",
                "province": "Please choose a province.",
                "address": "Please enter the street address.",
                "note": "Please keep this under 500 characters.",
            },
        ),
        (
            "zh",
            {
                "email": "请输入电子邮箱。",
                "recipient": "请输入收件人姓名。",
                "mobile": "请输入手机号。",
                "province": "请选择省份。",
                "address": "请输入详细地址。",
                "note": "请不要超过 500 个字。",
            },
        ),
    ],
    indirect=["language"],
)
def test_the_messages_are_in_the_visitors_language(language, expected):
    form = read_form(CheckoutForm, {"note": "长" * 501})  # an empty form, but for a long note
    assert form.errors == expected  # no city asked for before a province


def test_what_was_typed_is_kept_cleaned_for_showing_again():
    typed = {**VALID, "email": "  Wang@", "recipient": " 李四\x00 ", "district": "999999"}
    form = read_form(CheckoutForm, typed)
    assert set(form.errors) == {"email", "district"}
    assert form.values["email"] == "Wang@" and form.values["recipient"] == "李四"
    assert form.values["province"] == "23" and form.values["district"] == "999999"


def test_a_valid_form_gives_typed_values_and_shows_them_normalized():
    form = read_form(CheckoutForm, {**VALID, "email": "Wang.Li@Example.CN", "mobile": "138 0013-8000"})
    assert form.is_valid and form.errors == {}
    assert form.data.email == "Wang.Li@example.cn" and form.data.mobile == "13800138000"
    assert form.values["email"] == "Wang.Li@example.cn" and form.values["mobile"] == "13800138000"
    address = form.data.shipping_address
    assert (address.recipient, address.province, address.city, address.district) == (
        "王小明",
        "黑龙江省",
        "哈尔滨市",
        "道里区",
    )
    assert address.postal_code == "150010" and address.note == ""


def test_cart_forms_give_whole_numbers():
    added = read_form(AddToCartForm, {"variant_id": " 42 ", "_csrf_token": "x", "price": "1"})
    assert added.data.variant_id == 42 and added.data.quantity == 1  # one unless said otherwise
    assert added.values == {"variant_id": "42", "quantity": "1"}
    assert read_form(QuantityForm, {"quantity": "7"}).data.quantity == 7


@pytest.mark.parametrize("language", ["en"], indirect=True)
def test_a_field_left_out_is_judged_like_an_empty_one(language):
    assert read_form(AddToCartForm, {}).errors == {"variant_id": "Please choose a size first."}
    assert read_form(QuantityForm, {}).errors == {
        "quantity": "Please enter the quantity as a whole number, such as 1 or 2."
    }


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This field could not be read; please fill it in again."),
        ("zh", "无法读取此项，请重新填写。"),
    ],
    indirect=["language"],
)
@pytest.mark.parametrize("sent", [["a@example.cn", "b@example.cn"], [], {"x": "1"}, object(), 1.5, True])
def test_a_value_no_browser_sends_is_a_message_on_its_field(language, message, sent):
    form = read_form(CheckoutForm, {**VALID, "email": sent, "mobile": ["13800138000", "13900139000"]})
    assert form.data is None
    assert form.errors == {"email": message, "mobile": message}
    assert form.values["email"] == "" and form.values["recipient"] == "王小明"


@pytest.mark.parametrize("language", ["en"], indirect=True)
def test_malformed_bodies_of_every_form_give_messages(language):
    unreadable = "This field could not be read; please fill it in again."
    for model, body in (
        (AddToCartForm, {"variant_id": ["1", "2"], "quantity": ["1", "1"]}),
        (QuantityForm, {"quantity": ["2", "3"]}),
        (OrderLookupForm, {"number": ["A", "B"], "contact": "x"}),
        (CancelCheckoutForm, {"order": ["A", "B"]}),
    ):
        form = read_form(model, body)
        assert form.data is None and set(form.errors.values()) == {unreadable}, model
        assert form.error == unreadable
    assert read_form(CheckoutForm, None).errors  # no body at all: judged as an empty form


def test_lookup_fields_are_cut_not_judged():
    form = read_form(OrderLookupForm, {"number": " ra261128abcdef" + "X" * 40, "contact": "x" * 300})
    assert len(form.data.number) == 32 and form.data.number.startswith("ra261128abcdef")
    assert len(form.data.contact) == 254 and form.values["contact"] == "x" * 254


def test_the_unjudged_form_keeps_the_values_only():
    form = read_form(CheckoutForm, {"email": "x@example.cn", "province": "43"}).without_errors()
    assert form.errors == {} and form.data is None
    assert form.values["email"] == "x@example.cn" and form.values["province"] == "43"
