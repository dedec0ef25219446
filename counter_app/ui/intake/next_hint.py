"""The "what next" line under every intake step, in the clerk's words.

It names the keys from the window's one table of keys (`counter_app.ui.keys`), the table the
buttons take their shortcuts from, so the line can never promise a key that does nothing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from counter_app.ui.keys import BY_NAME

#: placeholder in the texts -> action in the key table
KEYS = {
    "next": "next",
    "enter": "return",
    "row_enter": "materials_return",
    "attach": "attach",
    "reuse": "reuse",
    "clear": "clear_signature",
    "print": "print",
    "save": "save_pdf",
    "new": "nav_new",
}


def shown_keys() -> dict[str, str]:
    """Every key the line may name, as the keyboard shows it in the active language."""
    return {slot: BY_NAME[action].shown() for slot, action in KEYS.items()}


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
        texts = self._texts(flow.step, bool(flow.materials.missing()), flow.materials.specs != [])
        return texts.format(**shown_keys())

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
                "Pick a row: {row_enter} or {attach} attaches a scan, {reuse} reuses a copy on "
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
