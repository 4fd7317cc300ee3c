"""The shop's stylesheet: one font stack, for text and form controls alike."""

from __future__ import annotations

import re

from storefront.static_files import STATIC_DIR


def test_one_font_stack_that_inputs_buttons_and_selects_inherit():
    css = re.sub(r"/\*.*?\*/", "", (STATIC_DIR / "css" / "shop.css").read_text(), flags=re.DOTALL)
    assert len(re.findall(r"font-family\s*:", css)) == 1
    controls = re.search(r"([^{}]*)\{[^}]*\bfont:\s*inherit;[^}]*\}", css)
    assert controls, "form controls keep the browser's own font"
    assert {name.strip() for name in controls[1].split(",")} >= {"button", "input", "select", "textarea"}
