"""Step 7: the receipt (or notice) as it will print, with Print and Save as PDF.

The PDF comes from `printing` (rendered on a worker thread); the preview shows those exact
bytes, and printing draws the same pages, so what the clerk sees is what the citizen gets.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRect, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.intake.attach_dialog import speak_our_language
from counter_app.ui.keys import BY_NAME, key
from counter_app.ui.preview import PdfPane
from counter_app.ui.widgets import button, error_message, open_once

if TYPE_CHECKING:
    from counter_app.ui.shell import Shell


class ResultStep(QWidget):
    """Signals: saved(str) with the path of a saved PDF; printed()."""

    saved = Signal(str)
    printed = Signal()

    def __init__(self, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shell = shell
        self.pdf: bytes | None = None
        self.receipt_no = ""
        self.headline = QLabel(self)
        self.headline.setObjectName("result_headline")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.headline.setFont(font)
        self.pane = PdfPane(self)
        self.message = QLabel(self)
        self.message.setObjectName("result_message")
        self.print_button = button(
            self.tr("&Print..."), key("print"), self.print_pdf, self, "print"
        )
        self.save_button = button(
            self.tr("&Save as PDF..."), key("save_pdf"), self.ask_save, self, "save_pdf"
        )
        self.notice_button = button(  # 容缺: the notice beside the receipt, one key apart
            self.tr("容缺受理通知书 (deferral notice)"),
            key("deferral_notice"),
            self.toggle_notice,
            self,
            "deferral_notice",
        )
        self.notice_button.hide()
        self.receipt_pdf: bytes | None = None
        self.notice_pdf: bytes | None = None
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addWidget(self.notice_button)
        row.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(self.headline)
        box.addWidget(self.pane, 1)
        box.addWidget(self.message)
        box.addLayout(row)
        self.dialog: Any = None

    def show_result(
        self,
        receipt_no: str,
        kind: str,
        due: str,
        shown_no: str = "",
        settled: bool = False,
        deferred: bool = False,
    ) -> None:
        self.receipt_no, self.pdf = receipt_no, None
        self.receipt_pdf = self.notice_pdf = None
        self.notice_button.setVisible(deferred)
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        if kind == "notice":
            text = self.tr("One-time notice {no} issued. Nothing was accepted yet.")
        elif kind == "supplement":  # for another window's application (issue 16)
            text = self.tr("Supplement taken for {no}: it goes to the window that took it.")
        elif settled:  # 即办件: accepted and settled in one step
            text = self.tr("Accepted and settled on the spot: receipt {no}.")
        else:
            text = self.tr("Accepted: receipt {no}, promised by {due}.")
        self.headline.setText(text.format(no=shown_no or receipt_no, due=due))
        self.message.setText(self.tr("Preparing the receipt..."))
        paper, actor = self.shell.prefs.paper, str(getattr(self.shell.session, "clerk_id", ""))
        self.shell.ops.store(
            lambda: self.shell.backend.receipt_pdf(
                receipt_no, paper, actor=actor, configured=configured_portal(self.shell)
            ),
            self._rendered,
            self._failed,
        )

    def _rendered(self, pdf: bytes) -> None:
        self.pdf = self.receipt_pdf = pdf
        self.pane.show_pdf(pdf)
        self.message.setText(
            self.tr(
                "{print} prints, {save} saves a PDF, {new} starts the next application."
            ).format(
                print=BY_NAME["print"].shown(),
                save=BY_NAME["save_pdf"].shown(),
                new=BY_NAME["nav_new"].shown(),
            )
        )
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.save_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(
            error_message(
                exc,
                self.tr(
                    "The receipt could not be prepared. The application is saved; "
                    "print it again from its detail page."
                ),
            )
        )

    @property
    def showing_notice(self) -> bool:
        return self.pdf is not None and self.pdf is self.notice_pdf

    def toggle_notice(self) -> None:
        """Show the 容缺受理通知书 (both copies) instead of the receipt, or the receipt again;
        Print and Save act on what is shown."""
        if not self.notice_button.isVisible() or self.receipt_pdf is None:
            return
        if self.showing_notice:
            self._show(self.receipt_pdf, self.tr("The receipt."))
        elif self.notice_pdf is not None:
            self._show(self.notice_pdf, self._notice_text())
        else:
            no, actor = self.receipt_no, str(getattr(self.shell.session, "clerk_id", ""))
            self.message.setText(self.tr("Preparing the deferral notice..."))
            self.shell.ops.store(
                lambda: self.shell.backend.deferral_pdf(no, actor),
                self._notice_rendered,
                self._failed,
            )

    def _notice_rendered(self, pdf: bytes) -> None:
        self.notice_pdf = pdf
        self._show(pdf, self._notice_text())

    def _notice_text(self) -> str:
        return self.tr(
            "The deferral notice, two copies: one for the applicant, one signed back for the "
            "file. {key} shows the receipt again."
        ).format(key=BY_NAME["deferral_notice"].shown())

    def _show(self, pdf: bytes, text: str) -> None:
        self.pdf = pdf
        self.pane.show_pdf(pdf)
        self.message.setText(text)

    def ask_save(self) -> None:
        if self.pdf is None:
            return
        name = (
            f"{self.receipt_no}-deferral.pdf" if self.showing_notice else f"{self.receipt_no}.pdf"
        )
        dialog = QFileDialog(self, self.tr("Save the receipt as PDF"), str(Path.home() / name))
        dialog.setObjectName("save_dialog")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        speak_our_language(dialog, saving=True)
        dialog.setDefaultSuffix("pdf")
        dialog.setNameFilter(self.tr("PDF files (*.pdf)"))
        dialog.fileSelected.connect(self.save_to)
        self.dialog = dialog
        open_once(dialog)

    def save_to(self, path: str, printed: bool = False) -> None:
        data = self.pdf or b""
        done = self._printed if printed else self._saved
        self.shell.ops.io(
            lambda: self._write(Path(path), data), lambda _r: done(path), self._save_failed
        )

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        from counter_app.ui.prefs import atomic_write

        atomic_write(path, data)

    def _saved(self, path: str) -> None:
        self.message.setText(self.tr("Saved {path}").format(path=path))
        self.saved.emit(path)

    def _save_failed(self, exc: BaseException) -> None:
        self.message.setText(self.tr("Could not save the PDF: {reason}").format(reason=str(exc)))

    def print_pdf(self) -> None:
        """Ctrl+P: straight to the configured printer; with none, Qt's print dialog. Before
        any platform is known the clerk is warned first and must confirm."""
        if self.pdf is None:
            return
        configured = configured_portal(self.shell)
        self.shell.ops.store(
            lambda: self.shell.backend.tracking_online(configured),
            self._checked_online,
            self._print_failed,
        )

    def _checked_online(self, online: bool) -> None:
        if online:
            self._print_now()
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Not connected to the platform"),
            self.tr(
                "This window is not connected to the online platform yet, so the citizen "
                "cannot track this receipt online. The receipt says so and tells them to ask "
                "at a window. Print it anyway?"
            ),
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("offline_print_warning")
        box.accepted.connect(self._print_now)
        self.dialog = box
        open_once(box)

    def _print_now(self) -> None:
        spec = configured_spec(self.shell)
        if spec is not None and not self.showing_notice:  # the notice: the page printer
            self._print_configured(spec)
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("print_dialog")
        dialog.accepted.connect(lambda: self._print_on(printer))
        self.dialog = dialog
        open_once(dialog)

    def _print_configured(self, spec: Any) -> None:
        no, paper = self.receipt_no, self.shell.prefs.paper
        actor = str(getattr(self.shell.session, "clerk_id", ""))
        self.print_button.setEnabled(False)
        self.message.setText(self.tr("Printing on {printer}...").format(printer=str(spec)))
        self.shell.ops.store(  # it reads and audits the application: the storage thread
            lambda: self.shell.backend.print_receipt(
                no, spec, paper, actor=actor, configured=configured_portal(self.shell)
            ),
            lambda _r: self._printed(str(spec)),
            self._print_failed,
        )

    def _printed(self, where: str) -> None:
        self.print_button.setEnabled(True)
        self.message.setText(self.tr("Printed on {printer}.").format(printer=where))
        self.printed.emit()

    def _print_failed(self, exc: BaseException) -> None:
        self.print_button.setEnabled(True)
        self.message.setText(
            error_message(exc, self.tr("The receipt could not be printed. Try again."))
        )

    def _print_on(self, printer: QPrinter) -> None:
        """Print what the preview shows. "Print to File (PDF)" gets the receipt's own PDF
        (its text, embedded font and sharp QR intact); a real printer gets each page drawn."""
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
            self.save_to(printer.outputFileName(), printed=True)
            return
        draw_pages(self.pane.pdf, printer)
        self.message.setText(self.tr("Sent to the printer."))
        self.printed.emit()

    def focus(self) -> None:
        self.save_button.setFocus()


def configured_portal(shell: Shell) -> str:
    """The platform address of the configuration (`portal_url`), "" when none."""
    return str(getattr(shell.config, "portal_url", "") or "")


def configured_spec(shell: Shell) -> Any:
    """The configured printer (a PrinterSpec), or None when receipts are only saved as PDF."""
    spec = getattr(shell.config, "printer", None)
    return spec if spec is not None and spec.kind != "pdf" else None


def draw_pages(doc: QPdfDocument, printer: QPrinter) -> None:
    """Draw each page of the very PDF the preview shows onto `printer`."""
    painter = QPainter(printer)
    try:
        for page in range(doc.pageCount()):
            if page:
                printer.newPage()
            rect = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
            image = doc.render(page, rect.size())
            painter.drawImage(QRect(0, 0, rect.width(), rect.height()), image)
    finally:
        painter.end()
