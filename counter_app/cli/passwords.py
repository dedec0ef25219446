"""Passwords on the command line without putting them on the command line.

A password given as an argument is visible to every account on the PC (`ps`, the process
list, shell history), so no `counter-app` command takes one in argv. Each command that needs
one reads it, in this order of preference:
- `--password-file FILE` (or `--admin-password-file`): the first line of FILE; for scripts
  and provisioning, with FILE readable by the owner only;
- `--password-stdin`: one line per password from standard input, in the order the command
  asks for them (`clerk add`: the admin's, then the new clerk's);
- otherwise a prompt on the terminal (getpass: nothing is echoed).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from counter_app.errors import CounterError
from forms.text import Text


def add_options(parser: argparse.ArgumentParser, *, admin: bool = False) -> None:
    """`--password-file` (and `--admin-password-file`) and `--password-stdin` on `parser`."""
    parser.add_argument(
        "--password-file", type=Path, metavar="FILE", help="read the password from FILE"
    )
    if admin:
        parser.add_argument(
            "--admin-password-file",
            type=Path,
            metavar="FILE",
            help="read the admin's password from FILE",
        )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read passwords from standard input, one per line",
    )


def read_password(args: argparse.Namespace, prompt: Text, file: Path | None) -> str:
    """One password from `file`, standard input or a prompt (see the module docstring);
    CounterError for an unreadable file or an empty password."""
    if file is not None:
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CounterError(
                Text(f"无法读取密码文件 {file}", f"Cannot read the password file {file}")
            ) from exc
        password = lines[0] if lines else ""
    elif getattr(args, "password_stdin", False):
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(prompt.get(args.lang) + " ")
    if not password:
        raise CounterError(Text("未提供密码。", "No password was given."))
    return password
