"""Our own commands on the Litestar CLI, installed as ``storefront``."""

from __future__ import annotations

import asyncio
import os

import click
from click import Group
from litestar import Litestar
from litestar.plugins import CLIPluginProtocol

from storefront.config import trusted_proxies


class StorefrontCLIPlugin(CLIPluginProtocol):
    def on_cli_init(self, cli: Group) -> None:
        @cli.command(name="seed-demo", help="Load the demo counties if they are missing (safe to repeat).")
        def seed_demo_command(app: Litestar) -> None:
            # The demo is a development tool beside the package (demo/ in a checkout), not in it.
            try:
                from demo.content import DemoContentError
                from demo.seed import seed_demo
            except ModuleNotFoundError as error:
                if error.name != "demo":
                    raise
                message = "seed-demo: this installation has no demo data (demo/ comes with a source checkout)"
                click.echo(message, err=True)
                raise SystemExit(1) from None

            async def run() -> bool:
                async with app.state.db_config.get_session() as session:
                    return await seed_demo(session, app.state.settings.media_dir)

            try:
                created = asyncio.run(run())
            except DemoContentError as error:  # a county file a translator broke: say where
                click.echo(f"seed-demo: {error}", err=True)
                raise SystemExit(1) from None
            click.echo("demo data loaded" if created else "demo data already present")

        @cli.command(
            name="release-expired", help="Release stock held by checkouts whose Stripe session expired."
        )
        def release_expired_command(app: Litestar) -> None:
            from storefront.sweeper import sweep_once

            settled = asyncio.run(sweep_once(app))
            click.echo(
                f"settled {len(settled)} order(s): {', '.join(settled)}" if settled else "nothing to release"
            )


def main() -> None:
    """Entry point of the ``storefront`` command: the Litestar CLI bound to our app.

    ``storefront run`` serves with uvicorn, which trusts ``X-Forwarded-For`` from loopback unless
    told otherwise; nobody is trusted here unless ``FORWARDED_ALLOW_IPS`` names them.
    """
    os.environ.setdefault("LITESTAR_APP", "storefront.app:create_app")
    os.environ["FORWARDED_ALLOW_IPS"] = ",".join(trusted_proxies())
    from litestar.cli.main import litestar_group

    litestar_group()


if __name__ == "__main__":
    main()
