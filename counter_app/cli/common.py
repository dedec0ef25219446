"""Small helpers shared by the store's command modules."""

from __future__ import annotations

import argparse
from pathlib import Path

from counter_app.terminal import Terminal
from forms.text import Text


def say(args: argparse.Namespace, zh: str, en: str) -> None:
    """Print one line in the clerk's language."""
    print(Text(zh, en).get(args.lang))


def open_terminal(args: argparse.Namespace) -> Terminal:
    """The terminal in `--data-dir` (NotInitialised when `init` never ran there)."""
    return Terminal.open(Path(args.data_dir))
