"""A case of another window of the hall (issue 16): the citizen brings the missing
materials here. The home search asks the platform for a receipt number this window does
not hold; this page shows what the platform says (item, masked applicant, what is still
needed) and Ctrl+U takes the supplement, as the detail page does for this window's own
notices. The receipt page then prints the supplement receipt.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QTextBrowser, QVBoxLayout, QWidget

from counter_app.ui.keys import key
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
from sync.statuses import label as status_label

if TYPE_CHECKING:
    from counter_app.ui.shell import Shell
    from counter_app.ui.workspace import Workspace


class RemoteCasePage(QWidget):
    """Signals: supplemented(object) with the SupplementTaken once the files are taken."""

    supplemented = Signal(object)

    def __init__(self, shell: Shell, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.shell, self.workspace = shell, workspace
        self.case: Any = None
        self.dialog: Any = None
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("case_text")
        self.browser.setAccessibleName(self.tr("Application of another window"))
        limit_width(FORM_MAX_WIDTH, self.browser)
        self.message = error_label(self, "case_message")
        self.take_button = button(
            self.tr("&Supplement..."), key("supplement"), self.take, self, "case_supplement"
        )
        self.take_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.take_button)
        row.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(self.browser, 1)
        box.addWidget(self.message)
        box.addLayout(row)

    def look_up(self, receipt_no: str) -> None:
        """Ask the platform for `receipt_no`; the page says what it found or why not."""
        self.case = None
        self.take_button.setEnabled(False)
        asking = self.tr("Asking the platform for {no}...").format(no=receipt_no)
        self.browser.setHtml(html.escape(asking))
        show_error(self.message, "")
        self.shell.ops.store(
            lambda: self.shell.backend.remote_case(receipt_no), self._show, self._failed
        )

    def _show(self, case: Any) -> None:
        self.case = case
        self.browser.setHtml(self._html(case))
        self.take_button.setEnabled(True)
        self.take_button.setFocus()

    def _html(self, case: Any) -> str:
        e = html.escape
        needed = "".join(f"<li>{e(tr_text(m.name))}</li>" for m in case.missing)
        heading = self.tr("Application of window {window}").format(window=case.owner_window)
        applicant, status = self.tr("Applicant"), self.tr("Status")
        still = self.tr("Still needed")  # (lupdate cannot see into f-strings)
        return (
            f"<h2>{e(case.receipt_no)} — {e(tr_text(case.item_name))}</h2>"
            f"<p><b>{e(heading)}</b></p>"
            f"<p>{e(applicant)}: {e(case.applicant_name)} · "
            f"{e(status)}: <b>{e(status_label(case.status, lang_of_app()))}</b></p>"
            f"<h3>{e(still)}</h3><ul>{needed}</ul>"
        )

    def _failed(self, exc: BaseException) -> None:
        self.browser.setHtml("")
        show_error(self.message, error_message(exc, self.tr("The platform could not be asked.")))

    def take(self) -> None:
        """The checklist of what is still needed; Ctrl+Enter hands the files over."""
        from counter_app.ui.intake.materials import SupplementDialog

        if self.case is None:
            return
        scan_dir = getattr(self.shell.config, "scan_dir", None)
        dialog = SupplementDialog(list(self.case.missing), self, scan_dir)
        dialog.submitted.connect(self._take)
        self.dialog = dialog
        open_once(dialog)

    def _take(self, attachments: dict[str, list[str]]) -> None:
        case, session = self.case, self.shell.session
        files = {code: [Path(f) for f in paths] for code, paths in attachments.items()}
        self.shell.ops.store(
            lambda: self.shell.backend.take_hall_supplement(case, files, session),
            self._taken,
            self._failed_take,
        )

    def _failed_take(self, exc: BaseException) -> None:
        show_error(self.message, error_message(exc, self.tr("The supplement was not taken.")))

    def _taken(self, result: Any) -> None:
        """Its receipt is offered for printing at once."""
        self.take_button.setEnabled(False)
        if self.shell.sync_runner is not None:  # on its way to the owner now, not in 15 s
            self.shell.sync_runner.wake()
        self.workspace.show_receipt(result)
        self.supplemented.emit(result)
