"""Opening the window: the one place the CLI reaches into `counter_app.ui`, imported late
so that headless commands never load Qt."""

from __future__ import annotations

import argparse


def open_window(args: argparse.Namespace) -> int:
    """Start the Qt application on `args.data_dir` (or a demo folder with `args.demo`)."""
    from counter_app.ui.app import run

    return run(args)
