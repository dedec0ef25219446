"""WAL checkpoints on a thread of their own, off the intake path.

Why: with SQLite's default (`wal_autocheckpoint=1000` pages) the commit that takes the WAL
past 1,000 pages copies every page in it into the database file and fsyncs that file, inside
its COMMIT, while the clerk waits for the receipt. An intake writes ~54 pages at 100,000
applications, so about one accept in 18 paid ~600 page writes and a database fsync on top of
its own: that was the p99 of `scripts/bench --only intake` (docs/performance.md, "intake:
checkpoints off the commit"). Here the writer's automatic checkpoint is only a backstop
(`BACKSTOP_PAGES`), and a thread with its own connection runs a PASSIVE checkpoint
`DELAY_S` after a commit, taking along every commit that came meanwhile.

Why it is safe: a commit is durable once its frames are in the fsynced WAL
(`synchronous=FULL`), before any checkpoint; a checkpoint only copies committed frames into
the database file (and fsyncs it, as the inline one did) and changes nothing a reader or a
recovery sees. PASSIVE neither waits for nor blocks the writer or the readers. A crash or
power cut in the middle leaves the WAL to be replayed at the next open, exactly as with the
inline checkpoint. If the thread falls behind or fails, the backstop makes SQLite checkpoint
inline again, so the WAL stays bounded (~40 MB).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

#: The writer's own automatic checkpoint, kept as a backstop (pages; ~40 MB of WAL).
BACKSTOP_PAGES = 10_000
#: How long after a commit the checkpoint runs: the commits of a busy moment share one.
DELAY_S = 0.5

log = logging.getLogger(__name__)


class Checkpointer:
    """Runs `PRAGMA wal_checkpoint(PASSIVE)` on its own thread and connection, `DELAY_S`
    after `poke()` (called after each commit). The thread starts at the first poke, so a
    store that is only read never starts one; `close()` stops it before the store closes
    (closing the last connection checkpoints what is left, as SQLite always does)."""

    def __init__(self, path: Path, delay_s: float = DELAY_S) -> None:
        self.path = path
        self.delay_s = delay_s
        self.runs = 0  # checkpoints done (for tests and benchmarks)
        self._cond = threading.Condition()
        self._due = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def poke(self) -> None:
        """A commit happened: checkpoint within `delay_s`."""
        with self._cond:
            if self._closed:
                return
            self._due = True
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="wal-checkpoint", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def close(self) -> None:
        """Stop the thread (a checkpoint running finishes first)."""
        with self._cond:
            self._closed = True
            self._cond.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            log.warning("no background checkpoints (the writer's backstop remains): %s", exc)
            return
        try:
            conn.execute("PRAGMA synchronous=FULL")  # the database file fsynced after copying
            while self._wait():
                self._checkpoint(conn)
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.runs += 1
        except sqlite3.Error as exc:  # e.g. a full disk: the backstop checkpoints inline
            log.warning("background checkpoint failed: %s", exc)

    def _wait(self) -> bool:
        """Block until a checkpoint is due and `delay_s` has passed; False once closed."""
        with self._cond:
            self._cond.wait_for(lambda: self._due or self._closed)
            if not self._closed:
                self._cond.wait_for(lambda: self._closed, timeout=self.delay_s)
            self._due = False
            return not self._closed
