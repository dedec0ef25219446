"""Sync work that overlaps the wire (issue 17, the week offline): files go up a few at a
time, the next page of changes is fetched while one is applied, and a batch's clearing is
written while the next batch is on its way. Through the fault proxy on a real portal: what
happens when the link fails in the middle, and that the next pass still sends (and applies)
everything exactly once."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from counter_app.ops.provision import enroll
from counter_app.store import outbox
from counter_app.store.submissions import load_submission
from counter_app.store.sync_port import CURSOR_KEY, StorePort
from counter_app.terminal import Terminal
from portal import services
from portal.server import BackgroundServer
from portal.settings import Settings
from sync.engine import SyncEngine
from sync.uploads import PARALLEL
from tests.sync.conftest import Take, issue_code, pdf, plain_client, server_count
from tests.sync.faultproxy import FaultProxy, no_keep_alive

FILES = 10


def test_a_link_lost_mid_upload_begins_no_more_files_and_the_next_pass_sends_each_once(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    taken = [take(f"file-{i}", scan=pdf(f"file-{i}", 2_000 + 100 * i)) for i in range(FILES)]
    # the missing query, then the first file (its state, its PUT) pass; every later
    # connection to /materials/ is dropped
    script = {"/materials/": ["pass"] * 3 + ["drop"] * 100}
    with FaultProxy(portal.port, {"pass": 1}, script=script) as proxy:
        enrolled.portal_url = proxy.url
        report = SyncEngine(StorePort(enrolled), no_keep_alive).run_once()
    assert report.unreachable and report.confirmed == 0
    assert report.materials_uploaded == 1
    # the files in flight when the first drop came, no more: not one attempt per file
    assert 1 <= proxy.seen["drop"] <= PARALLEL
    assert outbox.backlog(enrolled.store)[0] == FILES
    enrolled.portal_url = portal.url
    again = SyncEngine(StorePort(enrolled), plain_client).run_once()
    assert again.ok and again.confirmed == FILES
    assert again.materials_uploaded == FILES - 1  # the one already up is not sent again
    store = portal.app.state.materials
    for r in taken:
        assert server_count(portal, "applications", uuid=r.uuid) == 1
        (ref,) = load_submission(enrolled.store, r.receipt_no).materials
        assert hashlib.sha256(store.path_of(ref.sha256).read_bytes()).hexdigest() == ref.sha256
        assert load_submission(enrolled.store, r.receipt_no).sync_state == "synced"
    assert server_count(portal, "materials") == FILES


def test_a_later_page_that_fails_to_come_leaves_the_cursor_at_the_last_page_applied(
    terminal: Terminal, portal_settings: Settings, take: Take
) -> None:
    with BackgroundServer(replace(portal_settings, changes_page=2)) as server:
        enroll(terminal, server.url, issue_code(server), plain_client)
        r = take("paged")
        assert SyncEngine(StorePort(terminal), plain_client).run_once().ok
        statuses = ["under_review", "approved", "ready_for_pickup"] * 2
        for status in statuses:
            services.set_status(server.app.state.db, r.receipt_no, status)
        # the first page comes; the next one (fetched while the first is applied) fails
        with FaultProxy(server.port, {"pass": 1}, script={"/changes": ["pass", "http500"]}) as p:
            terminal.portal_url = p.url
            report = SyncEngine(StorePort(terminal), no_keep_alive).run_once()
        assert report.unreachable
        assert report.statuses_pulled == [(r.receipt_no, s) for s in statuses[:2]]
        assert load_submission(terminal.store, r.receipt_no).status == "approved"
        first_page = int(terminal.store.get_setting(CURSOR_KEY) or 0)
        assert first_page > 0
        terminal.portal_url = server.url
        rest = SyncEngine(StorePort(terminal), plain_client).run_once()
    assert rest.ok and rest.statuses_pulled == [(r.receipt_no, s) for s in statuses[2:]]
    assert load_submission(terminal.store, r.receipt_no).status == "ready_for_pickup"
    assert int(terminal.store.get_setting(CURSOR_KEY) or 0) > first_page
