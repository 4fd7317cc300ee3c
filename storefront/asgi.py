"""Production entry point for an ASGI server: ``granian --factory storefront.asgi:create_asgi_app``.

Behind a load balancer every request comes from the balancer's address. With
``FORWARDED_ALLOW_IPS`` naming it (comma-separated, or ``*``), ``X-Forwarded-For`` and
``X-Forwarded-Proto`` are trusted, so rate limits count real visitors and canonical URLs,
sitemaps and cookies know the request came over HTTPS.
"""

from __future__ import annotations

import os

from granian.utils.proxies import wrap_asgi_with_proxy_headers
from litestar.types import ASGIApp

from storefront.app import create_app


def create_asgi_app() -> ASGIApp:
    app = create_app()
    trusted = os.environ.get("FORWARDED_ALLOW_IPS", "").strip()
    if not trusted:
        return app
    hosts = trusted if trusted == "*" else [host.strip() for host in trusted.split(",")]
    return wrap_asgi_with_proxy_headers(app, hosts)
