"""Startup time and memory of the counter window (offscreen), each against a bare PySide6
QMainWindow process measured in the same run. The windows run in child processes
(`counter-app` itself, `bench.gui_child`); this module imports no Qt.

startup: from `Popen` to "login window shown and idle" (the main window's first paint, then a
zero-timer), on the startup-size database (100,000 applications in the issue). The window is
started as the clerk starts it, `counter-app --data-dir DIR` (`python -m counter_app`: the
command line, the configuration, the window), in its smoke mode ($COUNTER_UI_SMOKE, which
prints the ready line); the bare window is `bench.gui_child bare`, under the same test. The
goal holds for every run, so the verdict is the slowest of the alternating runs against the
bare window's median; the median is a second row. "terminal opened" is informational. The
children run with bytecode (see `compile_project`), as a deployed terminal does.
memory: peak RSS of the child, logged in with the home page loaded, on the big database.
"""

from __future__ import annotations

import compileall
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.core import ROOT, Context, Result, median, ms
from bench.gen_db import CLERKS, PASSWORD, database_for

RUNS = 5
PACKAGES = ("bench", "counter_app", "forms", "printing", "sync")  # what the children import
PYCACHE = "pycache"  # under the bench cache folder
BYTECODE_NOTE = (
    "startup/memory: the window children run with bytecode (compileall into the bench "
    "cache's pycache, PYTHONPYCACHEPREFIX), as a wheel or the frozen build would"
)


def compile_project(cache: Path) -> Path:
    """Compile our packages into `cache`/pycache and return that folder. This machine sets
    PYTHONDONTWRITEBYTECODE=1, so without this every child start would compile our modules
    from source (10-50 ms) while the bare window compiles nothing; a deployed terminal has
    its bytecode. The prefix keeps the working tree free of __pycache__ folders; what the
    children import from elsewhere (stdlib, site-packages) lands there on the warm-up runs."""
    prefix = cache / PYCACHE
    prefix.mkdir(parents=True, exist_ok=True)
    before = sys.pycache_prefix
    sys.pycache_prefix = str(prefix)  # where compileall (via importlib) writes
    try:
        for package in PACKAGES:
            if not compileall.compile_dir(ROOT / package, quiet=1):
                raise RuntimeError(f"could not compile {package} for the window benchmarks")
    finally:
        sys.pycache_prefix = before
    return prefix


def child(
    *args: str, timeout: float = 120.0, pycache: Path | None = None
) -> tuple[float, dict[str, Any]]:
    """Run the window child; (seconds until its ready line, the line's data). A child that
    is not ready within `timeout` (e.g. the terminal would not open) is killed: RuntimeError.
    With `pycache` the child reads and writes bytecode there (see `compile_project`)."""
    seconds, line = _until_ready(["-m", "bench.gui_child", *args], {}, timeout, pycache)
    return seconds, json.loads(line)


def counter_app_window(
    data_dir: str, smoke: str = "1", timeout: float = 120.0, pycache: Path | None = None
) -> float:
    """Start the window as the clerk does (`counter-app --data-dir`), in smoke mode `smoke`
    ("1": the login window shown and idle, "opened": the terminal open too); seconds until
    its ready line. RuntimeError when it exits or is not ready within `timeout`."""
    args = ["-m", "counter_app", "--data-dir", data_dir]
    return _until_ready(args, {"COUNTER_UI_SMOKE": smoke}, timeout, pycache)[0]


def _until_ready(
    args: list[str], extra_env: dict[str, str], timeout: float, pycache: Path | None
) -> tuple[float, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **extra_env}
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    start = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        line = proc.stdout.readline()
        seconds = time.perf_counter() - start
        proc.wait()
        watchdog.cancel()
    if proc.returncode != 0 or not line:
        raise RuntimeError(f"window child {args} was not ready (exit {proc.returncode})")
    return seconds, line


def startup(ctx: Context) -> list[Result]:
    data_dir = str(database_for(ctx.sizes.startup_db, ctx.cache, ctx.log))
    pyc = compile_project(ctx.cache)
    ctx.notes.append(BYTECODE_NOTE)
    runs = min(RUNS, max(2, ctx.sizes.samples // 40))
    kinds: dict[str, Callable[[], float]] = {
        "bare": lambda: child("bare", pycache=pyc)[0],
        "login": lambda: counter_app_window(data_dir, pycache=pyc),
        "opened": lambda: counter_app_window(data_dir, "opened", pycache=pyc),
    }
    for start in kinds.values():  # warm the OS page cache and the bytecode for each
        start()
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(runs):
        for kind, start in kinds.items():
            times[kind].append(start())
    base = ms(median(times["bare"]))
    slowest, login, opened = (
        ms(max(times["login"])),
        ms(median(times["login"])),
        ms(median(times["opened"])),
    )
    size = f"{ctx.sizes.startup_db:,} apps"
    return [
        Result("startup", f"counter-app to login window shown and idle, {size} (slowest of {runs})",
               slowest, "ms", base, "<= 1.5x", slowest <= 1.5 * base),
        Result("startup", f"... the median of the {runs} (informational)", login, "ms", base),
        Result("startup", f"counter-app to terminal opened, {size} (informational)",
               opened, "ms", base),
    ]  # fmt: skip


def memory(ctx: Context) -> list[Result]:
    data_dir = str(database_for(ctx.sizes.big_db, ctx.cache, ctx.log))
    pyc = compile_project(ctx.cache)
    ctx.notes.append(BYTECODE_NOTE)
    base = child("bare", pycache=pyc)[1]["peak_rss_kb"] / 1024
    login = child("login", data_dir, CLERKS[1], PASSWORD, pycache=pyc)[1]["peak_rss_kb"] / 1024
    return [
        Result("memory", f"peak RSS logged in, {ctx.sizes.big_db:,} apps", login, "MB", base,
               "<= +100 MB", login - base <= 100),
    ]  # fmt: skip
