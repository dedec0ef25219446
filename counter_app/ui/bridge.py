"""From Qt-free code to the GUI thread: background operations and signal bridges.

Storage, printing and the network never run on the GUI thread. An operation is one small
function plus `on_success` / `on_failure` callbacks that run on the main thread (the pattern
Anki calls CollectionOp). Storage work goes to a pool with exactly one thread that never
expires: the SQLite connection opened there stays on the thread that opened it, and writes
are serialised the way the store wants them (one writer).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Success = Callable[[Any], None]
Failure = Callable[[BaseException], None]


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], ok: Success, err: Failure, done: Any) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._ok, self._err, self._done = fn, ok, err, done

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # every failure goes back to the GUI, none is lost
            log.debug("background operation failed", exc_info=True)
            self._deliver(self._err, exc)
        else:
            self._deliver(self._ok, result)

    def _deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        try:
            self._done.emit(callback, value)
        except RuntimeError:  # the window closed meanwhile: nobody is left to tell
            log.debug("result of a background operation dropped: window gone")


class Operations(QObject):
    """Runs callables off the GUI thread and calls back on it.

    Signals: busy_changed(bool) when the first operation starts or the last one ends, so the
    window can show progress; finished() after every callback (tests wait on it).
    The private `_done(callback, value)` is emitted on a worker thread; because this object
    lives on the GUI thread, Qt queues it there.
    """

    busy_changed = Signal(bool)
    finished = Signal()
    _done = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store_pool = QThreadPool(self)
        self.store_pool.setMaxThreadCount(1)
        self.store_pool.setExpiryTimeout(-1)
        self.io_pool = QThreadPool(self)
        self.io_pool.setMaxThreadCount(2)
        self.pending = 0
        self.closed = False
        self._done.connect(self._deliver)

    def store(self, fn: Callable[[], Any], on_success: Success, on_failure: Failure) -> None:
        """Run `fn` on the storage thread (everything that touches the terminal's database)."""
        self._start(self.store_pool, fn, on_success, on_failure)

    def io(self, fn: Callable[[], Any], on_success: Success, on_failure: Failure) -> None:
        """Run `fn` on a general worker (rendering, files) that does not touch the database."""
        self._start(self.io_pool, fn, on_success, on_failure)

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until the pools are idle (closing the window, tests)."""
        return self.store_pool.waitForDone(msecs) and self.io_pool.waitForDone(msecs)

    def close(self) -> None:
        """No new work from now on (the window is closing); wait for what runs."""
        self.closed = True
        self.wait()

    def _start(self, pool: QThreadPool, fn: Callable[[], Any], ok: Success, err: Failure) -> None:
        if self.closed:
            log.debug("operation after close ignored")
            return
        if self.pending == 0:
            self.busy_changed.emit(True)
        self.pending += 1
        pool.start(_Task(fn, ok, err, self._done))

    @Slot(object, object)
    def _deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        self.pending -= 1
        try:
            callback(value)
        except RuntimeError as exc:
            if "already deleted" not in str(exc):
                raise
            # The page that asked was closed meanwhile (logout, language switch): the
            # work itself is done and stored; there is just nobody left to show it to.
            log.debug("result for a closed page dropped: %s", exc)
        finally:
            if self.pending == 0:
                self.busy_changed.emit(False)
            self.finished.emit()


class SyncBridge(QObject):
    """Turns the sync engine's plain `on_report` callback (called on its own thread) into a
    signal the window can connect to.

    Signals: report(object) with the engine's SyncReport or a status dict; error(object)
    with a LocalizedError; progress(object) with a `sync.progress.SyncProgress` (what is
    left of the running pass) after every file, chunk and batch.
    """

    report = Signal(object)
    error = Signal(object)
    progress = Signal(object)

    def on_report(self, report: object) -> None:
        """Safe to call from any thread: Qt queues the signal to the main thread."""
        self.report.emit(report)

    def on_progress(self, progress: object) -> None:
        """Safe to call from any thread, as `on_report`."""
        self.progress.emit(progress)

    def on_error(self, exc: BaseException) -> None:
        self.error.emit(exc)
