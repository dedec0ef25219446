"""Ingest at province scale: 200 terminals pushing at once to `portal serve --workers 2` (an
app server, one worker per core) on PostgreSQL (default durable settings), with one app
server and with two (each its own `portal serve`, the load spread over both in turn as a
balancer would), against a bare FastAPI endpoint on the same uvicorn taking the same bodies
in the same run. The terminals stand at the windows of ten halls (twenty each) and take the
sample catalog's items in turn (`bench.ingest_load`). Each run's database already holds as
many applications from other terminals, analysed (`_in_service`).

Two loads: a burst (every terminal pushes its backlog at once: its p99 push is the time
to store nearly all of it) and a steady one (the fleet takes `ingest_rate` applications a
second and each terminal pushes what it has taken as soon as its last push returned, as
`SyncEngine` does: the time a push takes while 200 terminals push at that rate).

Rows: applications stored per second, p99 of one push (the burst's baseline: the bare
endpoint's p99, what the load generator alone takes to send every body), errors (any reply
but 200, any application not stored, any row missing or doubled in the database
afterwards), CPU per application, the two servers' throughput over one's.
`scripts/bench --only ingest`.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from bench.bench_portal import _free_port, postgres_database
from bench.bench_track import tree_cpu
from bench.core import ROOT, Context, Result, Sizes, ms, percentile
from bench.ingest_load import Fleet, Load, drive, enroll_fleet, make_fleet, upload_files
from portal.db import Database


@dataclass
class Served:
    """A server process at `url`; `cpu()` = the CPU seconds it and its workers have used."""

    url: str
    pid: int

    def cpu(self) -> float:
        return tree_cpu(self.pid)


@contextmanager
def _process(cmd: list[str], url: str, log: Path) -> Iterator[Served]:
    """`cmd` serving at `url` (its /docs answering), stopped afterwards."""
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/docs", trust_env=False, timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text()[-300:]
                    raise RuntimeError(f"{cmd[2:4]} did not start: {tail}") from None
                time.sleep(0.1)
        yield Served(url, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


#: Worker processes of one app server: one per core, as `docs/it-guide.md` deploys it (and
#: as the tracking row measures "an app server (2 workers)").
WORKERS = 2


def _portal(db_url: str, folder: Path, name: str) -> AbstractContextManager[Served]:
    port = _free_port()
    cmd = [sys.executable, "-m", "portal.cli", "serve", "--db", db_url, "--materials",
           str(folder / "materials"), "--port", str(port), "--workers", str(WORKERS)]  # fmt: skip
    return _process(cmd, f"http://127.0.0.1:{port}", folder / f"{name}.log")


def _bare(folder: Path) -> AbstractContextManager[Served]:
    port = _free_port()
    cmd = [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--port", str(port),
           "--log-level", "warning"]  # fmt: skip
    return _process(cmd, f"http://127.0.0.1:{port}", folder / "bare.log")


@contextmanager
def _fresh_database(server: str) -> Iterator[str]:
    name = f"ingest_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _counted(db_url: str, fleets: list[Fleet], load: Load) -> None:
    """Rows in the database: every application once, with its materials and first event."""
    db = Database(db_url)
    with db.begin() as conn:
        found = {
            n: int(conn.execute(select(func.count()).select_from(db.t(n))).scalar_one())
            for n in ("applications", "application_materials", "status_events")
        }
    db.dispose()
    apps = sum(f.apps for f in fleets)
    want = {"applications": apps, "application_materials": 2 * apps, "status_events": apps}
    load.errors += [f"{n}: {found[n]} rows, expected {w}" for n, w in want.items() if found[n] != w]


def _in_service(db_url: str, url: str, earlier: Fleet) -> None:
    """The platform as in service: `earlier` terminals' applications stored, and the
    statistics PostgreSQL plans with gathered (as autovacuum does within a minute). On an
    empty table never analysed, the statements planned at the first pushes scan the
    table and keep doing so as it grows (the steady run: PostgreSQL CPU 1.15 ms an
    application against 0.48), which no platform in service sees."""
    load = drive([url], earlier)
    if load.errors:
        raise RuntimeError(f"ingest: the earlier applications failed: {load.errors[:3]}")
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()


def _postmaster(db_url: str) -> int | None:
    """The PostgreSQL server's process ID, from its data folder (None when it runs
    elsewhere or its folder cannot be read): its backends are its children."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            folder = str(conn.execute(text("SHOW data_directory")).scalar_one())
        return int((Path(folder) / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, DBAPIError):
        return None
    finally:
        engine.dispose()


def _run(server: str, fleets: tuple[Fleet, Fleet], work: Path, servers: int,
         rate: float | None = None) -> Load:  # fmt: skip
    """One run of `fleets[1]` with `servers` app servers on a fresh database that holds
    `fleets[0]`'s applications (`_in_service`); `rate`: see `drive`."""
    earlier, fleet = fleets
    with _fresh_database(server) as db_url:
        db = Database(db_url)  # migrated here, before any server starts
        enroll_fleet(earlier, db)
        enroll_fleet(fleet, db)
        db.dispose()
        postmaster = _postmaster(db_url)
        db_cpu = lambda: tree_cpu(postmaster) if postmaster else 0.0  # noqa: E731
        with _portal(db_url, work, "a") as a, _portal(db_url, work, "b") as b:
            upload_files(a.url, earlier)
            upload_files(a.url, fleet)
            _in_service(db_url, a.url, earlier)
            used = [a, b][:servers]
            cpu, db0 = sum(s.cpu() for s in used), db_cpu()
            load = drive([s.url for s in used], fleet, rate=rate)
            load.cpu = sum(s.cpu() for s in used) - cpu
            load.db_cpu = db_cpu() - db0 if postmaster else None
        _counted(db_url, [earlier, fleet], load)
    return load


def ingest(ctx: Context) -> list[Result]:
    s = ctx.sizes
    if not ctx.postgres:
        ctx.notes.append("ingest skipped: it measures PostgreSQL (--no-postgres given)")
        return []
    ctx.log(f"ingest: {s.ingest_terminals} terminals x {s.ingest_apps} applications ...")
    fleet = make_fleet(s.ingest_terminals, s.ingest_apps)
    # as many earlier applications from other terminals (numbered after the fleet's)
    earlier = make_fleet(s.ingest_terminals, s.ingest_apps, seed=5, first=s.ingest_terminals)
    with postgres_database() as server:
        if server is None:
            ctx.notes.append("ingest skipped: no PostgreSQL server available")
            return []
        with _bare(ctx.work) as bare:
            fleet.tokens = ["-"] * len(fleet.ids)
            cpu = bare.cpu()
            base = drive([bare.url], fleet)
            base.cpu = bare.cpu() - cpu
        ctx.log("ingest: one app server ...")
        one = _run(server, (earlier, fleet), ctx.work, 1)
        ctx.log("ingest: two app servers ...")
        two = _run(server, (earlier, fleet), ctx.work, 2)
        ctx.log(f"ingest: one app server, the fleet taking {s.ingest_rate:,} applications/s ...")
        arriving = make_fleet(s.ingest_terminals, s.ingest_arriving)
        steady = _run(server, (earlier, arriving), ctx.work, 1, rate=s.ingest_rate)
    for name, load in (("one", one), ("two", two), ("steady", steady)):
        ctx.notes += [f"ingest, {name}: {e}" for e in sorted(set(load.errors))[:5]]
    return _rows(s.ingest_terminals, base, one, two) + _steady_rows(s, steady)


def _steady_rows(s: Sizes, load: Load) -> list[Result]:
    """The fleet taking applications at `s.ingest_rate` a second and pushing what it has
    taken (`ingest_load._arriving`): the time a push takes while 200 terminals push at
    that rate, where a burst's p99 is the time to store nearly all of it."""
    label = f"PostgreSQL, {s.ingest_terminals} terminals taking {s.ingest_rate:,}/s, 1 app server"
    p99, pushes = _p99(load), len(load.latencies)
    return [
        Result("ingest", f"{label}: throughput", _rate(load), "apps/s", None, ">= 1,000 apps/s",
               _rate(load) >= 1000),
        Result("ingest", f"{label}: p99 push", p99, "ms", None, "< 1,000 ms", p99 < 1000),
        Result("ingest", f"{label}: applications per push", load.stored / max(pushes, 1), ""),
        Result("ingest", f"{label}: errors", len(load.errors), "", None, "0", not load.errors),
    ]  # fmt: skip


def _p99(load: Load) -> float:
    """The p99 push (ms); the bare endpoint's is the floor the load itself sets: every
    terminal sends at once, so the last pushes wait for the client to send the others."""
    return ms(percentile(load.latencies, 99)) if load.latencies else 0.0


def _rate(load: Load) -> float:
    return load.stored / load.seconds if load.seconds else 0.0


def _rows(terminals: int, base: Load, one: Load, two: Load) -> list[Result]:
    label = f"PostgreSQL, {terminals} terminals"
    bare, bare_p99 = _rate(base), _p99(base)
    rows = []
    for name, load in (("1 app server", one), ("2 app servers", two)):
        p99 = _p99(load)
        rows += [
            Result("ingest", f"{label}, {name}: throughput", _rate(load), "apps/s", bare,
                   ">= 1,000 apps/s", _rate(load) >= 1000),
            Result("ingest", f"{label}, {name}: p99 push", p99, "ms", bare_p99, "< 1,000 ms",
                   p99 < 1000),
            Result("ingest", f"{label}, {name}: errors", len(load.errors), "", None, "0",
                   not load.errors),
        ]  # fmt: skip
    for name, load in (("1 app server", one), ("bare endpoint", base)):
        per_app = ms(load.cpu / load.stored) if load.stored else 0.0
        rows.append(Result("ingest", f"{label}, {name}: server CPU per application", per_app,
                           "ms"))  # fmt: skip
    if one.db_cpu is not None and one.stored:
        rows.append(Result("ingest", f"{label}, 1 app server: PostgreSQL CPU per application",
                           ms(one.db_cpu / one.stored), "ms"))  # fmt: skip
    scale = _rate(two) / _rate(one) if _rate(one) else 0.0
    rows.append(Result("ingest", f"{label}: 2 servers / 1", scale, "x", None, ">= 1.6x",
                       scale >= 1.6))  # fmt: skip
    return rows
