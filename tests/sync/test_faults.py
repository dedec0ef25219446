"""Many applications and materials through a proxy that drops, resets, delays, fails, cuts
and loses replies: every application and file arrives exactly once, nothing is lost."""

from __future__ import annotations

import hashlib

import httpx
from sqlalchemy import func, select

from counter_app.store import outbox
from counter_app.store.submissions import load_submission
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal.server import BackgroundServer
from sync.engine import SyncEngine
from tests.sync.conftest import Take, pdf, server_count
from tests.sync.faultproxy import FaultProxy, no_keep_alive

APPLICATIONS = 14
WEIGHTS = {
    "pass": 10, "drop": 1, "reset": 1, "delay": 1, "stall": 0.3,
    "http500": 1, "http503": 1, "cut_reply": 1, "lose_reply": 1.5,
}  # fmt: skip


def one_request_per_connection() -> httpx.Client:
    """A connection per request, and a short timeout so a `stall` ends the request."""
    return no_keep_alive(0.3)


def test_every_application_and_file_arrives_exactly_once(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    shared = pdf("shared-by-all", 12_000)  # the same file in every application: sent once
    taken = [
        take(f"app-{i}", scan=pdf(f"scan-{i}", 5_000 + 150 * i), extra=shared)
        for i in range(APPLICATIONS)
    ]
    enrolled.intake.record_rating(taken[0].receipt_no, 4)
    # the first push's reply is lost after the platform committed it, whatever the dice say
    script = {"/push": ["lose_reply"], "/materials/": ["cut_reply"]}
    with FaultProxy(portal.port, WEIGHTS, seed=11, stall=0.5, script=script) as proxy:
        enrolled.portal_url = proxy.url
        engine = SyncEngine(
            StorePort(enrolled), one_request_per_connection, batch_size=5, chunk_size=4096
        )
        passes, confirmed, stored = 0, 0, 0
        while outbox.backlog(enrolled.store)[0] and passes < 400:
            report = engine.run_once()
            confirmed, stored = confirmed + report.confirmed, stored + len(report.pushed)
            passes += 1
    assert outbox.backlog(enrolled.store)[0] == 0, f"still pending after {passes} passes"
    assert not outbox.set_aside_entries(enrolled.store)
    # some replies were lost after the platform committed: those came back as duplicates
    assert confirmed == APPLICATIONS + 1 and stored < APPLICATIONS
    faults = set(proxy.seen)
    assert {"drop", "reset", "http503", "cut_reply", "lose_reply", "stall"} <= faults
    db = portal.app.state.db
    apps = db.t("applications")
    with db.begin() as conn:
        total = conn.execute(select(func.count()).select_from(apps)).scalar_one()
    assert total == APPLICATIONS
    store = portal.app.state.materials
    for r in taken:
        assert server_count(portal, "applications", uuid=r.uuid) == 1
        for ref in load_submission(enrolled.store, r.receipt_no).materials:
            data = store.path_of(ref.sha256).read_bytes()
            assert hashlib.sha256(data).hexdigest() == ref.sha256
            assert server_count(portal, "application_materials", uuid=r.uuid, sha256=ref.sha256)
        assert load_submission(enrolled.store, r.receipt_no).sync_state == "synced"
    assert server_count(portal, "materials") == APPLICATIONS + 1  # the shared file once
    partial = portal.app.state.materials.root / "partial"  # per terminal: partial/<id>/<sha>.<n>
    assert not [p for p in partial.rglob("*") if p.is_file()]
