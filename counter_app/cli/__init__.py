"""`counter-app`: the terminal's command line, and the entry point that opens the window.

Subcommands live in feature modules (`store_cmds`, `receipt_cmds`, `sync_cmds`); each has a
`register(subparsers)` that adds its commands with `set_defaults(func=...)`. A user's
mistake ends as one clear line in the clerk's language and a non-zero exit, never a
traceback: commands raise `LocalizedError` subclasses and `main` prints them.

The command modules import the heavy libraries (reportlab, python-escpos, httpx); they are
imported only when a command is given, so opening the window does not wait for them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from counter_app import __version__
from counter_app.config import load_config
from counter_app.ops import progress
from forms.text import DEFAULT_LANG, LocalizedError


def command_modules() -> tuple[ModuleType, ...]:
    """Every module that registers subcommands."""
    # start-up: each command loads only what it needs (Qt never for headless ones)
    from counter_app.cli import (
        audit_cmds,
        deferral_cmds,
        forms_cmds,
        it_cmds,
        receipt_cmds,
        store_cmds,
        sync_cmds,
    )

    return (forms_cmds, store_cmds, receipt_cmds, sync_cmds, it_cmds, audit_cmds, deferral_cmds)


def build_parser(with_commands: bool = True) -> argparse.ArgumentParser:
    """The whole parser; without commands, only the options that opening the window takes."""
    parser = argparse.ArgumentParser(
        prog="counter-app",
        description="One-window counter terminal. Without a command it opens the window.",
        add_help=with_commands,
    )
    parser.add_argument("--version", action="version", version=f"counter-app {__version__}")
    parser.add_argument("--data-dir", type=Path, default=None, help="the terminal's data folder")
    parser.add_argument(
        "--lang", default=None, choices=["zh_CN", "en"], help="language of messages (default zh_CN)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the window on a throwaway folder with the sample catalog and demo clerks",
    )
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in command_modules():
        module.register(sub)
    return parser


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Window options alone are parsed without importing any command module."""
    words = list(sys.argv[1:] if argv is None else argv)
    args, rest = build_parser(with_commands=False).parse_known_args(words)
    return build_parser().parse_args(words) if rest else args


def _apply_config(args: argparse.Namespace) -> None:
    """Data folder and language from the layered configuration (file < environment < flags)."""
    flags = {key: str(value) for key, value in args.given.items() if value is not None}
    config = load_config(flags)
    args.data_dir, args.lang, args.effective_config = config.data_dir, config.lang, config


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    # What the command line said, before the configuration fills the gaps (see config.py).
    args.given = {"data_dir": args.data_dir, "lang": args.lang}
    args.lang = args.lang or os.environ.get("COUNTER_LANG") or DEFAULT_LANG
    try:
        _apply_config(args)
        progress.use_language(args.lang)
        if args.command is None:
            from counter_app.ops.launch import open_window  # start-up: Qt only for the window

            return open_window(args)
        result: int = args.func(args)
        return result
    except LocalizedError as exc:
        print(f"counter-app: {exc.message(args.lang)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
