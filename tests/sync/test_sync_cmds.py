"""`counter-app enroll` and `counter-app sync` through `counter_app.cli.main`."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from counter_app.cli import main
from counter_app.store.submissions import load_submission
from counter_app.terminal import Terminal
from portal import services
from portal.server import BackgroundServer
from portal.settings import Settings
from tests.counter_app.counter_testing import run_in_process
from tests.sync.conftest import Take, issue_code, pdf


def run(capsys: pytest.CaptureFixture[str], terminal: Terminal, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(terminal.data_dir), "--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_enroll_then_sync_once(
    terminal: Terminal, portal: BackgroundServer, take: Take, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, terminal, "sync", "--once")
    assert code == 2 and "not enrolled" in err
    code, out, err = run(capsys, terminal, "enroll", "--portal", portal.url, "--code",
                         issue_code(portal))  # fmt: skip
    assert code == 0 and out.startswith("Enrolled: terminal 7QXM")
    assert terminal.token and terminal.token not in out + err
    r = take("cli")
    code, out, err = run(capsys, terminal, "sync")
    assert code == 0, err
    assert f"applications pushed: 1  {r.receipt_no}" in out
    assert "material files uploaded: 1" in out and "still to push: 0" in out


def test_unreachable_exits_3_and_keeps_everything(
    terminal: Terminal, take: Take, capsys: pytest.CaptureFixture[str]
) -> None:
    terminal.portal_url, terminal.token = "http://127.0.0.1:9", "secret-token"
    take("offline")
    code, out, err = run(capsys, terminal, "sync", "--once")
    assert code == 3 and "Cannot reach the platform" in err
    assert "still to push: 1" in out and "secret-token" not in out + err


def test_push_by_hand_after_a_refusal_was_fixed(
    enrolled: Terminal, portal: BackgroundServer, portal_settings: Settings, take: Take,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    big = take("big", scan=pdf("big", 300_000))
    code, out, _ = run(capsys, enrolled, "sync", "--once")
    assert code == 0 and f"set aside: {big.receipt_no}" in out
    code, out, _ = run(capsys, enrolled, "sync", "--status")
    assert f"set aside: {big.receipt_no}" in out and "too large" in out
    portal.stop()  # IT raises the platform's limit
    bigger = Settings(**{**portal_settings.__dict__, "max_material_bytes": 1_000_000})
    with BackgroundServer(bigger, port=portal.port):
        code, out, err = run(capsys, enrolled, "sync", "--push", big.display_no)
    assert code == 0, err
    assert f"applications pushed: 1  {big.receipt_no}" in out
    code, _, err = run(capsys, enrolled, "sync", "--push", "NO-SUCH")
    assert code == 2 and err.startswith("counter-app: ")


def test_revoked_terminal_exits_2_with_the_reason(
    enrolled: Terminal, portal: BackgroundServer, capsys: pytest.CaptureFixture[str]
) -> None:
    from portal import enrollment

    enrollment.revoke(portal.app.state.db, enrolled.terminal_id, "moved to another hall")
    code, _, err = run(capsys, enrolled, "sync", "--once")
    assert code == 2 and "moved to another hall" in err


#: What a sync pass never needs: the printer back-ends, PDF drawing, Qt, the QR image.
NOT_FOR_SYNC = ("reportlab", "escpos", "PySide6", "qrcode", "PIL", "printing.backends",
                "printing.render", "counter_app.ui", "counter_app.ops.doctor")  # fmt: skip


def _sync_in_a_fresh_process(terminal: Terminal) -> tuple[int, list[str]]:
    """`counter-app sync --once` in its own interpreter: (exit code, heavy modules loaded)."""
    code = (
        "import sys\n"
        "from counter_app.cli import main\n"
        f"rc = main(['--data-dir', {str(terminal.data_dir)!r}, '--lang', 'en', 'sync', '--once'])\n"
        f"print(rc, sorted(m for m in sys.modules if m.startswith({NOT_FOR_SYNC!r})))\n"
    )
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    rc, _, loaded = out.stdout.strip().splitlines()[-1].partition(" ")
    return int(rc), ast.literal_eval(loaded)


def test_the_sync_command_loads_no_printer_pdf_or_qt_module(
    enrolled: Terminal, portal: BackgroundServer, take: Take
) -> None:
    """Start-up (issue 17): a pass that pushes, uploads and pulls imports only what it uses."""
    first = take("pushed-by-a-fresh-process", scan=pdf("fresh", 4_000))
    assert _sync_in_a_fresh_process(enrolled) == (0, [])
    services.set_status(portal.app.state.db, first.receipt_no, "approved", "ok")
    take("second", scan=pdf("second", 5_000))
    assert _sync_in_a_fresh_process(enrolled) == (0, [])
    assert load_submission(enrolled.store, first.receipt_no).status == "approved"


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "pipe"])
def test_sync_shows_what_is_left_on_a_terminal_only(
    enrolled: Terminal, take: Take, tmp_path: Path, tty: bool
) -> None:
    """Progress (issue 17): on a terminal `counter-app sync` draws a bar with the
    applications, files and bytes left; into a pipe it writes only its result lines."""
    for i in range(3):
        take(f"progress-{i}", scan=pdf(f"progress-{i}", 30_000))
    argv = ("--data-dir", str(enrolled.data_dir), "sync", "--once")
    code, out, err = run_in_process(tmp_path, tty, *argv)
    assert code == 0, err
    assert "applications pushed: 3" in out and "still to push: 0" in out
    assert ("left: 3 applications" in err) is tty  # the line is cut to the terminal's width
    if not tty:
        assert err == ""
