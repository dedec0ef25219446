"""Backups: taken while the counter keeps writing, materials included, verified, restored,
refused from another terminal unless forced, and rotated on a schedule."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from counter_app.ops.backup import (
    BackupError,
    create_backup,
    list_backups,
    restore_backup,
    scheduled_backup,
    verify_backup,
)
from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import ANSWERS, PERSON

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def scan(i: int) -> bytes:
    return b"%PDF-1.4\n" + f"scan {i} ".encode() * 200


def take(terminal: Terminal, i: int) -> str:
    files = {"id_card": [scan(i)], "form": [scan(-i - 1)]}
    return terminal.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id="C001").receipt_no


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])


def test_backup_while_a_writer_runs_then_restore(terminal: Terminal, tmp_path: Path) -> None:
    take(terminal, 0)
    stop, written = threading.Event(), []

    def writer() -> None:
        i = 1
        while not stop.is_set():
            written.append(take(terminal, i))
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3:
            threading.Event().wait(0.01)
        info = create_backup(terminal, tmp_path / "b" / "backup.zip")
    finally:
        stop.set()
        thread.join()
    assert len(written) >= 3 and info.terminal_id == "7QXM"

    target = tmp_path / "restored"
    restore_backup(target, info.path)
    in_backup = count(target / "counter.db")
    assert 4 <= in_backup <= 1 + len(written)  # a consistent snapshot taken mid-stream
    with Terminal.open(target) as restored:
        assert restored.terminal_id == "7QXM"
        assert restored.public_key_bytes() == terminal.public_key_bytes()
        shas = [r["sha256"] for r in restored.store.query("SELECT sha256 FROM materials")]
        assert len(shas) == 2 * in_backup
        assert all(restored.materials.exists(s) for s in shas)
        assert restored.intake.get(written[0]).materials


def test_manifest_lists_every_member_with_its_hash(terminal: Terminal, tmp_path: Path) -> None:
    take(terminal, 1)
    info = create_backup(terminal, tmp_path / "b.zip")
    with zipfile.ZipFile(info.path) as zf:
        names = set(zf.namelist())
    assert {"manifest.json", "manifest.sig", "counter.db", "terminal_key.pem"} <= names
    assert sum(n.startswith("materials/") for n in names) == 2
    assert info.members == len(names) - 2


def tamper(src: Path, dest: Path, member: str) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == member:
                data = data[:-1] + bytes([data[-1] ^ 1])
            zout.writestr(item, data)


def test_a_changed_member_fails_verification(terminal: Terminal, tmp_path: Path) -> None:
    take(terminal, 1)
    good = create_backup(terminal, tmp_path / "good.zip").path
    tamper(good, tmp_path / "bad.zip", "counter.db")
    with pytest.raises(BackupError, match="checksum"):
        verify_backup(tmp_path / "bad.zip")
    with pytest.raises(BackupError, match="checksum"):
        restore_backup(tmp_path / "target", tmp_path / "bad.zip")
    assert not (tmp_path / "target").exists()  # nothing written from a bad archive


def test_a_damaged_database_inside_fails_verification(terminal: Terminal, tmp_path: Path) -> None:
    good = create_backup(terminal, tmp_path / "good.zip").path
    with zipfile.ZipFile(good) as zf:
        manifest = zf.read("manifest.json").decode()
        db = bytearray(zf.read("counter.db"))
        others = {n: zf.read(n) for n in zf.namelist() if n not in ("manifest.json", "counter.db")}
    db[:16] = b"not a database!!"
    data = json.loads(manifest)
    data["members"]["counter.db"] = hashlib.sha256(db).hexdigest()
    body = json.dumps(data).encode()  # re-signed with the key: only the database is wrong
    others["manifest.sig"] = terminal.private_key().sign(body)
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as zf:
        zf.writestr("manifest.json", body)
        zf.writestr("counter.db", bytes(db))
        for name, blob in others.items():
            zf.writestr(name, blob)
    with pytest.raises(BackupError, match="database"):
        verify_backup(tmp_path / "bad.zip")


def test_not_a_backup(tmp_path: Path) -> None:
    (tmp_path / "x.zip").write_bytes(b"hello")
    with pytest.raises(BackupError, match="zip"):
        verify_backup(tmp_path / "x.zip")
    with zipfile.ZipFile(tmp_path / "y.zip", "w") as zf:
        zf.writestr("manifest.json", '{"format": "other"}')
    with pytest.raises(BackupError, match="not a counter-terminal backup"):
        verify_backup(tmp_path / "y.zip")
    with zipfile.ZipFile(tmp_path / "z.zip", "w") as zf:
        zf.writestr("counter.db", "x")
    with pytest.raises(BackupError, match="manifest"):
        verify_backup(tmp_path / "z.zip")
    with pytest.raises(BackupError, match="No backup file"):
        verify_backup(tmp_path / "missing.zip")


def test_restore_refuses_another_terminals_backup(terminal: Terminal, tmp_path: Path) -> None:
    take(terminal, 1)
    archive = create_backup(terminal, tmp_path / "7qxm.zip").path
    other = Terminal.init(tmp_path / "other", "9ZZZ")
    other.close()
    with pytest.raises(BackupError, match="--force"):
        restore_backup(tmp_path / "other", archive)
    with Terminal.open(tmp_path / "other") as still:
        assert still.terminal_id == "9ZZZ"
    restore_backup(tmp_path / "other", archive, force=True)
    with Terminal.open(tmp_path / "other") as now:
        assert now.terminal_id == "7QXM" and count(tmp_path / "other" / "counter.db") == 1


def test_restore_over_a_damaged_database(terminal: Terminal, tmp_path: Path) -> None:
    archive = create_backup(terminal, tmp_path / "b.zip").path
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "counter.db").write_bytes(b"garbage" * 100)
    restore_backup(broken, archive)  # nothing to compare with: restore is what it is for
    with Terminal.open(broken) as t:
        assert t.terminal_id == "7QXM"


def test_unwritable_destination(terminal: Terminal, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(BackupError, match="Cannot read or write"):
        create_backup(terminal, tmp_path / "file" / "b.zip")


def test_scheduled_backups_respect_interval_and_keep(terminal: Terminal, tmp_path: Path) -> None:
    folder = tmp_path / "auto"
    day = timedelta(hours=24)
    made = [scheduled_backup(terminal, folder, 3, day, T0 + i * day) for i in range(5)]
    assert all(made)
    assert scheduled_backup(terminal, folder, 3, day, T0 + 4 * day + timedelta(hours=1)) is None
    kept = list_backups(folder, "7QXM")
    assert kept == made[2:]  # the newest three, oldest first
    assert kept[-1].name == "counter-7QXM-20260306T020000Z.zip"
    verify_backup(kept[-1])
