"""The windows the startup and memory benchmarks measure in a child process (bench_gui).

    python -m bench.gui_child bare               a bare PySide6 QMainWindow, shown
    python -m bench.gui_child login DATA_DIR CLERK PASSWORD
                                                 the counter window, logged in, home page loaded

Prints one JSON line (`{"ready": ..., "peak_rss_kb": ...}`) when the window reaches that
state, then quits. The parent times from its own `Popen` to that line, so interpreter start
and imports count. This is the one bench module that imports Qt: the baseline *is* a bare
Qt window. (The counter window's start-up is timed through `counter-app` itself, in its smoke
mode: `bench_gui.counter_app_window`.)

"Shown and idle" for `bare` is the test `COUNTER_UI_SMOKE` applies to the counter window:
the main window received its first paint event and then a zero-timer ran (the event loop had
nothing queued before it). A zero-timer right after `show()` is not enough: it runs before
the window is exposed and painted (offscreen, and under Xvfb with the xcb plugin).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

POLL_MS = 10
QUIET_POLLS = 5  # after login: the pools must stay idle this many polls in a row


def peak_rss_kb() -> int:
    """VmHWM: this process's peak resident set. (getrusage's ru_maxrss would not do: Linux
    keeps it across fork+exec, so the child would report the bench runner's peak.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def report(app: QApplication, what: str) -> None:
    peak = peak_rss_kb()
    print(json.dumps({"ready": what, "peak_rss_kb": peak}), flush=True)
    app.quit()


class FirstPaint(QObject):
    """Calls `then` from a zero-timer after `window`'s first paint event, then lets go of
    the window (an event filter costs a Python call per event while installed)."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._then = then
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False


def when_idle(app: QApplication, busy: Callable[[], bool], then: Callable[[], None]) -> None:
    """Call `then` once `busy()` was false for QUIET_POLLS polls in a row."""
    quiet = [0]

    def poll() -> None:
        quiet[0] = 0 if busy() else quiet[0] + 1
        if quiet[0] >= QUIET_POLLS:
            timer.stop()
            then()

    timer = QTimer(app)
    timer.timeout.connect(poll)
    timer.start(POLL_MS)


def bare() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 760)
    FirstPaint(window, lambda: report(app, "bare"))
    window.show()
    return app.exec()


def counter(data_dir: Path, login: tuple[str, str]) -> int:
    """What `counter_app.ui.app.run` does, with a hook on the shell's signals: logs in once
    the terminal is open, reports once logged in and the pools are idle."""
    from counter_app.ui.app import Language, make_app, set_large_text
    from counter_app.ui.prefs import Prefs
    from counter_app.ui.shell import Shell

    app = make_app(sys.argv[:1])
    prefs = Prefs.load(data_dir)
    language = Language(app, prefs.lang)
    set_large_text(app, prefs.large_text)
    shell = Shell(app, data_dir, language, prefs, None)

    def busy() -> bool:
        return bool(shell.ops.pending)

    def opened() -> None:
        assert shell.login_page is not None
        shell.login_page.login_requested.emit(*login)

    def logged_in(_session: Any) -> None:
        when_idle(app, busy, lambda: report(app, "logged in, home page"))

    shell.opened.connect(opened)
    shell.logged_in.connect(logged_in)
    shell.start()
    try:
        return app.exec()
    finally:
        shell.shutdown()


def main(argv: list[str]) -> int:
    if argv[0] == "bare":
        return bare()
    assert argv[0] == "login", argv
    return counter(Path(argv[1]), (argv[2], argv[3]))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
