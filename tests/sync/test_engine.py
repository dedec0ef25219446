"""The sync engine against a real portal on loopback: the whole loop, refusals, pulls."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import httpx
import pytest

from counter_app.clerks import Session, authenticate
from counter_app.store import outbox
from counter_app.store.submissions import load_submission
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal import enrollment, services
from portal.enrollment import TerminalInfo
from portal.server import BackgroundServer
from portal.settings import Settings
from sync.canonical import content_hash
from sync.engine import Backoff, SyncEngine, SyncReport
from sync.errors import NotEnrolled, ProtocolError, Revoked, Unreachable
from sync.protocol import ApplicationIn, PushRequest
from tests.sync.conftest import HALL, Take, issue_code, pdf, plain_client, server_count

DATA = Path(__file__).parent / "data"


def engine(terminal: Terminal, **kw: object) -> SyncEngine:
    return SyncEngine(StorePort(terminal), plain_client, **kw)  # type: ignore[arg-type]


def test_whole_loop_offline_intake_then_sync_then_status_back(
    terminal: Terminal, portal_settings: Settings, take: Take
) -> None:
    with BackgroundServer(portal_settings) as server:
        from counter_app.ops.provision import enroll

        enroll(terminal, server.url, issue_code(server), plain_client)
        url = server.url
    # the platform is down: the hall keeps taking applications
    taken = [take(f"offline-{i}") for i in range(5)]
    report = engine(terminal).run_once()
    assert report.unreachable and report.pushed == []
    assert outbox.backlog(terminal.store)[0] == 5
    assert "Cannot reach" in (outbox.pending(terminal.store)[0].last_error or "")
    # the platform comes back on the same address
    port = int(url.rsplit(":", 1)[1])
    with BackgroundServer(portal_settings, port=port) as server:
        report = engine(terminal).run_once()
        assert report.ok, report.errors
        assert sorted(report.pushed) == sorted(r.receipt_no for r in taken)
        assert report.materials_uploaded == 5
        assert outbox.backlog(terminal.store)[0] == 0
        for r in taken:
            assert server_count(server, "applications", uuid=r.uuid) == 1
            sha = load_submission(terminal.store, r.receipt_no).materials[0].sha256
            stored = server.app.state.materials.path_of(sha).read_bytes()
            assert hashlib.sha256(stored).hexdigest() == sha
        # a second pass sends nothing again
        again = engine(terminal).run_once()
        assert again.pushed == [] and again.materials_uploaded == 0
        # a status set on the platform reaches the terminal, once
        services.set_status(server.app.state.db, taken[0].receipt_no, "approved", "ok")
        report = engine(terminal).run_once()
        assert report.statuses_pulled == [(taken[0].receipt_no, "approved")]
        assert load_submission(terminal.store, taken[0].receipt_no).status == "approved"
        assert engine(terminal).run_once().statuses_pulled == []
    assert load_submission(terminal.store, taken[1].receipt_no).sync_state == "synced"


def test_not_enrolled_is_refused_before_any_request(terminal: Terminal) -> None:
    with pytest.raises(NotEnrolled) as info:
        engine(terminal).run_once()
    assert "enroll" in info.value.message("en")


def test_catalog_update_pulled_and_old_version_kept(
    enrolled: Terminal, portal: BackgroundServer, tmp_path: Path
) -> None:
    from forms.catalog import load_catalog

    v2 = tmp_path / "SYNC-001.yaml"
    v2.write_text((DATA / "SYNC-001-v2.yaml.txt").read_text("utf-8"), "utf-8")
    items = [i.to_dict() for i in load_catalog(v2)]
    services.publish_catalog(portal.app.state.db, items)
    report = engine(enrolled).run_once()
    assert report.catalog_updates == [("SYNC-001", 2)]
    from counter_app.store.catalog import versions

    assert versions(enrolled.store, "SYNC-001") == [1, 2]


def test_conflict_is_set_aside_and_others_still_go(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    first = take("first")
    record = outbox.pending(enrolled.store)[0].payload
    # the platform already holds this UUID with other content (e.g. a restored backup)
    changed = ApplicationIn.model_validate(dict(record, answers={"note": "changed"}))
    other = changed.model_copy(update={"content_hash": content_hash(changed)})
    server_db = portal.app.state.db
    info = enrollment.TerminalInfo(enrolled.terminal_id, HALL, 12)
    services.push(server_db, info, PushRequest(applications=[other]), set(other.files()))
    second = take("second")
    report = engine(enrolled).run_once()
    assert report.pushed == [second.receipt_no]
    assert [label for label, _ in report.set_aside] == [first.receipt_no]
    assert "supervisor" in report.set_aside[0][1]
    assert load_submission(enrolled.store, first.receipt_no).sync_state == "conflict"
    assert server_count(portal, "conflicts", uuid=first.uuid) == 1
    assert len(services.list_conflicts(server_db)) == 1


def test_revoked_terminal_stops_with_the_reason(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    take("x")
    enrollment.revoke(portal.app.state.db, enrolled.terminal_id, "device stolen")
    report = engine(enrolled).run_once()
    assert isinstance(report.errors[0], Revoked)
    assert "device stolen" in report.errors[0].message("en")
    assert outbox.backlog(enrolled.store)[0] == 1  # nothing lost


def test_oversize_material_set_aside_rest_continue(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    big = take("big", scan=pdf("big", 300_000))  # the test portal's limit is 200 kB
    small = take("small")
    report = engine(enrolled).run_once()
    assert report.pushed == [small.receipt_no]
    assert report.set_aside[0][0] == big.receipt_no
    assert "too large" in report.set_aside[0][1]
    assert load_submission(enrolled.store, big.receipt_no).sync_state == "rejected"
    assert server_count(portal, "applications", uuid=big.uuid) == 0


def test_chunked_upload_resumes_where_the_platform_stopped(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    data = pdf("chunky", 150_000)
    r = take("chunky", scan=data)
    sha = hashlib.sha256(data).hexdigest()
    store = portal.app.state.materials
    me = TerminalInfo(enrolled.terminal_id, enrolled.hall, 12)
    store.put_chunk(sha, 0, len(data), data[:50_000], me)  # an earlier, broken attempt
    report = engine(enrolled, chunk_size=32 * 1024).run_once()
    assert report.pushed == [r.receipt_no]
    assert report.bytes_uploaded == len(data) - 50_000
    assert store.path_of(sha).read_bytes() == data


def test_void_and_rating_go_up_as_events(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    r = take("void-me")
    enrolled.intake.record_rating(r.receipt_no, 5)
    supervisor = _supervisor(enrolled)
    enrolled.intake.void(r.receipt_no, "wrong item", supervisor)
    report = engine(enrolled).run_once()
    assert report.ok and report.confirmed == 3
    term = enrollment.TerminalInfo(enrolled.terminal_id, HALL, 12)
    state = services.get_application(portal.app.state.db, term, r.receipt_no)
    assert state.status == "voided"


def _supervisor(terminal: Terminal) -> Session:
    return authenticate(terminal.store, "S001", "counter-pass-1")


def test_malformed_reply_is_protocol_error_and_nothing_cleared(
    enrolled: Terminal, take: Take
) -> None:
    take("x")

    def broken(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/materials/missing"):
            return httpx.Response(200, content=b'{"missing": "not-a-list"')
        return httpx.Response(200, json={"unexpected": True})

    factory = lambda: httpx.Client(transport=httpx.MockTransport(broken))  # noqa: E731
    report = SyncEngine(StorePort(enrolled), factory).run_once()
    assert isinstance(report.errors[0], ProtocolError)
    assert outbox.backlog(enrolled.store)[0] == 1


def test_backoff_full_jitter_and_retry_after() -> None:
    import random

    b = Backoff(base=1, cap=8, rng=random.Random(1))
    delays = [b.next_delay() for _ in range(6)]
    ceilings = [1, 2, 4, 8, 8, 8]
    assert all(0 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert b.next_delay(retry_after=30) == 30
    b.reset()
    assert b.next_delay() <= 1


def test_run_forever_reports_and_stops(enrolled: Terminal, take: Take) -> None:
    take("bg")
    stop = threading.Event()
    reports: list[SyncReport] = []
    eng = engine(enrolled)

    def on_report(report: SyncReport) -> None:
        reports.append(report)
        eng.stop()

    worker = threading.Thread(target=eng.run_forever, args=(stop, on_report), kwargs={"idle": 60})
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive() and stop.is_set()
    assert len(reports) == 1 and len(reports[0].pushed) == 1


def test_unreachable_backs_off_in_run_forever(terminal: Terminal) -> None:
    terminal.portal_url, terminal.token = "http://127.0.0.1:9", "t"
    stop = threading.Event()
    seen: list[SyncReport] = []

    class Fast(Backoff):
        def next_delay(self, retry_after: float | None = None) -> float:
            super().next_delay(retry_after)
            return 0.0

    def on_report(report: SyncReport) -> None:
        seen.append(report)
        if len(seen) == 3:
            stop.set()

    engine(terminal).run_forever(stop, on_report, backoff=Fast())
    assert len(seen) == 3 and all(isinstance(r.errors[0], Unreachable) for r in seen)


def test_run_forever_reconnects_when_the_platform_returns(
    terminal: Terminal, portal_settings: Settings, take: Take
) -> None:
    from counter_app.ops.provision import enroll

    with BackgroundServer(portal_settings) as server:
        enroll(terminal, server.url, issue_code(server), plain_client)
        port = server.port
    r = take("while-down")
    reports: list[SyncReport] = []
    two_failures, pushed = threading.Event(), threading.Event()

    def on_report(report: SyncReport) -> None:
        reports.append(report)
        if sum(rep.unreachable for rep in reports) >= 2:
            two_failures.set()
        if report.pushed:
            pushed.set()
            eng.stop()

    class Quick(Backoff):
        def next_delay(self, retry_after: float | None = None) -> float:
            return min(super().next_delay(retry_after), 0.05)

    eng = engine(terminal)
    stop = threading.Event()
    worker = threading.Thread(target=eng.run_forever, args=(stop, on_report),
                              kwargs={"idle": 0.05, "backoff": Quick()})  # fmt: skip
    worker.start()
    try:
        assert two_failures.wait(20)
        with BackgroundServer(portal_settings, port=port):
            assert pushed.wait(20)
    finally:
        eng.stop()
        worker.join(20)
    assert reports[-1].pushed == [r.receipt_no] and not worker.is_alive()


def test_pulled_page_keeps_good_changes_when_one_fails_halfway(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    """One change failing after its event row was written rolls back alone: its application
    keeps its old status and history, the others of the same page are applied, the cursor
    moves past the page and the audit chain still verifies."""
    from counter_app.store import audit

    taken = [take(f"page-{i}") for i in range(3)]
    assert engine(enrolled).run_once().ok
    for r in taken:
        services.set_status(portal.app.state.db, r.receipt_no, "approved", "ok")
    bad = taken[1].receipt_no
    # the audit entry (written last for each change) fails for one application only
    enrolled.store.execute(
        "CREATE TEMP TRIGGER fail_one BEFORE INSERT ON audit_log WHEN NEW.entity = '"
        + bad
        + "' BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
    )
    report = engine(enrolled).run_once()
    assert len(report.errors) == 1
    assert sorted(report.statuses_pulled) == sorted(
        (r.receipt_no, "approved") for r in taken if r.receipt_no != bad
    )
    failed = load_submission(enrolled.store, bad)
    assert failed.status == "received" and all(e.source == "local" for e in failed.events)
    assert load_submission(enrolled.store, taken[0].receipt_no).status == "approved"
    assert int(enrolled.store.get_setting("sync_cursor") or 0) > 0
    assert audit.verify(enrolled.store).ok
    assert engine(enrolled).run_once().statuses_pulled == []  # the cursor moved on


def test_pull_pages_commit_with_their_cursor(
    terminal: Terminal, portal_settings: Settings, take: Take
) -> None:
    """Pages of 2 changes: every change applied once, the cursor at the end, the chain
    intact and its head setting written (once per page) at the real head."""
    from dataclasses import replace

    from counter_app.ops.provision import enroll
    from counter_app.store import audit

    with BackgroundServer(replace(portal_settings, changes_page=2)) as server:
        enroll(terminal, server.url, issue_code(server), plain_client)
        r = take("many")
        assert engine(terminal).run_once().ok
        statuses = ["under_review", "approved", "ready_for_pickup"] * 3
        for status in statuses:
            services.set_status(server.app.state.db, r.receipt_no, status)
        report = engine(terminal).run_once()
        assert report.ok and len(report.statuses_pulled) == len(statuses)
        assert engine(terminal).run_once().statuses_pulled == []
    assert load_submission(terminal.store, r.receipt_no).status == "ready_for_pickup"
    assert audit.verify(terminal.store).ok
    assert terminal.store.get_setting("audit_head") == "{}:{}".format(*audit.head(terminal.store))
