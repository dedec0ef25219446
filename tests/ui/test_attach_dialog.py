"""The attach dialog as a Chinese-speaking clerk meets it: all in Chinese (Qt's own
translations), opened in the scanner's folder (`scan_dir`), listing only the types the
material accepts, with no "All files"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLabel,
    QListView,
)

from counter_app.config import load_config
from counter_app.ui.app import Language, make_app
from counter_app.ui.keys import strip_mnemonic
from counter_app.ui.prefs import Prefs
from counter_app.ui.shell import Shell
from tests.ui.conftest import close_shell
from tests.ui.helpers import press
from tests.ui.test_intake import answer_form, fill_applicant, png_file, start_intake


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    folder = tmp_path / "scanner"
    folder.mkdir()
    png_file(folder / "scan.png")
    png_file(folder / "SCAN0002.JPG")
    (folder / "contract.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    return folder


@pytest.fixture
def zh_shell(qtbot, qapp: QApplication, data_dir: Path, scans: Path) -> Iterator[Shell]:  # type: ignore[no-untyped-def]
    make_app()
    language = Language(qapp)
    language.set("zh_CN")
    config = load_config(
        {"data_dir": str(data_dir), "scan_dir": str(scans)}, env={}, file=data_dir / "none.toml"
    )
    shell = Shell(qapp, data_dir, language, Prefs.load(data_dir), config=config)
    shell.start()
    qtbot.waitUntil(lambda: bool(shell.identity), timeout=10_000)
    qtbot.waitUntil(shell.window.isActiveWindow)
    yield shell
    close_shell(qapp, shell)


def test_the_attach_dialog_is_chinese_starts_in_the_scanner_folder_and_filters_types(
    qtbot, zh_shell: Shell, scans: Path
) -> None:
    start_intake(qtbot, zh_shell)
    fill_applicant(qtbot, zh_shell)
    answer_form(qtbot, zh_shell)
    press(qtbot, Qt.Key.Key_Down)  # the photo row: jpg and png only
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QFileDialog))
    dialog = QApplication.activeModalWidget()
    assert Path(dialog.directory().absolutePath()) == scans
    assert dialog.nameFilters() == [
        "近期免冠证件照（电子） (*.jpg *.JPG *.jpeg *.JPEG *.png *.PNG)"
    ]
    words = [w.text() for w in dialog.findChildren(QLabel) if w.isVisible() and w.text()]
    words += [b.text() for b in dialog.findChildren(QAbstractButton) if b.isVisible() and b.text()]
    assert "查找范围：" in words
    latin = [w for w in words if any(c.isascii() and c.isalpha() for c in strip_mnemonic(w))]
    assert latin == []
    listing = dialog.findChild(QListView, "listView")
    qtbot.waitUntil(lambda: listing.model().rowCount(listing.rootIndex()) == 2, timeout=5_000)
    shown = {
        listing.model().index(r, 0, listing.rootIndex()).data()
        for r in range(listing.model().rowCount(listing.rootIndex()))
    }
    assert shown == {"scan.png", "SCAN0002.JPG"}  # no PDF for a photo, and no "All files"
    qtbot.waitUntil(dialog.isActiveWindow)
    press(qtbot, Qt.Key.Key_Escape)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
