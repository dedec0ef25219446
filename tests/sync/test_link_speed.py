"""Sync at the speed of the link (issue 17): the missing files asked for once per batch, a
small file sent as one PUT with no state request first (resuming still works), and status
changes coming down while pushes fail (through the fault proxy, on a real portal)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import httpx

from counter_app.store import outbox
from counter_app.store.submissions import load_submission
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal import services
from portal.server import BackgroundServer
from sync.client import PortalClient
from sync.engine import SyncEngine
from sync.progress import Backlog, SyncProgress
from tests.sync.conftest import Take, pdf, plain_client
from tests.sync.faultproxy import FaultProxy, no_keep_alive

Sent = list[tuple[str, str]]


def recording(sent: Sent) -> Callable[[], httpx.Client]:
    """The engine's own client, noting (method, path?query) of every request it sends."""

    def make() -> httpx.Client:
        http = plain_client()
        http.event_hooks["request"] = [
            lambda r: sent.append((r.method, r.url.raw_path.decode().split("/api/v1", 1)[1]))
        ]
        return http

    return make


def _uploads(sent: Sent) -> tuple[int, int, int]:
    """(missing queries, upload state requests, PUTs) among `sent`."""
    missing = sum(1 for m, p in sent if m == "POST" and p.startswith("/materials/missing"))
    states = sum(1 for m, p in sent if m == "GET" and p.startswith("/materials/"))
    puts = sum(1 for m, _ in sent if m == "PUT")
    return missing, states, puts


def test_small_files_go_up_one_request_each_after_one_missing_query(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    taken = [take(f"small-{i}", scan=pdf(f"small-{i}", 2_000 + i)) for i in range(6)]
    sent: Sent = []
    report = SyncEngine(StorePort(enrolled), recording(sent)).run_once()
    assert report.ok, report.errors
    assert report.materials_uploaded == 6
    # one batch: one question about which files are missing; the first file asks how large
    # a PUT may be, the other five go up as one PUT each with no state request before
    assert _uploads(sent) == (1, 1, 6)
    store = portal.app.state.materials
    for r in taken:
        sha = load_submission(enrolled.store, r.receipt_no).materials[0].sha256
        assert hashlib.sha256(store.path_of(sha).read_bytes()).hexdigest() == sha


def test_a_single_put_replaces_what_an_earlier_pass_left_half_up(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    """A file that fits one PUT goes up whole even when an earlier pass left half of it:
    the platform checks the whole bytes, stores them and drops the partial upload (resuming
    would save at most one chunk, and cost a 409 round trip)."""
    engine = SyncEngine(StorePort(enrolled), plain_client)
    take("first")
    assert engine.run_once().ok  # the engine has learned the platform's chunk limit
    body = pdf("resumed", 40_000)
    r = take("second", scan=body)
    sha = hashlib.sha256(body).hexdigest()
    with plain_client() as http:  # an earlier pass got half the file up, then the link went
        client = PortalClient(portal.url, enrolled.token, http)
        assert client.put_chunk(sha, 0, len(body), body[:20_000]).received == 20_000
    sent: Sent = []
    engine.client_factory = recording(sent)
    report = engine.run_once()
    assert report.ok, report.errors
    puts = [p for m, p in sent if m == "PUT"]
    assert len(puts) == 1 and "offset=0" in puts[0]
    store = portal.app.state.materials
    assert store.path_of(sha).read_bytes() == body
    assert store.blobs.uploads() == []  # the half left by the earlier pass is gone
    assert load_submission(enrolled.store, r.receipt_no).sync_state == "synced"


def test_a_status_comes_down_in_the_next_pass_while_pushes_fail(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    first = take("synced-before")
    assert SyncEngine(StorePort(enrolled), plain_client).run_once().ok
    services.set_status(portal.app.state.db, first.receipt_no, "approved", "ok")
    waiting = take("waiting", scan=pdf("waiting", 9_000))
    failing = {"/materials/": ["http500"] * 50, "/push": ["reset"] * 50}
    with FaultProxy(portal.port, {"pass": 1}, script=failing) as proxy:
        enrolled.portal_url = proxy.url
        report = SyncEngine(StorePort(enrolled), no_keep_alive).run_once()
    assert report.unreachable  # the upload failed: the application waits ...
    assert outbox.backlog(enrolled.store)[0] == 1
    assert load_submission(enrolled.store, waiting.receipt_no).sync_state != "synced"
    # ... and the back office's decision reached the counter in the same pass
    assert report.statuses_pulled == [(first.receipt_no, "approved")]
    assert load_submission(enrolled.store, first.receipt_no).status == "approved"


def test_no_pull_when_the_platform_asks_the_terminal_to_wait(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    first = take("synced-before")
    assert SyncEngine(StorePort(enrolled), plain_client).run_once().ok
    services.set_status(portal.app.state.db, first.receipt_no, "approved", "ok")
    take("waiting")
    with FaultProxy(portal.port, {"pass": 1}, script={"/materials/": ["http503"]}) as proxy:
        enrolled.portal_url = proxy.url
        engine = SyncEngine(StorePort(enrolled), no_keep_alive)
        busy = engine.run_once()
        assert busy.errors and busy.statuses_pulled == []  # 503: come back later, all of it
        again = engine.run_once()
    assert again.ok, again.errors
    assert again.statuses_pulled == [(first.receipt_no, "approved")]


def test_progress_counts_down_to_nothing_left(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    """What the status bar and the command line show: the applications, files and bytes
    left move down as the pass goes, with a time to go once something has gone."""
    shared = pdf("on-the-platform-already", 3_000)
    take("first", scan=shared)
    assert SyncEngine(StorePort(enrolled), plain_client).run_once().ok
    sizes = [20_000, 150_000, 90_000]
    for i, size in enumerate(sizes):
        take(f"app-{i}", scan=pdf(f"app-{i}", size), extra=shared)
    seen: list[SyncProgress] = []
    engine = SyncEngine(StorePort(enrolled), plain_client, batch_size=2, chunk_size=32_768,
                        on_progress=seen.append)  # fmt: skip
    assert engine.run_once().ok
    first, last = seen[0], seen[-1]
    assert first.total == first.left  # nothing done yet
    assert (first.total.applications, first.total.files) == (3, 4)
    assert first.total.bytes == sum(len(pdf(f"app-{i}", s)) for i, s in enumerate(sizes)) + len(
        shared
    )
    assert first.seconds is None
    assert last.left == Backlog(0, 0, 0)
    lefts = [p.left.work for p in seen]
    assert lefts == sorted(lefts, reverse=True) and len(set(lefts)) > 5  # it moves, down
    assert all(p.seconds is not None for p in seen[1:])
    assert "left: 0 applications, 0 files (0 B)" in last.text().en
    assert "待上传：3 件申请，4 个文件" in first.text().zh
