"""Host routing: which host names are ours, and the county a host name stands for.

Only the platform's own host names are served: the base domain (and ``www``), county
subdomains ``{slug}.{STOREFRONT_BASE_DOMAIN}``, custom domains stored on a county, the host of
``PUBLIC_URL`` and, in development, loopback. Any other ``Host`` is refused before routing.

A county's host is rewritten to the ``/c/{county}`` paths before Litestar routes the request, so
every shop route exists once; the county is remembered in the scope so links on that host stay
host-relative. Custom domains are read from the database again when the platform's content
version changes (a save of a county's domain shows at once), and at least every ``ttl`` seconds.
Each request also gets the absolute origin of the host it was made on, built from
configuration (scheme and port of ``PUBLIC_URL``), never from the request.

A ``Host`` longer than a DNS name, with a port that is not one (``:abc``), or a subdomain label
that is not a county slug's shape (a host label: ``a-z``, ``0-9`` and inner hyphens, at most 63),
is not ours: a label is put into the path, so ``/`` or ``?`` in it would reach another route. Only
such bounded names are remembered, and the memory is emptied when full, so junk hosts can neither
grow it nor keep the platform's names out.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from storefront.content_versions import PLATFORM_VERSION, current_version
from storefront.origins import HOST_COUNTY_KEY, ORIGIN_KEY
from storefront.tenancy.service import CountyService

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar.stores.base import Store
    from litestar.types import Scope

SHARED_PREFIXES = ("/static/", "/media/", "/admin", "/stripe/", "/health")
PLATFORM_LABELS = {"www"}
LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}
MAX_REMEMBERED_HOSTS = 4096
MAX_HOST_HEADER = 253 + len(":65535")
"""A DNS name is at most 253 characters; a port may follow."""
COUNTY_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
"""A county's slug: a DNS label (its shop's subdomain), as the platform's form requires it."""
ANY_HOST_PATHS = ("/health",)
"""Load balancers and orchestrators probe a worker by its address, not by a shop's name."""


PORT = re.compile(r"[1-9][0-9]{0,4}")


def _without_port(host: str) -> str | None:
    """The name of a lower-case ``Host``, without its port and trailing dot; None when what follows
    the name is no port (``:abc``, ``:0``, ``:99999``): the request's own URL could not be built."""
    if host.startswith("["):  # an IPv6 address
        name, _, rest = host.partition("]")
        name, port = f"{name}]", rest.removeprefix(":") if rest.startswith(":") else rest or None
    else:
        name, colon, port = host.rpartition(":")
        name, port = (name.rstrip("."), port) if colon else (host.rstrip("."), None)
    if port is not None and not (PORT.fullmatch(port) and int(port) <= 65535):
        return None
    return name


@dataclass(frozen=True)
class HostMatch:
    origin: str
    county_slug: str | None = None


class CountyHosts:
    def __init__(
        self,
        base_domain: str,
        public_url: str,
        *,
        allow_loopback: bool = False,
        session_maker: Callable[[], object] | None = None,
        versions: Store | None = None,
        ttl: float = 30.0,
    ) -> None:
        self.base_domain = base_domain.lower().strip(".")
        public = urlsplit(public_url)
        self.public_origin = f"{public.scheme}://{public.netloc}".lower()
        self.public_host = (public.hostname or "").lower()
        self._scheme = public.scheme
        self._port = f":{public.port}" if public.port else ""
        self.allow_loopback = allow_loopback
        self.session_maker = session_maker
        self.versions = versions
        self.ttl = ttl
        self._custom: dict[str, str] = {}
        self._loaded_at = float("-inf")
        self._loaded_version: str | None = None
        self._suffix = f".{self.base_domain}"
        self._own_hosts = {self.base_domain, self.public_host}
        self._configured: dict[str, HostMatch] = {}

    async def _custom_domains(self) -> dict[str, str]:
        if self.session_maker is None:
            return self._custom
        version = None if self.versions is None else await current_version(self.versions, PLATFORM_VERSION)
        if version != self._loaded_version or time.monotonic() - self._loaded_at > self.ttl:
            async with self.session_maker() as session:
                self._custom = await CountyService(session=session).custom_domains()
            self._loaded_at = time.monotonic()
            self._loaded_version = version  # read before the domains: a save meanwhile reloads again
        return self._custom

    def _origin(self, host: str) -> str:
        return f"{self._scheme}://{host}{self._port}"

    async def match(self, host_header: str) -> HostMatch | None:
        """What ``host_header`` stands for on this platform; None when it is not one of ours. The
        names configuration alone decides are remembered: a few make nearly every request."""
        if len(host_header) > MAX_HOST_HEADER:
            return None
        if found := self._configured.get(host_header):
            return found
        host = _without_port(host_header.strip().lower())
        if host is None:
            return None
        if host.endswith(self._suffix):
            label = host[: -len(self._suffix)]
            if label in PLATFORM_LABELS:
                found = HostMatch(self.public_origin)
            elif COUNTY_LABEL.fullmatch(label):
                found = HostMatch(self._origin(host), label)
        elif host in self._own_hosts or (self.allow_loopback and host in LOOPBACK):
            found = HostMatch(self.public_origin)
        elif slug := (await self._custom_domains()).get(host):
            return HostMatch(self._origin(host), slug)  # read again when the platform's version changes
        if found is not None:
            if len(self._configured) >= MAX_REMEMBERED_HOSTS:
                self._configured.clear()
            self._configured[host_header] = found
        return found

    async def route(self, scope: Scope) -> bool:
        """Record the request's origin and turn ``/products/x`` on a county's host into
        ``/c/{county}/products/x``; False when the host is not one of ours."""
        path = scope["path"]
        host = next((value.decode("latin-1") for key, value in scope["headers"] if key == b"host"), "")
        found = await self.match(host)
        if found is None:
            if path.startswith(ANY_HOST_PATHS):
                scope["state"][ORIGIN_KEY] = self.public_origin
                return True
            return False
        scope["state"][ORIGIN_KEY] = found.origin
        if found.county_slug is None or path.startswith(SHARED_PREFIXES):
            return True
        scope["state"][HOST_COUNTY_KEY] = found.county_slug
        new_path = f"/c/{found.county_slug}{path}" if path != "/" else f"/c/{found.county_slug}/"
        scope["path"] = new_path
        scope["raw_path"] = new_path.encode()
        return True
