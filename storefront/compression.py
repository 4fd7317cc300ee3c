"""Compressed responses: brotli for the browsers that accept it, gzip for the others, none when
not asked.

Litestar compresses inside its response cache: a page is stored as it was compressed for the
visitor who rendered it, and later hits are sent exactly as stored. So the page cache's key holds
the encoding the visitor's ``Accept-Encoding`` gets (:func:`response_encoding`), and a browser that
asked for none never gets a brotli page rendered for another.

A response smaller than :data:`MINIMUM_SIZE` in one piece (``/health``, an HTMX fragment such as
the cart count) is sent as it is without starting a compressor first (a gzip one costs more than
the rest of such a request), and neither is a page from the page cache, stored compressed:
:class:`LazyCompression`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar.config.compression import CompressionConfig
from litestar.enums import CompressionEncoding
from litestar.middleware.compression import CompressionMiddleware
from litestar.utils.scope.state import ScopeState

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.types import Message, Scope, Send

SKIP_COMPRESSION = "skip_compression"
"""Route option for responses that are compressed already (pictures)."""
MINIMUM_SIZE = 500
"""Bytes: below this a response is sent as it is (Litestar's default)."""
IDENTITY = "identity"


class LazyCompression(CompressionMiddleware):
    """Litestar's compression, whose compressor is made only for a response it will compress."""

    def create_compression_send_wrapper(self, send: Send, compression_encoding: str, scope: Scope) -> Send:
        start: Message | None = None
        compressing: Send | None = None
        state = ScopeState.from_scope(scope)

        async def send_wrapper(message: Message) -> None:
            nonlocal start, compressing
            if compressing is None and message["type"] == "http.response.start":
                start = message
                return
            if (
                compressing is None
                and start is not None
                and message["type"] == "http.response.body"
                and (
                    state.is_cached is True  # a page cache hit, stored compressed
                    or (not message.get("more_body") and len(message["body"]) < self.config.minimum_size)
                )
            ):
                compressing = send  # what Litestar's wrapper does with them, after making a compressor
                await send(start)
                await send(message)
                return
            if compressing is None:
                compressing = super(LazyCompression, self).create_compression_send_wrapper(
                    send,
                    compression_encoding,
                    scope,  # type: ignore[arg-type]
                )
                if start is not None:
                    await compressing(start)
            await compressing(message)

        return send_wrapper


def compression_config() -> CompressionConfig:
    return CompressionConfig(
        middleware_class=LazyCompression,
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
