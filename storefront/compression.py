"""Compressed responses: brotli for the browsers that accept it, gzip for the others, none when
not asked.

Litestar compresses inside its response cache: a page is stored as it was compressed for the
visitor who rendered it, and later hits are sent exactly as stored. So the page cache's key holds
the encoding the visitor's ``Accept-Encoding`` gets (:func:`response_encoding`), and a browser that
asked for none never gets a brotli page rendered for another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar.config.compression import CompressionConfig
from litestar.enums import CompressionEncoding

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection

SKIP_COMPRESSION = "skip_compression"
"""Route option for responses that are compressed already (pictures)."""
MINIMUM_SIZE = 500
"""Bytes: below this a response is sent as it is (Litestar's default)."""
IDENTITY = "identity"


def compression_config() -> CompressionConfig:
    return CompressionConfig(
        backend="brotli",
        brotli_quality=5,
        brotli_gzip_fallback=True,
        gzip_compress_level=6,
        minimum_size=MINIMUM_SIZE,
        exclude_opt_key=SKIP_COMPRESSION,
    )


def response_encoding(connection: ASGIConnection) -> str:
    """The encoding Litestar's compression picks for this request: the same test on the same
    header (a name anywhere in ``Accept-Encoding``)."""
    accepted = connection.headers.get("accept-encoding", "")
    for encoding in (CompressionEncoding.BROTLI, CompressionEncoding.GZIP):
        if encoding in accepted:
            return encoding.value
    return IDENTITY
