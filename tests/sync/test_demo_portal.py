"""`counter-app --demo`'s platform: started, catalog published, terminal enrolled, synced."""

from __future__ import annotations

from pathlib import Path

from counter_app.ops import demo
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from sync.engine import SyncEngine
from tests.sync.conftest import plain_client


def test_demo_runs_the_whole_loop(tmp_path: Path) -> None:
    prepared = demo.prepare(tmp_path)
    try:
        assert prepared.portal_url and prepared.portal_url.startswith("http://127.0.0.1:")
        with Terminal.open(prepared.data_dir) as terminal:
            assert terminal.token and terminal.portal_url == prepared.portal_url
            report = SyncEngine(StorePort(terminal), plain_client).run_once()
        assert report.ok, report.errors
    finally:
        prepared.close()
