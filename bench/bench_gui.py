"""Startup time and memory of the counter window (offscreen), each against a bare PySide6
QMainWindow process measured in the same run. The window runs in a child process
(`bench.gui_child`); this module imports no Qt.

startup: from `Popen` to the child's "shown and idle" line, median of several alternating
runs, on the startup-size database (100,000 applications in the issue).
memory: peak RSS of the child, logged in with the home page loaded, on the big database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from typing import Any

from bench.core import ROOT, Context, Result, median, ms
from bench.gen_db import CLERKS, PASSWORD, database_for

RUNS = 5


def child(*args: str, timeout: float = 120.0) -> tuple[float, dict[str, Any]]:
    """Run the window child; (seconds until its ready line, the line's data). A child that
    is not ready within `timeout` (e.g. the terminal would not open) is killed: RuntimeError."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-m", "bench.gui_child", *args],
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
    return seconds, json.loads(line)


def startup(ctx: Context) -> list[Result]:
    data_dir = str(database_for(ctx.sizes.startup_db, ctx.cache, ctx.log))
    runs = min(RUNS, max(2, ctx.sizes.samples // 40))
    child("bare"), child("app", data_dir)  # warm the OS page cache for both
    bare, app = [], []
    for _ in range(runs):
        bare.append(child("bare")[0])
        app.append(child("app", data_dir)[0])
    value, base = ms(median(app)), ms(median(bare))
    return [
        Result("startup", f"to login window, {ctx.sizes.startup_db:,} apps (median of {runs})",
               value, "ms", base, "<= 1.5x", value <= 1.5 * base),
    ]  # fmt: skip


def memory(ctx: Context) -> list[Result]:
    data_dir = str(database_for(ctx.sizes.big_db, ctx.cache, ctx.log))
    base = child("bare")[1]["peak_rss_kb"] / 1024
    login = child("login", data_dir, CLERKS[1], PASSWORD)[1]["peak_rss_kb"] / 1024
    return [
        Result("memory", f"peak RSS logged in, {ctx.sizes.big_db:,} apps", login, "MB", base,
               "<= +100 MB", login - base <= 100),
    ]  # fmt: skip
