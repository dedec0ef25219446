"""Sync push and pull between a real terminal and a real portal on loopback.

The portal runs in its own process (uvicorn, the real app), as in production: in a thread
of this process it would share the GIL with the engine and charge the engine's CPU work
twice.

push: N waiting applications (and, separately, M applications each bringing one 200 KB
material) go up in one `SyncEngine.run_once()`. Every request the engine sends is recorded;
the baseline then replays exactly those bytes, in the same order and batches, with a bare
`httpx.Client` (with the same TCP_NODELAY socket option as the engine's client: a transport
setting, not engine work) against a second, fresh portal (so the server does the same work
both times).
The ratio is our throughput over the bare client's: what the engine costs on top of the wire
and the server (reading the outbox, building and checking the protocol models, signing each
receipt payload, marking entries done with synchronous=FULL).

pull: the back office moves the pushed applications through K status changes; one pass
applies them all to the local store. Reported as changes applied per second.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.core import Context, Result
from bench.terminals import Intake, PortalProcess, enroll_at, new_terminal, portal_settings
from counter_app.ops.progress import each
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from forms.text import Text
from portal import services
from portal.db import Database
from sync.client import SOCKET_OPTIONS, default_client
from sync.engine import SyncEngine
from sync.statuses import Status

CHANGES = (Status.UNDER_REVIEW, Status.APPROVED, Status.READY_FOR_PICKUP, Status.DELIVERED)
SKIP_HEADERS = {"host", "content-length", "authorization", "user-agent", "accept-encoding"}


@dataclass
class Recorder:
    """Keeps every request an httpx client sends (method, URL, headers, body)."""

    requests: list[httpx.Request] = field(default_factory=list)

    def factory(self) -> Callable[[], httpx.Client]:
        """The engine's own production client, plus the recording hook."""

        def make() -> httpx.Client:
            c = default_client(trust_env=False)
            c.event_hooks["request"] = [self.requests.append]
            return c

        return make


def replay(requests: list[httpx.Request], base_url: str, token: str) -> float:
    """Send the recorded requests again with bare httpx; seconds taken. Fails on non-2xx."""
    prepared = []
    for r in requests:
        headers = {k: v for k, v in r.headers.items() if k.lower() not in SKIP_HEADERS}
        headers["authorization"] = f"Bearer {token}"
        url = base_url + r.url.raw_path.decode()
        prepared.append((r.method, url, headers, r.content))
    start = time.perf_counter()
    transport = httpx.HTTPTransport(socket_options=SOCKET_OPTIONS)  # as the engine's client
    with httpx.Client(transport=transport, trust_env=False, timeout=120) as http:
        for method, url, headers, body in prepared:
            http.request(method, url, headers=headers, content=body).raise_for_status()
    return time.perf_counter() - start


@dataclass
class PushRun:
    apps: int
    engine_s: float
    bare_s: float
    bytes_up: int
    terminal: Terminal
    portal: PortalProcess
    db: Database

    def close(self) -> None:
        self.db.dispose()
        self.portal.__exit__()
        self.terminal.close()


def push_case(
    work: Path, apps: int, material_bytes: int, log: Callable[[str], None], rounds: int = 2
) -> PushRun:
    """Take `apps` applications, then `rounds` times: push a copy of the terminal to a fresh
    portal (timed) and replay the bytes to another fresh portal (timed). The best time of
    each side counts (the least disturbed by the other jobs on the machine). The last
    round's terminal and portal stay up for the pull."""
    work.mkdir(parents=True)
    with new_terminal(work / "terminal", "7QXM") as terminal:
        log(f"sync: taking {apps:,} applications at the counter ...")
        intake = Intake()
        for _ in each(range(apps), apps, Text("受理", "taking applications"), "application"):
            intake.take(terminal, material_bytes)
    runs: list[PushRun] = []
    for r in range(rounds):
        if runs:
            runs[-1].close()
        copy = work / f"terminal-{r}"
        shutil.copytree(work / "terminal", copy)
        runs.append(_push_round(copy, work / f"round-{r}", apps))
    last = runs[-1]
    last.engine_s = min(r.engine_s for r in runs)
    last.bare_s = min(r.bare_s for r in runs)
    return last


def _push_round(folder: Path, work: Path, apps: int) -> PushRun:
    terminal = Terminal.open(folder)
    settings = portal_settings(work / "portal-a")
    portal = PortalProcess(settings).__enter__()
    db = Database(settings.db_url)
    enroll_at(terminal, db, portal.url)
    recorder = Recorder()
    engine = SyncEngine(StorePort(terminal), recorder.factory())
    os.sync()  # both timed phases start with no dirty pages left by the set-up
    start = time.perf_counter()
    report = engine.run_once()
    engine_s = time.perf_counter() - start
    if report.errors or report.set_aside or len(report.pushed) != apps:  # + status events
        raise RuntimeError(f"push failed: {report.errors} {report.set_aside}")
    bare_settings = portal_settings(work / "portal-b")
    with PortalProcess(bare_settings) as bare_portal:
        bare_db = Database(bare_settings.db_url)
        enroll_at(terminal, bare_db, bare_portal.url)
        bare_db.dispose()
        os.sync()
        bare_s = replay(recorder.requests, bare_portal.url, terminal.token or "")
    terminal.portal_url, terminal.token = portal.url, _token_of(recorder)
    sent = sum(len(r.content) for r in recorder.requests)
    return PushRun(apps, engine_s, bare_s, sent, terminal, portal, db)


def _token_of(recorder: Recorder) -> str:
    return recorder.requests[0].headers["authorization"].removeprefix("Bearer ")


def _push_results(label: str, run: PushRun) -> list[Result]:
    ours, bare = run.apps / run.engine_s, run.apps / run.bare_s
    mb = run.bytes_up / 1e6
    return [
        Result("sync push", f"{label}: throughput", ours, "apps/s", bare, ">= 0.8x",
               ours >= 0.8 * bare),
        Result("sync push", f"{label}: bytes", mb / run.engine_s, "MB/s", mb / run.bare_s),
    ]  # fmt: skip


def push_and_pull(ctx: Context) -> list[Result]:
    s = ctx.sizes
    run = push_case(ctx.work / "push-apps", s.push_apps, 0, ctx.log, s.rounds)
    results = _push_results(f"{s.push_apps:,} applications", run)
    try:
        results += _pull(run, s.pull_changes, ctx.log)
    finally:
        run.close()
    size = s.material_kb * 1000
    mats = push_case(ctx.work / "push-materials", s.push_materials, size, ctx.log, s.rounds)
    try:
        results += _push_results(f"{s.push_materials:,} materials of {s.material_kb} KB", mats)
    finally:
        mats.close()
    from bench.bench_link import link  # it imports this module's Recorder and replay

    return results + link(ctx, *s.link)


def _pull(run: PushRun, changes: int, log: Callable[[str], None]) -> list[Result]:
    """The back office makes `changes` status changes over the pushed applications, then one
    engine pass pulls and applies them."""
    db = run.db
    numbers = [
        r["receipt_no"]
        for r in run.terminal.store.query("SELECT receipt_no FROM submissions ORDER BY rowid")
    ]
    log(f"sync: the back office makes {changes:,} status changes ...")
    for i in range(changes):
        services.set_status(db, numbers[i % len(numbers)], CHANGES[(i // len(numbers)) % 4])
    engine = SyncEngine(StorePort(run.terminal), lambda: default_client(trust_env=False))
    start = time.perf_counter()
    report = engine.run_once()
    seconds = time.perf_counter() - start
    applied = len(report.statuses_pulled)
    if report.errors or applied != changes:
        raise RuntimeError(f"pull applied {applied} of {changes}: {report.errors}")
    rate = applied / seconds
    return [Result("sync pull", f"{changes:,} status changes applied", rate, "/s", None,
                   "> 5,000/s", rate > 5000)]  # fmt: skip
