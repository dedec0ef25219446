"""Step 4: the materials checklist from the item's definition.

Attach by file dialog (Enter), drag and drop onto a row, or reuse with one key (Ctrl+R) a
copy the same applicant gave before. Space previews an image or PDF. Which materials are
required follows the answers (required_if), so the list is rebuilt when the form changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_app.desk import Known
from counter_app.ui.intake.deferral import DeferralField, deferrable, set_due, toggle
from counter_app.ui.keys import BY_NAME, key
from counter_app.ui.widgets import button, error_label, open_once, show_error, tr_text


def reusable_codes(specs: Iterable[Any], known: Known | None) -> set[str]:
    """Materials the catalog marks reusable and of which the terminal holds a copy this
    applicant gave before: only these are offered for reuse."""
    on_file = set(known.materials) if known else set()
    return {s.code for s in specs if getattr(s, "reusable", False) and s.code in on_file}


def file_problem(spec: Any, path: str) -> str:
    """Why `path` cannot be this material (empty when it can), naming the material and the
    file: the one Qt-free check the service runs again at acceptance."""
    from counter_app.intake.attachments import check_file

    problem = check_file(spec, Path(path))
    if problem is None:
        return ""
    text = QCoreApplication.translate("MaterialsStep", "{material} · {file}: {problem}")
    return text.format(
        material=tr_text(spec.name), file=Path(path).name, problem=tr_text(problem.text)
    )


GIVEN = 2  # the column of the files given


class MaterialsStep(QWidget):
    """Signals: changed() whenever an attachment or reuse choice changes."""

    changed = Signal()
    COLUMNS = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.specs: list[Any] = []
        self.required: set[str] = set()
        self.available: set[str] = set()
        self.attachments: dict[str, list[str]] = {}
        self.reuse: set[str] = set()
        self.problems: dict[str, str] = {}
        self.deferred: dict[str, date] = {}  # 容缺: material code -> catch-up date
        self.latest: date | None = None  # the latest catch-up date (the promised limit)
        self.scan_dir: Path | None = None  # where the file dialog opens (`scan_dir`)
        self.table = QTableWidget(0, self.COLUMNS, self)
        self.table.setObjectName("materials_table")
        self.table.setAccessibleName(self.tr("Materials checklist"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Material"), self.tr("Needed"), self.tr("Given"), self.tr("File types")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._fit_columns()
        self.table.setAcceptDrops(True)
        self.table.viewport().setAcceptDrops(True)
        self.table.viewport().installEventFilter(self)
        self.table.installEventFilter(self)
        self.table.currentCellChanged.connect(lambda *_: self._offer_reuse())
        self.deferral = DeferralField(self)
        self.deferral.due_changed.connect(lambda due: set_due(self, due))
        self.problem = error_label(self, "materials_problem")
        self.summary = QLabel(self)
        self.summary.setObjectName("materials_summary")
        self.summary.setWordWrap(True)
        hint = QLabel(
            self.tr(
                "Enter: attach a file   {reuse}: reuse the copy on file   "
                "Space: preview   {remove}: remove   (files can be dropped on a row)"
            ).format(reuse=BY_NAME["reuse"].shown(), remove=BY_NAME["remove"].shown()),
            self,
        )
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(
            button(self.tr("&Attach..."), key("attach"), self.attach_current, self, "attach")
        )
        self.reuse_button = button(
            self.tr("&Reuse copy on file"), key("reuse"), self.reuse_current, self, "reuse"
        )
        buttons.addWidget(self.reuse_button)
        self.defer_button = button(
            self.tr("容缺 (promise to bring later)"),
            key("defer"),
            lambda: toggle(self),
            self,
            "defer",
        )
        buttons.addWidget(self.defer_button)
        buttons.addWidget(
            button(self.tr("Pre&view"), key("preview"), self.preview_current, self, "preview")
        )
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addWidget(self.table, 1)
        box.addWidget(self.deferral)
        box.addWidget(self.problem)
        box.addWidget(self.summary)
        box.addWidget(hint)
        box.addLayout(buttons)
        self.dialog: QFileDialog | None = None

    # -- content --------------------------------------------------------------------------
    def set_materials(
        self, specs: Iterable[Any], required: Iterable[Any], known: Known | None
    ) -> None:
        self.specs = list(specs)
        self.required = {m.code for m in required}
        self.available = reusable_codes(self.specs, known)
        self.refresh()

    def restore(
        self, attachments: Mapping[str, list[str]], reuse: Iterable[str], later: Any = None
    ) -> None:
        self.attachments = {k: list(v) for k, v in attachments.items()}
        self.reuse = set(reuse)
        self.deferred = {k: date.fromisoformat(v[1]) for k, v in (later or {}).items()}
        self.refresh()

    def reset(self) -> None:
        """A new application: no materials, nothing on file, no row selected, no errors."""
        self.specs, self.required, self.available = [], set(), set()
        self.attachments, self.reuse, self.deferred = {}, set(), {}
        self._set_problem(None)
        self.table.clearSelection()
        self.table.setCurrentCell(-1, -1)
        self.refresh()

    def refresh(self) -> None:
        current = max(self.table.currentRow(), 0)
        self.table.setRowCount(len(self.specs))
        for row, spec in enumerate(self.specs):
            cells = (
                tr_text(spec.name),
                self._needed(spec),
                self._given(spec),
                ", ".join(getattr(spec, "file_types", ()) or ()),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, spec.code)
                self.table.setItem(row, col, item)
        if self.specs:
            self.table.selectRow(min(current, len(self.specs) - 1))
        self._offer_reuse()
        missing = self.missing()
        self.summary.setText(
            self.tr("All required materials are here or promised for later (容缺).")
            if not missing and self.deferred
            else self.tr("All required materials are here.")
            if not missing
            else self.tr("Missing: {names}. Without them a one-time notice is issued.").format(
                names=", ".join(tr_text(m.name) for m in missing)
            )
        )

    def _fit_columns(self) -> None:
        """Name, need and file types as wide as their content; the Given column takes the
        rest, so attaching a file (a long name in Given) moves no other column."""
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for col in range(self.COLUMNS):
            header.setSectionResizeMode(
                col,
                QHeaderView.ResizeMode.Stretch
                if col == GIVEN
                else QHeaderView.ResizeMode.ResizeToContents,
            )

    def _offer_reuse(self) -> None:
        """Reuse is offered only on a row whose material can be reused, 容缺 only on a
        deferrable one still needed; a deferred row shows its date."""
        code = self.current_code() or ""
        self.reuse_button.setEnabled(code in self.available and code not in self.reuse)
        spec = self.spec(code)
        can = spec is not None and deferrable(spec) and code in self.required
        self.defer_button.setEnabled(can and (code in self.deferred or not self.provided(code)))
        self.deferral.show_for(spec, self.deferred.get(code))

    def _needed(self, spec: Any) -> str:
        if spec.code in self.required:
            return self.tr("required")
        if getattr(spec, "requirement", "") == "required_if":
            return self.tr("not needed for these answers")
        return self.tr("optional")

    def _given(self, spec: Any) -> str:
        files = self.attachments.get(spec.code) or []
        if files:
            return ", ".join(Path(f).name for f in files)
        if spec.code in self.reuse:
            return self.tr("reused copy on file")
        if spec.code in self.deferred:
            return self.tr("容缺: promised by {date}").format(date=self.deferred[spec.code])
        if spec.code in self.available:
            return self.tr("copy on file ({key} to reuse)").format(key=BY_NAME["reuse"].shown())
        return "-"

    def missing(self) -> list[Any]:
        return [
            s
            for s in self.specs
            if s.code in self.required and not self.provided(s.code) and s.code not in self.deferred
        ]

    def deferred_specs(self) -> list[Any]:
        return [s for s in self.specs if s.code in self.deferred]

    def provided(self, code: str) -> bool:
        return bool(self.attachments.get(code)) or code in self.reuse

    def current_code(self) -> str | None:
        row = self.table.currentRow()
        return self.specs[row].code if 0 <= row < len(self.specs) else None

    # -- actions --------------------------------------------------------------------------
    def spec(self, code: str) -> Any:
        return next((s for s in self.specs if s.code == code), None)

    def attach(self, code: str, paths: Iterable[str]) -> None:
        """Take the files that fit the material; name each one that does not, right away
        (type, size, readability), instead of at acceptance."""
        paths = [str(p) for p in paths if p]
        spec = self.spec(code)
        if not paths or spec is None:
            return
        verdicts = {p: file_problem(spec, p) for p in paths}
        good = [p for p, problem in verdicts.items() if not problem]
        self._set_problem(code, "\n".join(m for m in verdicts.values() if m))
        if not good:
            self.refresh()
            return
        self.attachments.setdefault(code, []).extend(good)
        self.reuse.discard(code)
        self.deferred.pop(code, None)
        self.refresh()
        self.changed.emit()

    def show_problems(self, problems: Iterable[Any]) -> bool:
        """The service's material problems (at acceptance) at their materials, by name;
        True when there were any."""
        shown = False
        for p in problems:
            code = p.path.removeprefix("materials.")
            spec = self.spec(code) if p.path.startswith("materials.") else None
            if spec is not None:
                self._set_problem(code, f"{tr_text(spec.name)}: {tr_text(p.text)}")
                if code in self.deferred:  # at the date field, on the row selected
                    self.table.selectRow(self.specs.index(spec))
                    self.deferral.set_problem(tr_text(p.text))
                shown = True
        return shown

    def _set_problem(self, code: str | None, message: str = "") -> None:
        """Record (or with "" clear) the problem of one material; None clears them all."""
        if code is None:
            self.problems.clear()
        elif message:
            self.problems[code] = message
        else:
            self.problems.pop(code, None)
        show_error(self.problem, "\n".join(self.problems.values()))

    def attach_current(self) -> None:
        code = self.current_code()
        if code is None:
            return
        from counter_app.ui.intake.attach_dialog import attach_dialog

        dialog = attach_dialog(self, self.spec(code), self.scan_dir)
        dialog.filesSelected.connect(lambda files: self.attach(code, files))
        self.dialog = dialog
        open_once(dialog)

    def reuse_current(self) -> None:
        code = self.current_code()
        if code is not None and code in self.available:
            self.reuse.add(code)
            self.attachments.pop(code, None)
            self._set_problem(code)
            self.refresh()
            self.changed.emit()

    def remove_current(self) -> None:
        code = self.current_code()
        if code is not None:
            self.attachments.pop(code, None)
            self.reuse.discard(code)
            self._set_problem(code)
            self.refresh()
            self.changed.emit()

    def preview_current(self) -> None:
        code = self.current_code()
        files = self.attachments.get(code or "") or []
        if files:
            from counter_app.ui.preview import PreviewDialog

            PreviewDialog.show_file(Path(files[-1]), self)

    # -- keys and drops -------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            return self._key(event)
        drag = isinstance(event, QDragEnterEvent) or event.type() == QEvent.Type.DragMove
        if drag and event.mimeData().hasUrls():  # type: ignore[attr-defined]
            event.acceptProposedAction()  # type: ignore[attr-defined]
            return True
        if event.type() == QEvent.Type.Drop and isinstance(event, QDropEvent):
            self.drop(event)
            return True
        return False

    def _key(self, event: QKeyEvent) -> bool:
        actions = {
            Qt.Key.Key_Return: self.attach_current,
            Qt.Key.Key_Enter: self.attach_current,
            Qt.Key.Key_Space: self.preview_current,
            Qt.Key.Key_Delete: self.remove_current,
        }
        action = actions.get(Qt.Key(event.key()))
        if action and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            action()
            return True
        return False

    def drop(self, event: QDropEvent) -> None:
        """Files dropped on a row attach to that row's material (or the selected one)."""
        index = self.table.indexAt(event.position().toPoint())
        row = index.row() if index.isValid() else self.table.currentRow()
        if 0 <= row < len(self.specs):
            paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
            self.attach(self.specs[row].code, paths)
            event.acceptProposedAction()

    def focus(self) -> None:
        self.table.setFocus()


class SupplementDialog(QDialog):
    """Supplementing a one-time notice: the checklist of what it asked for; Ctrl+Enter
    hands the files over. Signals: submitted(dict) material code -> file paths."""

    submitted = Signal(dict)

    def __init__(self, specs: list[Any], parent: QWidget, scan_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("supplement_dialog")
        self.setWindowTitle(self.tr("Supplement missing materials"))
        self.resize(760, 420)
        self.materials = MaterialsStep(self)
        self.materials.scan_dir = scan_dir
        self.materials.set_materials(specs, specs, None)
        self.submit = button(
            self.tr("&Accept with these"),
            key("supplement_submit"),
            self._submit,
            self,
            "supplement_submit",
        )
        box = QVBoxLayout(self)
        box.addWidget(self.materials, 1)
        box.addWidget(self.submit, 0, Qt.AlignmentFlag.AlignRight)
        self.materials.focus()

    def _submit(self) -> None:
        self.submitted.emit({k: list(v) for k, v in self.materials.attachments.items()})
        self.accept()
