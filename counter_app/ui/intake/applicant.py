"""Step 2: the applicant. The identifier comes first ("one number"), is checked as it is
typed, and once valid the terminal is asked what it already knows about that person or
company: name and phone are filled in, earlier answers and reusable materials are offered.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from counter_app.desk import Known
from counter_app.ui.widgets import ERROR_COLOR, set_text_color, show_error, tr_text

FIELDS = ("id_no", "name", "phone")


class ApplicantStep(QWidget):
    """Signals: changed(); identifier_valid(str) with the normalised identifier, once per
    new valid identifier (the flow asks the backend for prefill data)."""

    changed = Signal()
    identifier_valid = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = "person"
        self.edits: dict[str, QLineEdit] = {}
        self.labels: list[QLabel] = []
        self.errors: dict[str, QLabel] = {}
        self.heading = QLabel(self)
        self.known = QLabel(self)
        self.known.setObjectName("known_applicant")
        self.known.setWordWrap(True)
        form = QFormLayout()
        for code in FIELDS:
            edit = QLineEdit(self)
            edit.setObjectName(f"applicant_{code}")
            error = QLabel(self)
            error.setObjectName(f"error_applicant.{code}")
            set_text_color(error, ERROR_COLOR)
            error.hide()
            self.edits[code], self.errors[code] = edit, error
            box = QVBoxLayout()
            box.addWidget(edit)
            box.addWidget(error)
            label = QLabel(self)
            label.setBuddy(edit)
            self.labels.append(label)
            form.addRow(label, box)
            edit.textChanged.connect(self._edited)
        self.edits["id_no"].setMaxLength(18)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.known)
        layout.addStretch(1)
        self._last_valid = ""
        self._touched: set[str] = set()
        self.set_kind("person")

    def set_kind(self, kind: str) -> None:
        """A person gives a resident ID; a company its unified social credit code."""
        self.kind = kind
        company = kind == "company"
        self.heading.setText(
            self.tr("Applicant (company)") if company else self.tr("Applicant (person)")
        )
        texts = (
            self.tr("&Credit code *") if company else self.tr("Resident &ID *"),
            self.tr("Company &name *") if company else self.tr("&Name *"),
            self.tr("&Phone *"),
        )
        for label, text, code in zip(self.labels, texts, FIELDS, strict=True):
            label.setText(text)
            self.edits[code].setAccessibleName(text.replace("&", "").rstrip(" *"))

    def values(self) -> dict[str, str]:
        return {"kind": self.kind, **{code: self.edits[code].text() for code in FIELDS}}

    def set_values(self, values: Mapping[str, str]) -> None:
        for code in FIELDS:
            self.edits[code].setText(values.get(code, ""))

    def reset(self) -> None:
        """A new application: empty fields, no errors, nothing known, nothing touched, and
        the same identifier as last time is looked up again."""
        for code in FIELDS:
            self.edits[code].blockSignals(True)
            self.edits[code].clear()
            self.edits[code].blockSignals(False)
            show_error(self.errors[code], "")
        self._touched.clear()
        self._last_valid = ""
        self.known.clear()

    def _edited(self) -> None:
        sender = self.sender()
        for code, edit in self.edits.items():
            if edit is sender:
                self._touched.add(code)
        self.check(only_touched=True)
        self.changed.emit()

    def check(self, only_touched: bool = False) -> bool:
        """Validate and show problems at their fields; True when the applicant is fine."""
        from forms.applicant import validate_applicant

        v = self.values()
        report = validate_applicant(v["kind"], v["id_no"], v["name"], v["phone"])
        for code in FIELDS:
            shown = not only_touched or code in self._touched
            problem = report.for_field(f"applicant.{code}") if shown else ()
            message = "; ".join(tr_text(p.text) for p in problem)
            self.errors[code].setText(message)
            self.errors[code].setVisible(bool(message))
        if not report.for_field("applicant.id_no"):
            normal = str(report.cleaned.get("id_no", v["id_no"].strip().upper()))
            if normal != self._last_valid:
                self._last_valid = normal
                self.identifier_valid.emit(normal)
        return bool(report.ok)

    def apply_prefill(self, known: Known | None) -> None:
        """Fill empty name/phone from what the terminal knows; say what is reused."""
        if not known:
            self.known.setText(self.tr("New applicant: nothing on file yet."))
            return
        for code, value in (("name", known.name), ("phone", known.phone)):
            if not self.edits[code].text() and value:
                self.edits[code].setText(value)
        materials = known.materials
        self.known.setText(
            self.tr(
                "Known applicant: details filled in; {n} material(s) on file can be reused."
            ).format(n=len(materials))
        )

    def first_error(self) -> QWidget | None:
        for code in FIELDS:
            if self.errors[code].isVisibleTo(self):
                return self.edits[code]
        return None

    def focus(self) -> None:
        self.edits["id_no"].setFocus()
