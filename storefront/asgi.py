"""Production entry point for an ASGI server: ``granian --factory storefront.asgi:create_asgi_app``.

Behind a load balancer every request comes from the balancer's address. With
``FORWARDED_ALLOW_IPS`` naming the proxies (comma-separated addresses or networks), the visitor's
address is the right-most ``X-Forwarded-For`` entry that is not one of them: entries further left
were written by the client and prove nothing. ``*`` is refused, because it would trust them.
"""

from __future__ import annotations

from litestar.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from storefront.app import create_app
from storefront.config import trusted_proxies


def create_asgi_app() -> ASGIApp:
    app = create_app()
    proxies = trusted_proxies()
    return ProxyHeadersMiddleware(app, trusted_hosts=proxies) if proxies else app
