"""Faults around sync: the portal killed and restarted in the middle of a batch, the
terminal's clock wrong by hours, a catalog update arriving while an application of that
item is being filled."""

from __future__ import annotations

import hashlib
import logging
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from counter_app.store import outbox
from counter_app.store.submissions import load_submission
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from forms.catalog import load_catalog
from portal import services
from portal.server import BackgroundServer
from portal.settings import Settings
from sync.engine import SyncEngine, SyncReport
from tests.reliability.portal_process import PortalProcess
from tests.sync.conftest import PERSON, Take, pdf, plain_client, server_count

DATA = Path(__file__).parents[1] / "sync" / "data"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def drain(terminal: Terminal, passes: int = 20) -> None:
    engine = SyncEngine(StorePort(terminal), plain_client, batch_size=10)
    for _ in range(passes):
        engine.run_once()
        if outbox.backlog(terminal.store)[0] == 0:
            return
    raise AssertionError("the outbox did not drain")


def test_portal_killed_and_restarted_mid_batch(
    enrolled: Terminal,
    portal: BackgroundServer,
    portal_settings: Settings,
    take: Take,
    tmp_path: Path,
) -> None:
    """The platform (its own process, on the same database) is SIGKILLed while a sync of
    30 applications with 64 KB files in 4 KB chunks runs, then started again on the same
    address. After the next sync every application is there once and every file whole."""
    taken = [take(f"batch-{i}", scan=pdf(f"batch-{i}", 64_000)) for i in range(30)]
    server = PortalProcess(portal_settings, free_port(), tmp_path / "portal.log").start()
    enrolled.portal_url = server.url
    engine = SyncEngine(StorePort(enrolled), plain_client, batch_size=5, chunk_size=4096)
    result: list[SyncReport] = []
    worker = threading.Thread(target=lambda: result.append(engine.run_once()))
    worker.start()
    deadline = time.monotonic() + 60
    while server_count(portal, "applications") < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()  # mid-batch: some applications stored, some files half uploaded
    stored_at_kill = server_count(portal, "applications")
    worker.join(timeout=30)
    assert result[0].unreachable, result[0].errors
    # Mid-batch as the platform saw it; the terminal may not have heard of every stored one
    # (a reply lost in the kill), so its backlog is anything but empty.
    assert 5 <= stored_at_kill < len(taken), stored_at_kill
    assert outbox.backlog(enrolled.store)[0] > 0
    with server:  # the same port, the same database
        drain(enrolled)
    for r in taken:
        assert server_count(portal, "applications", uuid=r.uuid) == 1
        assert load_submission(enrolled.store, r.receipt_no).sync_state == "synced"
        sha = load_submission(enrolled.store, r.receipt_no).materials[0].sha256
        data = portal.app.state.materials.path_of(sha).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha
    assert server_count(portal, "applications") == len(taken)


def test_terminal_clock_hours_wrong(enrolled: Terminal, portal: BackgroundServer) -> None:
    """A terminal clock 9 hours fast and then 9 hours slow: applications still go up once,
    keep the time they were taken at (as the terminal saw it), and statuses still come
    down (the platform orders by its own cursor, never by the terminal's clock)."""
    real = datetime.now(UTC)
    for skew in (timedelta(hours=9), timedelta(hours=-9)):
        enrolled.now = lambda skew=skew: datetime.now(UTC) + skew  # type: ignore[misc]
        r = enrolled.intake.accept(
            "SYNC-001", PERSON, {"note": str(skew)}, {"scan": [pdf(str(skew))]}, clerk_id="C001"
        )
        drain(enrolled)
        assert server_count(portal, "applications", uuid=r.uuid) == 1
        assert abs(r.accepted_at - (real + skew)) < timedelta(minutes=5)
        services.set_status(portal.app.state.db, r.receipt_no, "approved", "ok")
        drain(enrolled)
        SyncEngine(StorePort(enrolled), plain_client).run_once()
        assert load_submission(enrolled.store, r.receipt_no).status == "approved"


def test_catalog_update_while_an_application_is_filled_keeps_its_version(
    enrolled: Terminal, portal: BackgroundServer, tmp_path: Path
) -> None:
    """The clerk opened SYNC-001 version 1; version 2 arrives by sync before submitting.
    The application is taken on version 1, the version its form showed."""
    started_on = enrolled.service_item("SYNC-001").version
    v2 = tmp_path / "SYNC-001.yaml"
    v2.write_text((DATA / "SYNC-001-v2.yaml.txt").read_text("utf-8"), "utf-8")
    services.publish_catalog(portal.app.state.db, [i.to_dict() for i in load_catalog(v2)])
    assert SyncEngine(StorePort(enrolled), plain_client).run_once().catalog_updates == [
        ("SYNC-001", 2)
    ]
    r = enrolled.intake.accept(
        "SYNC-001", PERSON, {"note": "filled on v1"}, {"scan": [pdf("v1")]},
        clerk_id="C001", service_version=started_on,
    )  # fmt: skip
    assert load_submission(enrolled.store, r.receipt_no).service_version == started_on == 1
    fresh = enrolled.intake.accept(
        "SYNC-001", PERSON, {"note": "new"}, {"scan": [pdf("v2")]}, clerk_id="C001"
    )
    assert load_submission(enrolled.store, fresh.receipt_no).service_version == 2
    drain(enrolled)
    assert server_count(portal, "applications", uuid=r.uuid) == 1


def test_a_terminal_vanishing_mid_upload_is_not_an_error_on_the_platform(
    enrolled: Terminal, portal: BackgroundServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Cut connections are normal in a hall (the crash harness makes hundreds). They must
    not fill the platform's log with "unhandled error" tracebacks that hide real ones."""
    sha = "ab" * 32
    head = (
        f"PUT /api/v1/materials/{sha}?offset=0&total=60000 HTTP/1.1\r\n"
        f"Host: 127.0.0.1\r\nAuthorization: Bearer {enrolled.token}\r\n"
        "Content-Type: application/octet-stream\r\nContent-Length: 60000\r\n\r\n"
    )
    uvicorn_log = logging.getLogger("uvicorn")  # it does not propagate to the root logger
    uvicorn_log.addHandler(caplog.handler)
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", portal.port)) as s:
                s.sendall(head.encode() + b"x" * 1000)
            time.sleep(0.2)
        ok = httpx.get(f"{portal.url}/api/v1/health", trust_env=False)  # still serving
    uvicorn_log.removeHandler(caplog.handler)
    assert ok.status_code == 200
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
