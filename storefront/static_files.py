"""Our own files (``/static``) and uploaded pictures (``/media``): cached by browsers for a year,
text compressed, and never a cookie.

- Every file under ``static/`` also answers under a name holding a hash of its content,
  ``css/shop.css`` as ``css/shop.3f2a9c1b.css``, computed once at startup; templates link to that
  name through the Jinja global ``static_url("css/shop.css")``. A changed file gets a new name, so
  the old one can be cached for good (``immutable``). The plain name still answers, cached briefly,
  and so does a name whose hash is out of date (a page rendered before a deploy), with today's file.
- A picture under ``/media`` is written once under a name of its own (``storefront.media.names``,
  the demo's drawings included) and never changes: cached for good too.
- These files are served by their own small app, which the shop's middleware never wraps: no
  session, language, CSRF, referral or visit cookie can reach them, and none of that work is done.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

from litestar import Litestar, get
from litestar.exceptions import NotFoundException
from litestar.file_system import BaseLocalFileSystem
from litestar.response.file import ASGIFileResponse
from litestar.static_files import StaticFiles

from storefront.compression import SKIP_COMPRESSION, compression_config
from storefront.config import PROJECT_ROOT

if TYPE_CHECKING:
    from pathlib import Path

STATIC_DIR = PROJECT_ROOT / "static"
FINGERPRINT_LENGTH = 8
FOREVER = "public, max-age=31536000, immutable"
BRIEFLY = "public, max-age=300"
"""For a file asked by its plain name: a change shows within five minutes."""
FILE_PREFIXES = ("/static/", "/media/")
_FINGERPRINTED = re.compile(rf"(?P<stem>.+)\.[0-9a-f]{{{FINGERPRINT_LENGTH}}}(?P<suffix>\.[^./]+)?")


def fingerprinted(name: str, content: bytes) -> str:
    """``css/shop.css`` as ``css/shop.{hash}.css``: the hash of ``content`` before the extension."""
    digest = hashlib.sha256(content).hexdigest()[:FINGERPRINT_LENGTH]
    folder, slash, file = name.rpartition("/")
    stem, dot, suffix = file.rpartition(".")
    file = f"{stem}.{digest}.{suffix}" if dot and stem else f"{file}.{digest}"
    return f"{folder}{slash}{file}"


class StaticAssets:
    """The files under ``directory`` and their fingerprinted names, read once."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.names: dict[str, str] = {}
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                name = path.relative_to(directory).as_posix()
                self.names[name] = fingerprinted(name, path.read_bytes())
        self.originals = {fingerprint: name for name, fingerprint in self.names.items()}

    def url(self, name: str) -> str:
        """The address of ``static/{name}`` under its fingerprinted name (a Jinja global)."""
        try:
            return f"/static/{self.names[name]}"
        except KeyError:
            msg = f"no file static/{name}"
            raise LookupError(msg) from None

    def resolve(self, requested: str) -> tuple[str, bool] | None:
        """The file a requested name stands for, and whether it is the current fingerprint."""
        if requested in self.originals:
            return self.originals[requested], True
        if requested in self.names:
            return requested, False
        if (found := _FINGERPRINTED.fullmatch(requested)) and (
            name := f"{found['stem']}{found['suffix'] or ''}"
        ) in self.names:
            return name, False
        return None


def _serving(directory: Path, cache_control: str) -> StaticFiles:
    return StaticFiles(
        is_html_mode=False,
        directories=[directory],
        file_system=BaseLocalFileSystem(),
        headers={"cache-control": cache_control},
    )


def files_app(assets: StaticAssets, media_dir: Path) -> Litestar:
    """The app that serves ``/static`` and ``/media`` (compressed when text)."""
    static_forever, static_briefly = _serving(assets.directory, FOREVER), _serving(assets.directory, BRIEFLY)
    media_forever = _serving(media_dir, FOREVER)

    @get("/static/{requested:path}", name="static")
    async def static_file(requested: str) -> ASGIFileResponse:
        found = assets.resolve(requested.lstrip("/"))
        if found is None:
            raise NotFoundException(detail="no such file")
        name, current = found
        return await (static_forever if current else static_briefly).handle(path=name, is_head_response=False)

    # JPEG, WebP and PNG are compressed already.
    @get("/media/{requested:path}", name="media", opt={SKIP_COMPRESSION: True})
    async def media_file(requested: str) -> ASGIFileResponse:
        if "\x00" in requested:  # no file has one; the file system would raise on it
            raise NotFoundException(detail="no such file")
        try:
            return await media_forever.handle(path=requested.lstrip("/"), is_head_response=False)
        except NotFoundException:
            raise NotFoundException(detail="no such file") from None  # never the folder's path

    return Litestar(
        route_handlers=[static_file, media_file],
        compression_config=compression_config(),
        openapi_config=None,
        logging_config=None,
    )
