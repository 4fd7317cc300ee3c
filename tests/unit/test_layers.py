"""Imports flow one way: the low-level modules know no domain; the app factory composes them."""

from __future__ import annotations

import json
import subprocess
import sys

from storefront.config import PROJECT_ROOT

LOW_LEVEL = [
    "clock",
    "compression",
    "config",
    "content_versions",
    "db",
    "forms",
    "i18n",
    "money",
    "origins",
    "page_cache",
    "security",
    "sessions",
    "static_files",
    "web",
]
DOMAINS = {
    "accounts",
    "admin",
    "cart",
    "catalog",
    "checkout",
    "metrics",
    "notifications",
    "orders",
    "payments",
    "stock",
    "tenancy",
}


def test_low_level_modules_import_no_domain():
    imports = "; ".join(f"import storefront.{name}" for name in LOW_LEVEL)
    loaded = subprocess.run(
        [sys.executable, "-c", f"import json, sys; {imports}; print(json.dumps(sorted(sys.modules)))"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    domains = {name.split(".")[1] for name in json.loads(loaded.stdout) if name.startswith("storefront.")}
    assert domains & DOMAINS == set()
