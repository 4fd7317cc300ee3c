"""Our own commands on the Litestar CLI, installed as ``storefront``."""

from __future__ import annotations

import asyncio
import datetime
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

            settings = app.state.settings

            async def run() -> bool:
                async with app.state.db_config.get_session() as session:
                    # Demo admins have published passwords: never in production.
                    return await seed_demo(session, settings.media_dir, admins=not settings.is_production)

            try:
                created = asyncio.run(run())
            except DemoContentError as error:  # a county file a translator broke: say where
                click.echo(f"seed-demo: {error}", err=True)
                raise SystemExit(1) from None
            click.echo("demo data loaded" if created else "demo data already present")

        @cli.command(name="create-admin", help="Create an admin account for one county or for the platform.")
        @click.option("--email", required=True, help="The admin's email address (their sign-in name).")
        @click.option("--password", required=True, help="At least 10 characters, not easy to guess.")
        @click.option("--county", "county_slug", default=None, help="The slug of the county they run.")
        @click.option("--platform", is_flag=True, help="A platform admin, acting across counties.")
        @click.option(
            "--must-change-password",
            is_flag=True,
            help="Make them choose their own password at first sign-in (an account made for someone else).",
        )
        def create_admin_command(
            app: Litestar,
            email: str,
            password: str,
            county_slug: str | None,
            platform: bool,
            must_change_password: bool,
        ) -> None:
            from storefront.accounts.service import AccountError, AccountService

            async def run() -> str:
                async with app.state.db_config.get_session() as session:
                    user = await AccountService(session).create(
                        email=email,
                        password=password,
                        county_slug=county_slug,
                        platform=platform,
                        must_change_password=must_change_password,
                        client_address="command line",
                    )
                    await session.commit()
                    county = f" for {county_slug}" if county_slug else ""
                    return f"created {user.role} {user.email}{county}"

            try:
                click.echo(asyncio.run(run()))
            except AccountError as error:
                click.echo(f"create-admin: {error}", err=True)
                raise SystemExit(1) from None

        @cli.command(
            name="release-expired", help="Release stock held by checkouts whose Stripe session expired."
        )
        def release_expired_command(app: Litestar) -> None:
            from storefront.sweeper import sweep_once

            settled = asyncio.run(sweep_once(app))
            click.echo(
                f"settled {len(settled)} order(s): {', '.join(settled)}" if settled else "nothing to release"
            )

        @cli.group(name="metrics", help="The brand dashboard's numbers.")
        def metrics_group() -> None:
            pass

        @metrics_group.command(name="rebuild", help="Rebuild the daily roll-ups of closed Beijing days.")
        @click.option("--county", "county_slug", default=None, help="Only this county (its slug).")
        @click.option(
            "--since",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            default=None,
            help="From this Beijing day (YYYY-MM-DD); by default from the county's first event.",
        )
        def rebuild_metrics_command(
            app: Litestar, county_slug: str | None, since: datetime.datetime | None
        ) -> None:
            from storefront.metrics.rollups import UnknownCounty, rebuild_all

            async def run() -> dict[str, int]:
                async with app.state.db_config.get_session() as session:
                    return await rebuild_all(session, county_slug, since.date() if since else None)

            try:
                written = asyncio.run(run())
            except UnknownCounty:
                click.echo(f"metrics rebuild: no county has the slug {county_slug!r}", err=True)
                raise SystemExit(1) from None
            for slug, days in written.items():
                click.echo(f"{slug}: {days} day(s) rolled up")


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
