"""Every application starts on clean pages: reuse is offered only for reusable materials,
no row or applicant state is carried over, the same applicant twice in a row is found."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from counter_app.ui.shell import Shell
from tests.ui.helpers import focused, press, type_text
from tests.ui.test_intake import (
    APPLICANT,
    CTRL,
    next_step,
    png_file,
    start_intake,
)


def _earlier_application(data_dir: Path, tmp_path: Path) -> None:
    """The same person applied before and gave the ID card (reusable) and a photo (not)."""
    from counter_app import clerks
    from counter_app.terminal import Terminal

    scan = png_file(tmp_path / "scan.png")
    applicant = dict(zip(("id_no", "name", "phone"), APPLICANT, strict=True))
    answers = {**applicant, "reason": "first", "is_minor": "no", "bank": "icbc"}
    answers["collect_at"] = "branch"
    with Terminal.open(data_dir) as terminal:
        clerks.authenticate(terminal.store, "clerk", "demo-clerk-1")
        terminal.intake.accept(
            "RS-001",
            {"kind": "person", **applicant},
            answers,
            attachments={"id_card": [scan], "photo": [scan]},
            clerk_id="clerk",
        )


def test_reuse_is_offered_only_for_reusable_materials_on_a_fresh_page(
    qtbot, shell: Shell, data_dir: Path, tmp_path: Path
) -> None:
    _earlier_application(data_dir, tmp_path)
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    type_text(qtbot, focused(qtbot), APPLICANT[0])
    qtbot.waitUntil(lambda: flow.applicant.edits["name"].text() == APPLICANT[1], timeout=10_000)
    next_step(qtbot, flow, "form")
    next_step(qtbot, flow, "materials")
    materials = flow.materials
    assert materials.table.item(0, 2).text() == "copy on file (Ctrl+R to reuse)"
    assert materials.table.item(1, 2).text() == "-"  # a photo is given anew every time
    press(qtbot, Qt.Key.Key_Down)  # the photo row
    assert not materials.reuse_button.isEnabled()
    press(qtbot, Qt.Key.Key_R, CTRL)
    qtbot.wait(300)  # a shortcut clicks after a short animation; nothing may happen
    assert not materials.provided("photo")
    # The clerk abandons this application on the photo row and starts the next one.
    press(qtbot, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: flow.step == "item")
    qtbot.waitUntil(lambda: flow.picker.list.count() > 5, timeout=10_000)
    type_text(qtbot, focused(qtbot), "shbzk")
    press(qtbot, Qt.Key.Key_Return)
    type_text(qtbot, focused(qtbot), APPLICANT[0])
    qtbot.waitUntil(lambda: flow.applicant.edits["name"].text() == APPLICANT[1], timeout=10_000)
    next_step(qtbot, flow, "form")
    next_step(qtbot, flow, "materials")
    assert materials.table.currentRow() == 0  # not the photo row of the last application
    press(qtbot, Qt.Key.Key_R, CTRL)
    qtbot.waitUntil(lambda: materials.provided("id_card"), timeout=5_000)
    assert [m.code for m in materials.missing()] == ["photo"]


def test_the_same_applicant_twice_in_a_row_is_found_and_not_told_off(
    qtbot, shell: Shell, data_dir: Path, tmp_path: Path
) -> None:
    _earlier_application(data_dir, tmp_path)
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    type_text(qtbot, focused(qtbot), APPLICANT[0])
    qtbot.waitUntil(lambda: flow.applicant.edits["name"].text() == APPLICANT[1], timeout=10_000)
    next_step(qtbot, flow, "form")
    press(qtbot, Qt.Key.Key_F3)  # abandoned on the form: the next citizen is the same
    qtbot.waitUntil(lambda: flow.picker.list.count() > 5, timeout=10_000)
    applicant = flow.applicant
    assert applicant.known.text() == ""
    type_text(qtbot, focused(qtbot), "shbzk")
    press(qtbot, Qt.Key.Key_Return)
    assert flow.step == "applicant"
    assert not any(e.isVisibleTo(applicant) for e in applicant.errors.values())
    type_text(qtbot, focused(qtbot), APPLICANT[0])
    qtbot.waitUntil(lambda: applicant.edits["name"].text() == APPLICANT[1], timeout=10_000)
    assert "Known applicant" in applicant.known.text()
    assert not any(e.isVisibleTo(applicant) for e in applicant.errors.values())
