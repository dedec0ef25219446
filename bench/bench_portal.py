"""Portal ingest: K terminals syncing at the same moment against one portal process.

Each simulated terminal is a real one (own data folder, key, enrollment, applications taken
by `IntakeService.accept`) running `SyncEngine.run_once()` in its own thread; they start
together on a barrier. The portal is `uvicorn` with the real app in a separate process, on
SQLite and, when a PostgreSQL server can be had (`BENCH_PG_URL`, `PORTAL_TEST_PG_URL`, or a
throwaway one started with the Debian binaries), on PostgreSQL with its default durable
settings. Reported: applications stored per second, p99 of one HTTP request, and errors
(sync errors, entries set aside, applications not confirmed) - the target is zero errors.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.core import Context, Result, ms, percentile
from bench.terminals import Intake, PortalProcess, enroll_at, new_terminal, portal_settings
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from portal.db import Database
from sync.engine import SyncEngine
from sync.receipt_numbers import encode

PG_BIN = Path("/usr/lib/postgresql/15/bin")


class TimedTransport(httpx.HTTPTransport):
    """Records the wall time of every request (response body included), and the body of
    every 5xx reply (the portal's own words for what went wrong)."""

    def __init__(self, samples: list[float], failures: list[str]) -> None:
        super().__init__()
        self.samples, self.failures = samples, failures

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        start = time.perf_counter()
        response = super().handle_request(request)
        response.read()
        self.samples.append(time.perf_counter() - start)
        if response.status_code >= 500:
            body = response.content.decode(errors="replace")[:300]
            self.failures.append(
                f"{request.method} {request.url.path} {response.status_code} {body}"
            )
        return response


@dataclass
class Ingest:
    apps: int = 0
    errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def make_terminals(root: Path, count: int, apps: int, log: Callable[[str], None]) -> list[Path]:
    """`count` terminal folders with `apps` waiting applications each (made once, copied)."""
    log(f"portal ingest: {count} terminals with {apps} applications each ...")
    intake, folders = Intake(seed=3), []
    for i in range(count):
        folder = root / f"t{i:03d}"
        with new_terminal(folder, "Z" + encode(i, 3)) as terminal:
            for _ in range(apps):
                intake.take(terminal, 2000 + i)
        folders.append(folder)
    return folders


def _sync_one(folder: Path, start: threading.Barrier, result: Ingest) -> None:
    samples: list[float] = []
    failures: list[str] = []

    def factory() -> httpx.Client:
        transport = TimedTransport(samples, failures)
        return httpx.Client(transport=transport, timeout=httpx.Timeout(300.0), trust_env=False)

    with Terminal.open(folder) as terminal:
        waiting = int(terminal.store.scalar("SELECT COUNT(*) FROM outbox WHERE state='pending'"))
        start.wait()
        report = SyncEngine(StorePort(terminal), factory).run_once()
    with result.lock:
        result.apps += report.confirmed
        result.latencies += samples
        result.server_errors += failures
        result.errors += [str(e.text) for e in report.errors]
        result.errors += [f"set aside {r}: {why}" for r, why in report.set_aside]
        if report.confirmed != waiting and not report.errors:
            result.errors.append(f"{folder.name}: {report.confirmed} of {waiting} confirmed")


def run_ingest(db_url: str, folders: list[Path], work: Path) -> tuple[Ingest, float]:
    """Enroll copies of the terminals at a fresh portal on `db_url`, then sync all at once."""
    copies = [work / f.name for f in folders]
    for f, c in zip(folders, copies, strict=True):
        shutil.copytree(f, c)
    result = Ingest()
    with PortalProcess(portal_settings(work / "portal", db_url)) as portal:
        db = Database(db_url)
        for c in copies:
            with Terminal.open(c) as terminal:
                enroll_at(terminal, db, portal.url)
        db.dispose()
        barrier = threading.Barrier(len(copies) + 1)
        threads = [threading.Thread(target=_sync_one, args=(c, barrier, result)) for c in copies]
        for t in threads:
            t.start()
        barrier.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - start
    result.server_errors += portal.errors()
    return result, seconds


def ingest(ctx: Context) -> list[Result]:
    s = ctx.sizes
    folders = make_terminals(
        ctx.work / "ingest-terminals", s.terminals, s.apps_per_terminal, ctx.log
    )
    sqlite_url = f"sqlite:///{ctx.work / 'ingest-sqlite' / 'portal' / 'portal.db'}"
    engines: list[tuple[str, Callable[[], contextlib.AbstractContextManager[str | None]]]] = [
        ("SQLite", lambda: contextlib.nullcontext(sqlite_url)),
        ("PostgreSQL", postgres_database),
    ][: 2 if ctx.postgres else 1]
    results = []
    for name, url_of in engines:
        with url_of() as url:
            if url is None:
                ctx.notes.append("portal ingest on PostgreSQL skipped: no server available")
                continue
            ctx.log(f"portal ingest: {s.terminals} terminals at once on {name} ...")
            work = ctx.work / f"ingest-{name.lower()}"
            work.mkdir(exist_ok=True)
            done, seconds = run_ingest(url, folders, work)
            results += _ingest_results(name, s.terminals, done, seconds)
            ctx.notes += [f"{name} ingest error: {e}" for e in sorted(set(done.errors))[:5]]
            ctx.notes += [f"{name} portal log: {e}" for e in sorted(set(done.server_errors))[:5]]
    return results


def _ingest_results(name: str, terminals: int, done: Ingest, seconds: float) -> list[Result]:
    label = f"{name}, {terminals} terminals"
    p99 = ms(percentile(done.latencies, 99)) if done.latencies else 0.0
    return [
        Result("portal ingest", f"{label}: throughput", done.apps / seconds, "apps/s"),
        Result("portal ingest", f"{label}: p99 request", p99, "ms"),
        Result("portal ingest", f"{label}: errors", len(done.errors), "", None, "0",
               not done.errors),
    ]  # fmt: skip


# -- PostgreSQL --------------------------------------------------------------------------------
def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextlib.contextmanager
def postgres_database() -> Iterator[str | None]:
    """A PostgreSQL URL for a fresh database: from the environment, or a throwaway server
    (default durable settings: fsync on) started here; None when neither is possible."""
    if url := os.environ.get("BENCH_PG_URL") or os.environ.get("PORTAL_TEST_PG_URL"):
        yield url
        return
    if not (PG_BIN / "initdb").exists() or (os.geteuid() == 0 and not shutil.which("runuser")):
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    os.chmod(folder, 0o777)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    run = lambda cmd: subprocess.run(_as_postgres(cmd), check=True, capture_output=True)  # noqa: E731
    run([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"])
    opts = f"-p {port} -k {folder} -h 127.0.0.1 -c max_connections=300"
    log = str(folder / "log")
    run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", opts, "-w", "-l", log, "start"])
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
