"""Home, search (typed or scanned), detail, reprint and void, as clerk and supervisor."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from counter_app.ui.shell import Shell
from tests.ui.helpers import login, press, type_text


def _accept_one(data_dir: Path) -> str:
    """An application taken through the real intake service, as another session would."""
    import json

    from counter_app import clerks
    from counter_app.terminal import Terminal

    answers = json.loads(
        (Path(__file__).parents[1] / "forms/answers/RS-001.json").read_text("utf-8")
    )
    applicant = {
        "kind": "person",
        "id_no": answers["id_no"],
        "name": answers["name"],
        "phone": answers["phone"],
    }
    with Terminal.open(data_dir) as terminal:
        clerks.authenticate(terminal.store, "clerk", "demo-clerk-1")
        result = terminal.intake.accept("RS-001", applicant, answers, clerk_id="clerk")
    return str(result.display_no)


@pytest.fixture
def receipt_no(data_dir: Path) -> str:
    return _accept_one(data_dir)


def _login(qtbot, shell: Shell, who: str = "clerk", password: str = "demo-clerk-1") -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(shell.logged_in, timeout=10_000):
        login(qtbot, shell, who, password)
    qtbot.waitUntil(lambda: shell.ops.pending == 0, timeout=10_000)


def test_today_lists_the_application_masked(qtbot, receipt_no: str, shell: Shell) -> None:
    _login(qtbot, shell)
    home = shell.workspace.home
    qtbot.waitUntil(lambda: home.model.rowCount() == 1, timeout=10_000)
    row = [home.model.index(0, c).data() for c in range(6)]
    assert row[0] == receipt_no
    assert row[1] == "Social security card application"
    assert row[2] == "黄*明"  # masked: the screen faces the hall too
    assert row[3] == "Notice issued" and row[5] == "waiting"
    assert "1 received" in home.numbers.text()


def test_scanner_input_opens_the_application(qtbot, receipt_no: str, shell: Shell) -> None:
    _login(qtbot, shell)
    ws = shell.workspace
    assert ws.home.search.hasFocus()
    qtbot.keyClicks(ws.home.search, receipt_no.replace("-", "").lower())  # a scanner types...
    with qtbot.waitSignal(ws.page_changed, timeout=10_000) as page:
        qtbot.keyClick(ws.home.search, Qt.Key.Key_Return)  # ...and ends with Enter
    assert page.args == ["detail"]
    qtbot.waitUntil(lambda: receipt_no in ws.detail.browser.toPlainText(), timeout=10_000)


def test_search_by_name_lists_matches(qtbot, receipt_no: str, data_dir: Path, shell: Shell) -> None:
    _accept_one(data_dir)
    _login(qtbot, shell)
    home = shell.workspace.home
    type_text(qtbot, home.search, "黄晓")
    qtbot.keyClick(home.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: home.title.text().startswith("2 result"), timeout=10_000)
    assert home.model.rowCount() == 2


def _void(qtbot, shell: Shell, receipt_no: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    ws = shell.workspace
    ws.open_detail(receipt_no)
    qtbot.waitUntil(lambda: receipt_no in ws.detail.browser.toPlainText(), timeout=10_000)
    press(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeModalWidget(), QInputDialog), timeout=5_000
    )
    dialog = QApplication.activeModalWidget()
    field = dialog.findChild(QLineEdit)
    qtbot.waitUntil(field.hasFocus)
    type_text(qtbot, field, reason)
    with qtbot.waitSignal(dialog.finished, timeout=5_000):
        qtbot.keyClick(field, Qt.Key.Key_Return)


def test_void_is_refused_to_a_clerk(qtbot, receipt_no: str, shell: Shell) -> None:
    _login(qtbot, shell)
    _void(qtbot, shell, receipt_no, "duplicate entry")
    message = shell.workspace.detail.message
    qtbot.waitUntil(message.isVisible, timeout=10_000)
    assert message.text() == "This needs the supervisor role."


def test_supervisor_voids_with_a_reason(qtbot, receipt_no: str, shell: Shell) -> None:
    _login(qtbot, shell, "supervisor", "demo-super-1")
    _void(qtbot, shell, receipt_no, "applicant withdrew")
    detail = shell.workspace.detail
    qtbot.waitUntil(lambda: "Voided" in detail.browser.toPlainText(), timeout=10_000)
    assert "applicant withdrew" in detail.browser.toPlainText()
    assert not detail.void_button.isEnabled()


def test_reprint_is_marked_duplicate(qtbot, receipt_no: str, shell: Shell) -> None:
    _login(qtbot, shell)
    ws = shell.workspace
    ws.open_detail(receipt_no)
    qtbot.waitUntil(lambda: receipt_no in ws.detail.browser.toPlainText(), timeout=10_000)
    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ws.detail.pdf is not None, timeout=15_000)
    assert ws.detail.pdf.startswith(b"%PDF")
    assert "Duplicate" in ws.detail.done.text()
    assert ws.detail.pane.pdf.pageCount() >= 1


def test_supplement_turns_the_notice_into_an_acceptance(
    qtbot, receipt_no: str, shell: Shell, tmp_path: Path
) -> None:
    from PySide6.QtGui import QColor, QImage

    from counter_app.ui.intake.materials import SupplementDialog

    photo = tmp_path / "photo.png"
    image = QImage(30, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("navy"))
    image.save(str(photo))
    _login(qtbot, shell)
    ws = shell.workspace
    ws.open_detail(receipt_no)
    qtbot.waitUntil(lambda: "Still needed" in ws.detail.browser.toPlainText(), timeout=10_000)
    press(qtbot, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeModalWidget(), SupplementDialog), timeout=5_000
    )
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5_000)  # its Ctrl+Enter needs the focus
    needed = [s.code for s in dialog.materials.specs]
    assert needed == ["id_card", "photo", "guardian_id"]
    for code in needed:  # what a drop of the scanned file on each row does
        dialog.materials.attach(code, [str(photo)])
    with qtbot.waitSignal(ws.detail.supplemented, timeout=15_000) as done:
        qtbot.keyClick(
            dialog.materials.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert done.args[0].kind == "acceptance"
    assert done.args[0].display_no != receipt_no
    # The new receipt is offered for printing straight away, with its Print key.
    receipt = ws.pages["receipt"]
    assert ws.stack.currentWidget() is receipt
    assert done.args[0].display_no in receipt.headline.text()
    qtbot.waitUntil(receipt.print_button.isEnabled, timeout=15_000)
    assert receipt.pane.pdf.pageCount() >= 1
    qtbot.waitUntil(shell.window.isActiveWindow)
    with qtbot.waitSignal(receipt.print_button.clicked, timeout=3_000):
        press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=5_000)
    QApplication.activeModalWidget().reject()  # the print dialog: the printing is issue 18b's
    ws.open_detail(done.args[0].display_no)
    qtbot.waitUntil(lambda: "Received" in ws.detail.browser.toPlainText(), timeout=10_000)


def test_a_scan_while_the_list_has_the_focus_still_searches(
    qtbot, receipt_no: str, shell: Shell
) -> None:
    _login(qtbot, shell)
    ws = shell.workspace
    qtbot.waitUntil(lambda: ws.home.model.rowCount() == 1, timeout=10_000)
    ws.home.table.setFocus()
    qtbot.keyClicks(ws.home.table, receipt_no)
    assert ws.home.search.text() == receipt_no and ws.home.search.hasFocus()
    with qtbot.waitSignal(ws.page_changed, timeout=10_000):
        qtbot.keyClick(ws.home.search, Qt.Key.Key_Return)
