"""Write the divisions' romanized names (pinyin) next to the division data, once:

    uv run --with pypinyin python scripts/romanize_divisions.py

English pages show them beside the Chinese (黑龙江省 Heilongjiang, 道里区 Daoli District); the
shop reads the file and needs no pinyin library at run time.
"""

from __future__ import annotations

import json

from pypinyin import lazy_pinyin

from storefront.checkout.divisions import DATA_FILE, LATIN_FILE

# Longest first: the administrative word is said in English, the proper name in pinyin.
SUFFIXES = (
    ("特别行政区", ""),
    ("维吾尔自治区", ""),
    ("壮族自治区", ""),
    ("回族自治区", ""),
    ("自治区", ""),
    ("自治州", " Prefecture"),
    ("自治县", " County"),
    ("自治旗", " Banner"),
    ("地区", " Prefecture"),
    ("林区", " Forestry District"),
    ("新区", " New Area"),
    ("省", ""),
    ("市", ""),
    ("盟", " League"),
    ("旗", " Banner"),
    ("区", " District"),
    ("县", " County"),
)


def romanized(name: str) -> str:
    for suffix, english in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = name[: -len(suffix)]
            return "".join(lazy_pinyin(stem)).capitalize() + english
    return "".join(lazy_pinyin(name)).capitalize()


def main() -> None:
    names: dict[str, str] = {}
    stack = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    while stack:
        node = stack.pop()
        names[node["code"]] = romanized(node["name"])
        stack.extend(node.get("children", ()))
    LATIN_FILE.write_text(
        json.dumps(dict(sorted(names.items())), ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
