"""Attack 6: another local account reads the platform's files. With umask 022 `portal.db`
(applicants, and the key that signs staff sessions) and the material files were 0644, so
any local user could read applicants and forge a staff session. `portal serve` runs here as
its own process under a real umask 022."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx

from counter_app.ops.provision import enroll
from counter_app.terminal import Terminal
from portal import enrollment
from portal.db import Database
from tests.reliability.portal_process import ROOT
from tests.reliability.test_faults import free_port
from tests.security.conftest import HALL, Window, _terminal


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _portal(*args: str) -> list[str]:
    return [sys.executable, "-m", "portal.cli", *args]


def _umask_022() -> None:
    os.umask(0o022)


def _serve(root: Path, port: int) -> subprocess.Popen[bytes]:
    db, mats = f"sqlite:///{root / 'data' / 'portal.db'}", str(root / "data" / "materials")
    cmd = _portal("serve", "--port", str(port), "--db", db, "--materials", mats)
    with open(root / "serve.log", "ab") as log:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=log, preexec_fn=_umask_022)


def _wait(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(400):
        try:
            httpx.get(f"{url}/api/v1/health", timeout=0.5, trust_env=False)
            return
        except httpx.HTTPError:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.05)
    raise AssertionError(log.read_text())


def test_platform_files_made_under_umask_022_are_private(tmp_path: Path) -> None:
    port = free_port()
    server = _serve(tmp_path, port)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, server, tmp_path / "serve.log")
        db_url = f"sqlite:///{tmp_path / 'data' / 'portal.db'}"
        db = Database(db_url)
        code = enrollment.issue_code(db, HALL, 1, timedelta(hours=1))
        db.dispose()
        terminal: Terminal = _terminal(tmp_path / "terminal", "AAAA", HALL, "1")
        from tests.sync.conftest import plain_client

        enroll(terminal, url, code, plain_client)
        window = Window(terminal, None)  # type: ignore[arg-type]
        taken = window.take("umask")
        assert window.sync().pushed == [taken.receipt_no]
        terminal.close()
    finally:
        server.terminate()
        server.wait(10)
    data = tmp_path / "data"
    assert _mode(data) == 0o700 and _mode(data / "portal.db") == 0o600
    for path in data.glob("portal.db-*"):
        assert _mode(path) == 0o600, path
    stored = [p for p in (data / "materials").rglob("*")]
    assert any(p.is_file() for p in stored), "no material reached the platform"
    for path in [data / "materials", *stored]:
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), path
    doctor = subprocess.run(
        _portal("doctor", "--db", db_url, "--materials", str(data / "materials")),
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert doctor.returncode == 0 and doctor.stdout.strip() == "ok", doctor.stdout


def test_serve_refuses_and_doctor_names_files_other_accounts_can_read(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'data' / 'portal.db'}"
    mats = tmp_path / "data" / "materials"
    Database(db_url).dispose()
    (mats / "ab").mkdir(parents=True)
    (mats / "ab" / ("ab" * 32)).write_bytes(b"a citizen's document")
    os.chmod(tmp_path / "data" / "portal.db", 0o644)
    os.chmod(mats / "ab" / ("ab" * 32), 0o644)
    os.chmod(mats, 0o755)
    common = ["--db", db_url, "--materials", str(mats), "--lang", "en"]
    doctor = subprocess.run(_portal("doctor", *common), cwd=ROOT, capture_output=True, text=True)
    assert doctor.returncode == 1
    for name in ("portal.db", "materials is mode 755", "ab" * 32):
        assert name in doctor.stdout, doctor.stdout
    serve = subprocess.run(
        _portal("serve", "--port", str(free_port()), *common),
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert serve.returncode == 2
    assert "portal.db is mode 644" in serve.stderr and "Refusing to start" in serve.stderr
