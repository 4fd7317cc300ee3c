"""`make run` prints how to log in as each demo admin, exactly as demo/admins.toml has them."""

from __future__ import annotations

from demo.seed import load_demo_admins
from storefront.accounts.passwords import password_problem
from tests.support.make import make_run_commands


def test_make_run_prints_every_demo_admins_login():
    printed = make_run_commands(STOREFRONT_ENV=True)  # demo admins exist outside production
    admins = load_demo_admins()
    assert {admin.platform for admin in admins} == {True, False}
    assert "/admin/login" in printed
    for admin in admins:
        assert f"{admin.email} / {admin.password}" in printed
        assert password_problem(admin.password, admin.email) is None
