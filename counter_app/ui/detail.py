"""One application: status timeline (local and from the platform), materials, and the
supervisor's actions. Reprint is marked duplicate and audited by the layer below; void needs
a reason and the supervisor role, which the service layer enforces (a clerk sees its refusal).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from counter_app.desk import Detail
from counter_app.ui.intake.attach_dialog import speak_our_language
from counter_app.ui.intake.result import configured_portal
from counter_app.ui.keys import key
from counter_app.ui.preview import PdfPane
from counter_app.ui.style import FORM_MAX_WIDTH, limit_width
from counter_app.ui.widgets import (
    button,
    error_label,
    error_message,
    lang_of_app,
    open_once,
    show_error,
    tr_text,
)
from sync.statuses import SETTLED
from sync.statuses import label as status_label

if TYPE_CHECKING:
    from counter_app.ui.shell import Shell
    from counter_app.ui.workspace import Workspace


class DetailPage(QWidget):
    """The detail of one application, by receipt number.

    Signals: supplemented(object) with the IntakeResult of an accepted supplement;
    result_handed_over(str) with the receipt number when the clerk hands over the result
    (the citizen screen then asks for a rating of that service event)."""

    supplemented = Signal(object)
    result_handed_over = Signal(str)

    def __init__(self, shell: Shell, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.shell, self.workspace = shell, workspace
        self.receipt_no = ""
        self.info: Detail | None = None
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("detail_text")
        self.browser.setAccessibleName(self.tr("Application detail"))
        limit_width(FORM_MAX_WIDTH, self.browser)  # lines of text, not a 1,900 px banner
        self.pane = PdfPane(self)
        self.pane.hide()
        self.message = error_label(self, "detail_message")
        self.done = QLabel(self)
        self.done.setObjectName("detail_done")
        row = QHBoxLayout()
        self.reprint_button = button(
            self.tr("&Reprint"), key("reprint"), self.reprint, self, "reprint"
        )
        self.supplement_button = button(
            self.tr("&Supplement..."), key("supplement"), self.supplement, self, "supplement"
        )
        self.void_button = button(self.tr("&Void..."), key("void"), self.ask_void, self, "void")
        self.save_button = button(
            self.tr("Save as P&DF..."), key("detail_save"), self.ask_save, self, "detail_save"
        )
        self.save_button.setEnabled(False)
        self.hand_over_button = button(
            self.tr("Result &handed over"), key("hand_over"), self.hand_over, self, "hand_over"
        )
        self.hand_over_button.setEnabled(False)
        for b in (self.reprint_button, self.save_button, self.supplement_button, self.void_button):
            row.addWidget(b)
        row.addWidget(self.hand_over_button)
        row.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(self.browser, 2)
        box.addWidget(self.pane, 3)
        box.addWidget(self.message)
        box.addWidget(self.done)
        box.addLayout(row)
        self.dialog: Any = None
        self.pdf: bytes | None = None
        self.note = ""

    def load(self, receipt_no: str, note: str = "") -> None:
        """Show `receipt_no`; `note` says what just happened to it."""
        self.receipt_no, self.pdf, self.note = receipt_no, None, note
        self.pane.hide()
        self.save_button.setEnabled(False)
        show_error(self.message, "")
        self.shell.ops.store(
            lambda: self.shell.backend.detail(receipt_no), self._show, self._failed
        )

    def _labels(self) -> dict[str, str]:
        """Headings, translated outside f-strings (lupdate cannot see into them)."""
        return {
            "applicant": self.tr("Applicant"),
            "status": self.tr("Status"),
            "due": self.tr("Due"),
            "timeline": self.tr("Timeline"),
            "materials": self.tr("Materials"),
            "missing": self.tr("Still needed"),
            "reused": self.tr("(reused)"),
        }

    def _show(self, info: Detail) -> None:
        self.info = info
        self.done.setText(self.note)
        self.browser.setHtml(self._html(info, self._labels()))
        self.supplement_button.setEnabled(info.kind == "notice" and info.status == "notice_issued")
        self.void_button.setEnabled(info.status != "voided")
        self.hand_over_button.setEnabled(info.status in SETTLED)
        self.reprint_button.setFocus()

    def hand_over(self) -> None:
        """The result is handed to the citizen at the window: invite a rating of it."""
        if self.receipt_no:
            self.result_handed_over.emit(self.receipt_no)

    def _html(self, info: Detail, t: dict[str, str]) -> str:
        e, lang = html.escape, lang_of_app()
        events = "".join(
            f"<li>{e(ev.at)} — {e(status_label(ev.status, lang))}"
            f" ({e(self._source(ev.source))}) {e(tr_text(ev.note))}</li>"
            for ev in info.events
        )
        materials = "".join(
            f"<li>{e(tr_text(m.name))}{' ' + t['reused'] if m.reused else ''}</li>"
            for m in info.materials
        )
        missing = "".join(f"<li>{e(tr_text(name))}</li>" for name in info.missing)
        parts = [
            f"<h2>{e(info.receipt_no)} — {e(tr_text(info.item_name))}</h2>",
            f"<p>{e(t['applicant'])}: {e(info.applicant)} · "
            f"{e(t['status'])}: <b>{e(status_label(info.status, lang))}</b> · "
            f"{e(t['due'])}: {e(str(info.due_date or '-'))}</p>",
            f"<h3>{e(t['timeline'])}</h3><ul>{events}</ul>",
            f"<h3>{e(t['materials'])}</h3><ul>{materials or '<li>-</li>'}</ul>",
        ]
        if missing:
            parts.append(f"<h3>{e(t['missing'])}</h3><ul>{missing}</ul>")
        return "".join(parts)

    def _source(self, source: str) -> str:
        return self.tr("platform") if source == "portal" else self.tr("this window")

    # -- reprint --------------------------------------------------------------------------
    def reprint(self) -> None:
        no, paper = self.receipt_no, self.shell.prefs.paper
        actor = str(getattr(self.shell.session, "clerk_id", ""))
        self.shell.ops.store(
            lambda: self.shell.backend.receipt_pdf(
                no, paper, duplicate=True, actor=actor, configured=configured_portal(self.shell)
            ),
            self._reprinted,
            self._failed,
        )

    def _reprinted(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.pane.show_pdf(pdf)
        self.pane.show()
        self.save_button.setEnabled(True)
        self.done.setText(self.tr("Duplicate prepared (recorded in the audit log)."))

    def ask_save(self) -> None:
        if self.pdf is None:
            return
        dialog = QFileDialog(self, self.tr("Save the receipt as PDF"))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        speak_our_language(dialog, saving=True)
        dialog.setDefaultSuffix("pdf")
        data = self.pdf
        dialog.fileSelected.connect(lambda path: self._save(path, data))
        self.dialog = dialog
        open_once(dialog)

    def _save(self, path: str, data: bytes) -> None:
        from pathlib import Path

        from counter_app.ui.prefs import atomic_write

        self.shell.ops.io(
            lambda: atomic_write(Path(path), data),
            lambda _r: self.done.setText(self.tr("Saved {path}").format(path=path)),
            self._failed,
        )

    # -- supplement -----------------------------------------------------------------------
    def supplement(self) -> None:
        """The applicant is back with what the notice asked for: attach it, accept."""
        from counter_app.ui.intake.materials import SupplementDialog

        specs = list(self.info.missing_specs) if self.info else []
        if not specs:
            return
        dialog = SupplementDialog(specs, self, getattr(self.shell.config, "scan_dir", None))
        dialog.submitted.connect(self._supplement)
        self.dialog = dialog
        open_once(dialog)

    def _supplement(self, attachments: dict[str, list[str]]) -> None:
        from pathlib import Path

        no, session = self.receipt_no, self.shell.session
        files = {code: [Path(f) for f in paths] for code, paths in attachments.items()}
        self.shell.ops.store(
            lambda: self.shell.backend.supplement(no, files, session),
            self._supplemented,
            self._failed,
        )

    def _supplemented(self, result: Any) -> None:
        """The new receipt is offered for printing at once; the detail shows the
        acceptance when the clerk comes back to it."""
        shown = str(getattr(result, "display_no", result.receipt_no))
        self.load(shown, self.tr("Accepted under receipt {no}.").format(no=shown))
        self.workspace.show_receipt(result)
        self.supplemented.emit(result)

    # -- void -----------------------------------------------------------------------------
    def ask_void(self) -> None:
        dialog = QInputDialog(self)
        dialog.setObjectName("void_dialog")
        dialog.setWindowTitle(self.tr("Void application"))
        dialog.setLabelText(self.tr("Reason for voiding {no}:").format(no=self.receipt_no))
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.textValueSelected.connect(self.void)
        self.dialog = dialog
        open_once(dialog)

    def void(self, reason: str) -> None:
        reason = reason.strip()
        if not reason:
            show_error(self.message, self.tr("A reason is needed to void an application."))
            return
        no, session = self.receipt_no, self.shell.session
        self.shell.ops.store(
            lambda: self.shell.backend.void(no, reason, session),
            lambda _r: self._voided(no),
            self._failed,
        )

    def _voided(self, no: str) -> None:
        self.load(no, self.tr("Voided."))

    def _failed(self, exc: BaseException) -> None:
        show_error(self.message, error_message(exc, self.tr("The operation failed.")))
