"""A wrong file is refused when it is attached, not at Accept: by the file dialog, by a drop
and after the service refused it, the message names the material and goes when fixed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QDropEvent

from counter_app.ui.shell import Shell
from tests.ui.helpers import press
from tests.ui.test_intake import (
    answer_form,
    fill_applicant,
    png_file,
    start_intake,
    type_in_file_dialog,
)

PHOTO = "Recent passport-style photo (digital)"


def to_materials(qtbot, shell: Shell) -> None:  # type: ignore[no-untyped-def]
    start_intake(qtbot, shell)
    fill_applicant(qtbot, shell)
    answer_form(qtbot, shell)


def attach_by_keys(qtbot, shell: Shell, row: int, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Arrow keys to the row, Enter opens the file dialog, the path is given there."""
    table = shell.workspace.intake.materials.table
    assert table.hasFocus()
    while table.currentRow() < row:
        press(qtbot, Qt.Key.Key_Down)
    while table.currentRow() > row:
        press(qtbot, Qt.Key.Key_Up)
    press(qtbot, Qt.Key.Key_Return)
    type_in_file_dialog(qtbot, shell, path)


def pdf_file(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return path


def test_a_pdf_for_a_photo_is_refused_at_once_by_name_and_the_error_goes_when_fixed(
    qtbot, shell: Shell, tmp_path: Path
) -> None:
    to_materials(qtbot, shell)
    materials = shell.workspace.intake.materials
    attach_by_keys(qtbot, shell, 1, pdf_file(tmp_path / "photo.pdf"))
    assert not materials.provided("photo")
    assert materials.problem.isVisibleTo(materials)
    text = materials.problem.text()
    assert PHOTO in text and "photo.pdf" in text and "jpg, png" in text
    assert "All required materials" not in materials.summary.text()
    attach_by_keys(qtbot, shell, 1, png_file(tmp_path / "photo.png"))
    assert materials.provided("photo")
    assert not materials.problem.isVisibleTo(materials)


def test_a_too_large_or_unreadable_file_is_refused_when_dropped(
    qtbot, shell: Shell, tmp_path: Path
) -> None:
    to_materials(qtbot, shell)
    materials = shell.workspace.intake.materials
    big = tmp_path / "big.png"
    big.write_bytes(png_file(tmp_path / "small.png").read_bytes() + b"\0" * 1_100_000)
    gone = tmp_path / "gone.png"
    gone.symlink_to(tmp_path / "nowhere.png")  # a scan that vanished from the share
    for path, words in ((big, "larger than 1.0 MB"), (gone, "cannot read")):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        table = materials.table
        drop = QDropEvent(
            table.visualRect(table.model().index(1, 0)).center().toPointF(),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        # Qt routes drops only during a real drag, which a test cannot start: the event
        # goes to the filter Qt would call on the table's viewport.
        assert materials.eventFilter(table.viewport(), drop) is True
        assert not materials.provided("photo")
        assert PHOTO in materials.problem.text() and words in materials.problem.text()
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Delete)  # the clerk clears the photo row: its error goes too
    assert not materials.problem.isVisibleTo(materials)
