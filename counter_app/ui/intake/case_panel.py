"""The case panel: the application at a glance, beside every intake step.

A clerk moving through six pages loses sight of what was chosen on the first ones; the panel
keeps the item, the applicant (masked: the citizen behind may read the screen), the
materials checklist with ticks, the promised date, the fee and what is still missing in view
from the item picker to the receipt.

The panel reads the flow's state (`follow(flow)`); it never changes it. Typing updates it
through a short debounce, so a key press never waits for the panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from counter_app.ui.style import PANEL_WIDTH, SPACING
from counter_app.ui.widgets import tr_text

DEBOUNCE_MS = 80
TICK, CROSS, DASH, LATER = "✓", "✗", "–", "○"


@dataclass(frozen=True)
class Material:
    """One row of the checklist: `state` is "given", "missing", "deferred" (容缺, promised
    for later) or "optional"."""

    name: str
    state: str


@dataclass(frozen=True)
class Case:
    """What the panel shows, already masked and in the clerk's language."""

    item: str = ""
    applicant: tuple[str, ...] = ()
    materials: tuple[Material, ...] = ()
    promised: date | None = None
    fee: str = ""
    missing: tuple[str, ...] = ()


def masked_applicant(values: dict[str, str]) -> tuple[str, ...]:
    """Name, identifier and phone as the receipt masks them (one masking rule, in printing)."""
    from printing.model import mask_identifier, mask_name

    parts = (
        mask_name(values.get("name", "")),
        mask_identifier(values.get("id_no", "")),
        mask_identifier(values.get("phone", "")),
    )
    return tuple(p for p in parts if p)


def checklist(flow: Any) -> tuple[Material, ...]:
    """The materials with their state: from the materials step once it has its list, before
    that from the item (the materials required whatever the answers are)."""
    step = flow.materials
    if step.specs:
        return tuple(Material(tr_text(s.name), _state(step, s.code)) for s in step.specs)
    return tuple(
        Material(tr_text(m.name), "missing" if m.requirement == "required" else "optional")
        for m in flow.item.materials
    )


def _state(step: Any, code: str) -> str:
    if step.provided(code):
        return "given"
    if code in getattr(step, "deferred", {}):
        return "deferred"
    return "missing" if code in step.required else "optional"


def case_of(flow: Any) -> Case:
    """The panel's content for the flow as it is now."""
    from forms.workdays import add_working_days

    item = flow.item
    if item is None:
        return Case()
    materials = checklist(flow)
    missing = tuple(m.name for m in materials if m.state == "missing")
    return Case(
        item=f"{tr_text(item.name)} ({item.code})",
        applicant=masked_applicant(flow.applicant.values()),
        materials=materials,
        promised=add_working_days(flow.shell.backend.today_date(), int(item.promised_days)),
        fee=str(item.fee),
        missing=missing,
    )


class CasePanel(QFrame):
    """The application at a glance. No signals: it only shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("case_panel")
        self.setFixedWidth(PANEL_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(self.tr("This application"))
        self.values: dict[str, QLabel] = {}
        box = QVBoxLayout(self)
        box.setSpacing(SPACING // 2)
        box.setContentsMargins(SPACING * 2, SPACING * 2, SPACING * 2, SPACING * 2)
        title = QLabel(self.tr("This application"), self)
        title.setObjectName("case_title")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        box.addWidget(title)
        captions = {
            "item": self.tr("Item"),
            "applicant": self.tr("Applicant"),
            "materials": self.tr("Materials"),
            "promised": self.tr("Promised by"),
            "fee": self.tr("Fee"),
            "missing": self.tr("Still missing"),
        }
        for key, caption in captions.items():
            box.addWidget(self._caption(caption))
            value = QLabel(self)
            value.setObjectName(f"case_{key}")
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setProperty("role", "missing" if key == "missing" else "value")
            box.addWidget(value)
            self.values[key] = value
        box.addStretch(1)
        self._flow: Any = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(lambda: self.follow(self._flow))
        self.show_case(Case())

    def _caption(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setProperty("role", "caption")
        return label

    def follow(self, flow: Any) -> None:
        """Show the flow's application now."""
        self._flow = flow
        self._timer.stop()
        if flow is not None:
            self.show_case(case_of(flow))

    def follow_soon(self, flow: Any) -> None:
        """Show the flow's application after the typing pauses (debounced)."""
        self._flow = flow
        self._timer.start()

    def show_case(self, case: Case) -> None:
        none = self.tr("not yet")
        v = self.values
        v["item"].setText(case.item or self.tr("not chosen yet"))
        v["applicant"].setText("\n".join(case.applicant) or none)
        v["materials"].setText("\n".join(self._row(m) for m in case.materials) or none)
        v["promised"].setText(self._promised(case))
        v["fee"].setText(self._fee(case.fee))
        v["missing"].setText("\n".join(case.missing) or (self.tr("nothing") if case.item else DASH))
        v["missing"].setProperty("role", "missing" if case.missing else "done")
        v["missing"].style().polish(v["missing"])  # the colour follows the property

    def _row(self, material: Material) -> str:
        mark = {"given": TICK, "missing": CROSS, "deferred": LATER}.get(material.state, DASH)
        return f"{mark} {material.name}"

    def _promised(self, case: Case) -> str:
        if case.promised is None:
            return DASH
        if case.missing:
            return self.tr("{date} if complete today").format(date=case.promised.isoformat())
        return case.promised.isoformat()

    def _fee(self, fee: str) -> str:
        if not fee:
            return DASH
        return self.tr("free") if float(fee) == 0 else f"¥{fee}"

    def text(self) -> str:
        """Everything the panel shows, as plain text (what a reader of the screen sees)."""
        return "\n".join(label.text() for label in self.findChildren(QLabel))
