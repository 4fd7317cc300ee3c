"""Our own commands on the Litestar CLI, installed as ``storefront``."""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING

import click
from litestar.plugins import CLIPluginProtocol

if TYPE_CHECKING:
    from click import Group
    from litestar import Litestar


class StorefrontCLIPlugin(CLIPluginProtocol):
    def on_cli_init(self, cli: Group) -> None:
        @cli.command(name="seed-demo", help="Load the demo counties if they are missing (safe to repeat).")
        @click.pass_obj
        def seed_demo_command(env) -> None:  # noqa: ANN001
            from storefront.demo.seed import seed_demo

            app: Litestar = env.app

            async def run() -> bool:
                async with app.state.db_config.get_session() as session:
                    return await seed_demo(session, app.state.settings.media_dir)

            created = asyncio.run(run())
            click.echo("demo data loaded" if created else "demo data already present")


def main() -> None:
    """Entry point of the ``storefront`` command: the Litestar CLI bound to our app."""
    os.environ.setdefault("LITESTAR_APP", "storefront.app:create_app")
    from litestar.cli.main import litestar_group

    litestar_group()
