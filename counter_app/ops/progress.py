"""Progress bars for the long commands (`backup`, `restore`, `export`, `sync`, and the
benchmark's generators), drawn by tqdm on the terminal's standard error.

Only on a terminal: when standard error is not a TTY (a pipe, a log file, a scheduled job),
nothing is drawn, so logs and scripts read the same lines as before. The label is in the
language of the command line (`use_language`, set by `counter_app.cli.main`).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO, TypeVar

from forms.text import DEFAULT_LANG, Text

T = TypeVar("T")
_lang = {"code": DEFAULT_LANG}


def use_language(lang: str) -> None:
    """The language of the bars' labels from now on."""
    _lang["code"] = lang


def on_terminal(stream: TextIO | None = None) -> bool:
    """Whether `stream` (standard error by default) is a terminal a person watches."""
    stream = stream or sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real file
        return False


def bar(total: float, label: Text, unit: str = "it", stream: TextIO | None = None) -> Any:
    """A tqdm bar (bytes when `unit` is "B"); None when not on a terminal, so callers write
    `if b: b.update(n)`."""
    stream = stream or sys.stderr
    if not on_terminal(stream):
        return None
    from tqdm import tqdm  # start-up: only a command that draws a bar pays for it

    scale = unit == "B"
    # a terminal that reports no size (0x0: tqdm would draw nothing) counts as 80x24
    size = shutil.get_terminal_size()
    return tqdm(total=total, desc=label.get(_lang["code"]), unit=unit, unit_scale=scale,
                unit_divisor=1024 if scale else 1000, file=stream, leave=False,
                ncols=size.columns, nrows=size.lines)  # fmt: skip


def each(items: Iterable[T], total: int, label: Text, unit: str = "it") -> Iterator[T]:
    """`items`, moving a bar of `total` steps as they are taken (plain `items` off a TTY)."""
    shown = bar(total, label, unit)
    if shown is None:
        yield from items
        return
    try:
        for item in items:
            yield item
            shown.update(1)
    finally:
        shown.close()
