"""A PostgreSQL holding N generated applications (`bench.gen_portal`), kept between runs.

The first run for a size initialises a data directory under bench/.cache/portal-pg-N,
migrates the platform's schema, fills it through COPY (a progress bar on a terminal) and
VACUUM ANALYZEs it; later runs only start the server on that directory (seconds instead of
minutes: 1,000,000 applications take several minutes to generate here). The server stops
when the run ends. `BENCH_PG_URL` is not used here: the data must be the generated set.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.gen_portal import fill, progress_bar
from portal.db import Database

PG_BIN = Path("/usr/lib/postgresql/15/bin")
#: The generated data's last day: fixed, so a cached database stays the same database.
END = date(2026, 11, 30)
SEED = 7


def available() -> bool:
    """True when a PostgreSQL server can be started here."""
    return (PG_BIN / "initdb").exists() and (os.geteuid() != 0 or bool(shutil.which("runuser")))


def _as_postgres(cmd: list[str]) -> list[str]:
    return cmd if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *cmd]


def _run(cmd: list[str]) -> None:
    done = subprocess.run(_as_postgres(cmd), capture_output=True, text=True)
    if done.returncode != 0:  # say why (e.g. the postgres user cannot reach the folder)
        raise RuntimeError(f"{Path(cmd[0]).name}: {(done.stderr or done.stdout).strip()[-300:]}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def generated_postgres(n: int, cache: Path, log: Callable[[str], None] = print) -> Iterator[str]:
    """The URL of a database holding `n` generated applications (made once per n)."""
    folder = cache / f"portal-pg-{n}"
    data, ready = folder / "data", folder / "ready"
    if not ready.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        os.chmod(folder, 0o777)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        _run(
            [str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"]
        )
    port = _free_port()
    opts = f"-p {port} -k {folder} -h 127.0.0.1 -c max_connections=300 -c shared_buffers=256MB"
    _run(
        [
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-w",
            "-l",
            str(folder / "log"),
            "start",
        ]
    )
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    try:
        if not ready.exists():
            _generate(url, n, log)
            ready.write_text(f"{n} applications, seed {SEED}, ending {END}\n")
        Database(url).dispose()  # a cache made before a new migration gets it here, not
        # while a benchmark's server waits to start (migration 90 fills the rollup: minutes)
        yield url
    finally:
        _run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"])


def postmaster_pid(n: int, cache: Path) -> int:
    """The running server's process ID (its backends are its children)."""
    return int((cache / f"portal-pg-{n}" / "data" / "postmaster.pid").read_text().split()[0])


def _generate(url: str, n: int, log: Callable[[str], None]) -> None:
    log(f"generating {n:,} applications into PostgreSQL (once; cached under bench/.cache)")
    db = Database(url)
    step, stop = progress_bar(n, "applications")
    try:
        fill(db, n, seed=SEED, end=END, days=365, progress=step)
    finally:
        stop()
        db.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
