"""Fewer keys between fields: where the cursor goes when a step opens or a material is in.

The clerk benchmark (bench/bench_clerk.py) counts the keys a clerk presses beyond the data;
these two rules took out most of them: the form opens on its first empty field (name, ID
and phone are usually carried over from the applicant step, and three Tabs over them were
paid on every application), and once a material is attached the checklist moves to the next
one still missing, so the next Enter attaches that one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget


def is_empty(widget: QWidget) -> bool:
    """A field with nothing in it yet (check boxes and buttons never count as empty)."""
    if isinstance(widget, QLineEdit):
        return not widget.text()
    if isinstance(widget, QComboBox):
        return widget.currentIndex() <= 0
    return False


def first_empty(widgets: list[QWidget]) -> QWidget | None:
    """The first shown field still to fill, else the first field at all."""
    shown = [w for w in widgets if w.isVisibleTo(w.window())]
    return next((w for w in shown if is_empty(w)), shown[0] if shown else None)


def to_next_missing(step: Any) -> None:
    """Select the first required material still missing, from the selected row on
    (wrapping); leave the selection alone when nothing is missing."""
    count = len(step.specs)
    start = max(step.table.currentRow(), 0)
    for offset in range(count):
        row = (start + offset) % count
        spec = step.specs[row]
        if spec.code in step.required and not step.provided(spec.code):
            step.table.selectRow(row)
            return
