"""The shell's timers: the hourly housekeeping (backup when due, then retention)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from counter_app.config import load_config
from tests.ui.conftest import close_shell, open_shell


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
