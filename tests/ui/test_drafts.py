"""Work in progress survives a crash: a draft written as the clerk types is offered back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from counter_app.ui.drafts import Draft, DraftStore
from tests.ui.conftest import close_shell, open_shell
from tests.ui.helpers import login

ROOT = Path(__file__).resolve().parents[2]


def _kill_after_draft(data_dir: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.draft_child", str(data_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("SAVED"):
                break
        os.kill(child.pid, signal.SIGKILL)  # a power cut, as far as the program can tell
    finally:
        child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL


def test_draft_is_offered_back_after_the_process_is_killed(
    qtbot, qapp: QApplication, data_dir: Path
) -> None:
    _kill_after_draft(data_dir)
    saved = DraftStore(data_dir).load()
    assert saved is not None and saved.service_code == "RS-001" and saved.step == "form"
    shell = open_shell(qapp, data_dir)
    try:
        qtbot.waitUntil(lambda: bool(shell.identity), timeout=10_000)
        shell.window.activateWindow()
        qtbot.waitUntil(shell.window.isActiveWindow)
        login(qtbot, shell, "clerk", "demo-clerk-1")
        qtbot.waitUntil(
            lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=10_000
        )
        box = QApplication.activeModalWidget()
        qtbot.waitUntil(box.isActiveWindow, timeout=5_000)
        assert "RS-001" in box.text() and "张三丰" in box.text()
        qtbot.keyClick(box, Qt.Key.Key_Return)  # Yes is the default
        flow = shell.workspace.intake
        qtbot.waitUntil(lambda: flow.step == "form", timeout=10_000)
        assert flow.form.rows["reason"].value() == "replacement"
        assert flow.form.rows["bank"].value() == "boc"
        assert flow.applicant.values()["name"] == "张三丰"
        assert flow.draft.draft_id == saved.draft_id
    finally:
        close_shell(qapp, shell)


def test_declining_the_draft_discards_it(qtbot, qapp: QApplication, data_dir: Path) -> None:
    DraftStore(data_dir).save(Draft(service_code="RS-001", service_version=1, step="applicant"))
    shell = open_shell(qapp, data_dir)
    try:
        qtbot.waitUntil(lambda: bool(shell.identity), timeout=10_000)
        shell.window.activateWindow()
        qtbot.waitUntil(shell.window.isActiveWindow)
        login(qtbot, shell, "clerk", "demo-clerk-1")
        qtbot.waitUntil(
            lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=10_000
        )
        box = QApplication.activeModalWidget()
        qtbot.waitUntil(box.isActiveWindow, timeout=5_000)
        qtbot.keyClick(box, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: not DraftStore(data_dir).path.exists(), timeout=5_000)
    finally:
        close_shell(qapp, shell)


def test_a_draft_keeps_the_form_version_it_started_on(
    qtbot, qapp: QApplication, data_dir: Path
) -> None:
    """A newer catalog version arrives while a draft waits: the draft opens on its own."""
    from counter_app.store.catalog import get_item, import_catalog_item
    from counter_app.terminal import Terminal

    with Terminal.open(data_dir) as terminal:
        old = get_item(terminal.store, "RS-001")
        newer = old.to_dict()
        newer["version"] = old.version + 1
        newer["fields"] = [f for f in newer["fields"] if f["code"] != "bank"]
        import_catalog_item(terminal.store, newer)
    DraftStore(data_dir).save(
        Draft(
            service_code="RS-001",
            service_version=old.version,
            step="form",
            answers={"bank": "icbc"},
        )
    )
    shell = open_shell(qapp, data_dir)
    try:
        qtbot.waitUntil(lambda: bool(shell.identity), timeout=10_000)
        shell.window.activateWindow()
        qtbot.waitUntil(shell.window.isActiveWindow)
        login(qtbot, shell, "clerk", "demo-clerk-1")
        qtbot.waitUntil(
            lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=10_000
        )
        box = QApplication.activeModalWidget()
        qtbot.waitUntil(box.isActiveWindow, timeout=5_000)
        qtbot.keyClick(box, Qt.Key.Key_Return)
        flow = shell.workspace.intake
        qtbot.waitUntil(lambda: flow.step == "form", timeout=10_000)
        assert flow.item.version == old.version
        assert flow.form.rows["bank"].value() == "icbc"
    finally:
        close_shell(qapp, shell)


def test_a_damaged_draft_file_is_set_aside(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(b"{not json")
    assert store.load() is None
    assert store.path.with_suffix(".damaged").exists()
