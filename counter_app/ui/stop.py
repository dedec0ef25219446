"""Stopping the window from outside: Ctrl+C in the terminal that started it, or SIGTERM
from a service manager or `kill`, closes it the normal way, so the data is flushed and a
demo's temporary folder removed.

Python runs a signal handler only between bytecodes, and none run while Qt's event loop
waits in C++: a timer wakes the interpreter a few times a second so the handler gets its
turn (the usual way with PySide6; `signal.set_wakeup_fd` would need a socket notifier per
platform for the same effect).
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType

from PySide6.QtCore import QCoreApplication, QTimer

WAKE_MS = 200
STOP_SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None)


def quit_on_signals(app: QCoreApplication) -> Callable[[], None]:
    """Make SIGINT/SIGTERM quit `app`'s event loop (also when it arrives before the loop
    runs); returns a function that puts the previous handlers back."""

    def stop(_signum: int, _frame: FrameType | None) -> None:
        QTimer.singleShot(0, app.quit)

    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}
    waker = QTimer(app)
    waker.setObjectName("signal_waker")
    waker.timeout.connect(lambda: None)
    waker.start(WAKE_MS)

    def restore() -> None:
        waker.stop()
        waker.deleteLater()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
