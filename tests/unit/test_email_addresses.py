"""Email addresses: checkout takes only those a mail server can take, and mail files never use them."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage

import pytest

from storefront.checkout.forms import CheckoutForm
from storefront.config import Settings
from storefront.forms import SubmittedForm, read_form
from storefront.i18n import current_language
from storefront.notifications.mail import Mailer
from storefront.web import create_environment
from tests.support.shopper import ADDRESS


@pytest.mark.parametrize(
    "email",
    [
        "x" * 65 + "@example.cn",  # more than 64 characters before the @
        "x" * 236 + "@example.com",
        "wang@example",
        "wang@@example.cn",
        "wang..li@example.cn",
        "wang@exam_ple.cn",
        "wang@[192.0.2.1]",
        "王 小明@example.cn",
    ],
)
def test_checkout_refuses_an_address_no_mail_server_takes(email):
    form = parse_in("en", email)
    assert form.errors == {"email": "This email address does not look right."}
    assert form.values["email"] == email  # kept for the shopper to correct


def test_the_error_is_in_the_shoppers_language():
    assert parse_in("zh", "x" * 65 + "@example.cn").errors == {"email": "电子邮箱格式不正确。"}


def parse_in(language: str, email: str) -> SubmittedForm[CheckoutForm]:
    token = current_language.set(language)
    try:
        return read_form(CheckoutForm, {"email": email, **ADDRESS})
    finally:
        current_language.reset(token)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Wang.Li@Example.CN", "Wang.Li@example.cn"),
        ("a/b@example.com", "a/b@example.com"),
        ("王小明@例子.中国", "王小明@例子.中国"),
    ],
)
def test_checkout_keeps_the_normalized_address(typed, kept):
    form = parse_in("en", typed)
    assert form.is_valid
    assert form.values["email"] == kept


@pytest.mark.parametrize("address", ["a/b@example.com", "../../x@example.com", "x" * 64 + "@example.com"])
def test_a_mail_file_name_is_never_built_from_the_address(tmp_path, address):
    mailer = Mailer(Settings(secret_key="x", mail_dir=tmp_path / "mail"), create_environment())
    message = EmailMessage()
    message["To"] = address
    message.set_content("paid")
    assert asyncio.run(mailer.send(message))
    [written] = (tmp_path / "mail").iterdir()
    assert address.split("@")[0].strip("./") not in written.name
