"""Every interface string in the code and templates has its Chinese translation."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from storefront.config import PROJECT_ROOT
from storefront.i18n import LOCALE_DIR


def interface_strings() -> set[str]:
    """Extracted now, from the sources, as ``make messages`` does."""
    with (LOCALE_DIR / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        PROJECT_ROOT, method_map, options_map
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_interface_string_is_translated_to_chinese():
    with (LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    translated = {
        (message.id[0] if isinstance(message.id, tuple) else message.id)
        for message in catalog
        if message.id and all(message.string if isinstance(message.string, tuple) else [message.string])
    }
    strings = interface_strings()
    assert len(strings) > 100  # the extraction really found the interface
    assert sorted(strings - translated) == []
