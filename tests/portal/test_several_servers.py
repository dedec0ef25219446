"""Several app servers on one PostgreSQL and one materials folder: two separate `portal
serve` processes (one of them with `--workers 2`) behind a round-robin balancer. A terminal's
pushes and uploads alternate between them, the tracking page and the back office work from
either (a session made on one is good on the other; the lookup limit and the login back-off
count across both), and nothing is lost or doubled (rows counted)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text

from counter_app import clerks
from counter_app.ops.provision import enroll
from counter_app.store.sync_port import StorePort
from counter_app.terminal import Terminal
from forms.catalog import load_item
from portal import enrollment, services
from portal.db import Database
from portal.pages import staff
from sync.engine import SyncEngine, SyncReport
from tests.portal.balancer import RoundRobin
from tests.portal.pages.pages_support import (
    CLERK,
    HALL,
    PASSWORD,
    PERSON,
    STAFF,
    STAFF_PASSWORD,
    csrf_of,
    pdf,
    plain_client,
    tracking_path,
)

pytestmark = pytest.mark.postgres
ITEM_FILE = Path(__file__).parent / "pages" / "data" / "PAGE-001.yaml"
ROOT = Path(__file__).resolve().parents[2]
TRACK_LIMIT = 6  # lookups per address per window, counted across both servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh database on the session's PostgreSQL server, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield pg_server.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


Server = tuple[subprocess.Popen[bytes], str]


def serve(db_url: str, materials: Path, log: Path, workers: int) -> Server:
    """`portal serve` as its own process, answering on a free port."""
    port = _free_port()
    cmd = [sys.executable, "-m", "portal.cli", "serve", "--db", db_url, "--materials",
           str(materials), "--port", str(port), "--workers", str(workers)]  # fmt: skip
    env = os.environ | {
        "PORTAL_INSECURE_COOKIES": "1",  # plain HTTP on loopback
        "PORTAL_TRACK_LIMIT": f"{TRACK_LIMIT}/600",
        "PYTHONWARNINGS": "ignore",
    }
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=out, env=env)
    url = f"http://127.0.0.1:{port}"
    while True:  # no wall-clock budget here: pytest-timeout bounds a server that never starts
        try:
            if httpx.get(f"{url}/api/v1/health", trust_env=False).status_code == 200:
                return proc, url
        except httpx.TransportError:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.1)


@pytest.fixture
def servers(pg_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two app servers (the second with two workers) on one database and one folder."""
    db = Database(pg_url)
    services.publish_catalog(db, [load_item(ITEM_FILE).to_dict()])
    staff.add_staff(db, STAFF, "审查员", STAFF_PASSWORD)
    db.dispose()
    materials, procs = tmp_path / "materials", []
    try:
        for i, workers in enumerate((1, 2)):
            procs.append(serve(pg_url, materials, tmp_path / f"server{i}.log", workers))
        yield [url for _, url in procs]
    finally:
        for proc, _ in procs:
            proc.terminate()
            proc.wait(timeout=20)


@pytest.fixture
def terminal(tmp_path: Path, pg_url: str) -> Iterator[Terminal]:
    t = Terminal.init(tmp_path / "terminal", "7QXM", HALL, "12")
    t.import_catalog(ITEM_FILE)
    clerks.add_clerk(t.store, "A001", "张管理", PASSWORD, "admin")
    admin = clerks.authenticate(t.store, "A001", PASSWORD)
    clerks.add_clerk(t.store, CLERK, "王窗口", PASSWORD, "clerk", actor=admin)
    yield t
    t.close()


def _take(terminal: Terminal, n: int) -> str:
    shop = f"面馆{n}"
    files = {"idcard": [pdf(shop)]}
    return terminal.intake.accept("PAGE-001", PERSON, {"shop": shop}, files, clerk_id=CLERK).receipt_no  # noqa: E501  # fmt: skip


def _sync(terminal: Terminal) -> SyncReport:
    report = SyncEngine(StorePort(terminal), plain_client).run_once()
    assert report.ok, [e.message("en") for e in report.errors]
    return report


def _counts(db_url: str) -> dict[str, int]:
    db = Database(db_url)
    with db.begin() as conn:
        found = {
            name: int(conn.execute(select(func.count()).select_from(db.t(name))).scalar_one())
            for name in ("applications", "application_materials", "materials", "status_events")
        }
        apps = db.t("applications")
        distinct = select(func.count(func.distinct(apps.c.receipt_no)))
        found["receipt numbers"] = int(conn.execute(distinct).scalar_one())
    db.dispose()
    return found


def test_two_app_servers_share_everything(
    servers: list[str], terminal: Terminal, pg_url: str, tmp_path: Path
) -> None:
    with RoundRobin(servers) as balancer:
        db = Database(pg_url)
        enroll(terminal, balancer.url, enrollment.issue_code(db, HALL, 12, timedelta(hours=1)),
               plain_client)  # fmt: skip
        db.dispose()
        receipts: list[str] = []
        for n in range(6):  # six passes of two applications each, through the balancer
            receipts += [_take(terminal, 2 * n), _take(terminal, 2 * n + 1)]
            if len(balancer.served.calls) % 2 != n % 2:  # start each pass on the other server,
                httpx.get(balancer.url + "/api/v1/health", trust_env=False)  # as others' calls do
            _sync(terminal)
        served = balancer.served
        for backend in (0, 1):  # both servers took pushes and uploads of this one terminal
            assert served.by(backend, "/api/v1/push") > 0
            assert any(b == backend and m == "PUT" for b, m, _ in served.calls)
        assert _sync(terminal).pushed == []  # nothing left to send
        _from_either_server(servers, terminal, pg_url, tmp_path, receipts)


def _from_either_server(
    servers: list[str], terminal: Terminal, pg_url: str, tmp_path: Path, receipts: list[str]
) -> None:
    expected = {"applications": 12, "application_materials": 12, "materials": 12}
    assert _counts(pg_url) == expected | {"status_events": 12, "receipt numbers": 12}
    stored = [p for p in (tmp_path / "materials").rglob("*") if p.is_file()]
    assert len([p for p in stored if "partial" not in p.parts]) == 12  # each file once

    # The tracking page from either server; the lookup limit counts across both.
    first = receipts[0]
    for url in servers:
        page = httpx.get(url + tracking_path(terminal, first), trust_env=False)
        assert page.status_code == 200 and "已受理" in page.text
    answers = [
        httpx.get(f"{servers[i % 2]}/t/{first}?c={'a' * 26}", trust_env=False).status_code
        for i in range(TRACK_LIMIT - 2 + 2)
    ]
    assert answers == [404] * (TRACK_LIMIT - 2) + [429, 429]  # 2 good + 4 wrong, then refused

    # The back office: log in on one server, work on the other.
    with plain_client() as office:
        form = office.get(servers[0] + "/office/login")
        data = {"username": STAFF, "password": STAFF_PASSWORD, "csrf": csrf_of(form.text)}
        assert office.post(servers[0] + "/office/login", data=data).status_code == 303
        detail = office.get(f"{servers[1]}/office/a/{receipts[1]}")
        assert detail.status_code == 200 and "面馆1" in detail.text
        move = {"status": "approved", "note": "", "csrf": csrf_of(detail.text)}
        moved = office.post(f"{servers[1]}/office/a/{receipts[1]}/status", data=move)
        assert moved.status_code == 303
    assert (receipts[1], "approved") in _sync(terminal).statuses_pulled  # via the balancer


def test_login_back_off_counts_across_servers(servers: list[str]) -> None:
    """Wrong passwords spread over both servers lock the account on both."""
    for attempt in range(5):
        with plain_client() as browser:
            url = servers[attempt % 2]
            form = browser.get(url + "/office/login")
            data = {"username": STAFF, "password": "wrong-guess-00", "csrf": csrf_of(form.text)}
            assert "用户名或密码错误" in browser.post(url + "/office/login", data=data).text
    for url in servers:
        with plain_client() as browser:
            form = browser.get(url + "/office/login")
            data = {"username": STAFF, "password": STAFF_PASSWORD, "csrf": csrf_of(form.text)}
            reply = browser.post(url + "/office/login", data=data)
            assert reply.status_code == 200 and "已暂时锁定" in reply.text
