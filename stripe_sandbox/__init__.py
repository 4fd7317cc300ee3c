"""A local stand-in for the part of Stripe the shop uses (see DESIGN.md, section 4).

It speaks Stripe's v1 HTTP API for Checkout Sessions, PaymentIntents, charges, refunds and
events, serves a hosted checkout page, and sends signed webhooks, so tests and offline
development need no Stripe account. Point the SDK at it with ``STRIPE_API_BASE``.

A development tool: it lives beside the runtime package ``storefront``, not in it, and is left out
of the Docker image. The shop never imports it; tests and ``make run`` do.
"""

from stripe_sandbox.app import create_sandbox_app

__all__ = ["create_sandbox_app"]
