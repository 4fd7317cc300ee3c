"""Fingerprinted names of the static files: from their content, new when it changes."""

from __future__ import annotations

import re

import pytest

from storefront.static_files import STATIC_DIR, StaticAssets, fingerprinted
from storefront.web import create_environment


def test_a_file_is_named_by_its_content():
    assert re.fullmatch(r"css/shop\.[0-9a-f]{8}\.css", fingerprinted("css/shop.css", b"body {}"))
    assert fingerprinted("css/shop.css", b"body {}") == fingerprinted("css/shop.css", b"body {}")
    assert re.fullmatch(
        r"vendor/htmx-2\.0\.11\.min\.[0-9a-f]{8}\.js", fingerprinted("vendor/htmx-2.0.11.min.js", b"x")
    )
    assert re.fullmatch(r"LICENSE\.[0-9a-f]{8}", fingerprinted("LICENSE", b"x"))


def test_a_changed_file_gets_a_new_name_and_its_old_name_still_finds_it(tmp_path):
    (tmp_path / "css").mkdir()
    stylesheet = tmp_path / "css" / "shop.css"
    stylesheet.write_text("body { color: black; }")
    before = StaticAssets(tmp_path)
    stylesheet.write_text("body { color: navy; }")
    after = StaticAssets(tmp_path)

    old_url, new_url = before.url("css/shop.css"), after.url("css/shop.css")
    assert old_url != new_url and re.fullmatch(r"/static/css/shop\.[0-9a-f]{8}\.css", new_url)
    assert after.resolve(new_url.removeprefix("/static/")) == ("css/shop.css", True)
    assert after.resolve(old_url.removeprefix("/static/")) == ("css/shop.css", False)  # a page from before
    assert after.resolve("css/shop.css") == ("css/shop.css", False)
    assert after.resolve("css/other.0123abcd.css") is None
    assert after.resolve("../secret.txt") is None


def test_templates_link_every_stylesheet_and_script_by_its_fingerprint():
    assets = StaticAssets(STATIC_DIR)
    environment = create_environment(assets=assets)
    html = environment.from_string('{{ static_url("css/shop.css") }} {{ static_url("js/shop.js") }}').render()
    assert html == f"{assets.url('css/shop.css')} {assets.url('js/shop.js')}"
    with pytest.raises(LookupError, match=r"static/css/missing\.css"):
        environment.from_string('{{ static_url("css/missing.css") }}').render()


def test_no_template_links_a_static_file_by_its_plain_name():
    templates = STATIC_DIR.parent / "templates"
    plain = [
        f"{path.relative_to(templates)}: {link}"
        for path in templates.rglob("*.html")
        for link in re.findall(r"""(?:src|href)=["']/static/[^"']+""", path.read_text())
    ]
    assert plain == []
