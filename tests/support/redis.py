"""A throwaway Redis server from the installed binary, for tests of several app processes.

It keeps nothing on disk (no snapshots, no append-only file) and runs in the foreground as a child
process, so stopping it is stopping that process.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tests.support.postgres import free_port

if TYPE_CHECKING:
    from collections.abc import Iterator

INSTALL_HINT = "apt-get install -y --no-install-recommends redis-server  (needed for the two-worker tests)"


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def throwaway_redis() -> Iterator[str]:
    """Start a server, yield ``redis://127.0.0.1:PORT/0``, stop it."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(f"Redis server not found. Install it with: {INSTALL_HINT}")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not _answers_ping(port):
            if server.poll() is not None or time.monotonic() > deadline:
                msg = f"redis-server did not start on port {port}"
                raise RuntimeError(msg)
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
