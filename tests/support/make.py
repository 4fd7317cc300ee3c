"""What `make run` would do, read from the commands `make -n` prints without running them."""

from __future__ import annotations

import os
import subprocess

from storefront.config import PROJECT_ROOT


def make_run_commands(**unset: bool) -> str:
    """The commands of `make run` as printed by `make -n`, outside any calling make; the names in
    ``unset`` are removed from the environment first."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("MAKE", "MFLAGS"))}
    for name in unset:
        env.pop(name, None)
    return subprocess.run(
        ["make", "--no-print-directory", "-n", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
