"""Crash consistency: SIGKILL the terminal at random moments during intake and sync.

A real SQLite file, a real portal on loopback, a real worker process taking applications
and syncing in a loop; killed, restarted, killed... After every kill the data folder must
be intact, hold every receipt that printed with its files, and no half-written
application. After the last kill, one sync must bring the portal to exactly one copy of
every application. CRASH_KILLS sets the number of kills (default 200; --run-slow: 1000).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from counter_app.store import outbox
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal.server import BackgroundServer
from sync.engine import SyncEngine
from tests.reliability.crash_harness import CrashHarness, CrashLog
from tests.sync.conftest import plain_client, server_count


def run_kills(enrolled: Terminal, portal: BackgroundServer, work: Path, kills: int) -> CrashLog:
    harness = CrashHarness(enrolled.data_dir, portal.url, work, seed=kills)
    try:
        for n in range(kills):
            harness.round(n, max_wait=0.15)
    finally:
        harness.close()
    return harness.log


def final_sync(terminal: Terminal) -> int:
    engine = SyncEngine(StorePort(terminal), plain_client, batch_size=20)
    for passes in range(1, 50):
        engine.run_once()
        if outbox.backlog(terminal.store)[0] == 0:
            return passes
    raise AssertionError("the outbox did not drain")


def check_portal(terminal: Terminal, portal: BackgroundServer) -> None:
    local = terminal.store.query("SELECT uuid FROM submissions")
    assert server_count(portal, "applications") == len(local)
    for row in local:
        assert server_count(portal, "applications", uuid=row["uuid"]) == 1


def crash_run(enrolled: Terminal, portal: BackgroundServer, tmp_path: Path, kills: int) -> None:
    log = run_kills(enrolled, portal, tmp_path, kills)
    assert not log.problems, "\n".join(log.problems[:20])
    assert sum(log.kills.values()) == kills
    # both phases well exercised (typically 20-30% intake, 70-80% sync; at least 5% each)
    assert log.kills["intake"] >= kills // 20 and log.kills["sync"] >= kills // 20, log.kills
    passes = final_sync(enrolled)
    check_portal(enrolled, portal)
    assert not outbox.set_aside_entries(enrolled.store)
    print(
        f"\ncrash: {kills} kills {dict(log.kills)}; {len(log.printed)} receipts printed, "
        f"{log.checked_files} files verified, "
        f"{len(enrolled.store.query('SELECT uuid FROM submissions'))} applications; "
        f"final sync in {passes} passes"
    )


@pytest.mark.timeout(900)  # ~30 s alone; a CI box shared with other jobs is slower
def test_sigkill_during_intake_and_sync_loses_and_duplicates_nothing(
    enrolled: Terminal, portal: BackgroundServer, tmp_path: Path
) -> None:
    crash_run(enrolled, portal, tmp_path, int(os.environ.get("CRASH_KILLS", "200")))


@pytest.mark.slow
@pytest.mark.timeout(3600)
def test_sigkill_soak(enrolled: Terminal, portal: BackgroundServer, tmp_path: Path) -> None:
    crash_run(enrolled, portal, tmp_path, 1000)
