"""Per-application costs on the platform, the figures docs/scaling.md sizes a province from:

    .venv/bin/python -m bench.costs [--terminals 10] [--apps 50] [--events 1]

Real terminals take real applications with their materials (`bench.terminals.Intake`) and
sync them through the real API to `portal serve` in its own process on a fresh PostgreSQL.
Measured: the server process's CPU per pushed application (/proc utime + stime, before and
after the sync), PostgreSQL bytes per application (pg_total_relation_size of every table,
indexes and TOAST included, before and after), bytes per status event (the same around
`--events` status moves per application set as the back office sets them), and blob bytes
per application (the materials folder).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
from pathlib import Path

from sqlalchemy import create_engine, select, text

from bench.bench_portal import Ingest, _sync_one, make_terminals, postgres_database
from bench.terminals import PortalProcess, enroll_at, portal_settings
from counter_app.terminal import Terminal
from portal import services
from portal.db import Database

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children that were waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / TICK  # utime stime cutime cstime


def table_bytes(url: str) -> dict[str, int]:
    """pg_total_relation_size of every table of the public schema."""
    engine = create_engine(url)
    query = text(
        "SELECT relname, pg_total_relation_size(oid) FROM pg_class"
        " WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
    )
    with engine.connect() as conn:
        sizes = {name: int(size) for name, size in conn.execute(query)}
    engine.dispose()
    return sizes


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(terminals: int, apps: int, events: int, work: Path) -> dict[str, float]:
    folders = make_terminals(work / "terminals", terminals, apps, print)
    with postgres_database() as url:
        if url is None:
            raise SystemExit("no PostgreSQL server can be had here")
        settings = portal_settings(work / "portal", url)
        db = Database(url)
        with PortalProcess(settings) as portal:
            assert portal.proc is not None
            for folder in folders:
                with Terminal.open(folder) as terminal:
                    enroll_at(terminal, db, portal.url)
            before = table_bytes(url)  # after the catalog and the enrollments: per application
            result, barrier = Ingest(), threading.Barrier(1)
            cpu0 = cpu_seconds(portal.proc.pid)
            for folder in folders:
                _sync_one(folder, barrier, result)
            cpu = cpu_seconds(portal.proc.pid) - cpu0
        pushed = table_bytes(url)
        apps_table = db.t("applications")
        with db.begin() as conn:
            receipts = list(conn.scalars(select(apps_table.c.receipt_no)))
        moves = ["under_review", "approved", "ready_for_pickup", "delivered"][:events]
        for receipt in receipts:
            for status in moves:
                services.set_status(db, receipt, status, "")
        moved = table_bytes(url)
        db.dispose()
    for error in sorted(set(result.errors + result.server_errors))[:5]:
        print("error:", error)
    grew = lambda a, b: sum(b.values()) - sum(a.values())  # noqa: E731
    n = len(receipts)
    return {
        "applications": n,
        "errors": len(result.errors) + len(result.server_errors),
        "server CPU ms per pushed application": 1000 * cpu / max(1, result.apps),
        "PostgreSQL bytes per application": grew(before, pushed) / n,
        "PostgreSQL bytes per status event": grew(pushed, moved) / (n * len(moves)),
        "blob bytes per application": folder_bytes(settings.materials_dir) / n,
        **{f"  {t} bytes/app": (pushed[t] - before.get(t, 0)) / n for t in sorted(pushed)
           if pushed[t] - before.get(t, 0) > 0},
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.costs", description=__doc__)
    parser.add_argument("--terminals", type=int, default=10)
    parser.add_argument("--apps", type=int, default=50, help="applications per terminal")
    parser.add_argument("--events", type=int, default=1, choices=range(1, 5))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-costs-"))
    try:
        for name, value in measure(args.terminals, args.apps, args.events, work).items():
            print(f"{name:45} {value:12,.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
