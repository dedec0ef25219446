"""The "what next" line under every intake step, in the clerk's words.

It names the key that really works: each key is read from the shortcut of the button that
carries the action (the same object the key press reaches), so a relabelled or rebound
button changes the line with it and the line can never promise a key that does nothing.
Keys that are not on a button (Enter in the item filter and on a materials row, Tab) are
the widgets' own and are fixed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget


def key_of(root: QWidget | None, name: str) -> str:
    """The shortcut of the button called `name` under `root`, as the keyboard shows it."""
    if root is None:
        return ""
    found = root.findChild(QAbstractButton, name)
    if found is None:
        return ""
    return found.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


class NextHint(QLabel):
    """One line saying what to do next on the current step. No signals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("next_hint")
        self.setWordWrap(True)
        self.setAccessibleName(self.tr("What next"))

    def follow(self, flow: Any) -> None:
        """Say what comes next on the flow's current step."""
        self.setText(self.line(flow))

    def line(self, flow: Any) -> str:
        step = flow.step
        keys = {
            "next": key_of(flow, "next"),
            "enter": QKeySequence("Return").toString(QKeySequence.SequenceFormat.NativeText),
            "attach": key_of(flow, "attach"),
            "reuse": key_of(flow, "reuse"),
            "clear": key_of(flow, "clear_signature"),
            "print": key_of(flow, "print"),
            "save": key_of(flow, "save_pdf"),
            "new": key_of(flow.window(), "nav_new"),
        }
        texts = self._texts(step, bool(flow.materials.missing()), flow.materials.specs != [])
        return texts.format(**keys)

    def _texts(self, step: str, missing: bool, listed: bool) -> str:
        if step == "item":
            return self.tr("Type the item's name, code or pinyin initials, then press {enter}.")
        if step == "applicant":
            return self.tr(
                "Type the ID number first (a known applicant fills in); {next}: the form."
            )
        if step == "form":
            return self.tr("Fill in the fields marked *; Tab moves on; {next}: check and go on.")
        if step == "materials" and missing and listed:
            return self.tr(
                "Pick a row: {enter} or {attach} attaches a scan, {reuse} reuses a copy on "
                "file; {next}: go on (a one-time notice will list what is missing)."
            )
        if step == "materials":
            return self.tr("Every required material is here; {next}: on to the signature.")
        if step == "signature":
            return self.tr("The applicant signs on the pad ({clear} starts again); {next}: review.")
        if step == "review" and missing:
            return self.tr("Read it through with the applicant; {next} issues the one-time notice.")
        if step == "review":
            return self.tr(
                "Read it through with the applicant; {next} accepts and makes the receipt."
            )
        return self.tr("{print}: print the receipt, {save}: save it as PDF; {new}: next applicant.")
