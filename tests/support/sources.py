"""Reading the shop's own source, for tests that keep a rule in one module."""

from __future__ import annotations

import re

from storefront.config import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "storefront"


def said_outside(module: str, pattern: str) -> list[str]:
    """Where ``pattern`` occurs in the runtime package except in ``module`` (e.g. ``"clock.py"``)."""
    sources = [path for path in sorted(PACKAGE.rglob("*.py")) if path != PACKAGE / module]
    return [
        f"{path.relative_to(PROJECT_ROOT)}: {hit}"
        for path in sources
        for hit in re.findall(pattern, path.read_text("utf-8"))
    ]
