"""How long a `counter-app` command takes to start and finish (issue 17: < 0.5 s), against a
bare `python -c pass` measured in the same run.

Like hyperfine: each command runs `repeat` times as a fresh process (one warm-up run each
first, so the OS cache holds the files), the three kinds taken turn about so the machine's
load falls on all of them alike; the row is the median, the worst run is in the notes.
`sync --once` runs against a live portal in its own process with nothing to send or pull,
so what it measures is the start, one round trip per step and the exit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench.core import ROOT, Context, Result, median
from bench.terminals import PortalProcess, enroll_at, new_terminal, portal_settings
from portal.db import Database


def _env() -> dict[str, str]:
    """No proxies from the environment (loopback), bytecode as a deployed install has."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _once(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=_env(), check=True, capture_output=True)
    return time.perf_counter() - start


def cli(ctx: Context) -> list[Result]:
    repeat = max(3, ctx.sizes.samples // 20)
    folder = ctx.work / "terminal"
    settings = portal_settings(ctx.work / "portal")
    with new_terminal(folder, "7QXS") as terminal, PortalProcess(settings) as portal:
        db = Database(settings.db_url)
        enroll_at(terminal, db, portal.url)
        db.dispose()
        app = [sys.executable, "-m", "counter_app", "--data-dir", str(folder)]
        runs = {
            "bare": [sys.executable, "-c", "pass"],
            "--help": [*app, "--help"],
            "sync --once": [*app, "sync", "--once"],
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        for argv in runs.values():
            _once(argv)  # warm-up: bytecode written, files in the OS cache
        ctx.log(f"cli: {repeat} runs of each command ...")
        for _ in range(repeat):
            for name, argv in runs.items():
                times[name].append(_once(argv))
    bare = median(times["bare"])
    results = []
    for name in ("--help", "sync --once"):
        value = median(times[name])
        ctx.notes.append(f"cli {name}: worst of {repeat} runs {max(times[name]) * 1000:.0f} ms")
        metric = f"counter-app {name}: start to exit (median of {repeat})"
        results.append(Result("cli", metric, value * 1000, "ms", bare * 1000, "< 500 ms",
                              value < 0.5))  # fmt: skip
    return results
