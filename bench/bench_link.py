"""Sync at the speed of the link (issue 17): a clean sync of many small materials against
plain httpx sending the same bytes, in the same run.

The case: 150 applications with 269 materials of their own, 2 KB to 2.3 MB, 11.5 MB in all
(one of 2.3 MB, the others spread on a log scale from 2 KB up to what makes the total). The
engine's pass (ask which files are missing, upload them, push the applications) runs against
a fresh portal in its own process; the baseline is a bare `httpx.Client` (same socket
options) sending against a second fresh portal exactly what the platform must receive: each
file as ONE whole PUT and the engine's own push requests, in the engine's order. So the
ratio is what the protocol's extra round trips (missing queries, upload states, chunking of
files over 1 MB) and the engine's own work cost on top of the bytes and the server's work.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import httpx

from bench.bench_sync import Recorder, replay
from bench.core import Context, Result
from bench.terminals import Intake, PortalProcess, enroll_at, new_terminal, portal_settings
from counter_app.ops.progress import each
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from forms.text import Text
from portal.db import Database
from sync.engine import SyncEngine

LO, HI = 2_000, 2_300_000


def material_sizes(n: int, total: int, lo: int = LO, hi: int = HI) -> list[int]:
    """`n` sizes summing to about `total`: one file of `hi` (a long scanned PDF) and the
    others spread evenly on a log scale from `lo` to a top `c` found by bisection (scans
    of ID cards, forms, photos: mostly tens of KB)."""
    if n == 1:
        return [min(hi, max(lo, total))]
    hi = min(hi, total // 2)  # the smoke test's tiny total
    qs = [i / (n - 2) for i in range(n - 1)] if n > 2 else [0.0]

    def sizes(c: float) -> list[int]:
        return [round(lo * (c / lo) ** q) for q in qs] + [hi]

    low, high = float(lo), float(hi)
    for _ in range(60):
        mid = (low * high) ** 0.5
        low, high = (low, mid) if sum(sizes(mid)) > total else (mid, high)
    return sizes(low)


def plan(intake: Intake, apps: int, sizes: list[int]) -> list[list[int]]:
    """Which unique sizes each of the next `apps` applications carries: spread over the
    applications in turn (each gets at most as many as its item requires), the largest
    files on materials whose limit allows them."""
    slots: list[tuple[int, int, int]] = []  # (max bytes, application, material index)
    for j in range(apps):
        item = intake.items[(intake.count + 1 + j) % len(intake.items)]
        for i, m in enumerate(item.required_materials(intake.answers[item.code])):
            slots.append((m.max_bytes, j, i))
    order = sorted(slots, key=lambda s: (s[2], s[1]))[: len(sizes)]  # first materials first
    per_app: list[list[int]] = [[] for _ in range(apps)]
    for (limit, j, _i), size in zip(
        sorted(order, reverse=True), sorted(sizes, reverse=True), strict=True
    ):
        if size > limit:
            raise ValueError(f"no material takes {size} bytes")
        per_app[j].append(size)
    return per_app


def link(ctx: Context, apps: int, materials: int, total: int) -> list[Result]:
    """The row: the engine's MB/s against plain httpx's, best of `ctx.sizes.rounds` each."""
    work = ctx.work / "link"
    work.mkdir(parents=True)
    sizes = material_sizes(materials, total)
    with new_terminal(work / "terminal", "7QXL") as terminal:
        ctx.log(f"sync: taking {apps} applications with {materials} materials ...")
        intake = Intake(seed=17)
        planned = plan(intake, apps, sizes)
        for own in each(planned, apps, Text("受理", "taking applications"), "application"):
            intake.take(terminal, sizes=own)
    best_engine, best_bare = float("inf"), float("inf")
    for r in range(ctx.sizes.rounds):
        copy = work / f"terminal-{r}"
        shutil.copytree(work / "terminal", copy)
        engine_s, bare_s = _round(copy, work / f"round-{r}", apps)
        best_engine, best_bare = min(best_engine, engine_s), min(best_bare, bare_s)
    mb = sum(sizes) / 1e6
    spread = f"{_size(min(sizes))}-{_size(max(sizes))}"
    label = f"{apps} applications, {materials} materials of {spread} ({_size(sum(sizes))})"
    ours, bare = mb / best_engine, mb / best_bare
    return [Result("sync link", label, ours, "MB/s", bare, ">= 0.8x", ours >= 0.8 * bare)]


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def _round(folder: Path, work: Path, apps: int) -> tuple[float, float]:
    """(engine seconds, bare httpx seconds) of one clean sync of `folder`'s terminal."""
    terminal = Terminal.open(folder)
    try:
        settings = portal_settings(work / "portal-a")
        with PortalProcess(settings) as portal:
            db = Database(settings.db_url)
            enroll_at(terminal, db, portal.url)
            db.dispose()
            recorder = Recorder()
            engine = SyncEngine(StorePort(terminal), recorder.factory())
            os.sync()
            start = time.perf_counter()
            report = engine.run_once()
            engine_s = time.perf_counter() - start
        if report.errors or report.set_aside or len(report.pushed) != apps:  # + status events
            raise RuntimeError(f"link sync failed: {report.errors} {report.set_aside}")
        bare_settings = portal_settings(work / "portal-b")
        with PortalProcess(bare_settings) as bare_portal:
            bare_db = Database(bare_settings.db_url)
            enroll_at(terminal, bare_db, bare_portal.url)
            bare_db.dispose()
            requests = minimal(recorder.requests, terminal)
            os.sync()
            bare_s = replay(requests, bare_portal.url, terminal.token or "")
        return engine_s, bare_s
    finally:
        terminal.close()


def minimal(sent: list[httpx.Request], terminal: Terminal) -> list[httpx.Request]:
    """What the platform must receive, in the engine's order: each file once as one whole
    PUT (where the engine's first request about it was), and the engine's pushes."""
    out: list[httpx.Request] = []
    seen: set[str] = set()
    for r in sent:
        path = r.url.path
        if r.method == "POST" and path.endswith("/push"):
            out.append(r)
            continue
        sha = path.rsplit("/", 1)[1]
        if "/materials/" not in path or sha == "missing" or sha in seen:
            continue
        seen.add(sha)
        data = terminal.materials.path_for(sha).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            raise RuntimeError(f"material {sha} damaged on the terminal")
        params = {"offset": 0, "total": len(data)}
        headers = {"content-type": "application/octet-stream"}
        out.append(httpx.Request("PUT", r.url.copy_with(params=params), headers=headers,
                                 content=data))  # fmt: skip
    return out
