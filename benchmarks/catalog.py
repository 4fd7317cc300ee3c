"""Throughput of the county home page against a trivial route, with production settings.

    uv run python -m benchmarks.catalog [--duration 10] [--connections 32]

Starts a throwaway PostgreSQL, migrates and seeds a database with the demo counties, serves the
app with granian (one worker, production settings) and loads it with Debian's ``wrk``:

- ``/health``, a plain-text route: the ceiling of the server and framework;
- ``/c/raohe/``, a county home page, with the default page cache;
- ``/c/raohe/`` again on a server restarted with ``PAGE_CACHE_SECONDS=0``: the cost of a render.

Every process and the database server are stopped at the end, on failure and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
from sqlalchemy.exc import SADeprecationWarning
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from tests.support.databases import migrate
from tests.support.postgres import free_port, throwaway_postgres

warnings.filterwarnings("ignore", category=SADeprecationWarning)

if TYPE_CHECKING:
    from collections.abc import Iterator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COUNTY = "raohe"
HOME = f"/c/{COUNTY}/"
PLAIN = "/health"
APP = "storefront.app:create_app"
DATABASE = "storefront_bench"
WRK_INSTALL = "apt-get install -y wrk"
STARTUP_TIMEOUT = 30.0
BUSY_WARNING = 0.25  # warn when other processes used more of the CPU than this before the run
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass(frozen=True)
class Result:
    """One wrk run: throughput, latency percentiles in milliseconds, failed requests."""

    label: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


# ---- the load tool --------------------------------------------------------------------------


def ensure_wrk() -> str:
    """The path of ``wrk``; installed with apt-get when missing and running as root."""
    if found := shutil.which("wrk"):
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing it with apt-get ...", flush=True)
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        if subprocess.run(install, capture_output=True, check=False).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True, check=False)
            subprocess.run(install, capture_output=True, check=False)
        if found := shutil.which("wrk"):
            return found
    sys.exit(f"The load tool wrk is not installed. Install it with: sudo {WRK_INSTALL}")


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(label: str, output: str) -> Result:
    """Read requests/s, p50, p99 and errors from ``wrk --latency`` output."""

    def find(pattern: str) -> str:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise RuntimeError(f"unexpected wrk output (no {pattern!r}):\n{output}")
        return match.group(1)

    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    if socket_errors := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in socket_errors.groups())
    return Result(
        label=label,
        requests_per_second=float(find(r"^Requests/sec:\s+([\d.]+)")),
        p50_ms=_milliseconds(find(r"^\s+50%\s+(\S+)")),
        p99_ms=_milliseconds(find(r"^\s+99%\s+(\S+)")),
        errors=errors,
    )


def load(wrk: str, url: str, label: str, *, duration: int, connections: int, warmup: int) -> Result:
    """Warm the route up (result discarded), then measure it."""

    def run(seconds: int) -> str:
        command = [
            wrk,
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            url,
        ]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    if warmup > 0:
        run(warmup)
    print(f"  measuring {label} for {duration} s ...", flush=True)
    return parse_wrk(label, run(duration))


# ---- the database ---------------------------------------------------------------------------


async def _create_database(server_url: str) -> None:
    connection = await asyncpg.connect(f"{server_url.replace('postgresql+asyncpg', 'postgresql')}/postgres")
    try:
        await connection.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await connection.close()


async def _seed(database_url: str, media_dir: Path) -> None:
    try:
        from demo.seed import seed_demo
    except ImportError as error:
        raise RuntimeError(f"the demo data cannot be loaded: {error}") from error

    engine = create_async_engine(database_url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            await seed_demo(session, media_dir)
    finally:
        await engine.dispose()


def prepare_database(server_url: str, media_dir: Path) -> str:
    """Create, migrate and seed the benchmark database; return its URL."""
    asyncio.run(_create_database(server_url))
    database_url = f"{server_url}/{DATABASE}"
    migrate(database_url)
    asyncio.run(_seed(database_url, media_dir))
    return database_url


# ---- the server -----------------------------------------------------------------------------


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, then SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


@contextmanager
def serve(env: dict[str, str], log_file: Path, app: str = APP) -> Iterator[str]:
    """Run granian (one worker) on a free port; yield its base URL once /health answers."""
    port = free_port()
    command = [
        sys.executable, "-m", "granian", "--interface", "asgi", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--log-level", "warning", "--no-access-log", app,
    ]  # fmt: skip
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with code {process.returncode}:\n{log_file.read_text()}"
                )
            try:
                if _get(base_url + PLAIN) == HTTPStatus.OK:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                seconds = f"{STARTUP_TIMEOUT:.0f} s"
                raise RuntimeError(
                    f"the server did not answer {PLAIN} within {seconds}:\n{log_file.read_text()}"
                )
            time.sleep(0.2)
        yield base_url
    finally:
        _stop(process)


def server_env(database_url: str, workdir: Path, *, page_cache_seconds: int | None) -> dict[str, str]:
    """Production settings; ``page_cache_seconds=None`` keeps the app's default page cache."""
    env = {
        **os.environ,
        "STOREFRONT_ENV": "production",
        "SECRET_KEY": "benchmark-secret-key",
        "STRIPE_WEBHOOK_SECRET": "whsec_benchmark",  # required in production
        "DATABASE_URL": database_url,
        "STOREFRONT_VAR_DIR": str(workdir / "var"),
        "MEDIA_DIR": str(workdir / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("PAGE_CACHE_SECONDS", None)
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_ECHO", None)
    if page_cache_seconds is not None:
        env["PAGE_CACHE_SECONDS"] = str(page_cache_seconds)
    return env


# ---- the run --------------------------------------------------------------------------------


def print_table(results: list[Result], args: argparse.Namespace) -> None:
    """The figures, the home/plain ratios and what the machine they came from can tell."""
    width = max(len(result.label) for result in results)
    print()
    print(
        f"wrk -t1 -c{args.connections} -d{args.duration}s against granian (1 worker),"
        " STOREFRONT_ENV=production, PostgreSQL"
    )
    print(f"{'route':<{width}}  {'req/s':>9}  {'p50':>10}  {'p99':>10}  {'errors':>6}")
    for result in results:
        print(
            f"{result.label:<{width}}  {result.requests_per_second:>9.1f}  {result.p50_ms:>7.1f} ms"
            f"  {result.p99_ms:>7.1f} ms  {result.errors:>6}"
        )
    plain, *homes = results
    print()
    for home in homes:
        share = 100 * home.requests_per_second / plain.requests_per_second
        print(f"{home.label} / {plain.label}: {share:.1f} % of the plain route's throughput")
    cores = os.cpu_count() or 1
    print(
        f"\nNote: this machine has {cores} CPU core(s); wrk, the granian worker and PostgreSQL"
        " share them,\nso the figures are relative (home vs plain, cache vs none), not a capacity"
        " estimate."
    )
    if args.busy_before is not None and args.busy_before > BUSY_WARNING:
        print(
            f"Warning: other processes kept {100 * args.busy_before:.0f} % of the CPU busy just"
            " before the run;\nthe figures are lower and noisier than on an idle machine."
        )
    if any(result.errors for result in results):
        print("Warning: some requests failed (non-2xx/3xx or socket errors): see the errors column.")


def run(args: argparse.Namespace) -> list[Result]:
    """Database, then the server with the default page cache, then without it."""
    wrk = ensure_wrk()
    measure = {"duration": args.duration, "connections": args.connections, "warmup": args.warmup}
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="storefront-bench-")))
        print("starting PostgreSQL, migrating and seeding the demo counties ...", flush=True)
        server_url = stack.enter_context(throwaway_postgres())
        database_url = prepare_database(server_url, workdir / "media")

        env = server_env(database_url, workdir, page_cache_seconds=None)
        with serve(env, workdir / "granian-cached.log", args.app) as base_url:
            if (status := _get(base_url + HOME)) != HTTPStatus.OK:
                raise RuntimeError(f"{HOME} answered {status}: is the demo county {COUNTY!r} seeded?")
            print(f"server up at {base_url} (default page cache)", flush=True)
            plain = load(wrk, base_url + PLAIN, PLAIN, **measure)
            cached = load(wrk, base_url + HOME, f"{HOME} (page cache)", **measure)

        env = server_env(database_url, workdir, page_cache_seconds=0)
        with serve(env, workdir / "granian-uncached.log", args.app) as base_url:
            print(f"server up at {base_url} (PAGE_CACHE_SECONDS=0)", flush=True)
            uncached = load(wrk, base_url + HOME, f"{HOME} (no cache)", **measure)
    return [plain, cached, uncached]


def busy_cpu_share(seconds: float = 1.0) -> float | None:
    """The share of CPU time (all cores) spent busy over ``seconds``, from /proc/stat (Linux)."""

    def sample() -> tuple[int, int]:
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    try:
        total_before, idle_before = sample()
        time.sleep(seconds)
        total_after, idle_after = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total_after - total_before
    return 1 - (idle_after - idle_before) / total if total else None


def _raise_interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.catalog", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per route (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--app", default=APP, help=f"the app factory granian serves (default {APP})")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of unmeasured load first (default 2)")
    args = parser.parse_args()
    if args.duration < 1 or args.connections < 1 or args.warmup < 0:
        parser.error("--duration and --connections must be at least 1, --warmup at least 0")
    args.busy_before = busy_cpu_share()
    signal.signal(signal.SIGTERM, _raise_interrupt)  # cleanup runs on SIGTERM as on Ctrl-C
    try:
        results = run(args)
    except KeyboardInterrupt:
        sys.exit("interrupted: servers stopped")
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        sys.exit(f"benchmark failed: {error}")
    print_table(results, args)


if __name__ == "__main__":
    main()
