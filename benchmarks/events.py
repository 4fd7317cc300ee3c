"""What recording shopper events costs the cached county home page, measured in one run.

    uv run python -m benchmarks.events [--duration 10] [--connections 32] [--rounds 3]

Starts a throwaway PostgreSQL with the demo counties (as ``benchmarks.catalog``), then serves the
app with granian (one worker, production settings, the default page cache) twice, and loads each in
turn, round after round, reporting the median of the rounds:

- without recording (``app_without_events``: the same app with its event recorder taken away);
- with recording, loaded as new visitors (no cookies: each request gets a ``vid`` and a visit
  cookie and queues two events, a visit and a page view) and as a returning visitor (``vid`` and
  visit cookies sent: one page view queued, the visit cookie renewed).

wrk sends a browser's User-Agent (HTTP tools are not counted as shoppers). After each recording
run the script waits for the writer and prints how many page views reached the database against
the requests wrk counted (none may be lost).

For each load it also counts the machine's CPU time per answered request (from the measurement's
start until the writer's last batches are in), and the parts of it that PostgreSQL's processes and
wrk used: what a recorded page view costs the two cores, wherever it is spent.

Then, with no server and no load tool sharing the two cores, it drives both apps straight through
ASGI in turns and prints the process's CPU time per request without and with recording, the
writer's batches included: the least noisy measure of what recording costs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import asyncpg
from litestar import Litestar

from benchmarks.catalog import HOME
from benchmarks.support import (
    CpuUse,
    Databases,
    Result,
    busy_cpu_share,
    ensure_wrk,
    parse_wrk,
    postmaster_pid,
    raise_interrupt,
    serve,
    server_env,
)
from storefront.app import create_app

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
RETURNING = "vid=0123456789abcdef0123456789abcdef; visit=1"
WITHOUT = "benchmarks.events:app_without_events"
WITH = "storefront.app:create_app"


def app_without_events() -> Litestar:
    """The app as served, with no event recorder: the middleware then passes requests straight on."""
    app = create_app()
    app.state.events = None
    return app


def load(
    wrk: str, url: str, label: str, args: argparse.Namespace, postmaster: int, cookie: str = ""
) -> tuple[Result, int, int, CpuUse]:
    """Warm up, then measure; the result, the requests wrk completed warming up and measuring, and
    the CPU used from the measurement's start until the writer's last batches are in."""
    headers = ["-H", f"User-Agent: {BROWSER}"] + (["-H", f"Cookie: {cookie}"] if cookie else [])

    def run(seconds: int) -> str:
        command = [wrk, "-t1", f"-c{args.connections}", f"-d{seconds}s", "--latency", *headers, url]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    warmed = _completed(run(args.warmup)) if args.warmup else 0
    print(f"  measuring {label} for {args.duration} s ...", flush=True)
    started = CpuUse.now(postmaster)
    output = run(args.duration)
    time.sleep(2)  # the writer's last batches
    measured = _completed(output)
    return parse_wrk(label, output), warmed + measured, measured, CpuUse.now(postmaster) - started


def _completed(output: str) -> int:
    """Requests wrk got an answer to ("12345 requests in 10.00s")."""
    return int(output.split(" requests in ")[0].split()[-1])


async def _page_views(database_url: str) -> int:
    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        return await connection.fetchval("SELECT count(*) FROM events WHERE kind = 'page_view'")
    finally:
        await connection.close()


def page_views(database_url: str) -> int:
    return asyncio.run(_page_views(database_url))


CONFIGS = (
    ("without recording", WITHOUT, ""),
    ("new visitors", WITH, ""),
    ("returning visitor", WITH, RETURNING),
)


def _request(cookie: str) -> dict[str, object]:
    headers = [(b"host", b"127.0.0.1"), (b"user-agent", BROWSER.encode()), (b"accept", b"text/html")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": HOME, "raw_path": HOME.encode(), "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 80), "state": {},
    }  # fmt: skip


async def _receive() -> dict[str, object]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _discard(message: object) -> None:
    return None


async def cpu_per_request(cookie: str, rounds: int = 20, block: int = 1000) -> tuple[float, float]:
    """Microseconds of this process's CPU a request of the cached county home costs, without and
    with recording (the writer's batches, flushed after each block, included), the two apps taking
    turns in blocks of ``block`` requests."""
    without, recording = app_without_events(), create_app()
    cpu = {False: 0.0, True: 0.0}
    async with without.lifespan(), recording.lifespan():
        for app in (without, recording):
            for _ in range(300):  # templates compiled, page cached
                await app(_request(cookie), _receive, _discard)
        for round_number in range(rounds):
            for records in (False, True) if round_number % 2 else (True, False):
                app = recording if records else without
                started = time.process_time()
                for _ in range(block):
                    await app(_request(cookie), _receive, _discard)
                if records:
                    await recording.state.events.flush()
                cpu[records] += time.process_time() - started
    requests = rounds * block
    return 1e6 * cpu[False] / requests, 1e6 * cpu[True] / requests


def run(args: argparse.Namespace) -> list[tuple[Result, str, CpuUse]]:
    """Both servers up at once (an idle one costs nothing); the three loads take turns, round after
    round, in a rotating order, so a busy moment of the machine falls on each of them alike."""
    wrk = ensure_wrk()
    results: dict[str, list[Result]] = {label: [] for label, _, _ in CONFIGS}
    recorded = {label: [0, 0] for label, _, _ in CONFIGS}  # page views written, requests answered
    cpu: dict[str, list[CpuUse]] = {label: [] for label, _, _ in CONFIGS}  # per measured request
    print("starting PostgreSQL, migrating and seeding the demo counties ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="storefront-bench-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        database_url = Databases(stack, workdir).demo("postgresql")
        postmaster = postmaster_pid(database_url)
        env = server_env(database_url, workdir, page_cache_seconds=None)
        with (
            serve(env, workdir / "granian-without.log", WITHOUT) as without_url,
            serve(env, workdir / "granian-with.log", WITH) as with_url,
        ):
            urls = {WITHOUT: without_url, WITH: with_url}
            for round_number in range(args.rounds):
                shift = round_number % len(CONFIGS)
                for label, app, cookie in CONFIGS[shift:] + CONFIGS[:shift]:
                    before = page_views(database_url)
                    result, completed, measured, used = load(
                        wrk, urls[app] + HOME, f"{HOME} {label}", args, postmaster, cookie
                    )
                    results[label].append(result)
                    cpu[label].append(used / measured)
                    recorded[label][0] += page_views(database_url) - before
                    recorded[label][1] += completed
        os.environ.update(env)  # the apps below read their settings from it
        for label, cookie in (("new visitors", ""), ("returning visitor", RETURNING)):
            print(f"  CPU per request in process, {label} ...", flush=True)
            args.cpu[label] = asyncio.run(cpu_per_request(cookie))
    rows = []
    for label, _, _ in CONFIGS:
        runs = results[label]
        written, answered = recorded[label]
        median = Result(
            label=runs[0].label,
            requests_per_second=statistics.median(r.requests_per_second for r in runs),
            p50_ms=statistics.median(r.p50_ms for r in runs),
            p99_ms=statistics.median(r.p99_ms for r in runs),
            errors=sum(r.errors for r in runs),
        )
        spread = ", ".join(f"{r.requests_per_second:.0f}" for r in runs)
        note = f"{written} page views written for {answered} answered requests; runs: {spread} req/s"
        rows.append((median, note, CpuUse.median(cpu[label])))
    return rows


def print_table(rows: list[tuple[Result, str, CpuUse]], args: argparse.Namespace) -> None:
    width = max(len(result.label) for result, _, _ in rows)
    print(
        f"\nwrk -t1 -c{args.connections} -d{args.duration}s, granian 1 worker, production, PostgreSQL;"
        f" medians of {args.rounds} rounds"
    )
    print(f"{'route':<{width}}  {'req/s':>9}  {'p50':>10}  {'p99':>10}  {'errors':>6}")
    for result, _, _ in rows:
        print(
            f"{result.label:<{width}}  {result.requests_per_second:>9.1f}  {result.p50_ms:>7.1f} ms"
            f"  {result.p99_ms:>7.1f} ms  {result.errors:>6}"
        )
    base = rows[0][0].requests_per_second
    for result, note, _ in rows:
        print(f"{result.label}: {100 * result.requests_per_second / base:.1f} % of without; {note}")
    print(
        "\nThe machine's CPU per answered request over HTTP (from the measurement's start until the"
        " writer's\nlast batches are in), and its parts: PostgreSQL's processes, wrk, and the rest"
        " (the server):"
    )
    print(f"{'load':<{width}}  {'machine':>9}  {'PostgreSQL':>10}  {'wrk':>7}  {'the rest':>9}")
    for result, _, cpu in rows:
        rest = cpu.machine - cpu.postgres - cpu.load_tool
        print(
            f"{result.label:<{width}}  {cpu.machine * 1e6:>6.1f} µs  {cpu.postgres * 1e6:>7.1f} µs"
            f"  {cpu.load_tool * 1e6:>4.1f} µs  {rest * 1e6:>6.1f} µs"
        )
    budget = 0.05 * rows[0][2].machine * 1e6
    print(f"5 % of a request without recording: {budget:.1f} µs of the machine's CPU.")
    print("\nCPU of the app's process per request, driven through ASGI in turns (no server, no wrk):")
    for label, (without, recording) in args.cpu.items():
        extra = recording - without
        share = 100 * extra / without
        print(f"  {label}: {without:.1f} µs without, {recording:.1f} with, +{extra:.1f} µs ({share:.1f} %)")
    if args.busy_before is not None and args.busy_before > 0.25:
        print(f"Warning: the machine was {100 * args.busy_before:.0f} % busy before the run.")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.events", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    args.busy_before = busy_cpu_share()
    args.cpu = {}
    signal.signal(signal.SIGTERM, raise_interrupt)  # servers and database stopped on SIGTERM too
    try:
        rows = run(args)
    except KeyboardInterrupt:
        sys.exit("interrupted: servers stopped")
    print_table(rows, args)


if __name__ == "__main__":
    main()
