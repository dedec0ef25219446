"""The sync engine on its own thread, reporting to the window through `SyncBridge`.

The engine is Qt-free and blocking (httpx); it runs `run_forever` on a plain Python thread
with its OWN terminal connection: a SQLite connection shared with the storage thread would
let one thread's statements land inside the other's transaction.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from counter_app.ui.bridge import SyncBridge

log = logging.getLogger(__name__)
IDLE_SECONDS = 15.0


class SyncRunner:
    """Starts, wakes and stops the background sync for one data folder."""

    def __init__(self, data_dir: Path, bridge: SyncBridge) -> None:
        self.data_dir = Path(data_dir)
        self.bridge = bridge
        self.stop_event = threading.Event()
        self.engine: Any = None
        self.thread: threading.Thread | None = None
        self._ready = threading.Event()

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="counter-sync", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        # start-up: the sync stack (httpx, pydantic, ~150 ms) loads on this thread, not the window's
        from counter_app.store.sync_port import StorePort
        from counter_app.terminal import Terminal
        from sync.engine import SyncEngine

        try:
            terminal = Terminal.open(self.data_dir)
        except Exception as exc:  # reported to the window, never lost in a thread
            self.bridge.on_error(exc)
            self._ready.set()
            return
        try:
            self.engine = SyncEngine(StorePort(terminal), on_progress=self.bridge.on_progress)
            self._ready.set()
            self.engine.run_forever(self.stop_event, self.bridge.on_report, idle=IDLE_SECONDS)
        finally:
            terminal.close()

    def wake(self) -> None:
        """Sync now (after an intake) instead of at the end of the idle wait."""
        if self.engine is not None:
            self.engine.wake()

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        self._ready.wait(timeout)
        if self.engine is not None:
            self.engine.wake()
        if self.thread is not None:
            self.thread.join(timeout)
