"""Development tools live beside the shop: demo content is checked data, and the shop imports neither tool."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from demo.content import COUNTIES_DIR, DemoContentError, load_counties
from storefront.config import PROJECT_ROOT

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def counties(tmp_path: Path) -> Path:
    """A copy of the county files, to break."""
    folder = tmp_path / "counties"
    shutil.copytree(COUNTIES_DIR, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_county_file_loads_in_file_name_order():
    counties = load_counties()

    assert [content.county.slug for content in counties] == ["raohe", "wuchang", "guzhang", "yanling"]
    linden = next(product for product in counties[0].products if product.slug == "linden-honey")
    assert [variant.price for variant in linden.variants] == [5800, 9800, 17800]


def test_mistakes_are_reported_with_the_file_and_the_entry(counties: Path):
    raohe = counties / "01-raohe.toml"
    _edit(raohe, '"RH-LINDEN-250", price = 5800', '"RH-LINDEN-250", price = "58.00"')
    _edit(raohe, 'motif = "jar"', 'motif = "jars"')
    _edit(raohe, "images = 3", 'images = 3\ncolour = "red"')

    with pytest.raises(DemoContentError) as refused:
        load_counties(counties)

    message = str(refused.value)
    assert str(raohe) in message
    assert "products[linden-honey].variants[RH-LINDEN-250].price: Input should be a valid integer" in message
    assert "categories[honey].motif: unknown motif 'jars'" in message
    assert "products[linden-honey].colour: Extra inputs are not permitted" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('producer = "li-family"', 'producer = "li-famly"', "no producer 'li-famly' in this file"),
        ('category = "nuts"', 'category = "nut"', "no category 'nut' in this file"),
        ('sku = "RH-SNOW-500"', 'sku = "RH-LINDEN-250"', "SKU used more than once: RH-LINDEN-250"),
        ('name_zh = "饶河县"', 'name_zh = ""', "county.name_zh: String should have at least 1 character"),
    ],
)
def test_broken_references_and_empty_chinese_are_refused(counties: Path, old: str, new: str, expected: str):
    _edit(counties / "01-raohe.toml", old, new)

    with pytest.raises(DemoContentError, match=re.escape(expected)):
        load_counties(counties)


def test_a_file_is_named_after_its_county(counties: Path):
    (counties / "01-raohe.toml").rename(counties / "01-raohe-county.toml")

    with pytest.raises(DemoContentError, match=re.escape("name the file NN-raohe.toml")):
        load_counties(counties)


def test_the_shop_imports_no_development_tool(tmp_path: Path):
    """The Docker image holds neither; serving, migrating and the CLI must not need them."""
    code = (
        "import sys\n"
        "from storefront.app import create_app\n"
        "import storefront.asgi, storefront.cli\n"
        "create_app()\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'demo', 'stripe_sandbox', 'tests'}))\n"
    )
    env = {**os.environ, "STOREFRONT_VAR_DIR": str(tmp_path)}
    printed = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout

    assert printed.strip() == "[]"
