"""Retention: material files of synced, settled, old applications are purged (audited, rows
kept, reuse withdrawn), everything else stays; confirmed outbox entries go; VACUUM compacts."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

from counter_app.config import load_config
from counter_app.intake.service import IntakeResult
from counter_app.ops.retention import compact, housekeeping, purge
from counter_app.store import apply_remote_status, audit, outbox
from counter_app.terminal import Terminal
from tests.counter_app.counter_testing import ANSWERS, PERSON, Clock


def scan(tag: str) -> bytes:
    return b"%PDF-1.4\n" + tag.encode() * 300


def take(terminal: Terminal, tag: str, id_card: bytes | None = None) -> IntakeResult:
    files = {"id_card": [id_card or scan(tag + "-id")], "form": [scan(tag + "-form")]}
    return terminal.intake.accept("TEST-001", PERSON, ANSWERS, files, clerk_id="C001")


def sync(terminal: Terminal, result: IntakeResult) -> None:
    ids = [e.id for e in outbox.pending(terminal.store, 100) if e.entity_uuid == result.uuid]
    outbox.mark_done(terminal.store, ids)


def settle(terminal: Terminal, result: IntakeResult, clock: Clock, tag: str) -> None:
    apply_remote_status(terminal.store, result.uuid, "approved", "", clock(), f"ev-{tag}")


def shas(terminal: Terminal, result: IntakeResult) -> list[str]:
    return [m.sha256 for m in terminal.intake.get(result.receipt_no).materials]


def test_purges_only_synced_settled_old_materials(terminal: Terminal, clock: Clock) -> None:
    shared = scan("shared-id")
    old = take(terminal, "old")  # synced, settled long ago: purged
    old_shared = take(terminal, "old-shared", shared)  # like old, but shares its ID card
    open_ = take(terminal, "open", shared)  # synced, still open: keeps the shared file
    unsynced = take(terminal, "unsynced")  # settled but the platform never got it
    for r in (old, old_shared, open_):
        sync(terminal, r)
    settle(terminal, old, clock, "1")
    settle(terminal, old_shared, clock, "2")
    settle(terminal, unsynced, clock, "3")
    clock.advance(days=100)
    recent = take(terminal, "recent")  # settled 10 days before the purge: kept
    sync(terminal, recent)
    settle(terminal, recent, clock, "4")
    clock.advance(days=90)

    report = purge(terminal, 180, now=clock())

    gone = set(shas(terminal, old)) | {s for s in shas(terminal, old_shared) if s != _sha(shared)}
    assert report.files == 3 and report.applications == 2
    assert report.bytes == sum(len(scan(t)) for t in ("old-id", "old-form", "old-shared-form"))
    for sha in gone:
        assert not terminal.materials.exists(sha)
    for r in (open_, unsynced, recent):
        assert all(terminal.materials.exists(s) for s in shas(terminal, r))
    assert terminal.materials.exists(_sha(shared))
    assert len(terminal.intake.get(old.receipt_no).materials) == 2  # rows kept
    reuse = terminal.intake.prefill(PERSON["id_no"]).materials
    assert not gone & {c["sha256"] for copies in reuse.values() for c in copies}

    (entry,) = [e for e in audit.entries(terminal.store) if e["action"] == "retention.purge"]
    detail = json.loads(entry["detail"])
    assert detail == {"days": 180, "applications": 2, "files": 3, "outbox": 3}
    assert PERSON["id_no"] not in entry["detail"] and PERSON["name"] not in entry["detail"]
    assert audit.verify(terminal.store).ok


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_confirmed_outbox_entries_go_pending_ones_stay(terminal: Terminal, clock: Clock) -> None:
    done, waiting = take(terminal, "a"), take(terminal, "b")
    sync(terminal, done)
    clock.advance(days=200)
    report = purge(terminal, 180, now=clock())
    assert report.outbox_entries == 1
    assert outbox.backlog(terminal.store)[0] == 1
    assert {e.entity_uuid for e in outbox.pending(terminal.store, now=clock())} == {waiting.uuid}


def test_dry_run_and_zero_days_change_nothing(terminal: Terminal, clock: Clock) -> None:
    old = take(terminal, "old")
    sync(terminal, old)
    settle(terminal, old, clock, "1")
    clock.advance(days=400)
    before = len(audit.entries(terminal.store))
    counted = purge(terminal, 180, now=clock(), dry_run=True)
    assert (counted.files, counted.applications, counted.outbox_entries) == (2, 1, 1)
    assert purge(terminal, 0, now=clock()).files == 0
    assert all(terminal.materials.exists(s) for s in shas(terminal, old))
    assert len(audit.entries(terminal.store)) == before
    assert purge(terminal, 180, now=clock() - timedelta(days=300)).files == 0


def test_compact_vacuums_when_much_is_free(terminal: Terminal) -> None:
    store = terminal.store
    assert compact(terminal) is False
    with store.transaction():
        store.execute("CREATE TABLE scratch (blob BLOB)")
        for _ in range(200):
            store.execute("INSERT INTO scratch VALUES (randomblob(4000))")
    store.execute("DROP TABLE scratch")
    pages = int(store.scalar("PRAGMA page_count"))
    assert compact(terminal) is True
    assert int(store.scalar("PRAGMA page_count")) < pages / 2
    assert int(store.scalar("PRAGMA freelist_count")) == 0


def test_housekeeping_backs_up_when_due_and_purges(
    terminal: Terminal, clock: Clock, tmp_path: Path
) -> None:
    old = take(terminal, "old")
    sync(terminal, old)
    settle(terminal, old, clock, "1")
    clock.advance(days=31)
    flags = {"data_dir": str(terminal.data_dir), "backup_dir": str(tmp_path / "auto")}
    config = load_config({**flags, "retention_days": "30"}, env={}, file=tmp_path / "none")
    made, report = housekeeping(terminal, config, now=clock())
    assert made is not None and made.parent == tmp_path / "auto" and report.files == 2
    again, second = housekeeping(terminal, config, now=clock() + timedelta(hours=1))
    assert again is None and second.files == 0
