"""WAL checkpoints off the intake's commit (`counter_app.store.checkpoints`): the writer
only keeps SQLite's own checkpoint as a backstop, a background thread copies what intake
committed into the database file soon after, a failing checkpoint (a full disk) is logged
and loses nothing, and closing the terminal stops the thread."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from counter_app import clerks
from counter_app.store import open_store
from counter_app.store.checkpoints import BACKSTOP_PAGES
from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import ANSWERS, DATA, PASSWORD, PDF, PERSON
from tests.reliability.disks import Filler, tmpfs


def _accept(t: Terminal, tag: str) -> str:
    scan = PDF + tag.encode()  # new bytes each time: new material files too
    files = {"id_card": [scan], "form": [scan]}
    return t.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id="C001").receipt_no


def _in_file_alone(t: Terminal, receipt_no: str, scratch: Path) -> bool:
    """Is the application in the database FILE, without its WAL (i.e. checkpointed)? A
    copy taken while a checkpoint writes may be torn: that counts as "not yet"."""
    copy = scratch / "alone.db"
    shutil.copyfile(t.data_dir / "counter.db", copy)
    conn = sqlite3.connect(copy)
    try:
        row = conn.execute("SELECT 1 FROM submissions WHERE receipt_no = ?", (receipt_no,))
        return row.fetchone() is not None
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def _eventually(check: Callable[[], bool], limit_s: float = 30.0) -> bool:
    """Poll `check` (not a timing assertion: the limit only stops a hung test)."""
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_intake_commit_leaves_checkpoints_to_the_background(
    terminal: Terminal, tmp_path: Path
) -> None:
    assert terminal.store.scalar("PRAGMA wal_autocheckpoint") == BACKSTOP_PAGES
    receipt_no = _accept(terminal, "one")
    assert _eventually(lambda: _in_file_alone(terminal, receipt_no, tmp_path))


def test_closing_the_terminal_stops_the_checkpoint_thread(terminal: Terminal) -> None:
    _accept(terminal, "one")
    assert any(t.name == "wal-checkpoint" for t in threading.enumerate())
    terminal.close()
    assert not any(t.name == "wal-checkpoint" for t in threading.enumerate())


def test_a_read_only_store_starts_no_checkpoint_thread(terminal: Terminal) -> None:
    reader = open_store(terminal.data_dir / "counter.db", readonly=True)
    try:
        assert reader.checkpoints is None
    finally:
        reader.close()


def test_a_checkpoint_on_a_full_disk_is_logged_and_loses_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with tmpfs(tmp_path / "disk", "32m") as disk:
        t = Terminal.init(disk / "data", "7QXM", "南昌市民中心", "12")
        t.import_catalog(DATA / "TEST-001.yaml")
        clerks.add_clerk(t.store, "A001", "admin", PASSWORD, "admin")
        admin = clerks.authenticate(t.store, "A001", PASSWORD)
        clerks.add_clerk(t.store, "C001", "clerk", PASSWORD, "clerk", actor=admin)
        checkpoints = t.store.checkpoints
        assert checkpoints is not None
        assert _eventually(lambda: checkpoints.runs > 0)  # what init wrote is in the file
        checkpoints.delay_s = 3.0  # room to fill the disk before the next one runs
        filler = Filler(disk)
        with caplog.at_level(logging.WARNING, logger="counter_app.store.checkpoints"):
            first = _accept(t, "before the disk fills")
            t.store.set_setting("bulk", "x" * 400_000)  # the database file must grow
            filler.fill()
            assert _eventually(lambda: "background checkpoint failed" in caplog.text)
        filler.free()
        checkpoints.delay_s = 0.0
        second = _accept(t, "after space returned")
        assert _eventually(lambda: _in_file_alone(t, second, tmp_path))
        assert _in_file_alone(t, first, tmp_path)
        t.close()
