"""`portal` commands through `portal.cli.main`, and `portal serve` as a real process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from portal.cli import main
from portal.db import Database
from sync.receipt_numbers import display_receipt_no
from tests.portal.test_services import app, rn
from tests.portal.test_services import push as push_apps

CATALOG = Path(__file__).resolve().parents[1] / "sync" / "data" / "SYNC-001.yaml"


@pytest.fixture
def args(tmp_path: Path) -> list[str]:
    return ["--db", f"sqlite:///{tmp_path / 'sub' / 'p.db'}", "--materials", str(tmp_path / "m")]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_enroll_code_terminals_revoke(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "enroll-code", *args, "--hall", "东湖", "--window", "2")
    assert code == 0 and len(out.strip()) == 14
    assert run(capsys, "terminals", *args)[1] == ""
    code, _, err = run(capsys, "revoke", *args, "ZZZZ", "--lang", "en")
    assert code == 2 and err.strip() == "portal: No terminal ZZZZ."
    code, _, err = run(capsys, "enroll-code", *args, "--hall", "H", "--window", "1",
                       "--ttl-hours", "0")  # fmt: skip
    assert code == 2 and err == "portal: 有效期必须大于 0。\n"


def test_set_status_publish_conflicts(
    args: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(capsys, "migrate", *args)[0] == 0
    db = Database(args[1])
    from portal.enrollment import TerminalInfo

    term = TerminalInfo("AAAA", "东湖大厅", 1)
    push_apps(db, term, app(1))
    push_apps(db, term, app(1, answers={"x": 1}))
    db.dispose()
    code, out, _ = run(capsys, "set-status", *args, display_receipt_no(rn(1)), "approved",
                       "--note", "ok")  # fmt: skip
    assert (code, out.strip()) == (0, f"{rn(1)} -> approved")
    code, _, err = run(capsys, "set-status", *args, rn(1), "flying")
    assert code == 2 and err.startswith("portal: 未知状态")
    code, _, err = run(capsys, "set-status", *args, rn(1), "done", "--lang", "en")
    assert code == 2 and err.startswith("portal: Unknown status: done. Valid: ")
    for valid in ("under_review (Under review)", "approved", "rejected", "delivered"):
        assert valid in err  # the error says what would have worked
    assert "voided" not in err and "notice_issued" not in err  # the counter's, not offered
    code, _, err = run(capsys, "set-status", *args, rn(1), "voided")
    assert code == 2 and "只能在窗口设置" in err and "approved（已批准）" in err
    assert run(capsys, "publish-catalog", *args, str(CATALOG))[1].strip() == "published 1 new of 1"
    conflicts = run(capsys, "conflicts", *args)[1].splitlines()
    assert [json.loads(c)["uuid"] for c in conflicts] == ["uuid-00000001"]
    conflict_id = str(json.loads(conflicts[0])["id"])
    assert (
        run(capsys, "resolve-conflict", *args, conflict_id)[1].strip() == f"resolved {conflict_id}"
    )
    assert run(capsys, "conflicts", *args)[1] == ""
    code, _, err = run(capsys, "resolve-conflict", *args, conflict_id, "--lang", "en")
    assert code == 2 and err.strip() == f"portal: No open conflict {conflict_id}."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_runs_uvicorn(args: list[str]) -> None:
    port = _free_port()
    cmd = [sys.executable, "-m", "portal.cli", "serve", *args, "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=os.environ | {"PYTHONWARNINGS": "ignore"})  # fmt: skip
    try:  # no wall-clock budget (a loaded machine starts slowly): pytest-timeout bounds it
        while True:
            try:
                resp = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", trust_env=False)
                break
            except httpx.TransportError:
                assert proc.poll() is None, "portal serve exited before answering"
                time.sleep(0.1)
        assert resp.json() == {"status": "ok"}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_several_workers_are_refused_on_sqlite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    code = main(["serve", "--db", db, "--materials", str(tmp_path / "m"), "--workers", "2",
                 "--lang", "en"])  # fmt: skip
    assert code == 2
    assert "SQLite has one writer" in capsys.readouterr().err
    assert not (tmp_path / "p.db").exists()  # refused before anything was made
    code = main(["serve", "--db", db, "--workers", "0"])
    assert code == 2 and "--workers 至少为 1" in capsys.readouterr().err


def test_a_command_leaves_no_database_connection_open(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A script (or a test) that calls `portal` commands in one process must not pile up
    pooled connections: each command's database is disposed when the command ends. On
    PostgreSQL the server's own view counts them; on SQLite the file's handles are closed."""
    watcher = Database(db_url)
    commands = (["stats-rebuild", "--db", db_url], ["terminals", "--db", db_url])
    for argv in commands:  # once first: what importing the commands opens for good
        assert main(argv) == 0
    before = _open_connections(watcher)
    for _ in range(3):
        for argv in commands:
            assert main(argv) == 0
    assert _open_connections(watcher) == before
    watcher.dispose()


def _open_connections(db: Database) -> int:
    if not db.is_postgres:
        return len(list(Path("/proc/self/fd").iterdir()))
    with db.begin() as conn:
        count: int = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).scalar_one()
    return count
