"""An uploaded picture, checked by its content and stored in the sizes the shop shows.

:func:`store_picture` is the one way in: the bytes are judged by Pillow, never by the file's name
or declared type (JPEG, PNG and WebP only; at most :data:`MAX_BYTES`; at most :data:`MAX_PIXELS`,
refused from the header before any pixel is decoded; a truncated or corrupt file refused), turned
upright by its EXIF orientation, stripped of EXIF and every other metadata, flattened onto white
when transparent, and saved as JPEG and WebP in each width of :mod:`storefront.media.names`. All
Pillow work runs in a worker thread, off the event loop. A refusal is :class:`PictureRefused`
(an ``N_`` message) and leaves no file behind.
"""

from __future__ import annotations

import io
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from PIL import Image, ImageOps

from storefront.i18n import N_
from storefront.media.names import MAX_WIDTH, folder_for, height_for, sizes_for, stored_files, stored_name

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_ASPECT = 10
"""Longest side over shortest: beyond it no page can show the picture (and WebP cannot hold it)."""
FORMATS = {"JPEG", "PNG", "WEBP"}
DECODING_AT_ONCE = 2
"""Pictures decoded at the same time by one process: a 40-megapixel picture takes some 160 MB."""
_DECODING = threading.BoundedSemaphore(DECODING_AT_ONCE)
JPEG_QUALITY = 82
WEBP_QUALITY = 80

NO_FILE = N_("Please choose a picture to upload.")
NOT_A_PICTURE = N_(
    "This file is not a JPEG, PNG or WebP picture; please choose a photo in one of those formats."
)
TOO_LARGE = N_("This picture is larger than 8 MB; please choose a smaller file.")
TOO_MANY_PIXELS = N_("This picture has more than 40 megapixels; please choose a smaller picture.")
TOO_NARROW = N_(
    "This picture is too narrow or too tall to show; "
    "please crop it to at most 10 times as long as it is wide."
)
DAMAGED = N_("This picture is damaged or incomplete and cannot be read; please upload it again.")


class PictureRefused(ValueError):
    """An upload that is not stored; ``message`` is an ``N_``-marked msgid to translate."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Rendition:
    size: tuple[int, int]
    jpeg: bytes
    webp: bytes


@dataclass(frozen=True)
class ProcessedPicture:
    renditions: list[Rendition]

    @property
    def size(self) -> tuple[int, int]:
        return self.renditions[-1].size


@dataclass(frozen=True)
class StoredPicture:
    """Where it went: ``path`` (the largest JPEG, relative to the media folder) and its size."""

    path: str
    width: int
    height: int


def check_size(data: bytes) -> None:
    if not data:
        raise PictureRefused(NO_FILE)
    if len(data) > MAX_BYTES:
        raise PictureRefused(TOO_LARGE)


def _opened(data: bytes) -> Image.Image:
    """The picture's header read (no pixels decoded yet), refused unless an allowed, sane size."""
    try:
        image = Image.open(io.BytesIO(data), formats=sorted(FORMATS))
    except Image.DecompressionBombError as bomb:  # Pillow's own limit, far above ours
        raise PictureRefused(TOO_MANY_PIXELS) from bomb
    except (OSError, SyntaxError, ValueError) as unreadable:  # UnidentifiedImageError is an OSError
        raise PictureRefused(NOT_A_PICTURE) from unreadable
    if image.format not in FORMATS:
        raise PictureRefused(NOT_A_PICTURE)
    width, height = image.size
    if width <= 0 or height <= 0:
        raise PictureRefused(DAMAGED)
    if width * height > MAX_PIXELS:
        raise PictureRefused(TOO_MANY_PIXELS)
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise PictureRefused(TOO_NARROW)
    return image


def _decoded(data: bytes) -> Image.Image:
    _opened(data).verify()  # structure and checksums (PNG CRCs), before decoding
    image = _opened(data)  # verify() leaves an image unusable: read it again
    image.draft("RGB", (MAX_WIDTH, MAX_WIDTH))  # a big JPEG decoded at a fraction, still >= MAX_WIDTH
    image.load()
    return image


def process(data: bytes) -> ProcessedPicture:
    """The picture in every width, as JPEG and WebP bytes; :class:`PictureRefused` if it is not one
    we take. Blocking (Pillow): call it from a worker thread."""
    check_size(data)
    try:
        image = _decoded(data)
        upright = ImageOps.exif_transpose(image)
    except PictureRefused:
        raise
    except Image.DecompressionBombError as bomb:
        raise PictureRefused(TOO_MANY_PIXELS) from bomb
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError) as broken:
        raise PictureRefused(DAMAGED) from broken
    return renditions(upright)


def renditions(image: Image.Image, *, quick: bool = False) -> ProcessedPicture:
    """A decoded picture, flattened, in every width as JPEG and WebP bytes. Blocking (Pillow).
    ``quick`` encodes WebP with less effort (less than half the time, files some 7% larger): for the
    demo's drawings, so seeding stays fast."""
    flat = _flattened(image)
    width = min(flat.width, MAX_WIDTH)  # never upscaled
    largest = (width, height_for(width, flat.size))
    sized = []
    for size in sizes_for(largest):
        resized = flat if size == flat.size else flat.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        jpeg, webp = _encoded(resized, "JPEG"), _encoded(resized, "WEBP", webp_effort=2 if quick else 4)
        sized.append(Rendition(size=size, jpeg=jpeg, webp=webp))
    return ProcessedPicture(sized)


def _flattened(image: Image.Image) -> Image.Image:
    """RGB pixels only, with no metadata: transparency laid on white (the JPEG has none)."""
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode in {"I;16", "I;16B", "I;16L", "I"}:
        flat = image.point(lambda value: value / 256).convert("RGB")
    else:
        flat = image.convert("RGB")
    clean = Image.new("RGB", flat.size)
    clean.paste(flat)
    return clean  # a fresh image: no EXIF, XMP, comments or anything else carried over


def _encoded(image: Image.Image, image_format: str, webp_effort: int = 4) -> bytes:
    out = io.BytesIO()
    if image_format == "JPEG":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=webp_effort)
    return out.getvalue()


def _write(processed: ProcessedPicture, media_dir: Path, folder: str) -> StoredPicture:
    token = secrets.token_hex(16)
    written: list[Path] = []
    try:
        (media_dir / folder).mkdir(parents=True, exist_ok=True)
        for rendition in processed.renditions:
            for extension, content in (("jpg", rendition.jpeg), ("webp", rendition.webp)):
                target = media_dir / stored_name(folder, token, rendition.size, extension)
                with open(target, "xb") as file:  # never over another file
                    written.append(target)
                    file.write(content)
    except BaseException:
        for target in written:
            target.unlink(missing_ok=True)
        raise
    width, height = processed.size
    return StoredPicture(stored_name(folder, token, processed.size, "jpg"), width, height)


def save_picture(processed: ProcessedPicture, media_dir: Path, county_id: int, kind: str) -> StoredPicture:
    """Stores pictures our own code made (:func:`renditions` of the demo's drawings) exactly as an
    upload is stored, so the shop shows them the same way. Blocking."""
    return _write(processed, media_dir, folder_for(county_id, kind))


def _process_and_write(data: bytes, media_dir: Path, folder: str) -> StoredPicture:
    with _DECODING:
        processed = process(data)
    return _write(processed, media_dir, folder)


async def store_picture(data: bytes, media_dir: Path, county_id: int, kind: str) -> StoredPicture:
    """Check, resize and store an upload under the county's folder for ``kind`` (products,
    producers, logo); :class:`PictureRefused` (nothing written) if it is not a picture we take."""
    check_size(data)  # cheap, before a thread is taken
    return await anyio.to_thread.run_sync(_process_and_write, data, media_dir, folder_for(county_id, kind))


def _remove(media_dir: Path, paths: list[str]) -> None:
    root = media_dir.resolve()
    for path in paths:
        for relative in stored_files(path):
            target = (root / relative).resolve()
            if target.is_relative_to(root) and target != root:
                target.unlink(missing_ok=True)


async def remove_pictures(media_dir: Path, *paths: str | None) -> None:
    """Remove the files of pictures no row points to any more (call it after the commit)."""
    await anyio.to_thread.run_sync(_remove, media_dir, [path for path in paths if path])
