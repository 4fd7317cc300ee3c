"""Where a picture's sizes live, told by its stored path alone.

An upload is stored as one JPEG and one WebP for each width the shop shows (:data:`WIDTHS`, never
wider than the upload), named ``uploads/{county_id}/{kind}/{token}-{width}x{height}.jpg`` (and
``.webp``), where ``token`` is random and the stored path is the largest JPEG. So a product
picture, a producer photo, a logo and a county's banner (whose rows hold only the path) each get
their ``srcset`` from the path, and the files to remove when it goes. The demo's drawings are stored
the same way. Paths of any other shape (pictures seeded before) are one file, shown as they are.

Imports nothing but the standard library: the Jinja helper :func:`picture_set` uses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WIDTHS = (320, 640, 960, 1280)
"""Widths stored: a two-column phone grid at 1x up to the product page's gallery on a 3x phone."""
MAX_WIDTH = WIDTHS[-1]
UPLOADS = "uploads"
KINDS = ("products", "producers", "logo", "banner")

_GENERATED = re.compile(
    r"(?P<stem>uploads/[0-9]{1,12}/(?:products|producers|logo|banner)/[0-9a-f]{32})-(?P<width>[0-9]{1,5})x(?P<height>[0-9]{1,5})\.jpg"
)


def widths_for(width: int) -> list[int]:
    """The widths stored for a picture whose largest size is ``width`` pixels wide (no upscaling)."""
    return [*(size for size in WIDTHS if size < width), width]


def height_for(width: int, largest: tuple[int, int]) -> int:
    """A size's height, keeping the largest size's proportions (the same sum here and when stored)."""
    largest_width, largest_height = largest
    return max(1, round(largest_height * width / largest_width))


def sizes_for(largest: tuple[int, int]) -> list[tuple[int, int]]:
    return [(width, height_for(width, largest)) for width in widths_for(largest[0])]


def stored_name(folder: str, token: str, size: tuple[int, int], extension: str) -> str:
    return f"{folder}/{token}-{size[0]}x{size[1]}.{extension}"


def folder_for(county_id: int, kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(kind)
    return f"{UPLOADS}/{county_id}/{kind}"


@dataclass(frozen=True)
class PictureSet:
    """What an ``<img>`` (and its WebP ``<source>``) needs: ``webp_srcset`` is empty for a path that
    is a single file; ``width``/``height`` None when the path does not say. ``smallest`` is the
    smallest JPEG stored (the file itself for a single file): a logo's is its county's favicon."""

    src: str
    smallest: str = ""
    jpeg_srcset: str = ""
    webp_srcset: str = ""
    width: int | None = None
    height: int | None = None


def _parse(path: str | None) -> tuple[str, tuple[int, int]] | None:
    found = _GENERATED.fullmatch(path or "")
    if not found:
        return None
    largest = (int(found["width"]), int(found["height"]))
    if not 0 < largest[0] <= MAX_WIDTH or largest[1] <= 0:
        return None
    return found["stem"], largest


def picture_set(path: str | None, media_prefix: str = "/media") -> PictureSet | None:
    """The sizes of a stored picture, or None when there is no picture."""
    if not path:
        return None
    parsed = _parse(path)
    if parsed is None:
        return PictureSet(src=f"{media_prefix}/{path}", smallest=f"{media_prefix}/{path}")
    stem, largest = parsed
    smallest_width, smallest_height = sizes_for(largest)[0]

    def srcset(extension: str) -> str:
        sizes = sizes_for(largest)
        return ", ".join(f"{media_prefix}/{stem}-{w}x{h}.{extension} {w}w" for w, h in sizes)

    return PictureSet(
        src=f"{media_prefix}/{path}",
        smallest=f"{media_prefix}/{stem}-{smallest_width}x{smallest_height}.jpg",
        jpeg_srcset=srcset("jpg"),
        webp_srcset=srcset("webp"),
        width=largest[0],
        height=largest[1],
    )


def stored_files(path: str | None) -> list[str]:
    """Every file stored for ``path`` (relative to the media folder): all sizes in both formats,
    or the one file of a path not made here."""
    if not path:
        return []
    parsed = _parse(path)
    if parsed is None:
        return [path]
    stem, largest = parsed
    return [f"{stem}-{w}x{h}.{ext}" for w, h in sizes_for(largest) for ext in ("jpg", "webp")]
