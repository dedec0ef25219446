"""Opening the window: the one place the CLI reaches into `counter_app.ui`, imported late
so that headless commands never load Qt."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from counter_app import startup_gc
from forms.text import LocalizedError


def open_window(args: argparse.Namespace) -> int:
    """Start the Qt application on `args.data_dir` (or a demo folder with `args.demo`).

    A roll-out script may leave COUNTER_ENROLL_URL / COUNTER_ENROLL_CODE in the environment:
    the first start then initialises and enrolls the terminal silently. A failed enrollment
    does not stop the window: the hall works offline and `counter-app doctor` shows why.
    """
    if not args.demo and os.environ.get("COUNTER_ENROLL_CODE"):
        _provision(args)
    startup_gc.pause()  # until the login window is painted (Shell._open)
    from counter_app.ui.app import run  # Qt: headless commands never load it

    if not args.demo:
        return run(args, Path(args.data_dir))
    from counter_app.ops import demo  # start-up: the forms and YAML (~300 ms), demo only

    prepared = demo.prepare()
    print(prepared.banner(), flush=True)
    try:
        return run(args, prepared.data_dir, prepared)
    finally:
        prepared.close()


def _provision(args: argparse.Namespace) -> None:
    from counter_app.config import load_config
    from counter_app.ops.provision import first_start

    try:
        first_start(load_config({"data_dir": str(args.data_dir)}))
    except LocalizedError as exc:
        print(f"counter-app: {exc.message(args.lang)}", file=sys.stderr)
