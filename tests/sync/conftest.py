"""Fixtures for the sync tests: a real portal (uvicorn on loopback, SQLite in tmp), a real
terminal data folder, and helpers to take applications at the counter."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from counter_app import clerks
from counter_app.intake.service import IntakeResult
from counter_app.ops.provision import enroll
from counter_app.terminal import Terminal
from portal import enrollment
from portal.server import BackgroundServer
from portal.settings import Settings
from sync.client import default_client

DATA = Path(__file__).parent / "data"
HALL = "南昌市民中心"
CLERK, PASSWORD = "C001", "counter-pass-1"
PERSON = {"kind": "person", "id_no": "11010519491231002X", "name": "王小明", "phone": "13800138000"}


def pdf(tag: str, size: int = 3000) -> bytes:
    """A distinct small PDF-looking file (the store sniffs the %PDF- magic)."""
    body = hashlib.sha256(tag.encode()).hexdigest().encode() * (size // 64 + 1)
    return b"%PDF-1.4\n" + body[:size]


def plain_client() -> httpx.Client:
    """The engine's own client, but without proxies from the environment (loopback)."""
    return default_client(trust_env=False)


@pytest.fixture
def portal_settings(tmp_path: Path) -> Settings:
    return Settings(
        db_url=f"sqlite:///{tmp_path / 'portal.db'}",
        materials_dir=tmp_path / "portal-materials",
        max_material_bytes=200_000,
        max_chunk_bytes=64 * 1024,
    )


@pytest.fixture
def portal(portal_settings: Settings) -> Iterator[BackgroundServer]:
    with BackgroundServer(portal_settings) as server:
        yield server


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    t = Terminal.init(tmp_path / "terminal", "7QXM", HALL, "12")
    t.import_catalog(DATA / "SYNC-001.yaml")
    clerks.add_clerk(t.store, "A001", "张管理", PASSWORD, "admin")
    admin = clerks.authenticate(t.store, "A001", PASSWORD)
    clerks.add_clerk(t.store, CLERK, "王窗口", PASSWORD, "clerk", actor=admin)
    clerks.add_clerk(t.store, "S001", "李主管", PASSWORD, "supervisor", actor=admin)
    yield t
    t.close()


def issue_code(server: BackgroundServer, hall: str = HALL, window: int = 12) -> str:
    return enrollment.issue_code(server.app.state.db, hall, window, timedelta(hours=1))


@pytest.fixture
def enrolled(terminal: Terminal, portal: BackgroundServer) -> Terminal:
    enroll(terminal, portal.url, issue_code(portal), plain_client)
    return terminal


Take = Callable[..., IntakeResult]


@pytest.fixture
def take(terminal: Terminal) -> Take:
    """Accept one application at the counter with the given files."""

    def _take(tag: str, scan: bytes | None = None, extra: bytes | None = None) -> IntakeResult:
        files = {"scan": [scan if scan is not None else pdf(tag)]}
        if extra is not None:
            files["extra"] = [extra]
        return terminal.intake.accept("SYNC-001", PERSON, {"note": tag}, files, clerk_id=CLERK)

    return _take


def server_count(server: BackgroundServer, table: str, **where: str) -> int:
    db = server.app.state.db
    t = db.t(table)
    query = select(func.count()).select_from(t)
    for column, value in where.items():
        query = query.where(t.c[column] == value)
    with db.begin() as conn:
        return int(conn.execute(query).scalar_one())
