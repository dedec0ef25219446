"""An application's files are durable before the commit that names them, although the
intake writes its rows while their fsyncs run (`MaterialStore.put_many_behind`): a power cut
after the commit cannot leave a row pointing at a file that was never flushed. A power cut
cannot be staged in a test, so the order of the calls is what is checked; a failing disk
cannot be made either, so `os.fsync` raises the error the kernel would give."""

from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path

import pytest

from counter_app.errors import StoreError
from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import ANSWERS, PDF, PERSON


def _files(tag: bytes) -> dict[str, list[bytes]]:
    return {"id_card": [PDF + tag], "form": [PDF + tag + b"-form"]}


def test_the_commit_comes_after_every_fsync_of_its_files(
    terminal: Terminal, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, str]] = []
    lock = threading.Lock()
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        time.sleep(0.05)  # a slow disk: a commit that did not wait would come first
        real_fsync(fd)
        with lock:  # noted once flushed (the fsyncs run on several threads)
            events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))

    monkeypatch.setattr(os, "fsync", fsync)
    terminal.store.conn.set_trace_callback(
        lambda sql: (
            sql.startswith(("COMMIT", 'INSERT INTO "submissions"'))
            and events.append(("sql", sql.split("(")[0].strip()))
        )
    )
    result = terminal.intake.accept("TEST-001", PERSON, ANSWERS, _files(b"a"), clerk_id="C001")
    terminal.store.conn.set_trace_callback(None)
    kinds = [kind for kind, _ in events]
    commit = kinds.index("sql", kinds.index("sql") + 1)  # the INSERT, then the COMMIT
    flushed = {Path(what) for kind, what in events[:commit] if kind == "fsync"}
    stored = terminal.store.query(
        "SELECT sha256 FROM submission_materials WHERE uuid = ?", (result.uuid,)
    )
    files = {terminal.materials.path_for(row["sha256"]) for row in stored}
    assert len(files) == 2 and files <= flushed  # every file flushed before the commit
    assert {f.parent for f in files} <= flushed  # and its folder entry
    assert "fsync" not in kinds[commit:]  # nothing of it left to flush afterwards


def test_a_failing_fsync_stops_the_intake_with_a_clear_message_and_stores_nothing(
    terminal: Terminal, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = terminal.store.scalar("SELECT COUNT(*) FROM submissions")

    def failing(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(StoreError) as err:
        terminal.intake.accept("TEST-001", PERSON, ANSWERS, _files(b"b"), clerk_id="C001")
    assert "failed" in err.value.message("en") and err.value.message("zh_CN")
    assert terminal.store.scalar("SELECT COUNT(*) FROM submissions") == before
    monkeypatch.undo()  # the disk is back: the clerk presses Accept again, it goes through
    result = terminal.intake.accept("TEST-001", PERSON, ANSWERS, _files(b"b"), clerk_id="C001")
    assert terminal.store.scalar("SELECT COUNT(*) FROM submissions") == before + 1
    assert result.receipt_no
