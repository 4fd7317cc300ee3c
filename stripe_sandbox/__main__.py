"""``python -m stripe_sandbox``: serve the sandbox with uvicorn.

Every option can also come from the environment, which is how ``make run`` configures it.
"""

from __future__ import annotations

import argparse
import logging
import os

import uvicorn

from stripe_sandbox.app import create_sandbox_app


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(
        prog="python -m stripe_sandbox",
        description="Serve the local Stripe sandbox: Stripe's API for Checkout, a hosted "
        "checkout page and signed webhooks.",
    )
    parser.add_argument("--host", default=env.get("SANDBOX_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env.get("SANDBOX_PORT", "12111")))
    parser.add_argument(
        "--webhook-url",
        default=env.get("SANDBOX_WEBHOOK_URL") or None,
        help="where events are POSTed (env SANDBOX_WEBHOOK_URL); without it they are only stored",
    )
    parser.add_argument(
        "--webhook-secret",
        default=env.get("STRIPE_WEBHOOK_SECRET", ""),
        help="signs the Stripe-Signature header (env STRIPE_WEBHOOK_SECRET)",
    )
    parser.add_argument(
        "--public-url",
        default=env.get("SANDBOX_PUBLIC_URL") or None,
        help="base URL browsers use to reach the hosted checkout page (env "
        "SANDBOX_PUBLIC_URL; default http://HOST:PORT)",
    )
    args = parser.parse_args(argv)
    if args.webhook_url and not args.webhook_secret:
        parser.error("--webhook-url needs --webhook-secret (or STRIPE_WEBHOOK_SECRET)")
    if args.public_url is None:
        args.public_url = f"http://{args.host}:{args.port}"
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:  %(name)s: %(message)s")
    logging.getLogger("stripe_sandbox").info(
        "Stripe sandbox on %s: use STRIPE_API_BASE=%s and any STRIPE_SECRET_KEY=sk_test_...; webhooks to %s",
        args.public_url,
        args.public_url,
        args.webhook_url or "nowhere (events are only stored)",
    )
    app = create_sandbox_app(args.webhook_url, args.webhook_secret, args.public_url)
    uvicorn.run(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
