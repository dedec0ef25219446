"""The new-application flow walked with the keyboard only, from login to a saved PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from counter_app.terminal import Terminal
from counter_app.ui.shell import Shell
from tests.ui.helpers import focused, login, press, type_into, type_text

CTRL = Qt.KeyboardModifier.ControlModifier
APPLICANT = ("11010519491231002X", "张三丰", "13800138000")


def start_intake(qtbot, shell: Shell, code_query: str = "shbzk") -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, "clerk", "demo-clerk-1")
    flow = shell.workspace.intake
    qtbot.waitUntil(lambda: shell.ops.pending == 0, timeout=10_000)
    press(qtbot, Qt.Key.Key_F3)  # a button's shortcut clicks after a short animation
    qtbot.waitUntil(lambda: flow.picker.list.count() > 5, timeout=10_000)
    assert flow.picker.filter.hasFocus()
    type_text(qtbot, focused(qtbot), code_query)
    press(qtbot, Qt.Key.Key_Return)
    assert flow.step == "applicant"


def fill_applicant(qtbot, shell: Shell) -> None:  # type: ignore[no-untyped-def]
    flow = shell.workspace.intake
    assert flow.applicant.edits["id_no"].hasFocus()
    for text in APPLICANT:
        type_text(qtbot, focused(qtbot), text)
        press(qtbot, Qt.Key.Key_Tab)
    next_step(qtbot, flow, "form")


def next_step(qtbot, flow, expected: str) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Enter, then wait for the button's click (shortcuts animate the click)."""
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: flow.step == expected, timeout=5_000)


def choose(qtbot, shell: Shell, code: str, downs: int) -> None:  # type: ignore[no-untyped-def]
    editor = shell.workspace.intake.form.rows[code].editor
    editor.setFocus()
    for _ in range(downs):
        qtbot.keyClick(editor, Qt.Key.Key_Down)


def answer_form(qtbot, shell: Shell) -> None:  # type: ignore[no-untyped-def]
    choose(qtbot, shell, "reason", 1)  # first card
    choose(qtbot, shell, "is_minor", 1)  # no
    choose(qtbot, shell, "bank", 2)  # CCB
    choose(qtbot, shell, "collect_at", 1)  # branch
    next_step(qtbot, shell.workspace.intake, "materials")


def type_in_file_dialog(qtbot, shell: Shell, path: Path) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeModalWidget(), QFileDialog), timeout=5_000
    )
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)
    name_box = dialog.findChild(QLineEdit, "fileNameEdit")
    name_box.setFocus()
    # The path is pasted, not typed: typing opens Qt's own path completer popup, which the
    # offscreen test platform cannot give the keyboard to. The Enter is a real key press.
    name_box.setText(str(path))
    with qtbot.waitSignal(dialog.finished, timeout=5_000):
        qtbot.keyClick(name_box, Qt.Key.Key_Return)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    # No window manager here: the window takes the focus back itself when a dialog closes.
    qtbot.waitUntil(shell.window.isActiveWindow)


def png_file(path: Path) -> Path:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    assert image.save(str(path), "PNG")
    return path


def test_keyboard_only_intake_from_login_to_saved_pdf(qtbot, shell: Shell, tmp_path: Path) -> None:
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    assert flow.item.code == "RS-001"
    fill_applicant(qtbot, shell)
    assert flow.form.rows["name"].value() == "张三丰"  # carried over from the applicant step
    assert flow.form.rows["guardian_name"].isHidden()
    answer_form(qtbot, shell)
    assert flow.step == "materials"
    table = flow.materials.table
    assert table.hasFocus()
    photo = png_file(tmp_path / "photo.png")
    for row in (0, 1):  # the resident ID card, then the photo
        table.selectRow(row)
        press(qtbot, Qt.Key.Key_Return)
        type_in_file_dialog(qtbot, shell, photo)
    assert flow.materials.missing() == []
    next_step(qtbot, flow, "signature")
    next_step(qtbot, flow, "review")
    assert "张三丰" in flow.review.browser.toPlainText()
    with qtbot.waitSignal(flow.accepted, timeout=15_000) as accepted:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    assert accepted.args[0].kind == "acceptance"
    qtbot.waitUntil(lambda: flow.result.save_button.isEnabled(), timeout=15_000)
    target = tmp_path / "receipt.pdf"
    with qtbot.waitSignal(flow.result.saved, timeout=10_000):
        press(qtbot, Qt.Key.Key_S, CTRL)
        type_in_file_dialog(qtbot, shell, target)
    assert target.read_bytes().startswith(b"%PDF")
    assert not shell.drafts.path.exists()  # accepted: the draft is gone


def test_every_form_error_is_shown_at_its_field_at_once(qtbot, shell: Shell) -> None:
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    fill_applicant(qtbot, shell)
    flow.form.rows["phone"].editor.clear()
    qtbot.keyClicks(flow.form.rows["phone"].editor, "12345")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(flow.problem.isVisible)
    assert flow.step == "form"
    shown = {code for code, row in flow.form.rows.items() if row.error.isVisibleTo(flow.form)}
    assert shown == {"phone", "reason", "is_minor", "bank", "collect_at"}
    assert "required" in flow.form.rows["bank"].error.text().lower()
    assert flow.problem.text() == "5 problem(s) in the form: each is shown at its field."
    assert flow.form.rows["phone"].editor.hasFocus()  # the first problem gets the cursor


def test_conditions_show_fields_live_and_require_them(qtbot, shell: Shell) -> None:
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    fill_applicant(qtbot, shell)
    choose(qtbot, shell, "is_minor", 2)  # yes
    qtbot.waitUntil(lambda: not flow.form.rows["guardian_name"].isHidden())
    assert flow.form.rows["guardian_name"].label.text().endswith("*")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: flow.form.rows["guardian_id_no"].error.isVisibleTo(flow.form))
    assert flow.step == "form"


def test_identifier_is_checked_as_typed(qtbot, shell: Shell) -> None:
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    qtbot.keyClicks(focused(qtbot), "110105194912310021")  # wrong check character
    error = flow.applicant.errors["id_no"]
    assert error.isVisibleTo(flow.applicant) and "check" in error.text().lower()
    press(qtbot, Qt.Key.Key_Backspace)
    qtbot.keyClicks(focused(qtbot), "x")
    assert not error.isVisibleTo(flow.applicant)


def test_missing_materials_issue_a_notice(qtbot, shell: Shell) -> None:
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    fill_applicant(qtbot, shell)
    answer_form(qtbot, shell)
    assert len(flow.materials.missing()) == 2
    next_step(qtbot, flow, "signature")
    next_step(qtbot, flow, "review")
    assert flow.next_button.text() == "Issue notice  Ctrl+Return"
    with qtbot.waitSignal(flow.accepted, timeout=15_000) as accepted:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    assert accepted.args[0].kind == "notice"
    assert "One-time notice" in flow.result.headline.text()


@pytest.mark.parametrize("query", ["RS-001", "社会保障", "social security"])
def test_picker_filters_by_code_name_and_english(qtbot, shell: Shell, query: str) -> None:
    start_intake(qtbot, shell, query)
    assert shell.workspace.intake.item.code == "RS-001"


def _accept_with_id_card(data_dir: Path, tmp_path: Path) -> None:
    """An earlier application by the same person, with the ID card scanned."""
    from counter_app import clerks
    from counter_app.terminal import Terminal

    card = png_file(tmp_path / "card.png")
    answers = {
        "name": APPLICANT[1],
        "id_no": APPLICANT[0],
        "phone": APPLICANT[2],
        "reason": "first",
        "is_minor": "no",
        "bank": "icbc",
        "collect_at": "branch",
    }
    applicant = {
        "kind": "person",
        "id_no": APPLICANT[0],
        "name": APPLICANT[1],
        "phone": APPLICANT[2],
    }
    with Terminal.open(data_dir) as terminal:
        clerks.authenticate(terminal.store, "clerk", "demo-clerk-1")
        terminal.intake.accept(
            "RS-001", applicant, answers, attachments={"id_card": [card]}, clerk_id="clerk"
        )


def test_known_applicant_is_prefilled_and_a_material_reused_with_one_key(
    qtbot, shell: Shell, data_dir: Path, tmp_path: Path
) -> None:
    _accept_with_id_card(data_dir, tmp_path)
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    type_text(qtbot, focused(qtbot), APPLICANT[0])
    qtbot.waitUntil(lambda: flow.applicant.edits["name"].text() == APPLICANT[1], timeout=10_000)
    assert flow.applicant.edits["phone"].text() == APPLICANT[2]
    assert "1 material(s) on file" in flow.applicant.known.text()
    next_step(qtbot, flow, "form")
    assert flow.form.rows["bank"].value() == "icbc"  # last time's answers, offered again
    next_step(qtbot, flow, "materials")
    assert flow.materials.table.currentRow() == 0  # the ID card row
    press(qtbot, Qt.Key.Key_R, CTRL)
    qtbot.waitUntil(lambda: flow.materials.provided("id_card"), timeout=5_000)
    assert [m.code for m in flow.materials.missing()] == ["photo"]


def test_files_dropped_on_a_row_attach_to_that_material(
    qtbot, shell: Shell, tmp_path: Path
) -> None:
    from PySide6.QtCore import QMimeData, QUrl
    from PySide6.QtGui import QDropEvent

    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    fill_applicant(qtbot, shell)
    answer_form(qtbot, shell)
    table = flow.materials.table
    photo = png_file(tmp_path / "dropped.png")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    row_rect = table.visualRect(table.model().index(1, 0))  # the photo row
    drop = QDropEvent(
        row_rect.center().toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # Qt routes drop events only during a real drag from its drag manager, which a test
    # cannot start; so the event goes to the filter Qt would call on the table's viewport.
    assert flow.materials.eventFilter(table.viewport(), drop) is True
    assert flow.materials.attachments == {"photo": [str(photo)]}
    assert table.item(1, 2).text() == "dropped.png"


def test_saving_the_receipt_where_it_cannot_be_written_says_so(
    qtbot, shell: Shell, tmp_path: Path
) -> None:
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    fill_applicant(qtbot, shell)
    answer_form(qtbot, shell)
    next_step(qtbot, flow, "signature")
    next_step(qtbot, flow, "review")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: flow.result.save_button.isEnabled(), timeout=15_000)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    flow.result.save_to(str(blocker / "receipt.pdf"))
    qtbot.waitUntil(
        lambda: flow.result.message.text().startswith("Could not save the PDF"), timeout=10_000
    )


def test_the_citizen_sees_the_summary_before_signing(qtbot, shell: Shell) -> None:
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    mirrored: list[str] = []
    flow.mirror.connect(mirrored.append)
    fill_applicant(qtbot, shell)
    answer_form(qtbot, shell)
    next_step(qtbot, flow, "signature")
    assert mirrored and "张三丰" in mirrored[-1]
    assert flow.next_button.text() == "Next  Ctrl+Return"


def test_a_company_item_asks_for_the_credit_code(qtbot, shell: Shell) -> None:
    start_intake(qtbot, shell, "SCJG-002")
    flow = shell.workspace.intake
    assert flow.applicant.heading.text() == "Applicant (company)"
    assert flow.applicant.edits["id_no"].accessibleName() == "Credit code"
    type_text(qtbot, focused(qtbot), "91350100M000100Y44")  # last character wrong
    assert flow.applicant.errors["id_no"].isVisibleTo(flow.applicant)
    press(qtbot, Qt.Key.Key_Backspace)
    type_text(qtbot, focused(qtbot), "3")
    assert not flow.applicant.errors["id_no"].isVisibleTo(flow.applicant)


def test_an_immediate_item_is_accepted_and_settled_in_one_step(
    qtbot, shell: Shell, tmp_path: Path, data_dir: Path
) -> None:
    """即办件 (YB-001): the last button says it settles, and the result says it did."""
    start_intake(qtbot, shell, "YB-001")
    flow = shell.workspace.intake
    fill_applicant(qtbot, shell)
    choose(qtbot, shell, "insurance_type", 1)  # employee
    choose(qtbot, shell, "category", 1)  # living elsewhere long term
    type_into(qtbot, flow.form.rows["destination"].editor, "Shenzhen Nanshan")
    type_into(qtbot, flow.form.rows["start_date"].editor, "2026-12-01")
    next_step(qtbot, flow, "materials")
    photo = png_file(tmp_path / "scan.png")
    for row in (0, 1):  # identity card, proof of residence
        flow.materials.table.selectRow(row)
        press(qtbot, Qt.Key.Key_Return)
        type_in_file_dialog(qtbot, shell, photo)
    next_step(qtbot, flow, "signature")
    next_step(qtbot, flow, "review")
    assert flow.next_button.text() == "Accept and settle  Ctrl+Return"
    with qtbot.waitSignal(flow.accepted, timeout=15_000) as accepted:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    assert accepted.args[0].status == "delivered"
    assert "settled on the spot" in flow.result.headline.text()
    with Terminal.open(data_dir) as terminal:  # its own connection, as another process would
        detail = terminal.intake.get(accepted.args[0].receipt_no)
    assert detail.settled_at is not None and detail.events[-1].status == "delivered"
