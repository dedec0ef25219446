"""Tables fitted to their content: the home page's receipt numbers are never cut off, and
the materials checklist keeps its columns still when a file is attached."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from counter_app.ui.shell import Shell
from tests.ui.helpers import login, press
from tests.ui.test_attach_checks import attach_by_keys, to_materials
from tests.ui.test_fresh_pages import _earlier_application
from tests.ui.test_intake import png_file


def test_the_receipt_number_column_shows_whole_numbers(
    qtbot, shell: Shell, data_dir: Path, tmp_path: Path
) -> None:
    _earlier_application(data_dir, tmp_path)
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, "clerk", "demo-clerk-1")
    home = shell.workspace.home
    qtbot.waitUntil(lambda: home.model.rowCount() == 1, timeout=10_000)
    number = home.model.rows[0].receipt_no
    shown = home.table.visualRect(home.model.index(0, 0)).width()
    assert shown >= home.table.sizeHintForColumn(0)  # all the delegate needs
    assert shown >= home.table.fontMetrics().horizontalAdvance(number) + 12
    assert home.table.horizontalScrollBar().maximum() == 0  # nothing runs off the right
    press(qtbot, Qt.Key.Key_F3)  # away and back: the columns are fitted again, the same
    press(qtbot, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: home.model.rowCount() == 1, timeout=10_000)
    assert home.table.visualRect(home.model.index(0, 0)).width() == shown


def test_attaching_a_file_moves_no_column(qtbot, shell: Shell, tmp_path: Path) -> None:
    to_materials(qtbot, shell)
    table = shell.workspace.intake.materials.table
    qtbot.wait(50)
    before = [table.columnWidth(c) for c in range(table.columnCount())]
    attach_by_keys(qtbot, shell, 1, png_file(tmp_path / "a-rather-long-scanner-file-name.png"))
    qtbot.wait(50)
    after = [table.columnWidth(c) for c in range(table.columnCount())]
    assert after == before
    assert table.horizontalScrollBar().maximum() == 0
    assert table.item(1, 2).text() == "a-rather-long-scanner-file-name.png"
