"""`make run` prints how to log in as each demo admin, exactly as demo/admins.toml has them."""

from __future__ import annotations

import os
import subprocess

from demo.seed import load_demo_admins
from storefront.accounts.passwords import password_problem
from storefront.config import PROJECT_ROOT


def test_make_run_prints_every_demo_admins_login():
    env = {name: value for name, value in os.environ.items() if not name.startswith(("MAKE", "MFLAGS"))}
    env.pop("STOREFRONT_ENV", None)
    printed = subprocess.run(
        ["make", "--no-print-directory", "-n", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    admins = load_demo_admins()
    assert {admin.platform for admin in admins} == {True, False}
    assert "/admin/login" in printed
    for admin in admins:
        assert f"{admin.email} / {admin.password}" in printed
        assert password_problem(admin.password, admin.email) is None
