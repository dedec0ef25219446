"""A full disk and a read-only disk during intake, a material import and a catalog import,
on a real tmpfs of 16 MB (root only; skipped with the reason otherwise).

What the clerk must see: one clear message in both languages; nothing half-written (no
application without its outbox, event and audit entry, no temporary file left behind, the
database intact); the same call works again once space returns; the draft being typed is
kept (its previous saved copy stays whole when a new save cannot be written).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app import clerks
from counter_app.errors import CounterError, StoreError
from counter_app.terminal import Terminal
from tests.reliability.crash_harness import HALF_WRITTEN
from tests.reliability.disks import Filler, read_only, remounted_read_only, tmpfs
from tests.sync.conftest import PASSWORD, PERSON, pdf

SYNC_ITEM = Path(__file__).parents[1] / "sync" / "data" / "SYNC-001.yaml"
FULL = ("磁盘已满", "disk is full")
READ_ONLY = ("不可写", "not writable")


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "disk") as mount_point:
        yield mount_point


@pytest.fixture
def terminal(disk: Path) -> Iterator[Terminal]:
    t = Terminal.init(disk / "terminal", "7QXM", "南昌市民中心", "12")
    t.import_catalog(SYNC_ITEM)
    clerks.add_clerk(t.store, "A001", "张管理", PASSWORD, "admin")
    admin = clerks.authenticate(t.store, "A001", PASSWORD)
    clerks.add_clerk(t.store, "C001", "王窗口", PASSWORD, "clerk", actor=admin)
    yield t
    t.close()


def accept(t: Terminal, tag: str) -> str:
    files = {"scan": [pdf(tag, 40_000)]}
    return t.intake.accept("SYNC-001", PERSON, {"note": tag}, files, clerk_id="C001").receipt_no


def assert_clear(exc: CounterError, words: tuple[str, str]) -> None:
    zh, en = exc.message("zh_CN"), exc.message("en")
    assert words[0] in zh and words[1] in en.lower(), (zh, en)


def assert_consistent(t: Terminal) -> None:
    """Intact, nothing half-written, no temporary file left in the materials folder."""
    conn = sqlite3.connect(t.data_dir / "counter.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        for what, exists in HALF_WRITTEN.items():
            query = f"SELECT receipt_no FROM submissions s WHERE NOT EXISTS ({exists})"
            assert conn.execute(query).fetchall() == [], f"an application without its {what}"
    finally:
        conn.close()
    assert not list(t.materials.root.glob(".incoming-*"))


def count(t: Terminal) -> int:
    return len(t.store.query("SELECT uuid FROM submissions"))


def test_intake_on_a_full_disk_at_every_amount_of_free_space(
    terminal: Terminal, disk: Path
) -> None:
    """Sweep the free space from 0 to 160 KB in 4 KB steps: the file store fails first,
    then the database (its WAL), then intake fits. Each failure: clear, nothing written,
    and the same application goes through once the filler is gone."""
    filler, outcomes = Filler(disk), Counter[str]()
    for step in range(41):
        before = count(terminal)
        filler.fill(leave=step * 4096)
        try:
            accept(terminal, f"sweep-{step}")
            outcomes["saved"] += 1
        except StoreError as exc:
            assert_clear(exc, FULL)
            assert count(terminal) == before
            outcomes["file" if isinstance(exc.__cause__, OSError) else "database"] += 1
            filler.free()
            accept(terminal, f"sweep-{step}")
        finally:
            filler.free()
        assert count(terminal) == before + 1
        assert_consistent(terminal)
    assert outcomes["file"] and outcomes["database"], outcomes
    print(f"\ndisk full sweep: {dict(outcomes)}")


def test_material_import_on_a_full_disk(terminal: Terminal, disk: Path, tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf("import", 200_000))
    filler = Filler(disk)
    filler.fill(leave=64 * 1024)
    with pytest.raises(StoreError) as info:
        terminal.materials.put(scan)
    assert_clear(info.value, FULL)
    assert not list(terminal.materials.root.rglob("*"))  # not even a folder or a temp file
    filler.free()
    stored = terminal.materials.put(scan)
    assert hashlib.sha256(terminal.materials.read(stored.sha256)).digest().hex() == stored.sha256


def test_catalog_import_on_a_full_disk_keeps_the_old_catalog(
    terminal: Terminal, disk: Path, tmp_path: Path
) -> None:
    update = tmp_path / "SYNC-001-v2.yaml"
    update.write_bytes(SYNC_ITEM.with_name("SYNC-001-v2.yaml.txt").read_bytes())
    terminal.store.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # any write needs new space
    filler = Filler(disk)
    filler.fill()
    with pytest.raises(StoreError) as info:
        terminal.import_catalog(update)
    assert_clear(info.value, FULL)
    assert terminal.service_item("SYNC-001").version == 1
    filler.free()
    assert terminal.import_catalog(update) == (1, 0)
    assert terminal.service_item("SYNC-001").version == 2
    assert_consistent(terminal)


def test_draft_survives_a_full_disk(terminal: Terminal, disk: Path) -> None:
    from counter_app.ui.drafts import Draft, DraftStore

    drafts = DraftStore(terminal.data_dir)
    drafts.save(Draft(service_code="SYNC-001", applicant=dict(PERSON), answers={"note": "v1"}))
    filler = Filler(disk)
    filler.fill()
    with pytest.raises(OSError):
        drafts.save(Draft(service_code="SYNC-001", answers={"note": "x" * 100_000}))
    kept = drafts.load()
    assert kept is not None and kept.answers == {"note": "v1"}
    filler.free()
    assert accept(terminal, kept.answers["note"])


def test_read_only_materials_folder_during_intake(terminal: Terminal) -> None:
    accept(terminal, "before")  # the folder exists
    with read_only(terminal.materials.root):
        with pytest.raises(StoreError) as info:
            accept(terminal, "while read-only")
        assert_clear(info.value, READ_ONLY)
        assert count(terminal) == 1
    accept(terminal, "while read-only")
    assert count(terminal) == 2
    assert_consistent(terminal)


def test_read_only_disk_at_start_then_writable_again(terminal: Terminal, disk: Path) -> None:
    accept(terminal, "before")
    data_dir = terminal.data_dir
    terminal.close()
    with remounted_read_only(disk):
        with pytest.raises(CounterError) as info, Terminal.open(data_dir) as t:
            accept(t, "on a read-only disk")
        print(f"\nread-only disk: {info.value.message('en')}")
        assert_clear(info.value, ("可写", "writable"))
    with Terminal.open(data_dir) as t:
        accept(t, "writable again")
        assert count(t) == 2
        assert_consistent(t)
