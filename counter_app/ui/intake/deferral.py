"""容缺 on the materials step: the clerk marks a deferrable material "bring it later" with one
key and picks the catch-up date (default: the latest the promised limit allows). The limit
itself is checked by the service (`counter_app.intake.deferral`), whose message is shown
here, at the date field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QSizePolicy, QWidget

from counter_app.ui.widgets import error_label, show_error, tr_text


def deferrable(spec: Any) -> bool:
    """Only what the item's definition marks deferrable, never a main material."""
    return bool(getattr(spec, "deferrable", False)) and not getattr(spec, "main", False)


class DeferralField(QWidget):
    """The catch-up date of the selected deferred material and the service's message about
    it. Signals: due_changed(object) with the new `date`."""

    due_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deferral_field")
        self.label = QLabel(self)
        self.date = QDateEdit(self)
        self.date.setObjectName("deferral_date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.date.setAccessibleName(self.tr("Catch-up date"))
        self.label.setBuddy(self.date)
        self.problem = error_label(self, "deferral_problem")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.date)
        row.addWidget(self.problem, 1)
        row.addStretch(0)
        self.date.dateChanged.connect(lambda d: self.due_changed.emit(d.toPython()))
        self.hide()

    def show_for(self, spec: Any, due: date | None) -> None:
        """Show the date of `spec` when it is deferred (`due`), hide the field otherwise."""
        if spec is None or due is None:
            self.hide()
            return
        self.label.setText(
            self.tr("容缺 {material}: bring it by").format(material=tr_text(spec.name))
        )
        self.date.blockSignals(True)
        self.date.setDate(QDate(due.year, due.month, due.day))
        self.date.blockSignals(False)
        self.show()

    def set_problem(self, message: str) -> None:
        show_error(self.problem, message)


def toggle(step: Any) -> None:
    """容缺 on the selected material of `step` (a MaterialsStep), or off again; the date
    starts at the latest the promised limit allows."""
    code = step.current_code()
    if code is None or not step.defer_button.isEnabled():
        return
    if step.deferred.pop(code, None) is None:
        step.deferred[code] = step.latest or date.today()
    step._set_problem(code)
    step.deferral.set_problem("")
    step.refresh()
    step.changed.emit()
    if code in step.deferred:
        step.deferral.date.setFocus()


def set_due(step: Any, due: date) -> None:
    """The clerk picked another catch-up date for the selected deferred material."""
    code = step.current_code()
    if code in step.deferred:
        step.deferred[code] = due
        step._set_problem(code)
        step.deferral.set_problem("")
        step.table.item(step.table.currentRow(), 2).setText(step._given(step.spec(code)))
        step.changed.emit()
