"""The shell's timers: the hourly housekeeping (backup when due, then retention)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.config import load_config
from tests.ui.conftest import close_shell, open_shell
from tests.ui.helpers import login, press


def test_housekeeping_writes_the_due_backup(
    qtbot, qapp: QApplication, data_dir: Path, tmp_path: Path
) -> None:
    config = load_config(
        {"data_dir": str(data_dir), "backup_dir": str(tmp_path / "backups")},
        env={},
        file=tmp_path / "none.toml",
    )
    shell = open_shell(qapp, data_dir)
    shell.config = config
    try:
        qtbot.waitUntil(lambda: bool(shell.identity), timeout=10_000)
        shell.run_housekeeping()
        bar = shell.window.statusBar()
        qtbot.waitUntil(lambda: "Backup written" in bar.currentMessage(), timeout=20_000)
        assert list((tmp_path / "backups").iterdir())
    finally:
        close_shell(qapp, shell)


def test_housekeeping_failure_is_shown_not_raised(
    qtbot, qapp: QApplication, data_dir: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    config = load_config(
        {"data_dir": str(data_dir), "backup_dir": str(blocker / "backups")},
        env={},
        file=tmp_path / "none.toml",
    )
    shell = open_shell(qapp, data_dir)
    shell.config = config
    try:
        qtbot.waitUntil(lambda: bool(shell.identity), timeout=10_000)
        shell.run_housekeeping()
        bar = shell.window.statusBar()
        qtbot.waitUntil(lambda: bool(bar.currentMessage()), timeout=20_000)
        assert "Backup written" not in bar.currentMessage()
    finally:
        close_shell(qapp, shell)


def test_typing_keeps_the_session_and_idle_logout_follows_the_last_key(
    qtbot, qapp: QApplication, data_dir: Path
) -> None:
    """The activity watch is on only while a clerk is logged in (it used to slow the login
    window's start): typing must still postpone the idle logout, and a logout ends it."""
    shell = open_shell(qapp, data_dir)
    try:
        qtbot.waitUntil(lambda: bool(shell.identity), timeout=10_000)
        shell.prefs.idle_minutes = 0.05  # 3 s, the shortest the shell allows
        with qtbot.waitSignal(shell.logged_in, timeout=10_000):
            login(qtbot, shell, "clerk", "demo-clerk-1")
        for _ in range(16):  # 4 s of typing, a key every 0.25 s: longer than the idle time
            press(qtbot, Qt.Key.Key_Shift)
            qtbot.wait(250)
            assert shell.session is not None
        with qtbot.waitSignal(shell.logged_out, timeout=8_000) as signal:
            pass
        assert signal.args == ["idle"]
        press(qtbot, Qt.Key.Key_Shift)  # at the login window keys restart nothing
        assert not shell.idle.isActive()
    finally:
        close_shell(qapp, shell)
