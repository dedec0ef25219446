"""Return moves on wherever it cannot mean a new line.

A multi-line editor, the materials table and the item picker use Return themselves; every
other Return that reaches the flow moves the cursor to the next field, and from the last
field of a page (or on a page without fields: signature, review) to the next step.
"""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

MOVES_ON = ("applicant", "form", "signature", "review")


def chain(widgets: list[QWidget]) -> None:
    """Tab walks `widgets` in this order (the form's fields, then Back and Next)."""
    for a, b in itertools.pairwise(widgets):
        QWidget.setTabOrder(a, b)


def is_plain_return(event: QKeyEvent) -> bool:
    plain = event.modifiers() in (
        Qt.KeyboardModifier.NoModifier,
        Qt.KeyboardModifier.KeypadModifier,
    )
    return plain and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def fields_of(flow: Any) -> list[QWidget]:
    """The fields Return walks through on the flow's current step."""
    if flow.step == "applicant":
        return list(flow.applicant.edits.values())
    if flow.step == "form" and flow.form is not None:
        return [w for w in flow.form.focus_widgets() if w.isVisibleTo(flow.form)]
    return []


def move_on(flow: Any, event: QKeyEvent) -> bool:
    """Handle a Return that reached the flow; False for any other key."""
    if not is_plain_return(event):
        return False
    fields = fields_of(flow)
    current = QApplication.focusWidget()
    if current in fields and current is not fields[-1]:
        fields[fields.index(current) + 1].setFocus()
    elif flow.step in MOVES_ON:
        flow.next()
    return True
