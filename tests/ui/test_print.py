"""Printing from the receipt preview, through the real Print button and the real Ctrl+P.

No printer is installed here, so the print dialog's own "Print to File (PDF)" destination
stands in for the printer a clerk would pick; what lands in the file is checked as text.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from counter_app.ui.shell import Shell
from sync.receipt_numbers import display_receipt_no
from tests.escpos_capture import (
    QR_STORE,
    check_receipt_stream,
    loopback_printer,
    printer_that_is_off,
)
from tests.ui.helpers import press
from tests.ui.test_intake import CTRL, answer_form, fill_applicant, next_step, start_intake


def issue_notice(qtbot, shell: Shell) -> str:  # type: ignore[no-untyped-def]
    """Walk to a one-time notice by keys (no files: the fastest path to a preview)."""
    start_intake(qtbot, shell)
    flow = shell.workspace.intake
    fill_applicant(qtbot, shell)
    answer_form(qtbot, shell)
    next_step(qtbot, flow, "signature")
    next_step(qtbot, flow, "review")
    with qtbot.waitSignal(flow.accepted, timeout=15_000):
        press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: flow.result.print_button.isEnabled(), timeout=15_000)
    return display_receipt_no(flow.result.receipt_no)


def offline_warning(qtbot) -> QMessageBox:  # type: ignore[no-untyped-def]
    """The warning a clerk gets before printing when no platform is known (the demo
    terminal of these tests is not enrolled)."""
    qtbot.waitUntil(
        lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=5_000
    )
    box = QApplication.activeModalWidget()
    assert box.objectName() == "offline_print_warning"
    assert "cannot track this receipt online" in box.text()
    return box


def confirm_offline(qtbot) -> None:  # type: ignore[no-untyped-def]
    box = offline_warning(qtbot)
    with qtbot.waitSignal(box.finished, timeout=5_000):
        qtbot.keyClick(box, Qt.Key.Key_Return)  # OK is the default button
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def print_dialog(qtbot) -> QPrintDialog:  # type: ignore[no-untyped-def]
    """The print dialog, found as a clerk sees it: a window of its own."""

    def shown() -> QPrintDialog | None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QPrintDialog) and widget.isVisible():
                return widget
        return None

    qtbot.waitUntil(lambda: shown() is not None, timeout=5_000)
    dialog = shown()
    assert dialog is not None
    return dialog


def print_to_file(qtbot, shell: Shell, target: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = print_dialog(qtbot)
    assert dialog.printer().outputFormat() == QPrinter.OutputFormat.PdfFormat  # no printer here
    name_box = dialog.findChild(QLineEdit, "filename")
    name_box.setFocus()
    name_box.setText(str(target))  # pasted: typing opens Qt's completer popup (see test_intake)
    with qtbot.waitSignal(shell.workspace.intake.result.printed, timeout=10_000):
        qtbot.keyClick(name_box, Qt.Key.Key_Return)  # Return is the dialog's Print
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_ctrl_p_opens_the_print_dialog_and_prints_the_receipt(
    qtbot, shell: Shell, tmp_path: Path
) -> None:
    number = issue_notice(qtbot, shell)
    press(qtbot, Qt.Key.Key_P, CTRL)
    confirm_offline(qtbot)
    target = tmp_path / "printed.pdf"
    print_to_file(qtbot, shell, target)
    text = pdf_text(target)
    assert number in text
    assert "一次性告知书" in text
    assert "Printed on" in shell.workspace.intake.result.message.text()


def test_the_print_button_opens_the_print_dialog_and_prints(
    qtbot, shell: Shell, tmp_path: Path
) -> None:
    number = issue_notice(qtbot, shell)
    qtbot.mouseClick(shell.workspace.intake.result.print_button, Qt.MouseButton.LeftButton)
    confirm_offline(qtbot)
    target = tmp_path / "printed.pdf"
    print_to_file(qtbot, shell, target)
    assert number in pdf_text(target)


def test_cancelling_the_print_dialog_prints_nothing(qtbot, shell: Shell, tmp_path: Path) -> None:
    issue_notice(qtbot, shell)
    press(qtbot, Qt.Key.Key_P, CTRL)
    confirm_offline(qtbot)
    dialog = print_dialog(qtbot)
    dialog.findChild(QLineEdit, "filename").setText(str(tmp_path / "never.pdf"))
    with qtbot.waitSignal(dialog.finished, timeout=5_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not (tmp_path / "never.pdf").exists()
    assert "Printed" not in shell.workspace.intake.result.message.text()


def test_ctrl_p_prints_on_the_configured_thermal_printer_without_a_dialog(
    qtbot, shell: Shell, data_dir: Path
) -> None:
    from counter_app.config import load_config

    with loopback_printer() as printer:
        shell.config = load_config({"data_dir": str(data_dir), "printer": printer.spec}, env={})
        number = issue_notice(qtbot, shell)
        result = shell.workspace.intake.result
        with qtbot.waitSignal(result.printed, timeout=15_000):
            press(qtbot, Qt.Key.Key_P, CTRL)
            confirm_offline(qtbot)
        stream = printer.wait_job()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QPrintDialog)]
    check_receipt_stream(stream, "一次性告知书", number, ["张*丰", "需补正材料"])
    assert printer.spec.partition(":")[2] in result.message.text()


def test_a_thermal_printer_that_is_off_is_told_and_printing_again_works(
    qtbot, shell: Shell, data_dir: Path
) -> None:
    from counter_app.config import load_config

    with printer_that_is_off() as spec:
        shell.config = load_config({"data_dir": str(data_dir), "printer": spec}, env={})
        issue_notice(qtbot, shell)
        result = shell.workspace.intake.result
        press(qtbot, Qt.Key.Key_P, CTRL)
        confirm_offline(qtbot)
        qtbot.waitUntil(lambda: "printer failed" in result.message.text(), timeout=15_000)
    assert result.print_button.isEnabled()  # the clerk can try again once it is on
    with loopback_printer() as printer:  # switched on: the same key prints
        shell.config = load_config({"data_dir": str(data_dir), "printer": printer.spec}, env={})
        with qtbot.waitSignal(result.printed, timeout=15_000):
            press(qtbot, Qt.Key.Key_P, CTRL)
            confirm_offline(qtbot)
        assert QR_STORE in printer.wait_job()


def test_before_enrollment_the_clerk_is_warned_and_escape_prints_nothing(
    qtbot, shell: Shell, data_dir: Path
) -> None:
    from counter_app.config import load_config

    with loopback_printer() as printer:
        shell.config = load_config({"data_dir": str(data_dir), "printer": printer.spec}, env={})
        issue_notice(qtbot, shell)
        press(qtbot, Qt.Key.Key_P, CTRL)
        box = offline_warning(qtbot)
        with qtbot.waitSignal(box.finished, timeout=5_000):
            qtbot.keyClick(box, Qt.Key.Key_Escape)
        qtbot.wait(300)
        assert printer.jobs == []  # nothing went to the printer
    assert (
        "本窗口尚未接入网上查询平台" in shell.workspace.intake.result.pane.pdf.getAllText(0).text()
    )


def test_with_a_configured_platform_the_receipt_points_there_without_a_warning(
    qtbot, shell: Shell, data_dir: Path
) -> None:
    from counter_app.config import load_config

    with loopback_printer() as printer:
        settings = {"printer": printer.spec, "portal_url": "https://zwfw.example.gov.cn"}
        shell.config = load_config({"data_dir": str(data_dir), **settings}, env={})
        issue_notice(qtbot, shell)
        result = shell.workspace.intake.result
        with qtbot.waitSignal(result.printed, timeout=15_000):
            press(qtbot, Qt.Key.Key_P, CTRL)
        stream = printer.wait_job()
    assert b"https://zwfw.example.gov.cn/t\n" in stream
    assert "尚未接入".encode("gb18030") not in stream
