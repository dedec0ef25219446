"""Keeping the application being entered safe: the draft is saved as the clerk types and
offered back after a crash, on the form version it started with.

`DraftKeeper` belongs to one `IntakeFlow`; it reads the flow's steps into the `Draft`,
writes it on a worker 300 ms after the last change (atomically, see `drafts.DraftStore`) and,
after login, asks whether to continue a draft it finds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from counter_app.ui.drafts import STEPS, Draft
from counter_app.ui.widgets import open_once

if TYPE_CHECKING:
    from counter_app.ui.intake.flow import IntakeFlow

AUTOSAVE_MS = 300


class DraftKeeper(QObject):
    """Signals: saved() after each draft reached the disk."""

    saved = Signal()

    def __init__(self, flow: IntakeFlow) -> None:
        super().__init__(flow)
        self.flow = flow
        self.shell = flow.shell
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.save)
        self.box: QMessageBox | None = None

    # -- saving ---------------------------------------------------------------------------
    def collect(self) -> None:
        """Everything on the flow's pages into its draft."""
        flow, draft = self.flow, self.flow.draft
        if flow.form is not None:
            draft.answers = flow.form.all_values()
        draft.applicant = flow.applicant.values()
        draft.attachments = {k: list(v) for k, v in flow.materials.attachments.items()}
        draft.reuse = sorted(flow.materials.reuse)
        form = flow.tr("the original")  # the form a deferred material must come in
        draft.deferred = {k: [form, d.isoformat()] for k, d in flow.materials.deferred.items()}
        draft.set_signature(flow.signature.png())

    def touched(self) -> None:
        if self.flow.draft.service_code and self.flow.step != "result":
            self.timer.start()

    def save(self) -> None:
        self.collect()
        snapshot = Draft.from_json(self.flow.draft.to_json())
        self.shell.ops.io(
            lambda: self.shell.drafts.save(snapshot), lambda _r: self.saved.emit(), self.flow._fail
        )

    def flush(self) -> None:
        """Leaving (logout, language switch): write a pending change now."""
        if self.timer.isActive():
            self.timer.stop()
            self.save()

    def stop(self) -> None:
        """The application was accepted: nothing left to keep."""
        self.timer.stop()

    # -- offering back --------------------------------------------------------------------
    def offer(self) -> None:
        self.shell.ops.io(self.shell.drafts.load, self._ask, self.flow._fail)

    def _ask(self, draft: Draft | None) -> None:
        if draft is None:
            return
        text = self.tr(
            "An application for {item} ({name}) was not finished (saved {at}). Continue it?"
        )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Unfinished application"),
            text.format(
                item=draft.service_code, name=draft.applicant.get("name", ""), at=draft.updated_at
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.flow,
        )
        box.setObjectName("resume_box")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.finished.connect(lambda code: self._answer(code, draft))
        self.box = box
        open_once(box)

    def _answer(self, code: int, draft: Draft) -> None:
        if code == QMessageBox.StandardButton.Yes:
            self.resume(draft)
        else:
            self.shell.drafts.discard()

    def resume(self, draft: Draft) -> None:
        """Open `draft` on the form version it started with."""
        code, version = draft.service_code, draft.service_version
        self.shell.ops.store(
            lambda: self.shell.backend.item(code, version),
            lambda item: self._resumed(draft, item),
            self.flow._fail,
        )

    def _resumed(self, draft: Draft, item: Any) -> None:
        flow = self.flow
        self.shell.workspace.show_page("intake")
        flow.use_item(item)
        flow.draft = draft
        flow.applicant.set_values(draft.applicant)
        if flow.form is not None:
            flow.form.set_values(draft.answers)
        flow.materials.restore(draft.attachments, draft.reuse, draft.deferred)
        flow.signature.saved_png = draft.signature_png()
        flow._revalidate()
        if draft.step in ("materials", "signature", "review"):
            report = item.validate(flow.form.values() if flow.form else {})
            flow.materials.set_materials(
                item.materials, item.required_materials(report.cleaned), None
            )
        flow.go(draft.step if draft.step in STEPS else "applicant")
