"""Fixtures for the platform's tests: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL comes from $PORTAL_TEST_PG_URL when set; otherwise a throwaway server is started
for the session with initdb + pg_ctl in a temporary folder on a free port (as the
`postgres` user when running as root, which PostgreSQL refuses to run as). When neither is
possible the PostgreSQL cases are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from portal.db import Database
from portal.settings import Settings

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    if shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL")
    return ["runuser", "-u", "postgres", "--", *cmd]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A PostgreSQL server URL (admin database `postgres`)."""
    if url := os.environ.get("PORTAL_TEST_PG_URL"):
        yield url
        return
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"no PostgreSQL binaries in {PG_BIN} and PORTAL_TEST_PG_URL unset")
    root = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    os.chmod(root, 0o777)
    data, port = root / "data", _free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    run = lambda cmd: subprocess.run(_as_postgres(cmd), check=True, capture_output=True)  # noqa: E731
    run([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"])
    opts = f"-p {port} -k {root} -h 127.0.0.1 -c fsync=off -c full_page_writes=off"
    run(
        [
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-w",
            "-l",
            str(root / "log"),
            "start",
        ]
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(root, ignore_errors=True)


def _admin(server_url: str, sql: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(sql))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each engine (on PostgreSQL dropped afterwards, so a
    shared $PORTAL_TEST_PG_URL server does not fill up)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'portal.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    _admin(server, f'CREATE DATABASE "{name}"')
    yield server.rsplit("/", 1)[0] + f"/{name}"
    _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        db_url=f"sqlite:///{tmp_path / 'portal.db'}",
        materials_dir=tmp_path / "materials",
        max_material_bytes=100_000,
        max_chunk_bytes=16_384,
    )


@pytest.fixture
def blob_settings(settings: Settings, db_url: str, blob_spec: str) -> Settings:
    """`settings` on each engine and each blob back-end (a folder; an S3 bucket)."""
    return replace(settings, db_url=db_url, blobs=blob_spec)
