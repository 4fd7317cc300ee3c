"""Host routing: a county's own host name serves the same routes as ``/c/{county}``.

``raohe.{STOREFRONT_BASE_DOMAIN}`` or a custom domain stored on the county is rewritten to the
``/c/raohe`` paths before Litestar routes the request, so every shop route exists once. The
original form is remembered in the scope so links on that host stay host-relative.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from storefront.tenancy.service import CountyService

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar.types import Scope

HOST_COUNTY_KEY = "host_county"
SHARED_PREFIXES = ("/static/", "/media/", "/admin", "/stripe/", "/health")
PLATFORM_LABELS = {"www"}


class CountyHosts:
    def __init__(
        self, base_domain: str, session_maker: Callable[[], object] | None = None, ttl: float = 30.0
    ) -> None:
        self.base_domain = base_domain.lower().strip(".")
        self.session_maker = session_maker
        self.ttl = ttl
        self._custom: dict[str, str] = {}
        self._loaded_at = float("-inf")

    async def _custom_domains(self) -> dict[str, str]:
        if self.session_maker is not None and time.monotonic() - self._loaded_at > self.ttl:
            async with self.session_maker() as session:
                self._custom = await CountyService(session=session).custom_domains()
            self._loaded_at = time.monotonic()
        return self._custom

    async def county_for_host(self, host: str) -> str | None:
        host = host.lower().rsplit(":", 1)[0] if not host.startswith("[") else host.lower()
        suffix = f".{self.base_domain}"
        if host.endswith(suffix):
            label = host[: -len(suffix)]
            return label if label and "." not in label and label not in PLATFORM_LABELS else None
        if host == self.base_domain or host in {"127.0.0.1", "localhost"}:
            return None
        return (await self._custom_domains()).get(host)

    async def rewrite(self, scope: Scope) -> None:
        """Turn ``/products/x`` on a county's host into ``/c/{county}/products/x``."""
        path = scope["path"]
        if path.startswith(SHARED_PREFIXES):
            return
        host = next((value.decode("latin-1") for key, value in scope["headers"] if key == b"host"), "")
        slug = await self.county_for_host(host)
        if slug is None:
            return
        scope["state"][HOST_COUNTY_KEY] = slug
        new_path = f"/c/{slug}{path}" if path != "/" else f"/c/{slug}/"
        scope["path"] = new_path
        scope["raw_path"] = new_path.encode()
