"""What host routing (``storefront.tenancy.hosts``) records about a request for the rest of it:
the absolute origin of the host the visitor used, built from configuration, and the county whose
own host name it is, if any. Kept apart so that rendering and caching need no tenancy import."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection

HOST_COUNTY_KEY = "host_county"
ORIGIN_KEY = "origin"


def origin(connection: ASGIConnection) -> str:
    """``scheme://host[:port]`` of the host the visitor used (from configuration, never the request)."""
    return connection.scope["state"][ORIGIN_KEY]
