"""What the benchmarks share: the load tool, the server, the databases, a shopper over HTTP.

- ``wrk`` (Debian's), run against a URL and read back as a :class:`Result`;
- the app served the way production serves it (granian, one worker, production settings);
- a migrated database with the demo counties, on a throwaway PostgreSQL or in a SQLite file;
- a shopper who holds a session cookie (a cart, an order), for the pages that need one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import warnings
from contextlib import ExitStack, contextmanager
from dataclasses import astuple, dataclass
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import asyncpg
from sqlalchemy.exc import SADeprecationWarning
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from storefront.config import Settings
from tests.support.databases import migrate
from tests.support.postgres import free_port, throwaway_postgres

warnings.filterwarnings("ignore", category=SADeprecationWarning)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from email.message import Message

    from sqlalchemy.ext.asyncio import AsyncSession

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLAIN = "/health"
APP = "storefront.app:create_app"
BARE_APP = "benchmarks.bare:create_app"
DATABASE = "storefront_bench"
BACKENDS = ("postgresql", "sqlite")
WRK_INSTALL = "apt-get install -y wrk"
STARTUP_TIMEOUT = 30.0
BUSY_WARNING = 0.25  # warn when other processes used more of the CPU than this before the run
T = TypeVar("T")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
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


def load(
    wrk: str,
    url: str,
    label: str,
    *,
    duration: int,
    connections: int,
    warmup: int,
    cookie: str = "",
) -> Result:
    """Warm the route up (result discarded), then measure it; ``cookie`` is sent on every request."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []

    def run(seconds: int) -> str:
        command = [
            wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
            *headers, url,
        ]  # fmt: skip
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    if warmup > 0:
        run(warmup)
    print(f"  measuring {label} for {duration} s ...", flush=True)
    return parse_wrk(label, run(duration))


# ---- the database ---------------------------------------------------------------------------


def plain_dsn(database_url: str) -> str:
    """The asyncpg DSN of a SQLAlchemy ``postgresql+asyncpg`` URL."""
    return database_url.replace("postgresql+asyncpg", "postgresql")


async def create_database(server_url: str, name: str = DATABASE) -> str:
    """An empty database on a PostgreSQL server; returns its SQLAlchemy URL."""
    connection = await asyncpg.connect(f"{plain_dsn(server_url)}/postgres")
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return f"{server_url}/{name}"


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


def seed_demo_counties(database_url: str, media_dir: Path) -> None:
    """Seed a migrated database with the demo counties (their pictures go to ``media_dir``)."""
    asyncio.run(_seed(database_url, media_dir))


class Databases:
    """New databases for one run: on a throwaway PostgreSQL started at the first one asked for
    (stopped when ``stack`` closes), or in SQLite files under ``workdir``."""

    def __init__(self, stack: ExitStack, workdir: Path) -> None:
        self.stack = stack
        self.workdir = workdir
        self.postgres_url: str | None = None

    def empty(self, backend: str, name: str = DATABASE) -> str:
        """The URL of a new database with no tables."""
        if backend == "sqlite":
            return f"sqlite+aiosqlite:///{self.workdir / f'{name}.db'}"
        if self.postgres_url is None:
            self.postgres_url = self.stack.enter_context(throwaway_postgres())
        return asyncio.run(create_database(self.postgres_url, name))

    def demo(self, backend: str, name: str = DATABASE) -> str:
        """The URL of a new, migrated database holding the demo counties."""
        database_url = self.empty(backend, name)
        migrate(database_url)
        seed_demo_counties(database_url, self.workdir / "media")
        return database_url


@contextmanager
def orm_session(database_url: str) -> Iterator[tuple[asyncio.Runner, AsyncSession]]:
    """An ORM session on ``database_url`` and the event loop to run its coroutines in."""
    with asyncio.Runner() as runner:
        engine = create_async_engine(database_url)
        session = async_sessionmaker(engine, expire_on_commit=False)()
        try:
            yield runner, session
        finally:
            runner.run(session.close())
            runner.run(engine.dispose())


# ---- the server -----------------------------------------------------------------------------


def get_status(url: str) -> int:
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
def running(command: list[str], env: dict[str, str], log_file: Path, ready_url: str) -> Iterator[None]:
    """Run ``command`` in its own process group, logging to ``log_file``; yield once ``ready_url``
    answers 200; stop the group at the end, on failure and on Ctrl-C."""
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{command[2]} exited with code {process.returncode}:\n{log_file.read_text()}"
                )
            try:
                if get_status(ready_url) == HTTPStatus.OK:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                seconds = f"{STARTUP_TIMEOUT:.0f} s"
                raise RuntimeError(f"{ready_url} did not answer within {seconds}:\n{log_file.read_text()}")
            time.sleep(0.2)
        yield
    finally:
        _stop(process)


@contextmanager
def serve(env: dict[str, str], log_file: Path, app: str = APP) -> Iterator[str]:
    """Run granian (one worker) on a free port; yield its base URL once /health answers."""
    port = free_port()
    command = [
        sys.executable, "-m", "granian", "--interface", "asgi", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        "--log-level", "warning", "--no-access-log", app,
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    with running(command, env, log_file, base_url + PLAIN):
        yield base_url


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


def production_settings(database_url: str, workdir: Path, *, page_cache_seconds: int) -> Settings:
    """The settings of :func:`server_env`, for an app built in this process."""
    return Settings(
        environment="production",
        database_url=database_url,
        secret_key="benchmark-secret-key",
        stripe_webhook_secret="whsec_benchmark",
        media_dir=workdir / "media",
        mail_dir=workdir / "mail",
        session_dir=workdir / "var" / "sessions",
        page_cache_seconds=page_cache_seconds,
    )


# ---- a shopper over HTTP --------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


class HttpShopper:
    """A visitor who keeps the cookies the shop sets and sends forms with the CSRF token, as the
    shop's pages do. Cookies are kept by hand: in production they are ``Secure``, which a cookie
    jar would not send back over the benchmark's plain HTTP."""

    def __init__(self, base_url: str, county: str) -> None:
        self.base_url = base_url
        self.county = county
        self.cookies: dict[str, str] = {}
        self.status = 0
        """Of the last answer."""
        self.opener = urllib.request.build_opener(_NoRedirects)

    def _open(self, path: str, data: dict[str, object] | None = None) -> str:
        """The answer's body (empty for a redirect, which is not followed); raises on 4xx and 5xx
        (:attr:`status` holds the code either way)."""
        headers = {"Cookie": self.cookie_header()}
        if data is not None:
            headers["x-csrftoken"] = self.cookies.get("csrftoken", "")
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"{self.base_url}/c/{self.county}{path}", body, headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                self.status = response.status
                self._keep(response.headers)
                return response.read().decode()
        except urllib.error.HTTPError as error:
            self.status = error.code
            if not HTTPStatus.MULTIPLE_CHOICES <= error.code < HTTPStatus.BAD_REQUEST:
                raise
            self._keep(error.headers)
            return ""

    def _keep(self, headers: Message) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()

    def get(self, path: str) -> str:
        return self._open(path)

    def post(self, path: str, data: dict[str, object]) -> str:
        if "csrftoken" not in self.cookies:
            self.get("/cart")
        return self._open(path, data)

    def link(self, html: str, kind: str) -> str:
        """The first link of the county's ``kind`` (``products``, ``category``) on a page, as a
        path within the county."""
        match = re.search(rf'href="/c/{self.county}(/{kind}/[^"?#]+)"', html)
        if match is None:
            raise RuntimeError(f"no /{kind}/ link on the page of {self.county}")
        return match.group(1)

    def cookie_header(self) -> str:
        """What a browser would send back: every cookie it was given."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


# ---- the machine and the run ----------------------------------------------------------------


def _cpu_ticks() -> tuple[int, int]:
    """All cores' CPU time since boot, in clock ticks: (total, idle + iowait), from /proc/stat."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]


def busy_cpu_share(seconds: float = 1.0) -> float | None:
    """The share of CPU time (all cores) spent busy over ``seconds``, from /proc/stat (Linux)."""
    try:
        total_before, idle_before = _cpu_ticks()
        time.sleep(seconds)
        total_after, idle_after = _cpu_ticks()
    except (OSError, ValueError, IndexError):
        return None
    total = total_after - total_before
    return 1 - (idle_after - idle_before) / total if total else None


@dataclass(frozen=True)
class CpuUse:
    """CPU seconds used so far: by the whole machine, by the PostgreSQL server (its postmaster and
    every process it started, the ended ones included), and by this program's ended subprocesses
    (the load tool). Subtract two to get what happened in between (Linux)."""

    machine: float
    postgres: float
    load_tool: float

    @classmethod
    def now(cls, postmaster: int | None) -> CpuUse:
        total, idle = _cpu_ticks()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return cls(
            machine=(total - idle) / CLOCK_TICKS,
            postgres=_tree_cpu(postmaster) if postmaster else 0.0,
            load_tool=children.ru_utime + children.ru_stime,
        )

    def __sub__(self, earlier: CpuUse) -> CpuUse:
        return CpuUse(*(a - b for a, b in zip(astuple(self), astuple(earlier), strict=True)))

    def __truediv__(self, count: float) -> CpuUse:
        return CpuUse(*(part / count for part in astuple(self)))

    @staticmethod
    def median(uses: list[CpuUse]) -> CpuUse:
        return CpuUse(*(statistics.median(parts) for parts in zip(*map(astuple, uses), strict=True)))


def _tree_cpu(root: int) -> float:
    """CPU seconds of process ``root`` (with the children it has waited for) and of its live children."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        if pid == root:
            total += sum(int(n) for n in fields[11:15])  # utime, stime, cutime, cstime
        elif parent == root:
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


async def _postmaster_pid(database_url: str) -> int:
    connection = await asyncpg.connect(plain_dsn(database_url))
    try:
        data_directory = await connection.fetchval("SHOW data_directory")
    finally:
        await connection.close()
    return int((Path(data_directory) / "postmaster.pid").read_text().split("\n", 1)[0])


def postmaster_pid(database_url: str) -> int:
    """The process id of the PostgreSQL server holding ``database_url`` (on this machine)."""
    return asyncio.run(_postmaster_pid(database_url))


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns."""
    return text + " " * (width - display_width(text))


def raise_interrupt(_signum: int, _frame: object) -> None:
    """A SIGTERM handler: clean-up runs as on Ctrl-C."""
    raise KeyboardInterrupt


def benchmark_parser(module: str, doc: str, *, app: bool = False) -> argparse.ArgumentParser:
    """The command line of ``python -m benchmarks.<module>``, described by its docstring's first
    paragraph; with ``app``, the ``--app`` option (another app factory, to compare a change)."""
    parser = argparse.ArgumentParser(prog=f"python -m benchmarks.{module}", description=doc.split("\n\n")[0])
    if app:
        parser.add_argument("--app", default=APP, help=f"the app factory granian serves (default {APP})")
    return parser


def guarded(work: Callable[[], T]) -> T:
    """Run a benchmark: SIGTERM cleans up as Ctrl-C does; an interruption or a failure ends the
    program with one line and a non-zero exit code."""
    signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        return work()
    except KeyboardInterrupt:
        sys.exit("interrupted: servers stopped")
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        sys.exit(f"benchmark failed: {error}")


def print_machine_note(busy_before: float | None, sharing: str) -> None:
    """Say what the figures can mean on this machine, and warn if it was busy before the run."""
    print(
        f"Note: this machine has {os.cpu_count() or 1} CPU core(s), shared by {sharing}:\n"
        "compare figures of one run (shares, ratios), not absolute figures across machines or runs."
    )
    if busy_before is not None and busy_before > BUSY_WARNING:
        print(
            f"Warning: other processes kept {100 * busy_before:.0f} % of the CPU busy just before"
            " the run;\nthe figures are lower and noisier than on an idle machine."
        )
