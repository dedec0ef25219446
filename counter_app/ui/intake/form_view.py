"""A form generated from a service item's FieldSpecs: one editor per field type.

The form holds raw answers (what the clerk typed); `forms` parses and validates them.
Problems come back tied to paths ("members[0].id_no") and each is shown under its own field,
all at once. Conditions are evaluated as the clerk types, so fields appear and disappear
live; a hidden field keeps what was typed in case it comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.keys import key
from counter_app.ui.widgets import ERROR_COLOR, button, set_text_color, tr_text

LINE_TYPES = {"text", "number", "phone", "email", "resident_id", "uscc", "address", "date"}


def _opt(spec: Any, name: str, default: Any = None) -> Any:
    return getattr(spec, name, default)


class ChoiceEditor(QComboBox):
    """A single choice; the empty first entry means "not answered"."""

    def __init__(self, options: Iterable[tuple[str, Any]], parent: QWidget) -> None:
        super().__init__(parent)
        self.addItem("", "")
        for value, label in options:
            self.addItem(tr_text(label), value)

    def value(self) -> str:
        return str(self.currentData() or "")

    def set_value(self, value: Any) -> None:
        index = self.findData(value if value is not None else "")
        self.setCurrentIndex(max(index, 0))


class MultiEditor(QWidget):
    """Several choices as check boxes. Signals: changed()."""

    changed = Signal()

    def __init__(self, options: Iterable[tuple[str, Any]], parent: QWidget) -> None:
        super().__init__(parent)
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[tuple[str, QCheckBox]] = []
        for value, label in options:
            check = QCheckBox(tr_text(label), self)
            check.toggled.connect(self.changed)
            box.addWidget(check)
            self.boxes.append((value, check))
        box.addStretch(1)

    def value(self) -> list[str]:
        return [v for v, check in self.boxes if check.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for v, check in self.boxes:
            check.setChecked(v in chosen)

    def focus_widgets(self) -> list[QWidget]:
        return [check for _v, check in self.boxes]


class LineEditor(QLineEdit):
    """Text-like fields; the field type only changes the hint and the input method."""

    def __init__(self, kind: str, parent: QWidget) -> None:
        super().__init__(parent)
        if kind == "date":
            self.setPlaceholderText("YYYY-MM-DD")
        if kind in ("resident_id", "uscc"):
            self.setMaxLength(18)

    def value(self) -> str:
        return self.text()

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else str(value))


class GroupEditor(QWidget):
    """A repeatable group (e.g. family members): one sub-form per entry, add and remove.

    Signals: changed().
    """

    changed = Signal()

    def __init__(self, spec: Any, parent: QWidget) -> None:
        super().__init__(parent)
        self.spec = spec
        self.entries: list[tuple[QFrame, FormView]] = []
        self.rows = QVBoxLayout()
        self.add_button = button(
            self.tr("&Add entry"), key("add_entry"), self.add_entry, self, f"add_{spec.code}"
        )
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(self.rows)
        box.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)

    def add_entry(self, values: Mapping[str, Any] | None = None) -> FormView:
        frame = QFrame(self)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        index = len(self.entries)
        view = FormView(self.spec.children, frame, prefix=f"{self.spec.code}[{index}].")
        view.changed.connect(self.changed)
        remove = button(
            self.tr("Remove"), "", lambda: self.remove_entry(frame), frame, "remove_entry"
        )
        remove.setToolTip(self.tr("Remove this entry"))
        lay = QVBoxLayout(frame)
        lay.addWidget(view)
        lay.addWidget(remove, 0, Qt.AlignmentFlag.AlignRight)
        self.rows.addWidget(frame)
        self.entries.append((frame, view))
        if values:
            view.set_values(values)
        self._max_reached()
        self.changed.emit()
        first = view.focus_widgets()
        if first and values is None:
            first[0].setFocus()
        return view

    def remove_entry(self, frame: QFrame) -> None:
        kept = [(f, v) for f, v in self.entries if f is not frame]
        values = [v.values() for f, v in kept]
        for f, _v in self.entries:
            f.deleteLater()
        self.entries = []
        for entry in values:
            self.add_entry(entry)
        self.add_button.setFocus()
        self._max_reached()
        self.changed.emit()

    def _max_reached(self) -> None:
        most = _opt(self.spec, "max_items")
        self.add_button.setEnabled(not most or len(self.entries) < most)

    def value(self) -> list[dict[str, Any]]:
        return [view.values() for _f, view in self.entries]

    def set_value(self, value: Any) -> None:
        for f, _v in self.entries:
            f.deleteLater()
        self.entries = []
        for entry in value or []:
            self.add_entry(entry)

    def focus_widgets(self) -> list[QWidget]:
        out: list[QWidget] = []
        for frame, view in self.entries:
            out += view.focus_widgets()
            out += [w for w in frame.findChildren(QWidget, "remove_entry")]
        return [*out, self.add_button]

    def set_problems(self, problems: Mapping[str, str]) -> None:
        for _f, view in self.entries:
            view.set_problems(problems)

    def apply_visibility(
        self, visible: set[str] | frozenset[str], required: set[str] | frozenset[str]
    ) -> None:
        for _f, view in self.entries:
            view.apply_visibility(visible, required)


def make_editor(spec: Any, parent: QWidget) -> QWidget:
    kind = spec.type
    if kind == "choice":
        return ChoiceEditor(_opt(spec, "options", ()) or (), parent)
    if kind == "multichoice":
        return MultiEditor(_opt(spec, "options", ()) or (), parent)
    if kind == "group":
        return GroupEditor(spec, parent)
    return LineEditor(kind, parent)


class FieldRow(QWidget):
    """A field's label, editor and error line (empty until something is wrong)."""

    def __init__(self, spec: Any, parent: QWidget, path: str) -> None:
        super().__init__(parent)
        self.spec, self.path = spec, path
        self.setObjectName(f"row_{path}")
        self.editor = make_editor(spec, self)
        self.editor.setObjectName(f"field_{path}")
        self.label = QLabel(self)
        self.mark_required(bool(_opt(spec, "required")))
        self.label.setBuddy(self.editor)
        self.label.setMinimumWidth(150)
        self.label.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName(f"error_{path}")
        set_text_color(self.error, ERROR_COLOR)
        self.error.setWordWrap(True)
        self.error.hide()
        help_text = tr_text(_opt(spec, "help"))
        self.editor.setAccessibleName(tr_text(spec.label))
        if help_text:
            self.editor.setToolTip(help_text)
            self.editor.setAccessibleDescription(help_text)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 2, 0, 2)
        grid.addWidget(self.label, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.editor, 0, 1)
        grid.addWidget(self.error, 1, 1)
        grid.setColumnStretch(1, 1)

    def mark_required(self, required: bool) -> None:
        self.label.setText(tr_text(self.spec.label) + (" *" if required else ""))

    def value(self) -> Any:
        return self.editor.value()  # type: ignore[attr-defined]

    def set_value(self, value: Any) -> None:
        self.editor.set_value(value)  # type: ignore[attr-defined]

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.editor.setAccessibleDescription(message or tr_text(_opt(self.spec, "help")))

    def focus_widgets(self) -> list[QWidget]:
        focus = getattr(self.editor, "focus_widgets", None)
        return focus() if focus else [self.editor]


class FormView(QWidget):
    """The generated form. Signals: changed() on any edit."""

    changed = Signal()

    def __init__(
        self, specs: Iterable[Any], parent: QWidget | None = None, prefix: str = ""
    ) -> None:
        super().__init__(parent)
        self.prefix = prefix
        self.rows: dict[str, FieldRow] = {}
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        for spec in specs:
            row = FieldRow(spec, self, prefix + spec.code)
            self.rows[spec.code] = row
            box.addWidget(row)
            self._watch(row.editor)
        box.addStretch(1)

    def _watch(self, editor: QWidget) -> None:
        if isinstance(editor, QLineEdit):
            editor.textChanged.connect(self.changed)
        elif isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(self.changed)
        else:
            editor.changed.connect(self.changed)  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """Raw answers of the fields now shown (hidden fields are not answers)."""
        return {code: row.value() for code, row in self.rows.items() if not row.isHidden()}

    def all_values(self) -> dict[str, Any]:
        """Everything typed, shown or not: what the draft keeps."""
        return {code: row.value() for code, row in self.rows.items()}

    def set_values(self, values: Mapping[str, Any]) -> None:
        for code, value in values.items():
            if code in self.rows:
                self.rows[code].set_value(value)

    def set_problems(self, problems: Mapping[str, str]) -> None:
        """Show every problem at its field; clears the fields that are fine now."""
        for row in self.rows.values():
            row.set_error(problems.get(row.path, ""))
            if isinstance(row.editor, GroupEditor):
                row.editor.set_problems(problems)

    def apply_visibility(
        self, visible: set[str] | frozenset[str], required: set[str] | frozenset[str]
    ) -> None:
        """Show the fields the conditions show (paths from the validation report) and mark
        the ones now required; group entries follow the same paths."""
        for row in self.rows.values():
            row.setVisible(row.path in visible)
            row.mark_required(row.path in required)
            if isinstance(row.editor, GroupEditor):
                row.editor.apply_visibility(visible, required)

    def focus_widgets(self) -> list[QWidget]:
        """Focusable widgets in reading order (the tab order)."""
        out: list[QWidget] = []
        for row in self.rows.values():
            if not row.isHidden():
                out += row.focus_widgets()
        return out

    def first_error_widget(self) -> QWidget | None:
        for row in self.rows.values():
            if row.error.isVisibleTo(self) and not row.isHidden():
                return row.focus_widgets()[0] if row.focus_widgets() else row.editor
            if isinstance(row.editor, GroupEditor):
                for _f, view in row.editor.entries:
                    found = view.first_error_widget()
                    if found:
                        return found
        return None
