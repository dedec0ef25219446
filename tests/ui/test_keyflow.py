"""Fewer keys between fields, walked by keys: the form opens on its first empty field, and
an attached material moves the checklist to the next one still missing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from counter_app.ui.shell import Shell
from tests.ui.helpers import focused, press
from tests.ui.test_intake import (
    answer_form,
    fill_applicant,
    png_file,
    start_intake,
    type_in_file_dialog,
)


def test_form_opens_past_the_fields_carried_from_the_applicant(qtbot, shell: Shell) -> None:
    start_intake(qtbot, shell)
    fill_applicant(qtbot, shell)
    form = shell.workspace.intake.form
    assert form.rows["name"].value() == "张三丰"  # carried over, so not where the cursor goes
    assert focused(qtbot) is form.rows["reason"].editor
    press(qtbot, Qt.Key.Key_Down)
    assert form.rows["reason"].value() == "first"


def test_next_enter_attaches_the_next_missing_material(qtbot, shell: Shell, tmp_path: Path) -> None:
    start_intake(qtbot, shell)
    fill_applicant(qtbot, shell)
    answer_form(qtbot, shell)
    materials = shell.workspace.intake.materials
    assert [m.code for m in materials.missing()] == ["id_card", "photo"]
    assert materials.table.currentRow() == 0
    scan = png_file(tmp_path / "scan.png")
    press(qtbot, Qt.Key.Key_Return)
    type_in_file_dialog(qtbot, shell, scan)
    assert materials.table.currentRow() == 1  # the photo, without an arrow key
    press(qtbot, Qt.Key.Key_Return)
    type_in_file_dialog(qtbot, shell, scan)
    assert materials.missing() == []
    assert materials.table.currentRow() == 1  # nothing missing: the selection stays
